/*
 * The FUSE passthrough server: one request in, one reply out, synchronous.
 *
 * This file parses a request out of its scatter list (header and arguments
 * may be split anywhere), checks it against the opcode's table entry and
 * dispatches; the operations live in fuse-*-ops.c, the helpers they share
 * in the files below them (fuse-state.h lists the layers).
 *
 * Ownership of files the guest creates: when semu runs as root, new files,
 * directories, nodes and symlinks are given the uid and gid of the guest
 * process that created them (fchownat right after creation), and the guest
 * may chown freely. When semu runs as an ordinary user, everything the guest
 * creates is owned by that host user, whatever the guest's ids; a chown the
 * host refuses (giving a file away, or to a group the user is not in) fails
 * with EPERM in the guest. Modes are kept exactly as the guest asked: the
 * host umask does not apply to files created through the share. With
 * security=mapped, owners and modes live in an attribute instead
 * (fuse-mapped.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse.h"
#include "fuse-confine.h"
#include "fuse-iov.h"
#include "fuse-ops.h"

#define NAME_BYTES (NAME_MAX + 1)

struct fuse_op {
    const char *name; /* for SEMU_STATS */
    fuse_op_fn run;
    uint32_t in_size;  /* fixed arguments: the request must hold them */
    uint32_t in_max;   /* bytes gathered with names/values (0: in_size) */
    uint32_t out_size; /* fixed reply: the reply space must hold it */
    bool modifies;     /* EROFS on a read-only share */
    bool dax;          /* ENOSYS without a DAX window */
    bool no_reply;
};

#define IN(type)      sizeof(struct type)
#define OUT(type)     .out_size = sizeof(struct type)
#define OP(code, ...) [FUSE_##code] = {#code, __VA_ARGS__}

/* Opcodes missing here (GETLK, SETLK, IOCTL, POLL, ...) get ENOSYS. */
static const struct fuse_op fuse_ops[] = {
    OP(INIT, fuse_do_init, offsetof(struct fuse_init_in, flags) + 4,
       IN(fuse_init_in)),
    OP(DESTROY, fuse_do_destroy),
    OP(LOOKUP, fuse_do_lookup, 0, NAME_BYTES, OUT(fuse_entry_out)),
    OP(FORGET, fuse_do_forget, IN(fuse_forget_in), .no_reply = true),
    OP(BATCH_FORGET, fuse_do_batch_forget, IN(fuse_batch_forget_in),
       .no_reply = true),
    OP(GETATTR, fuse_do_getattr, IN(fuse_getattr_in), 0, OUT(fuse_attr_out)),
    OP(SETATTR, fuse_do_setattr, IN(fuse_setattr_in), 0, OUT(fuse_attr_out),
       .modifies = true),
    OP(STATFS, fuse_do_statfs, 0, 0, OUT(fuse_statfs_out)),
    OP(ACCESS, fuse_do_access, IN(fuse_access_in)),
    OP(READLINK, fuse_do_readlink),
    OP(MKDIR, fuse_do_mkdir, IN(fuse_mkdir_in), IN(fuse_mkdir_in) + NAME_BYTES,
       OUT(fuse_entry_out), .modifies = true),
    OP(MKNOD, fuse_do_mknod, IN(fuse_mknod_in), IN(fuse_mknod_in) + NAME_BYTES,
       OUT(fuse_entry_out), .modifies = true),
    OP(SYMLINK, fuse_do_symlink, 0, NAME_BYTES + PATH_MAX, OUT(fuse_entry_out),
       .modifies = true),
    OP(LINK, fuse_do_link, IN(fuse_link_in), IN(fuse_link_in) + NAME_BYTES,
       OUT(fuse_entry_out), .modifies = true),
    OP(UNLINK, fuse_do_unlink, 0, NAME_BYTES, .modifies = true),
    OP(RMDIR, fuse_do_rmdir, 0, NAME_BYTES, .modifies = true),
    OP(RENAME, fuse_do_rename, IN(fuse_rename_in),
       IN(fuse_rename_in) + 2 * NAME_BYTES, .modifies = true),
    OP(RENAME2, fuse_do_rename2, IN(fuse_rename2_in),
       IN(fuse_rename2_in) + 2 * NAME_BYTES, .modifies = true),
    OP(OPEN, fuse_do_open, IN(fuse_open_in), 0, OUT(fuse_open_out)),
    OP(CREATE, fuse_do_create, IN(fuse_create_in),
       IN(fuse_create_in) + NAME_BYTES,
       sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out),
       .modifies = true),
    OP(READ, fuse_do_read, IN(fuse_read_in)),
    OP(WRITE, fuse_do_write, IN(fuse_write_in), 0, OUT(fuse_write_out),
       .modifies = true),
    OP(FLUSH, fuse_do_flush, IN(fuse_flush_in)),
    OP(RELEASE, fuse_do_release, IN(fuse_release_in)),
    OP(FSYNC, fuse_do_fsync, IN(fuse_fsync_in)),
    OP(FALLOCATE, fuse_do_fallocate, IN(fuse_fallocate_in), .modifies = true),
    OP(LSEEK, fuse_do_lseek, IN(fuse_lseek_in), 0, OUT(fuse_lseek_out)),
    OP(COPY_FILE_RANGE, fuse_do_copy_file_range, IN(fuse_copy_file_range_in), 0,
       OUT(fuse_write_out), .modifies = true),
    OP(SYNCFS, fuse_do_syncfs, IN(fuse_syncfs_in)),
    OP(OPENDIR, fuse_do_opendir, IN(fuse_open_in), 0, OUT(fuse_open_out)),
    OP(READDIR, fuse_do_readdir, IN(fuse_read_in)),
    OP(READDIRPLUS, fuse_do_readdirplus, IN(fuse_read_in)),
    OP(RELEASEDIR, fuse_do_releasedir, IN(fuse_release_in)),
    OP(FSYNCDIR, fuse_do_fsyncdir, IN(fuse_fsync_in)),
    /* Without FUSE_SETXATTR_EXT the guest sends the short setxattr_in. */
    OP(SETXATTR, fuse_do_setxattr, FUSE_COMPAT_SETXATTR_IN_SIZE, FUSE_ARGS_MAX,
       .modifies = true),
    OP(GETXATTR, fuse_do_getxattr, IN(fuse_getxattr_in),
       IN(fuse_getxattr_in) + XATTR_NAME_MAX + 1),
    OP(LISTXATTR, fuse_do_listxattr, IN(fuse_getxattr_in)),
    OP(REMOVEXATTR, fuse_do_removexattr, 0, XATTR_NAME_MAX + 1,
       .modifies = true),
    OP(INTERRUPT, fuse_do_interrupt, IN(fuse_interrupt_in), .no_reply = true),
    OP(SETUPMAPPING, fuse_do_setupmapping, IN(fuse_setupmapping_in),
       .dax = true),
    OP(REMOVEMAPPING, fuse_do_removemapping, IN(fuse_removemapping_in),
       IN(fuse_removemapping_in) +
           FUSE_REMOVEMAPPING_MAX * IN(fuse_removemapping_one),
       .dax = true),
};

