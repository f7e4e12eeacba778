/*
 * The node table: what a FUSE node id stands for on the host.
 *
 * A node holds an O_PATH|O_NOFOLLOW fd on its host inode, so host-side
 * renames never break it. The guest may know more inodes than the server
 * may hold fds (a `find` over a big tree): then the least recently used
 * node fds are closed, and reopened when needed from the file handle taken
 * when the node was made (open_by_handle_at, which needs
 * CAP_DAC_READ_SEARCH; without it node fds are never closed and lookups
 * past the budget get EMFILE). Node ids count up from 2 and are never
 * reused, so a forged or forgotten id finds nothing.
 */
#pragma once

#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <uthash.h>

#include "fs-fd-budget.h"

/* A node's owner, group, mode (type included) and device number. */
struct fs_mapped_attr {
    uid_t uid;
    gid_t gid;
    mode_t mode; /* S_IFMT and permission bits */
    dev_t rdev;
};

struct fs_node_key {
    dev_t dev;
    ino_t ino;
};

struct fs_node {
    uint64_t id;
    struct fs_node_key key;
    int fd;           /* O_PATH|O_NOFOLLOW; -1 while closed for the budget */
    mode_t type;      /* S_IFMT bits, fixed for the inode's life */
    uint64_t nlookup; /* references the guest holds (FORGET drops them) */
    /* To reopen fd: taken when the fd is first closed (while it still
     * pins the inode), not when the node is made; one syscall less per
     * new node, and most are forgotten with their fd never closed. */
    struct file_handle *handle;
    bool pinned;      /* its fd is never closed (the root, or no handle) */
    uint64_t used_in; /* the request that last used fd */
    struct fs_node *lru_prev, *lru_next; /* nodes with a closable fd */
    bool keyed;                          /* in by_key */
    /* security=mapped: the attribute as read at host ctime map_ctime. */
    bool map_known, map_none;
    struct timespec map_ctime;
    struct fs_mapped_attr map;
    UT_hash_handle by_id, by_key;
};

struct fs_inode_table {
    struct fs_node *by_id, *by_key;
    struct fs_node *root;
    struct fs_node *lru_head, *lru_tail; /* most / least recently used */
    uint64_t next_id;
    uint64_t request; /* counts requests: fds used in this one stay open */
    size_t count;
    bool handles; /* file handles work on the share (and may be opened) */
    int mount_id; /* the share's mount: handles reopen only on it */
    int mount_fd; /* the share opened for open_by_handle_at, or -1 */
    struct fs_fd_budget *fds;
};

/* root_fd: the share's O_PATH directory fd, already claimed in fds. */
int fs_inode_table_init(struct fs_inode_table *t, struct fs_fd_budget *fds,
                        int root_fd);
/* Free every node, the root included. */
void fs_inode_table_free(struct fs_inode_table *t);
/* Drop every node but the root (DESTROY). */
void fs_inode_table_reset(struct fs_inode_table *t);
/* A new request starts: fds it uses are not closed until it ends. */
void fs_inode_table_next_request(struct fs_inode_table *t);

/* The node with this id, fd open or not (for FORGET). */
struct fs_node *fs_inode_find(struct fs_inode_table *t, uint64_t id);
/* The node with this id, its fd open; NULL (-ESTALE) or -errno in *err. */
struct fs_node *fs_inode_get(struct fs_inode_table *t, uint64_t id, int *err);
/* Make sure node->fd is open for this request; 0 or -errno. */
int fs_inode_open(struct fs_inode_table *t, struct fs_node *node);
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
