/*
 * A guest stand-in for FUSE server tests: builds requests the way the Linux
 * client lays them out, in a buffer standing for guest RAM cut into several
 * iovecs (so headers and arguments straddle iovec boundaries), hands them
 * to fuse_server_handle and checks the reply's framing on the way back.
 */
#pragma once

#include <limits.h>
#include <linux/fuse.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/uio.h>

#include "fuse.h"
#include "tests/check.h"

#define FT_ARGS_MAX  ((2u << 20) + 4096)
#define FT_REPLY_MAX ((2u << 20) + 4096)
#define FT_NO_REPLY  1 /* ft_call's result when the server sent nothing */

struct ft {
    struct fuse_server *srv;
    struct fs_share_options opts;
    char share[64];
    uint8_t *ram; /* request area, reply area, guard */
    uint64_t unique;
    const unsigned *cuts; /* iovec sizes, cycled; 0-terminated */
    uint8_t *reply;       /* the reply payload, gathered */
    uint32_t reply_len;   /* payload bytes after the out header */
    uint8_t *args;        /* arguments being built */
    size_t args_len;
    uint32_t uid, gid; /* put in the in header */
    /* Where requests go: fuse_server_handle(srv) unless set (virtqueue). */
    size_t (*send)(const struct iovec *req, unsigned nreq,
                   const struct iovec *reply, unsigned nreply);
};

/* A share in a new temp dir, a server on it (opts may be NULL), INIT. */
void ft_setup(struct ft *t, const struct fs_share_options *opts);
void ft_teardown(struct ft *t);
/* A server on t->share with other options (the old one is freed). */
void ft_restart(struct ft *t, const struct fs_share_options *opts);
/* Send INIT as Linux 6.12 does; its error. */
int ft_init(struct ft *t);

/* Argument building, then one request: 0, -errno or FT_NO_REPLY. */
void ft_args_reset(struct ft *t);
void ft_put(struct ft *t, const void *data, size_t len);
void ft_put_str(struct ft *t, const char *s);
int ft_call(struct ft *t, uint32_t opcode, uint64_t nodeid, size_t reply_size);
/* The same with raw control over the header and iovecs. */
int ft_call_raw(struct ft *t, const struct fuse_in_header *in, const void *args,
                size_t args_len, size_t reply_size);

/* Host side of the share. */
void ft_path(const struct ft *t, const char *rel, char *out, size_t len);
void ft_host_write(const struct ft *t, const char *rel, const char *text);
/* Bytes read into buf (NUL-terminated), or -1. */
long ft_host_read(const struct ft *t, const char *rel, char *buf, size_t len);
struct fuse_server_stats ft_stats(const struct ft *t);

/* Operations, each returning 0 or -errno. */
int ft_lookup(struct ft *t, uint64_t dir, const char *name,
              struct fuse_entry_out *e);
void ft_forget(struct ft *t, uint64_t node, uint64_t n);
int ft_getattr(struct ft *t, uint64_t node, struct fuse_attr *a);
int ft_setattr(struct ft *t, uint64_t node, const struct fuse_setattr_in *in,
               struct fuse_attr *a);
int ft_mkdir(struct ft *t, uint64_t dir, const char *name, uint32_t mode,
             struct fuse_entry_out *e);
int ft_create(struct ft *t, uint64_t dir, const char *name, uint32_t flags,
              uint32_t mode, struct fuse_entry_out *e, uint64_t *fh);
int ft_open(struct ft *t, uint64_t node, uint32_t flags, uint64_t *fh);
int ft_opendir(struct ft *t, uint64_t node, uint64_t *fh);
int ft_release(struct ft *t, uint64_t node, uint64_t fh);
int ft_releasedir(struct ft *t, uint64_t node, uint64_t fh);
int ft_write(struct ft *t, uint64_t node, uint64_t fh, uint64_t off,
             const void *data, uint32_t len, uint32_t *written);
/* Reads into t->reply (t->reply_len bytes). */
int ft_read(struct ft *t, uint64_t node, uint64_t fh, uint64_t off,
            uint32_t size);
int ft_unlink(struct ft *t, uint64_t dir, const char *name);
int ft_rmdir(struct ft *t, uint64_t dir, const char *name);
/* READDIR or READDIRPLUS into t->reply. */
int ft_readdir(struct ft *t, bool plus, uint64_t node, uint64_t fh,
               uint64_t off, uint32_t size);