_Static_assert(sizeof(fuse_ops) / sizeof(fuse_ops[0]) <= FUSE_OPCODE_SLOTS,
               "fuse_server.requests must count every opcode");

/* Check the request against its opcode and gather its arguments. */
static int parse(struct fuse_req *req, size_t in_total,
                 const struct fuse_op **opp)
{
    struct fuse_server *srv = req->srv;
    const struct fuse_op *op;

    /* in.len counts exactly the bytes the guest handed over. */
    if (in_total < sizeof(req->in) || req->in.len != in_total)
        return -EINVAL;
    if (req->in.opcode >= sizeof(fuse_ops) / sizeof(fuse_ops[0]) ||
        !fuse_ops[req->in.opcode].run)
        return -ENOSYS;
    op = *opp = &fuse_ops[req->in.opcode];
    srv->requests[req->in.opcode]++;
    if (!srv->initialized && req->in.opcode != FUSE_INIT)
        return -EIO;

    /* Extensions (security context, groups) trail the arguments. */
    size_t ext_len = (size_t)req->in.total_extlen * 8;
    req->arg_len = req->in.len - sizeof(req->in);
    if (ext_len > req->arg_len)
        return -EINVAL;
    req->arg_len -= ext_len;
    if (req->arg_len < op->in_size)
        return -EINVAL;
    if (!op->no_reply &&
        req->reply_cap < sizeof(struct fuse_out_header) + op->out_size)
        return -EINVAL;
    if (op->modifies && srv->opts.read_only)
        return -EROFS;
    if (op->dax && !srv->window)
        return -ENOSYS;

    size_t want = op->in_max > op->in_size ? op->in_max : op->in_size;
    req->args_len = req->arg_len < want ? req->arg_len : want;
    fuse_iov_read(req->req_iov, req->req_count, sizeof(req->in), srv->args,
                  req->args_len);
    srv->args[req->args_len] = '\0';
    return 0;
}

static size_t send_reply(struct fuse_req *req, int ret)
{
    struct fuse_out_header out = {.unique = req->in.unique};

    if (req->reply_cap < sizeof(out))
        return 0;
    out.len = sizeof(out);
    if (ret < 0) {
        out.error = ret;
    } else {
        if (!req->reply_in_place)
            fuse_iov_write(req->reply_iov, req->reply_count, sizeof(out),
                           &req->out, (size_t)ret);
        out.len += (uint32_t)ret;
    }
    fuse_iov_write(req->reply_iov, req->reply_count, 0, &out, sizeof(out));
    return out.len;
}

