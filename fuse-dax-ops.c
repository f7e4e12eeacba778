/*
 * DAX: SETUPMAPPING maps a file range into the share's host window (the
 * guest then reads and writes the host's page cache directly), and
 * REMOVEMAPPING takes ranges out again. Without a window the dispatcher
 * answers both with ENOSYS.
 *
 * The guest sends fh = -1 and names the file by its node; a real handle
 * is accepted too, if it is open on that node for the access asked.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>

#include "fuse-node.h"
#include "fuse-ops.h"
#include "fuse-req.h"

#define NO_HANDLE UINT64_MAX
#define MAP_FLAGS (FUSE_SETUPMAPPING_FLAG_READ | FUSE_SETUPMAPPING_FLAG_WRITE)

/* The handle's fd, if it is open on node with the access a mapping needs. */
static int handle_fd(struct fuse_req *req, const struct fs_node *node,
                     uint64_t fh, bool writable)
{
    struct fs_handle *h = fs_handle_get(&req->srv->handles, fh, false);
    if (!h)
        return -EBADF;
    struct stat a, b;
    if (fstat(h->fd, &a) < 0 || fstat(node->fd, &b) < 0)
        return -errno;
    if (a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        return -EBADF;
    int mode = fcntl(h->fd, F_GETFL) & O_ACCMODE;
    if (mode == O_WRONLY || (writable && mode != O_RDWR))
        return -EACCES;
    return h->fd;
}

int fuse_do_setupmapping(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fuse_setupmapping_in in;
    memcpy(&in, fuse_req_args(req), sizeof(in));
    if (in.flags & ~(uint64_t)MAP_FLAGS)
        return -EINVAL;
    bool writable = in.flags & FUSE_SETUPMAPPING_FLAG_WRITE;
    if (writable && srv->opts.read_only)
        return -EROFS;
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    if (node->type != S_IFREG)
        return node->type == S_IFDIR ? -EISDIR : -EINVAL;

    int fd = in.fh == NO_HANDLE
                 ? fuse_node_open(srv, node, writable ? O_RDWR : O_RDONLY)
                 : handle_fd(req, node, in.fh, writable);
    if (fd < 0)
        return fd;
    ret = host_window_map(srv->window, in.moffset, in.len, fd, in.foffset,
                          writable);
    if (in.fh == NO_HANDLE)
        fs_fd_budget_close(&srv->fds, fd); /* the mapping keeps the file */
    return ret;
}

int fuse_do_removemapping(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fuse_removemapping_in in;
    memcpy(&in, fuse_req_args(req), sizeof(in));
    const size_t one = sizeof(struct fuse_removemapping_one);
    if (in.count == 0 || in.count > FUSE_REMOVEMAPPING_MAX ||
        req->args_len < sizeof(in) + in.count * one)
        return -EINVAL;

    /* All or nothing: check every range before unmapping any. */
    const uint8_t *at = (const uint8_t *)fuse_req_args(req) + sizeof(in);
    for (uint32_t i = 0; i < in.count; i++) {
        struct fuse_removemapping_one r;
        memcpy(&r, at + i * one, one);
        uint64_t size = srv->window->size;
        if (!r.len || r.moffset % HOST_WINDOW_PAGE ||
            r.len % HOST_WINDOW_PAGE || r.moffset > size ||
            r.len > size - r.moffset)
            return -EINVAL;
    }
    for (uint32_t i = 0; i < in.count; i++) {
        struct fuse_removemapping_one r;
        memcpy(&r, at + i * one, one);
        host_window_unmap(srv->window, r.moffset, r.len);
    }
    return 0;
}
