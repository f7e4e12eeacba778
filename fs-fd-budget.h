/*
 * The cap on host fds the server holds (node O_PATH fds, open files and
 * directories). Running out is the guest's EMFILE, never the emulator's.
 */
#pragma once

#include <errno.h>
#include <stdbool.h>
#include <unistd.h>

struct fs_fd_budget {
    unsigned used;
    unsigned max;
};

/* Claim one fd before opening it; false means the budget is spent. */
static inline bool fd_budget_take(struct fs_fd_budget *b)
{
    if (b->used >= b->max)
        return false;
    b->used++;
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
