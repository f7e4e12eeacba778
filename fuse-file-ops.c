/*
 * File operations: OPEN and CREATE hand out handles; READ and WRITE move
 * data with preadv/pwritev straight between the host file and the guest's
 * buffers (no bounce buffer); the rest act on a handle's fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-confine.h"
#include "fuse-iov.h"
#include "fuse-mapped.h"
#include "fuse-new-node.h"
#include "fuse-node.h"
#include "fuse-ops.h"
#include "fuse-req.h"

/* Open flags the guest may pass on; the rest are ours to choose. */
#define GUEST_OPEN_FLAGS (O_ACCMODE | O_APPEND | O_TRUNC | O_SYNC | O_DSYNC)
#define COPY_CHUNK_MAX   (1u << 30) /* the reply's size field is 32 bits */

static uint32_t file_open_flags(const struct fuse_server *srv)
{
    uint32_t open_flags = 0;
    switch (srv->opts.cache) {
    case FS_CACHE_NEVER:
        open_flags = FOPEN_DIRECT_IO;
        break;
    case FS_CACHE_ALWAYS:
        open_flags = FOPEN_KEEP_CACHE;
        break;
    default:
        break;
    }
    /*
     * Our FLUSH has no work: WRITE is write-through to the host fd and
     * locks stay in the guest. So spare the guest a FLUSH round trip on
     * every close. The guest then also skips pushing pages dirtied
     * through a shared mapping at close; they reach the host by its
     * writeback or an fsync, as on any file system.
     */
    open_flags |= FOPEN_NOFLUSH;
    return open_flags;
}

static bool opens_for_writing(uint32_t flags)
{
    return (flags & O_ACCMODE) != O_RDONLY || (flags & O_TRUNC);
}

/* WRITE and COPY_FILE_RANGE: bytes written (both keep n in 32 bits). */
static int reply_written(struct fuse_req *req, size_t n)
{
    memset(&req->out.write, 0, sizeof(req->out.write));
    req->out.write.size = (uint32_t)n;
    return sizeof(req->out.write);
}

static int reply_open(struct fuse_req *req, int fd, struct fuse_open_out *out)
{
    uint64_t fh;
    int ret = fs_handle_add(&req->srv->handles, fd, NULL, &fh);
    if (ret < 0)
        return ret;
    memset(out, 0, sizeof(*out));
    out->fh = fh;
    out->open_flags = file_open_flags(req->srv);
    return 0;
}

int fuse_do_open(struct fuse_req *req)
{
    const struct fuse_open_in *in = fuse_req_args(req);
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    if (req->srv->opts.read_only && opens_for_writing(in->flags))
        return -EROFS;
    if (node->type == S_IFDIR)
        return -EISDIR;
    if (opens_for_writing(in->flags) &&
        (ret = fuse_confine_check(req->srv, node)) < 0)
        return ret;
    int fd =
        fuse_node_open(req->srv, node, (int)(in->flags & GUEST_OPEN_FLAGS));
    if (fd < 0)
        return fd;
    if ((in->open_flags & FUSE_OPEN_KILL_SUIDGID) && (in->flags & O_TRUNC) &&
        (ret = fuse_node_kill_suidgid(req->srv, fd)) < 0) {
        fs_fd_budget_close(&req->srv->fds, fd);
        return ret;
    }
    ret = reply_open(req, fd, &req->out.open);
    return ret < 0 ? ret : (int)sizeof(req->out.open);
}

/* CREATE without O_EXCL on an existing name: open it as OPEN would. */
static int create_open_existing(struct fuse_req *req, struct fs_node *dir,
                                const char *name, int flags, bool kill_priv)
{
    struct fuse_server *srv = req->srv;
    int ret = fuse_node_lookup(srv, dir->fd, name, &req->out.create.entry);
    if (ret < 0)
        return ret;
    struct fs_node *node =
        fs_inode_find(&srv->inodes, req->out.create.entry.nodeid);
    int fd = node->type == S_IFDIR ? -EISDIR : fuse_node_open(srv, node, flags);
    if (fd >= 0 && kill_priv && (ret = fuse_node_kill_suidgid(srv, fd)) < 0)
        fs_fd_budget_close(&srv->fds, fd);
    else if (fd >= 0)
        ret = reply_open(req, fd, &req->out.create.open);
    else
        ret = fd;
    if (ret < 0)
        fs_inode_forget(&srv->inodes, node, 1);
    return ret;
}

