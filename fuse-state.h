/*
 * What every piece of the FUSE server shares: the server's state and one
 * request in flight. Types and limits only; the functions are declared by
 * the file that defines them, layered from the top down:
 *
 *   fuse-server.c        dispatcher: parses, checks, calls an op, replies
 *   fuse-*-ops.c         the operations (fuse-ops.h)
 *   fuse-new-node.c      giving a just-made host object the guest's view
 *   fuse-node.c          lookups, entries, attributes, opening nodes
 *   fuse-mapped.c        security=mapped attributes
 *   fuse-confine.c       whether a node still lies inside the share
 *   fuse-req.c           a request's arguments, node and handles
 *   fs-share.h, fs-inode.c, fs-handle.c, fs-fd-budget.c, fs-fd-path.h,
 *   fuse-iov.c           share options, node and handle tables, fd pool,
 *                        host paths, scatter lists (no FUSE state)
 *
 * Each file calls only files below it. A function's name starts with
 * its file's (fuse_node_lookup in fuse-node.c, fs_fd_budget_take in
 * fs-fd-budget.c); the operations are fuse_do_<opcode>. Types are fs_*
 * below the server, fuse_* in it.
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
#include "fs-share.h"
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
