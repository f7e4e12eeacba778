/*
 * The data path: 1 MiB WRITEs and READs over thousands of iovecs (more
 * than IOV_MAX), replies bounded by what the buffers hold, payloads that
 * claim more than they carry, and a sparse file past 4 GiB with LSEEK
 * SEEK_DATA / SEEK_HOLE.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define MIB (1u << 20)

static const unsigned tiny_cuts[] = {511, 1, 0};  /* > IOV_MAX pieces */
static const unsigned page_cuts[] = {4096, 7, 0}; /* pages, misaligned */

static void fill(uint8_t *buf, size_t len, unsigned seed)
{
    for (size_t i = 0; i < len; i++)
        buf[i] = (uint8_t)(i * 31 + seed + (i >> 12));
}

static void test_big_io(void)
{
    struct ft t;
    struct fuse_entry_out e;
    uint64_t fh;
    uint32_t written;
    uint8_t *data = malloc(MIB), *back = malloc(MIB);
    char path[PATH_MAX];

    ft_setup(&t, NULL);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "big", O_RDWR, 0644, &e, &fh), 0);
    const unsigned *patterns[] = {tiny_cuts, page_cuts};
    for (unsigned p = 0; p < 2; p++) {
        t.cuts = patterns[p];
        fill(data, MIB, p);
        CHECK_ERR(ft_write(&t, e.nodeid, fh, p * MIB, data, MIB, &written), 0);
        CHECK(written == MIB);
        ft_path(&t, "big", path, sizeof(path));
        int fd = open(path, O_RDONLY);
        CHECK(pread(fd, back, MIB, p * MIB) == MIB);
        close(fd);
        CHECK(memcmp(data, back, MIB) == 0);
        CHECK_ERR(ft_read(&t, e.nodeid, fh, p * MIB, MIB), 0);
        CHECK(t.reply_len == MIB && memcmp(t.reply, data, MIB) == 0);
    }
    /* Reading across the end returns what is there. */
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 2 * MIB - 100, MIB), 0);
    CHECK(t.reply_len == 100 && memcmp(t.reply, data + MIB - 100, 100) == 0);

    /* The reply buffers, not the size asked, bound a READ. */
    struct fuse_read_in rin = {.fh = fh, .offset = 0, .size = MIB};
    ft_put(&t, &rin, sizeof(rin));
    CHECK_ERR(ft_call(&t, FUSE_READ, e.nodeid, 16 + 5000), 0);
    CHECK(t.reply_len == 5000);

    /* A WRITE claiming more than it carries changes nothing. */
    struct stat before, after;
    stat(path, &before);
    struct fuse_write_in win = {.fh = fh, .offset = 2 * MIB, .size = 4096};
    ft_put(&t, &win, sizeof(win));
    ft_put(&t, data, 100);
    CHECK_ERR(ft_call(&t, FUSE_WRITE, e.nodeid, 64), -EINVAL);
    stat(path, &after);
    CHECK(after.st_size == before.st_size);
    /* Offsets beyond what the host takes. */
    win = (struct fuse_write_in){.fh = fh, .offset = UINT64_MAX, .size = 1};
    ft_put(&t, &win, sizeof(win));
    ft_put(&t, data, 1);
    CHECK_ERR(ft_call(&t, FUSE_WRITE, e.nodeid, 64), -EINVAL);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, UINT64_MAX - 10, 10), -EINVAL);
    /* A zero-byte write is fine and writes nothing. */
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, data, 0, &written), 0);
    CHECK(written == 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    free(data);
    free(back);
    ft_teardown(&t);
}

static int seek(struct ft *t, uint64_t node, uint64_t fh, uint64_t off,
                uint32_t whence, uint64_t *at)
{
    struct fuse_lseek_in in = {.fh = fh, .offset = off, .whence = whence};
    struct fuse_lseek_out out;
    ft_put(t, &in, sizeof(in));
    int ret = ft_call(t, FUSE_LSEEK, node, 16 + sizeof(out));
    if (ret == 0 && CHECK(t->reply_len == sizeof(out))) {
        memcpy(&out, t->reply, sizeof(out));
        *at = out.offset;
    }
    return ret;
}

static void test_sparse(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_attr a;
    uint64_t fh, at = 0;
    const uint64_t far = 5ull << 30; /* past 4 GiB */
    struct stat st;
    char path[PATH_MAX];

    ft_setup(&t, NULL);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "sparse", O_RDWR, 0600, &e, &fh), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "head", 4, NULL), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, far, "tail", 4, NULL), 0);
    CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK(a.size == far + 4);
    ft_path(&t, "sparse", path, sizeof(path));
    stat(path, &st);
    CHECK(st.st_size == (off_t)(far + 4) && st.st_blocks < 1024);

    CHECK_ERR(seek(&t, e.nodeid, fh, 0, SEEK_DATA, &at), 0);
    CHECK(at == 0);
    CHECK_ERR(seek(&t, e.nodeid, fh, 0, SEEK_HOLE, &at), 0);
    CHECK(at > 0 && at < far);
    CHECK_ERR(seek(&t, e.nodeid, fh, 4096 * 16, SEEK_DATA, &at), 0);
    CHECK(at <= far && at > (4ull << 30));
    CHECK_ERR(seek(&t, e.nodeid, fh, far, SEEK_HOLE, &at), 0);
    CHECK(at == far + 4);
    CHECK_ERR(seek(&t, e.nodeid, fh, far + 100, SEEK_DATA, &at), -ENXIO);
    CHECK_ERR(seek(&t, e.nodeid, fh, 0, 77, &at), -EINVAL);

    CHECK_ERR(ft_read(&t, e.nodeid, fh, far, 100), 0);
    CHECK(t.reply_len == 4 && memcmp(t.reply, "tail", 4) == 0);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 3ull << 30, 64), 0);
    static const uint8_t zeros[64];
    CHECK(t.reply_len == 64 && memcmp(t.reply, zeros, 64) == 0);

    /* Punch the tail's block away; the size stays (KEEP_SIZE). */
    struct fuse_fallocate_in fa = {.fh = fh,
                                   .offset = far,
                                   .length = 4096,
                                   .mode = FALLOC_FL_PUNCH_HOLE |
                                           FALLOC_FL_KEEP_SIZE};
    ft_put(&t, &fa, sizeof(fa));
    CHECK_ERR(ft_call(&t, FUSE_FALLOCATE, e.nodeid, 16), 0);
    CHECK_ERR(seek(&t, e.nodeid, fh, 4096 * 16, SEEK_DATA, &at), -ENXIO);
    CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK(a.size == far + 4);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    ft_teardown(&t);
}

int main(void)
{
    test_big_io();
    test_sparse();
    return check_summary();
}