size_t fuse_server_handle(struct fuse_server *srv, const struct iovec *req_iov,
                          unsigned req_count, const struct iovec *reply_iov,
                          unsigned reply_count)
{
    struct fuse_req req = {
        .srv = srv,
        .req_iov = req_iov,
        .req_count = req_count,
        .reply_iov = reply_iov,
        .reply_count = reply_count,
        .reply_cap = fuse_iov_total(reply_iov, reply_count),
    };
    const struct fuse_op *op = NULL;
    size_t in_total = fuse_iov_total(req_iov, req_count);

    fuse_iov_read(req_iov, req_count, 0, &req.in, sizeof(req.in));
    fs_inode_table_next_request(&srv->inodes);
    int ret = parse(&req, in_total, &op);
    if (ret == 0 && !op->no_reply &&
        req.reply_cap < sizeof(struct fuse_out_header))
        return 0; /* no way to tell the guest: do nothing */
    /* No change through a node the host moved out of the share. */
    if (ret == 0 && op->modifies)
        ret = fuse_confine_check_id(srv, req.in.nodeid);
    if (ret == 0)
        ret = op->run(&req);
    if (op && op->no_reply)
        return 0;
    return send_reply(&req, ret);
}

/* One per process, as RLIMIT_NOFILE is: every share draws from it. */
static struct fs_fd_pool process_fds;

struct fuse_server *fuse_server_new(const struct fs_share_options *opts,
                                    char *err, size_t err_len)
{
    struct stat st;
    int root_fd;

    if (!opts->dir || !opts->dir[0]) {
        snprintf(err, err_len, "no shared directory given");
        return NULL;
    }
    root_fd = open(opts->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (root_fd < 0) {
        snprintf(err, err_len, "shared directory %s: %s", opts->dir,
                 strerror(errno));
        return NULL;
    }
    /* Nodes are reopened for I/O through /proc/self/fd. */
    if (stat("/proc/self/fd", &st) < 0) {
        snprintf(err, err_len, "virtio-fs needs /proc mounted: %s",
                 strerror(errno));
        close(root_fd);
        return NULL;
    }
    struct fuse_server *srv = calloc(1, sizeof(*srv));
    if (!srv) {
        snprintf(err, err_len, "out of memory");
        close(root_fd);
        return NULL;
    }
    srv->opts = *opts;
    srv->opts.dir = srv->opts.tag = NULL; /* the caller's strings */
    fs_fd_budget_join(&srv->fds, &process_fds, opts->max_fds, 1); /* the root */
    srv->chown_created = geteuid() == 0;
    switch (opts->cache) {
    case FS_CACHE_NEVER:
        srv->entry_timeout = srv->attr_timeout = 0;
        break;
    case FS_CACHE_ALWAYS:
        srv->entry_timeout = srv->attr_timeout = 86400;
        break;
    default:
        srv->entry_timeout = srv->attr_timeout = 1;
        break;
    }
    int ret = fs_inode_table_init(&srv->inodes, &srv->fds, root_fd);
    if (ret < 0) {
        snprintf(err, err_len, "shared directory %s: %s", opts->dir,
                 strerror(-ret));
        close(root_fd);
        fs_fd_budget_leave(&srv->fds);
        free(srv);
        return NULL;
    }
    fs_handle_table_init(&srv->handles, &srv->fds);
    return srv;
}

void fuse_server_set_window(struct fuse_server *srv, struct host_window *w)
{
    srv->window = w;
}

void fuse_server_free(struct fuse_server *srv)
{
    if (!srv)
        return;
    fs_handle_table_free(&srv->handles);
    fs_inode_table_free(&srv->inodes);
    fs_fd_budget_leave(&srv->fds);
    free(srv);
}

void fuse_server_stats(const struct fuse_server *srv,
                       struct fuse_server_stats *stats)
{
    stats->nodes = srv->inodes.count;
    stats->handles = srv->handles.used;
    stats->fds = srv->fds.used;
    stats->node_fds_closable = srv->inodes.handles;

    /* "N requests: OP count, ..." busiest first; ties in opcode order. */
    enum { NOPS = sizeof(fuse_ops) / sizeof(fuse_ops[0]) };
    uint64_t total = 0;
    bool listed[NOPS] = {false};
    for (unsigned op = 0; op < NOPS; op++)
        total += srv->requests[op];
    int at = snprintf(stats->requests, sizeof(stats->requests), "%llu requests",
                      (unsigned long long)total);
    for (const char *sep = ": ";; sep = ", ") {
        unsigned best = NOPS;
        for (unsigned op = 0; op < NOPS; op++)
            if (!listed[op] && srv->requests[op] &&
                (best == NOPS || srv->requests[op] > srv->requests[best]))
                best = op;
        if (best == NOPS || at < 0 || (size_t)at >= sizeof(stats->requests))
            break;
        listed[best] = true;
        at += snprintf(stats->requests + at, sizeof(stats->requests) - at,
                       "%s%s %llu", sep, fuse_ops[best].name,
                       (unsigned long long)srv->requests[best]);
    }
}
