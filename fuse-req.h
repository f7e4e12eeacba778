/*
 * One request's parts as the operations need them: its gathered
 * arguments and the strings in them, the node it names, its file
 * handles, and the room its reply has. Every guest-given value is checked
 * here: a bad one is an errno for the guest.
 */
#pragma once

#include "fuse-state.h"

static inline const void *fuse_req_args(const struct fuse_req *req)
{
    return req->srv->args;
}
/* The NUL-terminated string at args offset *pos; *pos moves past it. */
int fuse_req_string(const struct fuse_req *req, size_t *pos, const char **str);
/* A component name for creating or renaming: not "", ".", "..", no '/'. */
int fuse_req_new_name(const struct fuse_req *req, size_t *pos,
                      const char **name);
/* The node in.nodeid names, its fd open: 0, or -ESTALE / -EMFILE. */
int fuse_req_node(struct fuse_req *req, struct fs_node **node);
/* The parent directory node in.nodeid names, or -ESTALE / -ENOTDIR. */
int fuse_req_dir(struct fuse_req *req, struct fs_node **dir);
/* The open file (not directory) handle fh, or NULL (-EBADF). */
struct fs_handle *fuse_req_file(struct fuse_req *req, uint64_t fh);
/* Bytes the reply iovecs can take after the out header. */
size_t fuse_req_reply_room(const struct fuse_req *req);
