/*
 * Node operations: LOOKUP and FORGET, attributes, STATFS, ACCESS, READLINK.
 * Every host call is relative to a node's O_PATH fd and never follows a
 * symlink, so no request resolves a path outside the share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-confine.h"
#include "fuse-iov.h"
#include "fuse-mapped.h"
#include "fuse-node.h"
#include "fuse-ops.h"
#include "fuse-req.h"

/*
 * "." is the directory itself; ".." of the root is the root; any other
 * ".." is the host parent, if it lies inside the share (the host may have
 * moved the directory out).
 */
static int lookup_dot(struct fuse_req *req, struct fs_node *dir, bool dotdot)
{
    struct fuse_server *srv = req->srv;
    struct stat st;

    if (!dotdot || dir == srv->inodes.root) {
        if (fstat(dir->fd, &st) < 0)
            return -errno;
        dir->nlookup++;
        fuse_node_fill_entry(srv, dir, &st, &req->out.entry);
        return sizeof(req->out.entry);
    }
    if (!fs_fd_budget_take(&srv->fds))
        return -EMFILE;
    int fd = openat(dir->fd, "..", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    int ret = fd < 0 || fstat(fd, &st) < 0 ? -errno : 0;
    if (ret == 0 && !fs_inode_find_stat(&srv->inodes, &st) &&
        !fuse_confine_dir_inside(srv, fd))
        ret = -ENOENT;
    if (ret < 0) {
        if (fd >= 0)
            close(fd);
        fs_fd_budget_give(&srv->fds);
        return ret;
    }
    ret = fuse_node_entry_from_fd(srv, fd, &req->out.entry);
    return ret < 0 ? ret : (int)sizeof(req->out.entry);
}

int fuse_do_lookup(struct fuse_req *req)
{
    struct fs_node *dir;
    const char *name;
    size_t pos = 0;
    int ret = fuse_req_dir(req, &dir);
    if (ret < 0)
        return ret;
    ret = fuse_req_string(req, &pos, &name);
    if (ret < 0)
        return ret;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return lookup_dot(req, dir, name[1] == '.');
    pos = 0;
    ret = fuse_req_new_name(req, &pos, &name);
    if (ret == 0)
        ret = fuse_node_lookup(req->srv, dir->fd, name, &req->out.entry);
    if (ret == -ENOENT && req->srv->opts.cache == FS_CACHE_ALWAYS) {
        /* Node id 0: the guest may cache that the name is absent. */
        memset(&req->out.entry, 0, sizeof(req->out.entry));
        req->out.entry.entry_valid = req->srv->entry_timeout;
        ret = 0;
    }
    return ret < 0 ? ret : (int)sizeof(req->out.entry);
}

int fuse_do_forget(struct fuse_req *req)
{
    const struct fuse_forget_in *in = fuse_req_args(req);
    struct fs_node *node = fs_inode_find(&req->srv->inodes, req->in.nodeid);
    if (node)
        fs_inode_forget(&req->srv->inodes, node, in->nlookup);
    return 0;
}

int fuse_do_batch_forget(struct fuse_req *req)
{
    const struct fuse_batch_forget_in *in = fuse_req_args(req);
    size_t at = sizeof(req->in) + sizeof(*in);
    size_t present =
        (req->arg_len - sizeof(*in)) / sizeof(struct fuse_forget_one);
    size_t count = in->count < present ? in->count : present;

    for (size_t i = 0; i < count; i++) {
        struct fuse_forget_one one;
        fuse_iov_read(req->req_iov, req->req_count, at + i * sizeof(one), &one,
                      sizeof(one));
        struct fs_node *node = fs_inode_find(&req->srv->inodes, one.nodeid);
        if (node)
            fs_inode_forget(&req->srv->inodes, node, one.nlookup);
    }
    return 0;
}

static int reply_attr(struct fuse_req *req, struct fs_node *node)
{
    struct stat st;
    if (fstat(node->fd, &st) < 0)
        return -errno;
    fuse_mapped_stat(req->srv, node, &st);
    memset(&req->out.attr, 0, sizeof(req->out.attr));
    req->out.attr.attr_valid = req->srv->attr_timeout;
    fuse_node_fill_attr(&st, &req->out.attr.attr);
    return sizeof(req->out.attr);
}

int fuse_do_getattr(struct fuse_req *req)
{
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    return ret < 0 ? ret : reply_attr(req, node);
}

static struct timespec setattr_time(uint32_t valid, uint32_t set, uint32_t now,
                                    uint64_t sec, uint32_t nsec)
{
    if (!(valid & set))
        return (struct timespec){.tv_nsec = UTIME_OMIT};
    if (valid & now)
        return (struct timespec){.tv_nsec = UTIME_NOW};
    return (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = nsec};
}

static int truncate_node(struct fuse_server *srv, struct fs_node *node,
                         const struct fs_handle *h, uint64_t size)
{
    if (size > INT64_MAX)
        return -EINVAL;
    if (h)
        return ftruncate(h->fd, (off_t)size) < 0 ? -errno : 0;
    if (node->type == S_IFDIR)
        return -EISDIR;
    int fd = fuse_node_open(srv, node, O_WRONLY);
    if (fd < 0)
        return fd;
    int ret = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
    fs_fd_budget_close(&srv->fds, fd);
    return ret;
}

/*
 * Mapped owner and mode: a chown clears setuid (and setgid when group
 * executable) from a non-directory as Linux does; an explicit mode wins.
 * The host inode's ctime moves with the attribute.
 */
static int setattr_mapped(struct fuse_server *srv, struct fs_node *node,
                          const struct fuse_setattr_in *in)
{
    struct stat st;
    struct fs_mapped_attr m;
    if (fstat(node->fd, &st) < 0)
        return -errno;
    int ret = fuse_mapped_get(node, node->fd, &st, &m);
    if (ret < 0 && ret != -ENODATA)
        return ret;
    if (in->valid & FATTR_UID)
        m.uid = in->uid;
    if (in->valid & FATTR_GID)
        m.gid = in->gid;
    if (in->valid & (FATTR_UID | FATTR_GID))
        m.mode = fuse_mapped_kill_suidgid(m.mode);
    if (in->valid & FATTR_MODE)
        m.mode = (m.mode & S_IFMT) | (in->mode & 07777);
    return fuse_mapped_set(srv, node->fd, &m);
}

/* Owner first (chown clears setuid bits), then mode, size, times. */
int fuse_do_setattr(struct fuse_req *req)
{
    const struct fuse_setattr_in *in = fuse_req_args(req);
    struct fs_node *node;
    const struct fs_handle *h = NULL;
    struct fs_fd_link link;
    int ret = fuse_req_node(req, &node);

    if (ret < 0)
        return ret;
    if (in->valid & FATTR_FH) {
        h = fs_handle_get(&req->srv->handles, in->fh, false);
        if (!h)
            return -EBADF;
    }
    if (fuse_mapped_on(req->srv) && node->type != S_IFLNK &&
        (in->valid & (FATTR_UID | FATTR_GID | FATTR_MODE))) {
        int ret = setattr_mapped(req->srv, node, in);
        if (ret < 0)
            return ret;
    } else if (in->valid & (FATTR_UID | FATTR_GID)) {
        uid_t uid = in->valid & FATTR_UID ? in->uid : (uid_t)-1;
        gid_t gid = in->valid & FATTR_GID ? in->gid : (gid_t)-1;
        if (fchownat(node->fd, "", uid, gid,
                     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    /* Before an explicit mode, which then wins. */
    if ((in->valid & FATTR_KILL_SUIDGID) && node->type == S_IFREG &&
        !(fuse_mapped_on(req->srv) && (in->valid & FATTR_MODE))) {
        int ret = fuse_node_kill_suidgid(req->srv, node->fd);
        if (ret < 0)
            return ret;
    }
    if ((in->valid & FATTR_MODE) &&
        (!fuse_mapped_on(req->srv) || node->type == S_IFLNK)) {
        if (node->type == S_IFLNK)
            return -EOPNOTSUPP;
        fs_fd_link(node->fd, &link);
        if (fchmodat(link.dir, link.name, in->mode & 07777, 0) < 0)
            return -errno;
    }
    if (in->valid & FATTR_SIZE) {
        int ret = truncate_node(req->srv, node, h, in->size);
        if (ret < 0)
            return ret;
    }
    if (in->valid & (FATTR_ATIME | FATTR_MTIME)) {
        struct timespec times[2] = {
            setattr_time(in->valid, FATTR_ATIME, FATTR_ATIME_NOW, in->atime,
                         in->atimensec),
            setattr_time(in->valid, FATTR_MTIME, FATTR_MTIME_NOW, in->mtime,
                         in->mtimensec),
        };
        if (utimensat(node->fd, "", times, AT_EMPTY_PATH) < 0)
            return -errno;
    }
    return reply_attr(req, node);
}

int fuse_do_statfs(struct fuse_req *req)
{
    struct fs_node *node;
    struct statvfs sv;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    if (fstatvfs(node->fd, &sv) < 0)
        return -errno;
    struct fuse_kstatfs *st = &req->out.statfs.st;
    memset(&req->out.statfs, 0, sizeof(req->out.statfs));
    st->blocks = sv.f_blocks;
    st->bfree = sv.f_bfree;
    st->bavail = sv.f_bavail;
    st->files = sv.f_files;
    st->ffree = sv.f_ffree;
    st->bsize = (uint32_t)sv.f_bsize;
    st->namelen = (uint32_t)sv.f_namemax;
    st->frsize = (uint32_t)sv.f_frsize;
    return sizeof(req->out.statfs);
}

int fuse_do_access(struct fuse_req *req)
{
    const struct fuse_access_in *in = fuse_req_args(req);
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    if ((in->mask & W_OK) && req->srv->opts.read_only)
        return -EROFS;
    if (fuse_mapped_on(req->srv))
        return 0; /* the guest checks its own modes; host ones are ours */
    if (faccessat(node->fd, "", (int)(in->mask & (R_OK | W_OK | X_OK)),
                  AT_EMPTY_PATH | AT_EACCESS) < 0)
        return -errno;
    return 0;
}

/* A mapped symlink: a regular file holding the target. */
static ssize_t read_mapped_link(struct fuse_server *srv, struct fs_node *node)
{
    struct stat st;
    struct fs_mapped_attr m;
    if (fstat(node->fd, &st) < 0)
        return -1;
    if (fuse_mapped_get(node, node->fd, &st, &m) < 0 || !S_ISLNK(m.mode)) {
        errno = EINVAL;
        return -1;
    }
    int fd = fuse_node_open(srv, node, O_RDONLY);
    if (fd < 0) {
        errno = -fd;
        return -1;
    }
    ssize_t len = pread(fd, srv->value, PATH_MAX, 0);
    int err = errno;
    fs_fd_budget_close(&srv->fds, fd);
    errno = err;
    return len;
}

int fuse_do_readlink(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    ssize_t len;
    if (fuse_mapped_on(srv) && node->type == S_IFREG)
        len = read_mapped_link(srv, node);
    else if (node->type != S_IFLNK)
        return -EINVAL;
    else
        len = readlinkat(node->fd, "", (char *)srv->value, PATH_MAX);
    if (len < 0)
        return -errno;
    if ((size_t)len > fuse_req_reply_room(req))
        return -ERANGE;
    fuse_iov_write(req->reply_iov, req->reply_count,
                   sizeof(struct fuse_out_header), srv->value, (size_t)len);
    req->reply_in_place = true;
    return (int)len;
}
