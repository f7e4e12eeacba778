/*
 * virtio-fs DAX without a guest: the shared-memory registers, and
 * SETUPMAPPING / REMOVEMAPPING through real virtqueues into a real host
 * window, checked through the window's host pages and the host files.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/virtio_config.h>
#include <linux/virtio_fs.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tests/check.h"
#include "host-window.h"
#include "virtio-fs.h"
#include "vq-driver.h"

#define RAM_SIZE    (4u << 20)
#define PAGE        4096u
#define WINDOW_BASE 0x800000000ull
#define WINDOW_SIZE (8u << 20)
#define REQUESTS    1
#define NO_FH       UINT64_MAX

static struct vqd d;
static struct host_window window;
static unsigned window_changes;
static uint64_t changed_base, changed_len; /* the last change's range */
static char dir[64];
static uint64_t unique;

static void count_change(void *opaque, uint64_t base, uint64_t len)
{
    (void)opaque;
    window_changes++;
    changed_base = base;
    changed_len = len;
}

/* One FUSE request on the request queue; the error, or 1 if not served. */
static int32_t call(struct vqd *q, uint32_t opcode, uint64_t nodeid,
                    const void *args, size_t args_len, void *reply,
                    size_t reply_len)
{
    struct fuse_in_header in = {.len = sizeof in + args_len,
                                .opcode = opcode,
                                .unique = ++unique,
                                .nodeid = nodeid};
    struct fuse_out_header out = {0};
    struct iovec req[2] = {{&in, sizeof in}, {(void *)args, args_len}};
    struct iovec rep[2] = {{&out, sizeof out}, {reply, reply_len}};
    long used = vqd_request(q, REQUESTS, req, args_len ? 2 : 1, rep,
                            reply_len ? 2 : 1, false);
    if (used < (long)sizeof out || out.unique != unique)
        return 1;
    return out.error;
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
        abort();
    close(fd);
}

static void read_file(const char *name, char *buf, size_t len)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY);
    memset(buf, 0, len);
    if (fd < 0 || read(fd, buf, len - 1) < 0)
        abort();
    close(fd);
}

static uint64_t lookup(struct vqd *q, const char *name)
{
    struct fuse_entry_out e;
    int32_t err = call(q, FUSE_LOOKUP, FUSE_ROOT_ID, name, strlen(name) + 1, &e,
                       sizeof e);
    return err ? 0 : e.nodeid;
}

static uint64_t open_fh(struct vqd *q, uint64_t node, uint32_t flags)
{
    struct fuse_open_in in = {.flags = flags};
    struct fuse_open_out out;
    CHECK(call(q, FUSE_OPEN, node, &in, sizeof in, &out, sizeof out) == 0);
    return out.fh;
}

static int32_t init(struct vqd *q, struct fuse_init_out *out)
{
    struct fuse_init_in in = {.major = FUSE_KERNEL_VERSION,
                              .minor = FUSE_KERNEL_MINOR_VERSION,
                              .flags = FUSE_MAP_ALIGNMENT};
    return call(q, FUSE_INIT, 0, &in, sizeof in, out, sizeof *out);
}

static int32_t setup(struct vqd *q, uint64_t node, uint64_t fh,
                     uint64_t foffset, uint64_t len, uint64_t moffset,
                     bool write)
{
    struct fuse_setupmapping_in in = {
        .fh = fh,
        .foffset = foffset,
        .len = len,
        .flags = FUSE_SETUPMAPPING_FLAG_READ |
                 (write ? FUSE_SETUPMAPPING_FLAG_WRITE : 0),
        .moffset = moffset};
    return call(q, FUSE_SETUPMAPPING, node, &in, sizeof in, NULL, 0);
}

static int32_t removemap(uint64_t node, const struct fuse_removemapping_one *r,
                         uint32_t count, uint32_t sent)
{
    uint8_t args[sizeof(struct fuse_removemapping_in) + 4 * sizeof *r];
    struct fuse_removemapping_in in = {.count = count};
    memcpy(args, &in, sizeof in);
    memcpy(args + sizeof in, r, sent * sizeof *r);
    return call(&d, FUSE_REMOVEMAPPING, node, args,
                sizeof in + sent * sizeof *r, NULL, 0);
}

/* The window's bytes at offset, as the CPU would see them (NULL: none). */
static const char *at(uint64_t offset, bool write)
{
    return (const char *)host_window_page(&window, WINDOW_BASE + offset, write);
}

static void test_shm_registers(void)
{
    vqd_write(&d, VIRTIO_MMIO_SHM_SEL, VIRTIO_FS_SHMCAP_ID_CACHE);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_LOW) == WINDOW_SIZE);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_HIGH) == 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_BASE_LOW) == (uint32_t)WINDOW_BASE);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_BASE_HIGH) == WINDOW_BASE >> 32);
    /* Any other region does not exist: a length of all ones. */
    vqd_write(&d, VIRTIO_MMIO_SHM_SEL, 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_LOW) == 0xffffffff);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_HIGH) == 0xffffffff);
    vqd_write(&d, VIRTIO_MMIO_SHM_SEL, 0);
}

