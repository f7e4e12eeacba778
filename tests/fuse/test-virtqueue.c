/*
 * Some of the FUSE checks again, this time through real virtqueues: each
 * request is a descriptor chain built by the driver-side test library
 * (tests/virtio/vq-driver.h), served by the virtio-fs device, which hands
 * the server iovecs into guest RAM. FORGETs go on the hiprio queue.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/virtio_config.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse-iov.h"
#include "harness.h"
#include "tests/virtio/vq-driver.h"
#include "virtio-fs.h"

#define HIPRIO     0
#define REQUESTS   1
#define QUEUE_SIZE 128

static struct vqd d;
static unsigned sent;

/* Header split mid-field, then small pieces: at most 64 per chain. */
static const unsigned small_cuts[] = {7, 1, 30, 13, 1000, 0};
static const unsigned page_cuts[] = {4096, 0};

static size_t via_queue(const struct iovec *req, unsigned nreq,
                        const struct iovec *reply, unsigned nreply)
{
    struct fuse_in_header in = {0};
    fuse_iov_read(req, nreq, 0, &in, sizeof(in));
    unsigned queue = in.opcode == FUSE_FORGET || in.opcode == FUSE_BATCH_FORGET
                         ? HIPRIO
                         : REQUESTS;
    bool indirect = sent++ % 2; /* direct and indirect chains in turn */
    long len = vqd_request(&d, queue, req, nreq, reply, nreply, indirect);
    CHECK(len >= 0); /* the device returned the chain */
    return len < 0 ? 0 : (size_t)len;
}

static void test_escapes(struct ft *t)
{
    struct fuse_entry_out e;
    char path[PATH_MAX];
    uint64_t fh;

    ft_path(t, "out", path, sizeof(path));
    symlink("/etc/passwd", path);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "out", &e), 0);
    CHECK(S_ISLNK(e.attr.mode));
    CHECK_ERR(ft_call(t, FUSE_READLINK, e.nodeid, 16 + 4096), 0);
    CHECK(t->reply_len == 11 && memcmp(t->reply, "/etc/passwd", 11) == 0);
    CHECK_ERR(ft_open(t, e.nodeid, O_RDONLY, &fh), -ELOOP);
    CHECK_ERR(ft_lookup(t, e.nodeid, "x", &e), -ENOTDIR);
    CHECK_ERR(ft_mkdir(t, FUSE_ROOT_ID, "../up", 0755, &e), -EINVAL);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "a/b", &e), -EINVAL);
    CHECK_ERR(ft_getattr(t, 123456789, NULL), -ESTALE);
    CHECK_ERR(ft_read(t, FUSE_ROOT_ID, 0xdead0001, 0, 16), -EBADF);
}

static void test_data(struct ft *t)
{
    enum { SIZE = 50 * 4096 + 123 };
    static uint8_t data[SIZE], back[SIZE];
    struct fuse_entry_out e;
    uint64_t fh;
    uint32_t written;
    char path[PATH_MAX];

    for (size_t i = 0; i < SIZE; i++)
        data[i] = (uint8_t)(i * 13 + (i >> 9));
    CHECK_ERR(ft_create(t, FUSE_ROOT_ID, "data", O_RDWR, 0640, &e, &fh), 0);
    t->cuts = page_cuts;
    CHECK_ERR(ft_write(t, e.nodeid, fh, 4096, data, SIZE, &written), 0);
    CHECK(written == SIZE);
    CHECK_ERR(ft_read(t, e.nodeid, fh, 4096, SIZE), 0);
    CHECK(t->reply_len == SIZE && memcmp(t->reply, data, SIZE) == 0);
    t->cuts = small_cuts;
    ft_path(t, "data", path, sizeof(path));
    int fd = open(path, O_RDONLY);
    CHECK(pread(fd, back, SIZE, 4096) == SIZE && memcmp(back, data, SIZE) == 0);
    close(fd);
    struct fuse_fsync_in fs = {.fh = fh};
    ft_put(t, &fs, sizeof(fs));
    CHECK_ERR(ft_call(t, FUSE_FSYNC, e.nodeid, 16), 0);
    CHECK_ERR(ft_release(t, e.nodeid, fh), 0);
    CHECK_ERR(ft_release(t, e.nodeid, fh), -EBADF);
}