/*
 * CREATE made a new file `name`, open as fd: adopt it, make its node,
 * reply; on failure the file goes again.
 */
static int create_new(struct fuse_req *req, struct fs_node *dir,
                      const char *name, int fd, mode_t mode)
{
    struct fuse_server *srv = req->srv;
    struct fs_fd_link link;
    struct stat st;

    fs_fd_budget_take(&srv->fds); /* room was made for both */
    fs_fd_budget_take(&srv->fds);
    fs_fd_link(fd, &link); /* the same inode */
    int node_fd = openat(link.dir, link.name, O_PATH | O_CLOEXEC);
    int ret = node_fd < 0 ? -errno
                          : fuse_new_node_adopt(req, dir, node_fd, S_IFREG,
                                                mode, 0, &st);
    if (ret < 0) {
        if (node_fd >= 0)
            close(node_fd);
        fs_fd_budget_give(&srv->fds);
    } else {
        ret = fuse_node_entry_from_stat(srv, node_fd, &st,
                                        &req->out.create.entry);
    }
    if (ret == 0) {
        ret = reply_open(req, fd, &req->out.create.open); /* takes fd */
        if (ret == 0)
            return 0;
        fs_inode_forget(
            &srv->inodes,
            fs_inode_find(&srv->inodes, req->out.create.entry.nodeid), 1);
        /* fd is closed: the name is the file made a moment ago. */
        fuse_new_node_undo(dir->fd, name, -1, S_IFREG);
        return ret;
    }
    fuse_new_node_undo(dir->fd, name, fd, S_IFREG);
    fs_fd_budget_close(&srv->fds, fd);
    return ret;
}

int fuse_do_create(struct fuse_req *req)
{
    const struct fuse_create_in *in = fuse_req_args(req);
    struct fs_node *dir;
    const char *name;
    size_t pos = sizeof(*in);

    int ret = fuse_req_dir(req, &dir);
    if (ret == 0)
        ret = fuse_req_new_name(req, &pos, &name);
    if (ret < 0)
        return ret;
    if (!fs_fd_budget_room(&req->srv->fds, 2)) /* the file and its node */
        return -EMFILE;
    int flags = (int)(in->flags & GUEST_OPEN_FLAGS);
    mode_t mode = in->mode & ~in->umask & 07777;

    /* O_EXCL first: an existing name is never opened as a side effect. */
    int fd = openat(dir->fd, name,
                    flags | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC |
                        O_NOCTTY | O_NONBLOCK,
                    fuse_mapped_on(req->srv) ? FUSE_MAPPED_FILE_MODE : mode);
    if (fd >= 0)
        ret = create_new(req, dir, name, fd, mode);
    else if (errno == EEXIST && !(in->flags & O_EXCL))
        ret = create_open_existing(req, dir, name, flags,
                                   (in->open_flags & FUSE_OPEN_KILL_SUIDGID) &&
                                       (flags & O_TRUNC));
    else
        ret = -errno;
    return ret < 0 ? ret : (int)sizeof(req->out.create);
}

/*
 * Move size bytes between fd at file offset `offset` and the guest's
 * buffers from byte `at` of iov on, in as many preadv/pwritev calls as it
 * takes. The bytes moved (fewer at end of file or after an error), or
 * -errno when none could be.
 */
static ssize_t move_data(int fd, bool to_file, const struct iovec *iov,
                         unsigned count, size_t at, size_t size,
                         uint64_t offset)
{
    struct iovec slice[IOV_MAX];
    size_t done = 0;

    while (done < size) {
        size_t got;
        unsigned n = fuse_iov_slice(iov, count, at + done, size - done, slice,
                                    IOV_MAX, &got);
        off_t pos = (off_t)(offset + done);
        ssize_t r = to_file ? pwritev(fd, slice, (int)n, pos)
                            : preadv(fd, slice, (int)n, pos);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && done == 0)
            return -errno;
        if (r <= 0)
            break; /* end of file, or an error after some data */
        done += (size_t)r;
    }
    return (ssize_t)done;
}

