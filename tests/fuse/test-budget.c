/*
 * One fd pool for every share of the process: a share that opens files
 * until it gets EMFILE leaves another share working; and a create that
 * fails after the host object was made leaves nothing behind.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define PROCESS_FDS 400 /* the pool is this less a reserve of 64 */
#define MAX_OPEN    1000

static bool host_exists(const struct ft *t, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    ft_path(t, rel, path, sizeof(path));
    return lstat(path, &st) == 0;
}

static uint64_t node_of[MAX_OPEN];

/* Create and keep open files in t until the server refuses: how many. */
static int open_until_refused(struct ft *t, const char *prefix, uint64_t *fh,
                              int *err)
{
    char name[32];
    struct fuse_entry_out e;
    int n;
    *err = 0;
    for (n = 0; n < MAX_OPEN; n++) {
        snprintf(name, sizeof(name), "%s%d", prefix, n);
        *err = ft_create(t, FUSE_ROOT_ID, name, O_RDWR, 0644, &e, &fh[n]);
        if (*err < 0)
            break;
        node_of[n] = e.nodeid;
    }
    return n;
}

/* Close them and forget their nodes, as the guest would. */
static void close_all(struct ft *t, const uint64_t *fh, int n)
{
    for (int i = 0; i < n; i++) {
        ft_release(t, node_of[i], fh[i]);
        ft_forget(t, node_of[i], 1);
    }
}

static void test_two_shares(void)
{
    struct ft a, b;
    static uint64_t fh_a[MAX_OPEN], fh_b[MAX_OPEN];
    int err;

    ft_setup(&a, NULL);
    ft_setup(&b, NULL);
    /* Without reopenable node fds each open file holds two. */
    int per_file = ft_stats(&a).node_fds_closable ? 1 : 2;
    /* Share a takes every fd it can: it stops at EMFILE... */
    int got_a = open_until_refused(&a, "a", fh_a, &err);
    CHECK_ERR(err, -EMFILE);
    CHECK(got_a > PROCESS_FDS / 2 / per_file && got_a < PROCESS_FDS);
    /* ... and its refused create left no file. */
    char name[32];
    snprintf(name, sizeof(name), "a%d", got_a);
    CHECK(!host_exists(&a, name));
    snprintf(name, sizeof(name), "a%d", got_a - 1);
    CHECK(host_exists(&a, name));

    /* Share b still gets its part (a quarter of the pool here). */
    struct fuse_entry_out e;
    int got_b = 0;
    for (; got_b < 30; got_b++) {
        snprintf(name, sizeof(name), "b%d", got_b);
        if (ft_create(&b, FUSE_ROOT_ID, name, O_RDWR, 0644, &e, &fh_b[got_b]) <
            0)
            break;
    }
    CHECK(got_b == 30);
    CHECK_ERR(ft_mkdir(&b, FUSE_ROOT_ID, "dir", 0755, &e), 0);
    for (int i = 0; i < got_b; i++)
        ft_release(&b, FUSE_ROOT_ID, fh_b[i]);

    /* Once a lets go, b may use more than half too. */
    close_all(&a, fh_a, got_a);
    got_b = open_until_refused(&b, "c", fh_b, &err);
    CHECK_ERR(err, -EMFILE);
    CHECK(got_b > PROCESS_FDS / 2 / per_file);
    close_all(&b, fh_b, got_b);
    ft_teardown(&b);

    /* Alone, a may use (almost) the whole pool. */
    int got_alone = open_until_refused(&a, "d", fh_a, &err);
    CHECK(got_alone > got_b - 10);
    close_all(&a, fh_a, got_alone);
    ft_teardown(&a);
}

/*
 * The process runs out of fds after the host object is made (the budget
 * allowed it, the kernel then refused): the soft limit is set so that
 * exactly one more fd can be opened.
 */
static void limit_to_one_more_fd(struct rlimit *saved)
{
    int spare = dup(0);
    close(spare);
    getrlimit(RLIMIT_NOFILE, saved);
    struct rlimit lim = *saved;
    lim.rlim_cur = (rlim_t)spare + 1;
    setrlimit(RLIMIT_NOFILE, &lim);
}

static void test_no_half_made(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct rlimit saved;
    uint64_t fh;

    ft_setup(&t, NULL);
    /* CREATE: the file is opened (the last fd), its node fd is not. */
    limit_to_one_more_fd(&saved);
    int ret = ft_create(&t, FUSE_ROOT_ID, "made", O_RDWR, 0644, &e, &fh);
    setrlimit(RLIMIT_NOFILE, &saved);
    CHECK_ERR(ret, -EMFILE);
    CHECK(!host_exists(&t, "made"));

    /* MKDIR, MKNOD, SYMLINK: made, then no fd for the node. */
    limit_to_one_more_fd(&saved);
    int last = dup(0); /* takes the one fd left */
    ret = ft_mkdir(&t, FUSE_ROOT_ID, "dir", 0755, &e);
    CHECK_ERR(ret, -EMFILE);
    CHECK(!host_exists(&t, "dir"));
    struct fuse_mknod_in mn = {.mode = S_IFIFO | 0644};
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "fifo");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, FUSE_ROOT_ID, 16 + sizeof(e)), -EMFILE);
    CHECK(!host_exists(&t, "fifo"));
    ft_put_str(&t, "link");
    ft_put_str(&t, "target");
    CHECK_ERR(ft_call(&t, FUSE_SYMLINK, FUSE_ROOT_ID, 16 + sizeof(e)), -EMFILE);
    CHECK(!host_exists(&t, "link"));
    setrlimit(RLIMIT_NOFILE, &saved);
    close(last);

    /* With fds again, the same names are made as usual. */
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "made", O_RDWR, 0644, &e, &fh), 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "dir", 0755, &e), 0);
    CHECK(host_exists(&t, "made") && host_exists(&t, "dir"));
    struct fuse_server_stats s = ft_stats(&t);
    CHECK(s.handles == 0 && s.nodes == 3);
    ft_teardown(&t);
}

int main(void)
{
    /* A small process: the pool is sized from the hard limit. */
    struct rlimit lim = {PROCESS_FDS, PROCESS_FDS};
    if (setrlimit(RLIMIT_NOFILE, &lim) < 0) {
        perror("setrlimit");
        return 2;
    }
    test_two_shares();
    test_no_half_made();
    return check_summary();
}