/* READDIRPLUS in small replies, then every reference forgotten. */
static void test_listing(struct ft *t)
{
    enum { N = 300 };
    static unsigned char seen[N];
    static uint64_t ids[N];
    struct fuse_entry_out dir;
    char name[32];
    uint64_t fh, off = 0;
    unsigned dupes = 0, held = 0;

    CHECK_ERR(ft_mkdir(t, FUSE_ROOT_ID, "many", 0755, &dir), 0);
    for (int i = 0; i < N; i++) {
        snprintf(name, sizeof(name), "many/e%03d", i);
        ft_host_write(t, name, "");
    }
    CHECK_ERR(ft_opendir(t, dir.nodeid, &fh), 0);
    for (;;) {
        if (ft_readdir(t, true, dir.nodeid, fh, off, 1500) != 0 ||
            t->reply_len == 0)
            break;
        CHECK(t->reply_len <= 1500);
        for (size_t at = 0; at < t->reply_len;) {
            struct fuse_direntplus dp;
            memcpy(&dp, t->reply + at, sizeof(dp));
            char entry[256] = {0};
            memcpy(entry, t->reply + at + FUSE_NAME_OFFSET_DIRENTPLUS,
                   dp.dirent.namelen < 255 ? dp.dirent.namelen : 255);
            int idx;
            if (sscanf(entry, "e%03d", &idx) == 1 && idx >= 0 && idx < N) {
                dupes += seen[idx]++ > 0;
                if (dp.entry_out.nodeid && held < N)
                    ids[held++] = dp.entry_out.nodeid;
            }
            off = dp.dirent.off;
            at += FUSE_DIRENTPLUS_SIZE(&dp);
        }
    }
    CHECK_ERR(ft_releasedir(t, dir.nodeid, fh), 0);
    unsigned missing = 0;
    for (int i = 0; i < N; i++)
        missing += !seen[i];
    CHECK(missing == 0 && dupes == 0 && held == N);
    CHECK_ERR(ft_getattr(t, ids[0], NULL), 0);
    struct fuse_batch_forget_in bf = {.count = 0};
    struct fuse_forget_one ones[N];
    for (unsigned i = 0; i < held; i++)
        ones[bf.count++] = (struct fuse_forget_one){ids[i], 1};
    ft_put(t, &bf, sizeof(bf));
    ft_put(t, ones, bf.count * sizeof(ones[0]));
    CHECK(ft_call(t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    CHECK_ERR(ft_getattr(t, ids[0], NULL), -ESTALE);
    CHECK_ERR(ft_getattr(t, ids[N - 1], NULL), -ESTALE);
}

int main(void)
{
    struct ft t;
    char err[256];

    ft_setup(&t, NULL); /* the share (its direct server stays unused) */
    struct fs_share_options share = {.dir = t.share, .tag = "myfs"};
    struct virtio_device *dev = virtio_fs_new(&share, err, sizeof(err));
    if (!CHECK(dev != NULL) || !CHECK(vqd_init(&d, 16u << 20, dev) == 0)) {
        printf("virtio_fs_new: %s\n", err);
        return check_summary();
    }
    uint64_t features =
        (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC);
    CHECK(vqd_start(&d, features, 2, QUEUE_SIZE) == 0);
    t.send = via_queue;
    t.cuts = small_cuts;
    CHECK_ERR(ft_init(&t), 0);
    test_escapes(&t);
    test_data(&t);
    test_listing(&t);
    vqd_free(&d);
    ft_teardown(&t);
    return check_summary();
}
