/*
 * The cap on host fds the server holds (node O_PATH fds, open files and
 * directories). Node fds can be closed and reopened; running out of the
 * rest is the guest's EMFILE, never the emulator's.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

struct fs_fd_budget {
    unsigned used;
    unsigned max;
    /* Closes one fd that can be reopened later (the node table's). */
    bool (*reclaim)(void *ctx);
    void *reclaim_ctx;
};

/*
 * Claim one fd before opening it, reclaiming one when the budget is spent;
 * false when nothing can be reclaimed.
 */
static inline bool fd_budget_take(struct fs_fd_budget *b)
{
    if (b->used >= b->max &&
        !(b->reclaim && b->reclaim(b->reclaim_ctx) && b->used < b->max))
        return false;
    b->used++;
    return true;
}

/* Make room for n more fds (reclaiming); false if there cannot be. */
static inline bool fd_budget_room(struct fs_fd_budget *b, unsigned n)
{
    while (b->used + n > b->max) {
        if (!b->reclaim || !b->reclaim(b->reclaim_ctx))
            return false;
    }
    return true;
}

static inline void fd_budget_give(struct fs_fd_budget *b)
{
    b->used--;
}

/* Close an fd that was claimed with fd_budget_take(). */
static inline void fd_budget_close(struct fs_fd_budget *b, int fd)
{
    close(fd);
    fd_budget_give(b);
}
