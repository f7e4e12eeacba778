/*
 * The cap on host fds the servers hold (node O_PATH fds, open files and
 * directories). RLIMIT_NOFILE is per process, so every share draws from
 * one pool. Half of it is set aside in equal parts, one per share (its
 * quota); the other half goes to whichever share needs it, as long as
 * every other share's unused quota stays free, so a busy share can never
 * starve another. Node fds can be closed
 * and reopened; running out of the rest is the guest's EMFILE, never the
 * emulator's.
 */
#pragma once

#include <stdbool.h>

struct fs_fd_budget;

struct fs_fd_pool {
    unsigned used;  /* fds held by every share */
    unsigned max;   /* the process's fds for shares */
    unsigned unmet; /* quota not yet used, summed over the shares */
    struct fs_fd_budget *members;
};

struct fs_fd_budget {
    unsigned used;
    unsigned max;   /* this share's own cap (UINT_MAX: none) */
    unsigned quota; /* fds this share is sure to get */
    struct fs_fd_pool *pool;
    struct fs_fd_budget *next; /* in pool->members */
    /* Closes one fd that can be reopened later (the node table's). */
    bool (*reclaim)(void *ctx);
    void *reclaim_ctx;
};

/*
 * Join pool with a cap of max fds (0: none) and `used` fds already open.
 * An empty pool first takes its size from RLIMIT_NOFILE (raising the soft
 * limit to the hard one). Quotas are shared out again on join and leave.
 */
void fs_fd_budget_join(struct fs_fd_budget *b, struct fs_fd_pool *pool,
                       unsigned max, unsigned used);
void fs_fd_budget_leave(struct fs_fd_budget *b);

/*
 * Claim one fd before opening it, reclaiming one of this share's own when
 * the budget is spent; false when nothing can be reclaimed.
 */
bool fs_fd_budget_take(struct fs_fd_budget *b);
/* Make room for n more fds (reclaiming); false if there cannot be. */
bool fs_fd_budget_room(struct fs_fd_budget *b, unsigned n);
void fs_fd_budget_give(struct fs_fd_budget *b);
/* Close an fd that was claimed with fs_fd_budget_take(). */
void fs_fd_budget_close(struct fs_fd_budget *b, int fd);
