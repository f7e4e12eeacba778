/*
 * The FUSE passthrough server behind virtio-fs: this project's own API.
 * The protocol structures come from <linux/fuse.h>; nothing is copied here.
 *
 * The server is synchronous and knows nothing of virtio: it is given one
 * request as scatter lists over guest RAM and writes its reply in place.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <sys/uio.h>

#include "fs-share.h"

struct fuse_server;

/* NULL on error, with a one-line reason in err (DIR missing, not a dir). */
struct fuse_server *fuse_server_new(const struct fs_share_options *opts,
                                    char *err, size_t err_len);
void fuse_server_free(struct fuse_server *server);
/*
 * Serve SETUPMAPPING/REMOVEMAPPING into this window (owned by the caller,
 * who outlives the server's use of it); NULL: no DAX (ENOSYS).
 */
struct host_window;
void fuse_server_set_window(struct fuse_server *server,
                            struct host_window *window);

/*
 * Serve one request. `req` is the device-readable part of the chain
 * (fuse_in_header then the opcode's arguments), `reply` the device-writable
 * part. The reply (fuse_out_header then data) is written into `reply`.
 * Returns the number of bytes written to `reply`; 0 when the request takes
 * no reply (FORGET, BATCH_FORGET) or the reply space cannot hold even a
 * fuse_out_header. Never touches memory outside the given iovecs.
 */
size_t fuse_server_handle(struct fuse_server *server, const struct iovec *req,
                          unsigned req_count, const struct iovec *reply,
                          unsigned reply_count);

/* What the server holds right now (for tests and leak checks). */
struct fuse_server_stats {
    size_t nodes;           /* node table entries, the root included */
    size_t handles;         /* open file and directory handles */
    unsigned fds;           /* host fds held (counted against max_fds) */
    bool node_fds_closable; /* node fds may be closed and reopened by file
                               handle (needs CAP_DAC_READ_SEARCH) */
    /* Requests with a known opcode: "N requests: LOOKUP n, ...". */
    char requests[512];
};
void fuse_server_stats(const struct fuse_server *server,
                       struct fuse_server_stats *stats);
