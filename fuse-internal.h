/*
 * What the FUSE server's pieces share: the server, one request in flight,
 * the request/reply helpers and every operation handler.
 *
 * A handler returns -errno, or the number of reply bytes after the
 * fuse_out_header: those bytes are either in req->out (copied out by the
 * dispatcher) or, when req->reply_in_place is set, already written into
 * the reply iovecs at offset sizeof(struct fuse_out_header).
 */
#pragma once

#include <limits.h>
#include <linux/fuse.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#include "fs-handle.h"
#include "fs-inode.h"
#include "fuse.h"
#include "host-window.h"

/* The most a request may carry besides a WRITE payload (SETXATTR). */
#define FUSE_ARGS_MAX                                                          \
    (sizeof(struct fuse_setxattr_in) + XATTR_NAME_MAX + 1 + XATTR_SIZE_MAX)
#define FUSE_MAX_PAGES_WANTED 256
#define FUSE_MAX_WRITE        (1u << 20)
#define FUSE_REPLY_MAX        (16u << 20) /* bounds READ and READDIR replies */
#define FUSE_MIN_MINOR        12 /* the struct sizes we parse date from 7.12 */
#define FUSE_OPCODE_SLOTS     64 /* above every opcode we serve */
/* Ranges one REMOVEMAPPING may carry (Linux sends a page of them). */
#define FUSE_REMOVEMAPPING_MAX 256

struct fuse_server {
    struct fs_share_options opts;
    struct fs_fd_budget fds;
    struct fs_inode_table inodes;
    struct fs_handle_table handles;
    bool initialized;
    uint32_t minor;     /* negotiated protocol minor */
    bool chown_created; /* running as root: created files get guest ids */
    uint64_t entry_timeout, attr_timeout; /* seconds, from the cache mode */
    struct host_window *window;           /* DAX window, or NULL */
    uint64_t requests[FUSE_OPCODE_SLOTS]; /* served, per known opcode */
    uint8_t args[FUSE_ARGS_MAX + 1];      /* gathered request arguments */
    uint8_t value[XATTR_SIZE_MAX];        /* xattr values and lists */
};

struct fuse_req {
    struct fuse_server *srv;
    struct fuse_in_header in;
    const struct iovec *req_iov, *reply_iov;
    unsigned req_count, reply_count;
    size_t arg_len;   /* bytes after the in header (per in.len) */
    size_t args_len;  /* of them, gathered into srv->args */
    size_t reply_cap; /* bytes the reply iovecs hold */
    bool reply_in_place;
    union {
        struct fuse_entry_out entry;
        struct fuse_attr_out attr;
        struct fuse_open_out open;
        struct {
            struct fuse_entry_out entry;
            struct fuse_open_out open;
        } create;
        struct fuse_init_out init;
        struct fuse_statfs_out statfs;
        struct fuse_write_out write;
        struct fuse_getxattr_out getxattr;
        struct fuse_lseek_out lseek;
        uint8_t bytes[1];
    } out;
};

/* Request helpers (fuse-server.c). */
static inline const void *req_args(const struct fuse_req *req)
{
    return req->srv->args;
}
/* The NUL-terminated string at args offset *pos; *pos moves past it. */
int req_string(const struct fuse_req *req, size_t *pos, const char **str);
/* A component name for creating or renaming: not "", ".", "..", no '/'. */
int req_new_name(const struct fuse_req *req, size_t *pos, const char **name);
/* The node in.nodeid names, its fd open: 0, or -ESTALE / -EMFILE. */
int req_node(struct fuse_req *req, struct fs_node **node);
/* Bytes the reply iovecs can take after the out header. */
size_t req_reply_room(const struct fuse_req *req);
/* Host paths: "/proc/self/fd/N" for a node's O_PATH fd. */
void fd_path(int fd, char *buf, size_t len);
#define FD_PATH_MAX 32
/* The parent directory node in.nodeid names, or -ESTALE / -ENOTDIR. */
int req_dir(struct fuse_req *req, struct fs_node **dir);

