/*
 * The process's fd pool and each share's budget in it. The invariant:
 * the pool's free fds always cover every share's unused quota (unmet), so
 * a share below its quota always finds one, and only fds beyond that are
 * lent to a share past its quota.
 */
#include <limits.h>
#include <sys/resource.h>
#include <unistd.h>

#include "fs-fd-budget.h"

/* fds left to the rest of the emulator when the pool is the rlimit. */
#define FD_RESERVE  64
#define FD_POOL_MAX (1u << 20)

static unsigned pool_size(void)
{
    struct rlimit lim;
    if (getrlimit(RLIMIT_NOFILE, &lim) < 0)
        return 1024;
    /*
     * Every inode the guest has cached holds an O_PATH fd (as in
     * virtiofsd), so a guest `find` over a big tree needs many: raise the
     * soft limit to the hard one and use all but a reserve.
     */
    if (lim.rlim_cur < lim.rlim_max) {
        lim.rlim_cur = lim.rlim_max;
        setrlimit(RLIMIT_NOFILE, &lim);
        getrlimit(RLIMIT_NOFILE, &lim);
    }
    rlim_t avail = lim.rlim_cur > 2 * FD_RESERVE ? lim.rlim_cur - FD_RESERVE
                                                 : lim.rlim_cur / 2;
    return avail > FD_POOL_MAX ? FD_POOL_MAX : (unsigned)avail;
}

static unsigned unmet_of(const struct fs_fd_budget *b)
{
    return b->used < b->quota ? b->quota - b->used : 0;
}

/*
 * Share the pool out again (a share joined or left): half of it is set
 * aside in equal parts, the other half goes to whichever share needs it.
 */
static void requota(struct fs_fd_pool *pool)
{
    unsigned n = 0;
    for (struct fs_fd_budget *b = pool->members; b; b = b->next)
        n++;
    pool->unmet = 0;
    for (struct fs_fd_budget *b = pool->members; b; b = b->next) {
        unsigned fair = pool->max / (2 * n);
        b->quota = fair < b->max ? fair : b->max;
        pool->unmet += unmet_of(b);
    }
}

void fs_fd_budget_join(struct fs_fd_budget *b, struct fs_fd_pool *pool,
                       unsigned max, unsigned used)
{
    if (!pool->members) {
        pool->max = pool_size();
        pool->used = 0;
    }
    b->pool = pool;
    b->max = max ? max : UINT_MAX;
    b->used = used;
    b->next = pool->members;
    pool->members = b;
    pool->used += used;
    requota(pool);
}

void fs_fd_budget_leave(struct fs_fd_budget *b)
{
    struct fs_fd_pool *pool = b->pool;
    if (!pool)
        return;
    for (struct fs_fd_budget **p = &pool->members; *p; p = &(*p)->next) {
        if (*p == b) {
            *p = b->next;
            break;
        }
    }
    pool->used -= b->used;
    b->pool = NULL;
    requota(pool);
}

/* Whether n more fds fit: in the share's cap, in the pool, and leaving
 * the other shares' unused quota free. */
static bool fits(const struct fs_fd_budget *b, unsigned n)
{
    const struct fs_fd_pool *pool = b->pool;
    unsigned own = unmet_of(b);
    unsigned from_quota = n < own ? n : own;
    unsigned free = pool->max > pool->used ? pool->max - pool->used : 0;
    return b->used + n <= b->max && free >= n &&
           free - n >= pool->unmet - from_quota;
}

bool fs_fd_budget_room(struct fs_fd_budget *b, unsigned n)
{
    while (!fits(b, n)) {
        if (!b->reclaim || !b->reclaim(b->reclaim_ctx))
            return false;
    }
    return true;
}

bool fs_fd_budget_take(struct fs_fd_budget *b)
{
    if (!fs_fd_budget_room(b, 1))
        return false;
    if (b->used < b->quota)
        b->pool->unmet--;
    b->used++;
    b->pool->used++;
    return true;
}

void fs_fd_budget_give(struct fs_fd_budget *b)
{
    b->used--;
    b->pool->used--;
    if (b->used < b->quota)
        b->pool->unmet++;
}

void fs_fd_budget_close(struct fs_fd_budget *b, int fd)
{
    close(fd);
    fs_fd_budget_give(b);
}
