/* One request's arguments, node and handles, checked for the operations. */
#define _GNU_SOURCE
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "fuse-req.h"

static int check_name(const char *name)
{
    size_t len = strlen(name);
    if (len == 0 || strcmp(name, ".") == 0 || strcmp(name, "..") == 0 ||
        strchr(name, '/'))
        return -EINVAL;
    return len > NAME_MAX ? -ENAMETOOLONG : 0;
}

int fuse_req_string(const struct fuse_req *req, size_t *pos, const char **str)
{
    if (*pos >= req->args_len)
        return -EINVAL;
    const char *start = (const char *)req->srv->args + *pos;
    const char *nul = memchr(start, '\0', req->args_len - *pos);
    if (!nul) /* cut off by the gather limit, or not terminated at all */
        return req->arg_len > req->args_len ? -ENAMETOOLONG : -EINVAL;
    *str = start;
    *pos += (size_t)(nul - start) + 1;
    return 0;
}

int fuse_req_new_name(const struct fuse_req *req, size_t *pos,
                      const char **name)
{
    int ret = fuse_req_string(req, pos, name);
    return ret < 0 ? ret : check_name(*name);
}

int fuse_req_node(struct fuse_req *req, struct fs_node **node)
{
    int ret;
    *node = fs_inode_get(&req->srv->inodes, req->in.nodeid, &ret);
    return ret;
}

int fuse_req_dir(struct fuse_req *req, struct fs_node **dir)
{
    int ret = fuse_req_node(req, dir);
    if (ret < 0)
        return ret;
    return (*dir)->type == S_IFDIR ? 0 : -ENOTDIR;
}

struct fs_handle *fuse_req_file(struct fuse_req *req, uint64_t fh)
{
    return fs_handle_get(&req->srv->handles, fh, false);
}

size_t fuse_req_reply_room(const struct fuse_req *req)
{
    size_t room = req->reply_cap - sizeof(struct fuse_out_header);
    return room < FUSE_REPLY_MAX ? room : FUSE_REPLY_MAX;
}
