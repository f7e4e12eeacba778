/*
 * Session operations: INIT negotiates the protocol and starts serving,
 * DESTROY drops every node, handle and mapping so that a new INIT starts
 * clean, INTERRUPT has nothing to stop.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "fuse-ops.h"
#include "fuse-req.h"

/* Reply major/minor, negotiate features, and start serving. */
int fuse_do_init(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fuse_init_in in = {0};
    struct fuse_init_out *out = &req->out.init;

    memcpy(&in, fuse_req_args(req), req->args_len);
    memset(out, 0, sizeof(*out));
    out->major = FUSE_KERNEL_VERSION;
    out->minor = FUSE_KERNEL_MINOR_VERSION;
    if (req->reply_cap < sizeof(struct fuse_out_header) + sizeof(*out))
        return -EINVAL;
    if (in.major < FUSE_KERNEL_VERSION)
        return -EPROTO;
    if (in.major > FUSE_KERNEL_VERSION) /* the guest will retry with ours */
        return FUSE_COMPAT_INIT_OUT_SIZE;
    if (in.minor < FUSE_MIN_MINOR)
        return -EPROTO;

    /* A second INIT (a rebooted guest) starts from a clean state. */
    if (srv->initialized)
        fuse_do_destroy(req);

    uint64_t offered = in.flags;
    if ((in.flags & FUSE_INIT_EXT) &&
        req->args_len >= offsetof(struct fuse_init_in, flags2) + 4)
        offered |= (uint64_t)in.flags2 << 32;

    uint64_t wanted =
        FUSE_ASYNC_READ |       /* preadv/pwritev are positional */
        FUSE_ATOMIC_O_TRUNC |   /* O_TRUNC goes to the host open */
        FUSE_EXPORT_SUPPORT |   /* LOOKUP answers "." and ".." */
        FUSE_BIG_WRITES |       /* writes up to max_write */
        FUSE_MAX_PAGES |        /* 1 MiB requests */
        FUSE_DO_READDIRPLUS |   /* one request lists and looks up */
        FUSE_READDIRPLUS_AUTO | /* ... when the guest expects to stat */
        FUSE_PARALLEL_DIROPS |  /* each request is whole; no ordering */
        /*
         * We drop setuid/setgid when the guest says so (its writer lacks
         * CAP_FSETID); the host kernel drops security.capability on our
         * writes itself. The guest then skips a GETXATTR per write.
         */
        FUSE_HANDLE_KILLPRIV_V2 | FUSE_INIT_EXT;
    /*
     * Not asked for: WRITEBACK_CACHE (the host would see writes late),
     * POSIX/FLOCK_LOCKS (locks stay in the guest, which is correct for a
     * single guest), DONT_MASK (the guest applies its umask; we re-apply
     * the umask it sends, a no-op), HANDLE_KILLPRIV (v1: superseded by
     * v2), POSIX_ACL and the security-context extensions.
     */
    /* DAX: mappings may start at any host page of file and window. */
    if (srv->window) {
        wanted |= FUSE_MAP_ALIGNMENT;
        out->map_alignment = __builtin_ctzll(HOST_WINDOW_PAGE);
    }
    if (srv->opts.cache != FS_CACHE_NEVER) {
        /* A symlink's text never changes while its inode lives. */
        wanted |= FUSE_CACHE_SYMLINKS;
        /* The host may change files: drop cached pages when mtime moves. */
        wanted |= FUSE_AUTO_INVAL_DATA;
    }
    uint64_t agreed = offered & wanted;

    out->minor = in.minor < FUSE_KERNEL_MINOR_VERSION
                     ? in.minor
                     : FUSE_KERNEL_MINOR_VERSION;
    out->max_readahead = in.max_readahead;
    out->flags = (uint32_t)agreed;
    out->flags2 = (uint32_t)(agreed >> 32);
    out->max_background = 64;
    out->congestion_threshold = 48;
    out->max_write = FUSE_MAX_WRITE;
    out->time_gran = 1;
    out->max_pages = FUSE_MAX_PAGES_WANTED;

    srv->minor = out->minor;
    srv->initialized = true;
    return out->minor < 23 ? FUSE_COMPAT_22_INIT_OUT_SIZE : sizeof(*out);
}

/* Close every handle and forget every node; INIT starts over. */
int fuse_do_destroy(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    fs_handle_table_free(&srv->handles);
    fs_handle_table_init(&srv->handles, &srv->fds);
    fs_inode_table_reset(&srv->inodes);
    if (srv->window)
        host_window_unmap_all(srv->window);
    srv->initialized = false;
    return 0;
}

/* Requests are served one at a time to the end: nothing to interrupt. */
int fuse_do_interrupt(struct fuse_req *req)
{
    (void)req;
    return 0;
}
