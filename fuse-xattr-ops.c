/*
 * Extended attributes, through the node's /proc/self/fd path (f*xattr
 * calls refuse O_PATH fds). A zero size asks for the size needed; a value
 * bigger than the guest's buffer is ERANGE, as from the host. The mapped
 * mode's attribute (FUSE_MAPPED_XATTR) is never listed, read, set or removed
 * through the share, whatever the mode: a guest that could set it on a
 * passthrough share could forge owners for a later mapped one.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/xattr.h>

#include "fs-fd-path.h"
#include "fuse-iov.h"
#include "fuse-mapped.h"
#include "fuse-ops.h"
#include "fuse-req.h"

/* The xattr name after `skip` fixed bytes; the node's path in path. */
static int xattr_target(struct fuse_req *req, size_t *pos, const char **name,
                        char *path)
{
    struct fs_node *node;
    int ret = fuse_req_node(req, &node);
    if (ret < 0)
        return ret;
    fs_fd_path(node->fd, path, FS_FD_PATH_MAX);
    if (!name)
        return 0;
    ret = fuse_req_string(req, pos, name);
    if (ret < 0)
        return ret;
    if ((*name)[0] == '\0')
        return -EINVAL;
    return strlen(*name) > XATTR_NAME_MAX ? -ERANGE : 0;
}

/* Size query or value/list reply, after the host call's result. */
static int reply_value(struct fuse_req *req, uint32_t size, ssize_t len)
{
    if (len < 0)
        return -errno;
    if (size == 0) {
        memset(&req->out.getxattr, 0, sizeof(req->out.getxattr));
        req->out.getxattr.size = (uint32_t)len;
        return sizeof(req->out.getxattr);
    }
    fuse_iov_write(req->reply_iov, req->reply_count,
                   sizeof(struct fuse_out_header), req->srv->value,
                   (size_t)len);
    req->reply_in_place = true;
    return (int)len;
}

/* The most the reply can take: the guest's size, the buffers, our value. */
static size_t value_room(struct fuse_req *req, uint32_t size)
{
    size_t room = fuse_req_reply_room(req);
    if (size < room)
        room = size;
    return room < sizeof(req->srv->value) ? room : sizeof(req->srv->value);
}

int fuse_do_getxattr(struct fuse_req *req)
{
    const struct fuse_getxattr_in *in = fuse_req_args(req);
    const char *name;
    char path[FS_FD_PATH_MAX];
    size_t pos = sizeof(*in);
    int ret = xattr_target(req, &pos, &name, path);
    if (ret < 0)
        return ret;
    if (in->size == 0 &&
        fuse_req_reply_room(req) < sizeof(struct fuse_getxattr_out))
        return -EINVAL;
    if (fuse_mapped_name(name))
        return -ENODATA;
    size_t room = value_room(req, in->size);
    return reply_value(req, in->size,
                       getxattr(path, name, in->size ? req->srv->value : NULL,
                                in->size ? room : 0));
}

/* Remove FUSE_MAPPED_XATTR from a NUL-separated list; the new length. */
static size_t drop_hidden(char *list, size_t len)
{
    size_t out = 0;
    for (size_t at = 0; at < len;) {
        size_t n = strnlen(list + at, len - at) + 1;
        if (!fuse_mapped_name(list + at)) {
            memmove(list + out, list + at, n);
            out += n;
        }
        at += n;
    }
    return out;
}

int fuse_do_listxattr(struct fuse_req *req)
{
    const struct fuse_getxattr_in *in = fuse_req_args(req);
    char path[FS_FD_PATH_MAX];
    int ret = xattr_target(req, NULL, NULL, path);
    if (ret < 0)
        return ret;
    if (in->size == 0 &&
        fuse_req_reply_room(req) < sizeof(struct fuse_getxattr_out))
        return -EINVAL;
    /* The whole list, then without the hidden name. */
    char *list = (char *)req->srv->value;
    ssize_t len = listxattr(path, list, sizeof(req->srv->value));
    if (len < 0)
        return -errno;
    len = (ssize_t)drop_hidden(list, (size_t)len);
    if (in->size && (size_t)len > value_room(req, in->size))
        return -ERANGE;
    return reply_value(req, in->size, len);
}

int fuse_do_setxattr(struct fuse_req *req)
{
    const struct fuse_setxattr_in *in = fuse_req_args(req);
    const char *name;
    char path[FS_FD_PATH_MAX];
    size_t pos = FUSE_COMPAT_SETXATTR_IN_SIZE;
    int ret = xattr_target(req, &pos, &name, path);
    if (ret < 0)
        return ret;
    if (in->size > XATTR_SIZE_MAX)
        return -E2BIG;
    if (in->size > req->args_len - pos)
        return -EINVAL; /* the value is not all there */
    if (fuse_mapped_name(name))
        return -EPERM;
    const uint8_t *value = (const uint8_t *)fuse_req_args(req) + pos;
    if (setxattr(path, name, value, in->size, (int)in->flags) < 0)
        return -errno;
    return 0;
}

int fuse_do_removexattr(struct fuse_req *req)
{
    const char *name;
    char path[FS_FD_PATH_MAX];
    size_t pos = 0;
    int ret = xattr_target(req, &pos, &name, path);
    if (ret < 0)
        return ret;
    if (fuse_mapped_name(name))
        return -ENODATA;
    return removexattr(path, name) < 0 ? -errno : 0;
}
