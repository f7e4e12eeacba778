/*
 * Directory handles: OPENDIR keeps a host DIR per handle, and READDIR /
 * READDIRPLUS use the host's d_off cookies as FUSE offsets (seekdir when
 * the guest asks for another place), so listings stay exact on huge
 * directories and while entries come and go.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <string.h>

#include "fuse-iov.h"
#include "fuse-mapped.h"
#include "fuse-node.h"
#include "fuse-ops.h"
#include "fuse-req.h"

int fuse_do_opendir(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fs_node *node;
    uint64_t fh;
    int ret = fuse_req_dir(req, &node);
    if (ret < 0)
        return ret;
    int fd = fuse_node_open(srv, node, O_RDONLY | O_DIRECTORY);
    if (fd < 0)
        return fd;
    DIR *dir = fdopendir(fd);
    if (!dir) {
        ret = -errno;
        fs_fd_budget_close(&srv->fds, fd);
        return ret;
    }
    ret = fs_handle_add(&srv->handles, fd, dir, &fh);
    if (ret < 0)
        return ret;
    memset(&req->out.open, 0, sizeof(req->out.open));
    req->out.open.fh = fh;
    return sizeof(req->out.open);
}

static void seek_dir(struct fs_handle *h, uint64_t offset)
{
    if (offset == 0)
        rewinddir(h->dir);
    else
        seekdir(h->dir, (long)offset);
    h->dir_at = offset;
    h->has_pending = false;
}

static bool is_dot_or_dotdot(const char *name)
{
    return name[0] == '.' &&
           (name[1] == '\0' || (name[1] == '.' && name[2] == '\0'));
}

/* One reply entry, built here then copied into the guest's buffer. */
union dir_entry {
    struct fuse_dirent plain;
    struct fuse_direntplus plus;
    uint8_t bytes[sizeof(struct fuse_direntplus) + NAME_MAX + 8];
};

static size_t entry_size(size_t namelen, bool plus)
{
    return plus ? FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET_DIRENTPLUS + namelen)
                : FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + namelen);
}

/*
 * Build the reclen-byte entry for `de`; false when it should be skipped
 * (it went away before READDIRPLUS could look it up).
 */
static bool build_entry(struct fuse_server *srv, struct fs_handle *h,
                        const struct fs_dir_entry *de, size_t namelen,
                        bool plus, size_t reclen, union dir_entry *e)
{
    struct fuse_dirent *d = plus ? &e->plus.dirent : &e->plain;

    memset(e->bytes, 0, reclen);
    d->ino = de->ino;
    d->off = de->off;
    d->namelen = (uint32_t)namelen;
    d->type = de->type;
    memcpy(d->name, de->name, namelen);
    /* "." and ".." go without a node (nodeid 0): the guest links neither. */
    if (plus && !is_dot_or_dotdot(de->name)) {
        int ret =
            fuse_node_lookup(srv, dirfd(h->dir), de->name, &e->plus.entry_out);
        if (ret == -ENOENT)
            return false;
        if (ret < 0) { /* e.g. EMFILE: list it; the guest looks it up later */
            memset(&e->plus.entry_out, 0, sizeof(e->plus.entry_out));
        } else {
            d->ino = e->plus.entry_out.attr.ino;
            d->type = IFTODT(e->plus.entry_out.attr.mode);
            return true;
        }
    }
    /* A mapped regular file may be anything to the guest: it must ask. */
    if (fuse_mapped_on(srv) && d->type == DT_REG)
        d->type = DT_UNKNOWN;
    return true;
}

static int read_dir(struct fuse_req *req, bool plus)
{
    const struct fuse_read_in *in = fuse_req_args(req);
    struct fuse_server *srv = req->srv;
    struct fs_handle *h = fs_handle_get(&srv->handles, in->fh, true);
    size_t limit = in->size, used = 0;
    union dir_entry e;

    if (!h)
        return -EBADF;
    if (limit > fuse_req_reply_room(req))
        limit = fuse_req_reply_room(req);
    if (in->offset != h->dir_at)
        seek_dir(h, in->offset);
    for (;;) {
        /* The entry at dir_at: one that did not fit last time, or new. */
        if (!h->has_pending) {
            errno = 0;
            struct dirent *de = readdir(h->dir);
            if (!de) {
                if (errno && used == 0)
                    return -errno;
                break;
            }
            h->pending->ino = de->d_ino;
            h->pending->off = (uint64_t)de->d_off;
            h->pending->type = de->d_type;
            size_t len = strnlen(de->d_name, NAME_MAX);
            memcpy(h->pending->name, de->d_name, len);
            h->pending->name[len] = '\0';
            h->has_pending = true;
        }
        /* Check the fit before a lookup takes a reference. */
        size_t namelen = strlen(h->pending->name);
        size_t reclen = entry_size(namelen, plus);
        if (used + reclen > limit) {
            if (used == 0)
                return -EINVAL; /* not even one entry fits */
            break;              /* it starts the next reply */
        }
        h->has_pending = false;
        h->dir_at = h->pending->off;
        if (!build_entry(srv, h, h->pending, namelen, plus, reclen, &e))
            continue;
        fuse_iov_write(req->reply_iov, req->reply_count,
                       sizeof(struct fuse_out_header) + used, e.bytes, reclen);
        used += reclen;
    }
    req->reply_in_place = true;
    return (int)used;
}

int fuse_do_readdir(struct fuse_req *req)
{
    return read_dir(req, false);
}

int fuse_do_readdirplus(struct fuse_req *req)
{
    return read_dir(req, true);
}

int fuse_do_releasedir(struct fuse_req *req)
{
    const struct fuse_release_in *in = fuse_req_args(req);
    return fs_handle_release(&req->srv->handles, in->fh, true) ? 0 : -EBADF;
}

int fuse_do_fsyncdir(struct fuse_req *req)
{
    const struct fuse_fsync_in *in = fuse_req_args(req);
    return fs_handle_sync(&req->srv->handles, in->fh, true,
                          in->fsync_flags & FUSE_FSYNC_FDATASYNC);
}