int fuse_do_read(struct fuse_req *req)
{
    const struct fuse_read_in *in = fuse_req_args(req);
    struct fs_handle *h = fuse_req_file(req, in->fh);
    size_t size = in->size;

    if (!h)
        return -EBADF;
    if (in->offset > INT64_MAX)
        return -EINVAL;
    if (size > fuse_req_reply_room(req))
        size = fuse_req_reply_room(req);
    ssize_t done = move_data(h->fd, false, req->reply_iov, req->reply_count,
                             sizeof(struct fuse_out_header), size, in->offset);
    if (done < 0)
        return (int)done;
    req->reply_in_place = true;
    return (int)done;
}

int fuse_do_write(struct fuse_req *req)
{
    const struct fuse_write_in *in = fuse_req_args(req);
    struct fs_handle *h = fuse_req_file(req, in->fh);

    if (!h)
        return -EBADF;
    if (in->offset > INT64_MAX)
        return -EINVAL;
    /* The payload must really be there (in.len already fits the iovecs). */
    if (in->size > req->arg_len - sizeof(*in))
        return -EINVAL;
    if (in->write_flags & FUSE_WRITE_KILL_SUIDGID) {
        int ret = fuse_node_kill_suidgid(req->srv, h->fd);
        if (ret < 0)
            return ret;
    }
    ssize_t done =
        move_data(h->fd, true, req->req_iov, req->req_count,
                  sizeof(req->in) + sizeof(*in), in->size, in->offset);
    return done < 0 ? (int)done : reply_written(req, (size_t)done);
}

/* Data goes to the host at every WRITE; close() implies no sync. */
int fuse_do_flush(struct fuse_req *req)
{
    const struct fuse_flush_in *in = fuse_req_args(req);
    return fuse_req_file(req, in->fh) ? 0 : -EBADF;
}

int fuse_do_release(struct fuse_req *req)
{
    const struct fuse_release_in *in = fuse_req_args(req);
    return fs_handle_release(&req->srv->handles, in->fh, false) ? 0 : -EBADF;
}

int fuse_do_fsync(struct fuse_req *req)
{
    const struct fuse_fsync_in *in = fuse_req_args(req);
    return fs_handle_sync(&req->srv->handles, in->fh, false,
                          in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}

int fuse_do_fallocate(struct fuse_req *req)
{
    const struct fuse_fallocate_in *in = fuse_req_args(req);
    struct fs_handle *h = fuse_req_file(req, in->fh);
    if (!h)
        return -EBADF;
    if (in->offset > INT64_MAX || in->length > INT64_MAX)
        return -EINVAL;
    if (fallocate(h->fd, (int)in->mode, (off_t)in->offset, (off_t)in->length) <
        0)
        return -errno;
    return 0;
}

int fuse_do_lseek(struct fuse_req *req)
{
    const struct fuse_lseek_in *in = fuse_req_args(req);
    struct fs_handle *h = fuse_req_file(req, in->fh);
    if (!h)
        return -EBADF;
    if (in->whence != SEEK_DATA && in->whence != SEEK_HOLE &&
        in->whence != SEEK_SET && in->whence != SEEK_END)
        return -EINVAL;
    off_t at = lseek(h->fd, (off_t)in->offset, (int)in->whence);
    if (at < 0)
        return -errno;
    memset(&req->out.lseek, 0, sizeof(req->out.lseek));
    req->out.lseek.offset = (uint64_t)at;
    return sizeof(req->out.lseek);
}

int fuse_do_copy_file_range(struct fuse_req *req)
{
    const struct fuse_copy_file_range_in *in = fuse_req_args(req);
    struct fs_handle *from = fuse_req_file(req, in->fh_in);
    struct fs_handle *to = fuse_req_file(req, in->fh_out);
    if (!from || !to)
        return -EBADF;
    if (in->off_in > INT64_MAX || in->off_out > INT64_MAX || in->flags)
        return -EINVAL;
    loff_t off_in = (loff_t)in->off_in, off_out = (loff_t)in->off_out;
    size_t len = in->len < COPY_CHUNK_MAX ? in->len : COPY_CHUNK_MAX;
    ssize_t r = copy_file_range(from->fd, &off_in, to->fd, &off_out, len, 0);
    if (r < 0)
        return -errno;
    return reply_written(req, (size_t)r);
}

int fuse_do_syncfs(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    int fd = fuse_node_open(srv, srv->inodes.root, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd;
    int ret = syncfs(fd) < 0 ? -errno : 0;
    fs_fd_budget_close(&srv->fds, fd);
    return ret;
}
