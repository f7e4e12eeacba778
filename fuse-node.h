/*
 * What the operations share about nodes: looking a name up into a new
 * guest reference, the entry and attributes the guest is sent, opening a
 * node for I/O, and dropping setuid/setgid when the guest asks.
 */
#pragma once

#include "fuse-state.h"

/* st as the guest's attributes (rdev encoded as the guest decodes it). */
void fuse_node_fill_attr(const struct stat *st, struct fuse_attr *attr);
/* node's entry with st (its fstat), as the guest sees it. */
void fuse_node_fill_entry(const struct fuse_server *srv, struct fs_node *node,
                          const struct stat *st, struct fuse_entry_out *out);
/* A device number as the guest encodes it (new_encode_dev) to the host's. */
dev_t fuse_node_decode_dev(uint32_t dev);
/* Look `name` up in a directory fd: a new guest reference and its entry. */
int fuse_node_lookup(struct fuse_server *srv, int dir_fd, const char *name,
                     struct fuse_entry_out *out);
/* As fuse_node_lookup, for an O_PATH fd already open on the inode (claimed). */
int fuse_node_entry_from_fd(struct fuse_server *srv, int fd,
                            struct fuse_entry_out *out);
/* As fuse_node_entry_from_fd, with fd's host attributes already in st. */
int fuse_node_entry_from_stat(struct fuse_server *srv, int fd,
                              const struct stat *st,
                              struct fuse_entry_out *out);
/* Open a node's regular file or directory for I/O through its O_PATH fd. */
int fuse_node_open(struct fuse_server *srv, struct fs_node *node, int flags);
/*
 * HANDLE_KILLPRIV_V2: the guest asks us to drop setuid (and setgid, when
 * group-executable) on a regular file it writes, truncates or chowns
 * without CAP_FSETID. fd may be an O_PATH fd. 0 or -errno.
 */
int fuse_node_kill_suidgid(struct fuse_server *srv, int fd);
