/*
 * The FUSE operations: one handler per opcode, in fuse-*-ops.c, called
 * by the dispatcher (fuse-server.c) and by nothing else.
 *
 * A handler returns -errno, or the number of reply bytes after the
 * fuse_out_header: those bytes are either in req->out (copied out by the
 * dispatcher) or, when req->reply_in_place is set, already written into
 * the reply iovecs at offset sizeof(struct fuse_out_header).
 */
#pragma once

#include "fuse-state.h"

typedef int (*fuse_op_fn)(struct fuse_req *req);

#define FUSE_OPS(X)                                                            \
    X(init)                                                                    \
    X(destroy)                                                                 \
    X(lookup)                                                                  \
    X(forget)                                                                  \
    X(batch_forget)                                                            \
    X(getattr)                                                                 \
    X(setattr)                                                                 \
    X(statfs)                                                                  \
    X(access)                                                                  \
    X(readlink)                                                                \
    X(mkdir)                                                                   \
    X(mknod)                                                                   \
    X(symlink)                                                                 \
    X(link)                                                                    \
    X(unlink)                                                                  \
    X(rmdir)                                                                   \
    X(rename)                                                                  \
    X(rename2)                                                                 \
    X(open)                                                                    \
    X(create)                                                                  \
    X(read)                                                                    \
    X(write)                                                                   \
    X(flush)                                                                   \
    X(release)                                                                 \
    X(fsync)                                                                   \
    X(fallocate)                                                               \
    X(lseek)                                                                   \
    X(copy_file_range)                                                         \
    X(syncfs)                                                                  \
    X(opendir)                                                                 \
    X(readdir)                                                                 \
    X(readdirplus)                                                             \
    X(releasedir)                                                              \
    X(fsyncdir)                                                                \
    X(getxattr)                                                                \
    X(setxattr)                                                                \
    X(listxattr)                                                               \
    X(removexattr)                                                             \
    X(interrupt)                                                               \
    X(setupmapping)                                                            \
    X(removemapping)

#define DECLARE_FUSE_OP(name) int fuse_do_##name(struct fuse_req *req);
FUSE_OPS(DECLARE_FUSE_OP)
#undef DECLARE_FUSE_OP