/*
 * Whether a node is still under the share (fuse-confine.c): 0, or
 * -ENOENT when the host has moved it (or a directory above it) out, so
 * that no change goes through it.
 */
int node_in_share(struct fuse_server *srv, struct fs_node *node);
/* Whether directory fd lies in the share: walking up ".." meets its root. */
bool dir_inside_share(struct fuse_server *srv, int fd);
/* The same for a node id, 0 when there is no such node (the op fails). */
int req_node_in_share(struct fuse_req *req, uint64_t nodeid);

/*
 * security=mapped (fuse-mapped.c): the guest's view of an inode's owner,
 * group, mode (type included) and device number, kept in MAPPED_XATTR.
 */
#define MAPPED_XATTR     "user.containers.override_stat"
#define MAPPED_FILE_MODE 0600 /* host modes: the server's user's alone */
#define MAPPED_DIR_MODE  0700
static inline bool is_mapped(const struct fuse_server *srv)
{
    return srv->opts.security == FS_SECURITY_MAPPED;
}
/* The attribute's name: hidden from the guest in every mode. */
bool mapped_name(const char *name);
/*
 * The mapping of fd's inode (any fd, O_PATH too); host is its fstat. 0,
 * or -ENODATA with the host's view in *m when it has none (or -errno).
 * With node (fd's), it comes from the node's copy while the host ctime
 * is the one it was read at: any change to the attribute moves ctime.
 */
int mapped_get(struct fs_node *node, int fd, const struct stat *host,
               struct mapped_attr *m);
/* Write the mapping; the node's copy, if any, is dropped. */
int mapped_set(struct fuse_server *srv, int fd, const struct mapped_attr *m);
/* On a mapped share, st (node's fstat) as the guest sees it. */
void mapped_stat(const struct fuse_server *srv, struct fs_node *node,
                 struct stat *st);
/* mode after a chown: setuid goes, setgid too if group-executable. */
mode_t mapped_kill_suidgid(mode_t mode);

/* Node helpers (fuse-entry-ops.c). */
void fill_attr(const struct stat *st, struct fuse_attr *attr);
/* A device number as the guest encodes it (new_encode_dev) to the host's. */
dev_t decode_dev(uint32_t dev);
/* Look `name` up in a directory fd: a new guest reference and its entry. */
int lookup_entry(struct fuse_server *srv, int dir_fd, const char *name,
                 struct fuse_entry_out *out);
/* As lookup_entry, for an O_PATH fd already open on the inode (claimed). */
int entry_from_fd(struct fuse_server *srv, int fd, struct fuse_entry_out *out);
/* Open a node's regular file or directory for I/O through its O_PATH fd. */
int open_node(struct fuse_server *srv, struct fs_node *node, int flags);
/*
 * HANDLE_KILLPRIV_V2: the guest asks us to drop setuid (and setgid, when
 * group-executable) on a regular file it writes, truncates or chowns
 * without CAP_FSETID. fd may be an O_PATH fd. 0 or -errno.
 */
int kill_suidgid(struct fuse_server *srv, int fd);

/* fsync or fdatasync (FUSE_FSYNC_FDATASYNC); -errno. */
int sync_fd(int fd, uint32_t fsync_flags);
/*
 * A create that failed after the host object was made: remove `name` from
 * dir again, if it still names the inode made_fd is open on (made_fd -1:
 * no fd was opened on it; remove the name).
 */
void undo_new(int dir_fd, const char *name, int made_fd, mode_t type);
/*
 * Give a just-created inode the guest's ids (as root) and exact mode, or
 * on a mapped share its attribute (guest type, mode and device number).
 */
int adopt_new(struct fuse_req *req, struct fs_node *dir, int fd, mode_t type,
              mode_t mode, dev_t rdev);

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