static void test_mappings(void)
{
    struct fuse_init_out out;
    CHECK(init(&d, &out) == 0 && (out.flags & FUSE_MAP_ALIGNMENT) &&
          out.map_alignment == 12);
    uint64_t a = lookup(&d, "a.txt"), b = lookup(&d, "b.txt");
    uint64_t sub = lookup(&d, "sub");
    CHECK(a && b && sub);

    /* Read-only: the CPU may load, not store. */
    CHECK(setup(&d, a, NO_FH, 0, 2 * PAGE, 0, false) == 0);
    CHECK(at(0, false) && memcmp(at(0, false), "alpha", 5) == 0);
    CHECK(!at(0, true) && at(PAGE, false) && !at(2 * PAGE, false));
    CHECK(window_changes == 0); /* nothing was mapped there before */

    /* Writable: a store through the window is in the host file at once. */
    CHECK(setup(&d, b, NO_FH, 0, PAGE, 4 * PAGE, true) == 0);
    char *w = (char *)at(4 * PAGE, true);
    char buf[64];
    if (CHECK(w != NULL)) {
        memcpy(w, "BR", 2);
        read_file("b.txt", buf, sizeof buf);
        CHECK(strcmp(buf, "BRavo") == 0);
        write_file("b.txt", "bravo"); /* and the other way */
        CHECK(memcmp(w, "bravo", 5) == 0);
    }

    /* Over an existing mapping: replaced, and the harts told. */
    CHECK(setup(&d, b, NO_FH, 0, PAGE, 0, false) == 0);
    CHECK(memcmp(at(0, false), "bravo", 5) == 0 && window_changes == 1);
    CHECK(changed_base == WINDOW_BASE && changed_len == PAGE);
    CHECK(at(PAGE, false) != NULL); /* the rest of a's range stays */

    /* Bad requests: errors, and the window as it was. */
    unsigned changes = window_changes;
    CHECK(setup(&d, a, NO_FH, 0, PAGE, 100, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, 100, PAGE, 0, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, 0, 100, 0, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, 0, 0, 0, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, 0, PAGE, WINDOW_SIZE, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, 0, 2 * PAGE, WINDOW_SIZE - PAGE, false) ==
          -EINVAL);
    CHECK(setup(&d, a, NO_FH, 0, 2 * PAGE, -(uint64_t)PAGE, false) == -EINVAL);
    CHECK(setup(&d, a, NO_FH, -(uint64_t)PAGE, 2 * PAGE, 0, false) == -EINVAL);
    CHECK(setup(&d, a, 12345, 0, PAGE, 0, false) == -EBADF);
    CHECK(setup(&d, 999, NO_FH, 0, PAGE, 0, false) < 0);
    CHECK(setup(&d, sub, NO_FH, 0, PAGE, 0, false) == -EISDIR);
    struct fuse_setupmapping_in odd = {.fh = NO_FH, .len = PAGE, .flags = 8};
    CHECK(call(&d, FUSE_SETUPMAPPING, a, &odd, sizeof odd, NULL, 0) == -EINVAL);
    CHECK(window_changes == changes && !at(2 * PAGE, false));
    CHECK(memcmp(at(0, false), "bravo", 5) == 0);

    /* A handle: used when open on that node for the access asked. */
    uint64_t ro = open_fh(&d, a, O_RDONLY), rw = open_fh(&d, a, O_RDWR);
    CHECK(setup(&d, a, ro, 0, PAGE, 8 * PAGE, true) == -EACCES);
    CHECK(setup(&d, b, ro, 0, PAGE, 8 * PAGE, false) == -EBADF);
    CHECK(setup(&d, a, ro, 0, PAGE, 8 * PAGE, false) == 0);
    CHECK(setup(&d, a, rw, 0, PAGE, 9 * PAGE, true) == 0);
    CHECK(at(8 * PAGE, false) && !at(8 * PAGE, true) && at(9 * PAGE, true));

    /* REMOVEMAPPING: all or nothing. */
    struct fuse_removemapping_one r[2] = {{0, PAGE}, {9 * PAGE, 1}};
    CHECK(removemap(a, r, 2, 2) == -EINVAL && at(0, false));
    r[1] = (struct fuse_removemapping_one){WINDOW_SIZE - PAGE, 2 * PAGE};
    CHECK(removemap(a, r, 2, 2) == -EINVAL && at(0, false));
    CHECK(removemap(a, r, 2, 1) == -EINVAL); /* count beyond the request */
    CHECK(removemap(a, r, 0, 0) == -EINVAL);
    CHECK(window_changes == changes);
    r[1] = (struct fuse_removemapping_one){8 * PAGE, 2 * PAGE};
    CHECK(removemap(a, r, 2, 2) == 0);
    CHECK(!at(0, false) && at(PAGE, false) && !at(8 * PAGE, false) &&
          !at(9 * PAGE, false) && window_changes == changes + 2);
    CHECK(changed_base == WINDOW_BASE + 8 * PAGE && changed_len == 2 * PAGE);
    /* Unmapped already: fine, and no flush needed. */
    changes = window_changes;
    CHECK(removemap(a, r, 1, 1) == 0 && window_changes == changes);

    /* A device reset takes every mapping out. */
    CHECK(setup(&d, b, NO_FH, 0, PAGE, 0, true) == 0);
    vqd_write(&d, VIRTIO_MMIO_STATUS, 0);
    CHECK(!at(0, false) && !at(PAGE, false) && !at(4 * PAGE, false));
}

