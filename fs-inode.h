/*
 * The node table: what a FUSE node id stands for on the host.
 *
 * Each node holds an O_PATH|O_NOFOLLOW fd on its host inode, so host-side
 * renames never break it and the inode (and its number) stays pinned while
 * the guest knows it. Node ids count up from 2 and are never reused, so a
 * forged or forgotten id finds nothing rather than someone else's node.
 */
#pragma once

#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <uthash.h>

#include "fs-fd-budget.h"

struct fs_node_key {
    dev_t dev;
    ino_t ino;
};

struct fs_node {
    uint64_t id;
    struct fs_node_key key;
    int fd;           /* O_PATH|O_NOFOLLOW */
    mode_t type;      /* S_IFMT bits, fixed for the inode's life */
    uint64_t nlookup; /* references the guest holds (FORGET drops them) */
    UT_hash_handle by_id, by_key;
};

struct fs_inode_table {
    struct fs_node *by_id, *by_key;
    struct fs_node *root;
    uint64_t next_id;
    size_t count;
    struct fs_fd_budget *fds;
};

/* root_fd: the share's O_PATH directory fd, already claimed in fds. */
int fs_inodes_init(struct fs_inode_table *t, struct fs_fd_budget *fds,
                   int root_fd);
/* Free every node, the root included. */
void fs_inodes_free(struct fs_inode_table *t);
/* Drop every node but the root (DESTROY). */
void fs_inodes_reset(struct fs_inode_table *t);

struct fs_node *fs_inode_find(struct fs_inode_table *t, uint64_t id);
/* The node for the host inode st describes, if the guest knows it. */
struct fs_node *fs_inode_find_stat(struct fs_inode_table *t,
                                   const struct stat *st);

/*
 * Take one guest reference on the inode fd stands for (fd is claimed in the
 * budget; this call owns it: kept as the node's fd or closed when the inode
 * is already known). NULL only when out of memory (fd closed).
 */
struct fs_node *fs_inode_ref(struct fs_inode_table *t, int fd,
                             const struct stat *st);

/* Drop n guest references; the node goes at zero (never the root). */
void fs_inode_forget(struct fs_inode_table *t, struct fs_node *node,
                     uint64_t n);