/* The host truncates a mapped file: the page reads zeros, nothing dies. */
static void test_truncation(void)
{
    uint64_t features = (1ull << VIRTIO_F_VERSION_1);
    struct fuse_init_out out;
    CHECK(vqd_start(&d, features, 2, 64) == 0 && init(&d, &out) == 0);
    uint64_t b = lookup(&d, "b.txt");
    CHECK(setup(&d, b, NO_FH, 0, PAGE, 0, true) == 0);
    volatile char *p = (volatile char *)at(0, true);
    if (!CHECK(p != NULL))
        return;
    CHECK(p[0] == 'b');
    char path[128];
    snprintf(path, sizeof path, "%s/b.txt", dir);
    CHECK(truncate(path, 0) == 0);
    host_window_take_truncations();
    CHECK(p[0] == 0 && p[PAGE - 1] == 0);
    p[1] = 'x'; /* dropped into a private page */
    CHECK(host_window_take_truncations() == 1);
    struct stat st;
    CHECK(stat(path, &st) == 0 && st.st_size == 0);
}

/* Without a window the opcodes are ENOSYS; a ro share maps only reads. */
static void test_other_shares(void)
{
    char err[256];
    struct fs_share_options plain = {.dir = dir, .tag = "plain"};
    struct fs_share_options ro = {.dir = dir, .tag = "ro", .read_only = true};
    struct vqd q[2];
    struct host_window ro_window;
    struct fs_share_options *opts[2] = {&plain, &ro};
    CHECK(host_window_init(&ro_window, WINDOW_BASE, WINDOW_SIZE) == 0);
    uint64_t features = (1ull << VIRTIO_F_VERSION_1);
    for (int i = 0; i < 2; i++) {
        struct virtio_device *dev = virtio_fs_new(opts[i], err, sizeof err);
        if (dev && i == 1)
            virtio_fs_set_window(dev, &ro_window);
        if (!CHECK(dev && vqd_init(&q[i], RAM_SIZE, dev) == 0))
            return;
        CHECK(vqd_start(&q[i], features, 2, 64) == 0);
        struct fuse_init_out out;
        CHECK(init(&q[i], &out) == 0);
        CHECK(!!(out.flags & FUSE_MAP_ALIGNMENT) == (i == 1));
    }
    vqd_write(&q[0], VIRTIO_MMIO_SHM_SEL, 0);
    CHECK(vqd_read(&q[0], VIRTIO_MMIO_SHM_LEN_LOW) == 0xffffffff &&
          vqd_read(&q[0], VIRTIO_MMIO_SHM_LEN_HIGH) == 0xffffffff);
    uint64_t a = lookup(&q[0], "a.txt");
    CHECK(setup(&q[0], a, NO_FH, 0, PAGE, 0, false) == -ENOSYS);
    a = lookup(&q[1], "a.txt");
    CHECK(setup(&q[1], a, NO_FH, 0, PAGE, 0, true) == -EROFS);
    CHECK(setup(&q[1], a, NO_FH, 0, PAGE, 0, false) == 0);
    CHECK(host_window_page(&ro_window, WINDOW_BASE, false) &&
          !host_window_page(&ro_window, WINDOW_BASE, true));
    vqd_free(&q[0]);
    vqd_free(&q[1]);
    host_window_free(&ro_window);
}

int main(void)
{
    char err[256];
    snprintf(dir, sizeof dir, "/tmp/semu-dax-XXXXXX");
    if (!mkdtemp(dir))
        abort();
    write_file("a.txt", "alpha");
    write_file("b.txt", "bravo");
    char sub[128];
    snprintf(sub, sizeof sub, "%s/sub", dir);
    mkdir(sub, 0755);

    host_window_catch_sigbus();
    CHECK(host_window_init(&window, WINDOW_BASE, WINDOW_SIZE) == 0);
    window.hook = (struct window_hook){count_change, NULL};
    struct fs_share_options share = {.dir = dir, .tag = "myfs"};
    struct virtio_device *dev = virtio_fs_new(&share, err, sizeof err);
    if (dev)
        virtio_fs_set_window(dev, &window);
    if (!CHECK(dev && vqd_init(&d, RAM_SIZE, dev) == 0))
        return check_summary();
    test_shm_registers();
    uint64_t features = (1ull << VIRTIO_F_VERSION_1);
    CHECK(vqd_start(&d, features, 2, 64) == 0);
    test_mappings();
    test_truncation();
    test_other_shares();
    vqd_free(&d);
    host_window_free(&window);

    char path[128];
    const char *names[] = {"a.txt", "b.txt"};
    for (int i = 0; i < 2; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(sub);
    rmdir(dir);
    return check_summary();
}
