/*
 * virtio-fs speed without a guest: how fast the device path (MMIO kick,
 * chain walk, FUSE server, used ring) serves the requests a Linux guest
 * sends. A 128 KiB READ arrives as a header buffer plus 32 page-sized
 * buffers in one indirect table; GETATTR is the small-request round trip.
 * This is a benchmark: it reports numbers and fails only if a request does.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "virtio-fs.h"
#include "vq-driver.h"

#define RAM_SIZE   (16u << 20)
#define PAGE       4096u
#define READ_PAGES 32
#define FILE_SIZE  (16u << 20)
#define SECONDS    1.0

static struct vqd d;
static uint64_t unique;

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * A request whose buffers stay put: header and args readable, an out
 * header and `pages` pages writable, all in one indirect table.
 */
struct standing {
    uint64_t in, out, table;
    unsigned n;
};

static struct standing standing_new(size_t args_len, size_t reply_len,
                                    unsigned pages)
{
    struct standing s;
    struct vqd_buf bufs[2 + READ_PAGES + 1];
    size_t in_len = sizeof(struct fuse_in_header) + args_len;
    s.in = vqd_alloc(&d, in_len, 8);
    s.out = vqd_alloc(&d, sizeof(struct fuse_out_header) + reply_len, 8);
    unsigned n = 0;
    bufs[n++] = (struct vqd_buf){s.in, in_len};
    bufs[n++] =
        (struct vqd_buf){s.out, sizeof(struct fuse_out_header) + reply_len};
    for (unsigned i = 0; i < pages; i++)
        bufs[n++] = (struct vqd_buf){vqd_alloc(&d, PAGE, PAGE), PAGE};
    s.table = vqd_alloc(&d, 16ull * n, 16);
    for (unsigned i = 0; i < n; i++)
        vqd_set_desc(&d, s.table, i, bufs[i].addr, bufs[i].len,
                     (i ? VRING_DESC_F_WRITE : 0) |
                         (i + 1 < n ? VRING_DESC_F_NEXT : 0),
                     i + 1);
    s.n = n;
    return s;
}

/* Send the standing request once; returns the FUSE error (or -1). */
static int send(const struct standing *s, uint32_t opcode, uint64_t node,
                const void *args, size_t args_len)
{
    struct fuse_in_header h = {
        .len = sizeof h + args_len,
        .opcode = opcode,
        .unique = ++unique,
        .nodeid = node,
    };
    memcpy(vqd_ptr(&d, s->in, sizeof h), &h, sizeof h);
    memcpy(vqd_ptr(&d, s->in + sizeof h, args_len), args, args_len);
    /* The readable part is exactly the request, as Linux sends it. */
    vqd_set_desc(&d, s->table, 0, s->in, h.len, VRING_DESC_F_NEXT, 1);
    struct vqd_queue *q = &d.q[1];
    uint16_t head = q->next_desc;
    q->next_desc = (q->next_desc + 1) & (q->size - 1);
    vqd_set_desc(&d, q->desc, head, s->table, 16 * s->n, VRING_DESC_F_INDIRECT,
                 0);
    vqd_publish(&d, 1, head);
    vqd_notify(&d, 1);
    vqd_ack(&d);
    uint32_t id, len;
    if (!vqd_get_used(&d, 1, &id, &len) || id != head) {
        fprintf(stderr, "bench-fs: no reply (device status %#x)\n",
                vqd_read(&d, VIRTIO_MMIO_STATUS));
        return -1;
    }
    struct fuse_out_header out;
    memcpy(&out, vqd_ptr(&d, s->out, sizeof out), sizeof out);
    if (out.error)
        fprintf(stderr, "bench-fs: opcode %u failed: %d\n", opcode, out.error);
    return out.error;
}

static char dir[] = "/tmp/semu-bench-fs-XXXXXX", path[64];

/* Leave nothing behind, also when a request fails. */
static void remove_share(void)
{
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    char err[256];
    if (!mkdtemp(dir))
        return 1;
    atexit(remove_share);
    snprintf(path, sizeof path, "%s/data", dir);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0 || ftruncate(fd, FILE_SIZE) < 0)
        return 1;
    close(fd);

    struct fs_share_options share = {.dir = dir, .tag = "bench"};
    struct virtio_device *dev = virtio_fs_new(&share, err, sizeof err);
    uint64_t features = (1ull << VIRTIO_F_VERSION_1) |
                        (1ull << VIRTIO_RING_F_INDIRECT_DESC) |
                        (1ull << VIRTIO_RING_F_EVENT_IDX);
    if (!dev || vqd_init(&d, RAM_SIZE, dev) < 0 ||
        vqd_start(&d, features, 2, 256) < 0) {
        fprintf(stderr, "bench-fs: setup failed: %s\n", dev ? "" : err);
        return 1;
    }

    struct standing small = standing_new(64, 256, 0);
    struct fuse_init_in init = {.major = FUSE_KERNEL_VERSION,
                                .minor = FUSE_KERNEL_MINOR_VERSION,
                                .flags = FUSE_MAX_PAGES};
    struct fuse_open_in open_in = {.flags = O_RDONLY};
    struct fuse_getattr_in getattr = {0};
    struct fuse_out_header oh;
    struct fuse_entry_out entry;
    struct fuse_open_out open_out;
    if (send(&small, FUSE_INIT, 0, &init, sizeof init) ||
        send(&small, FUSE_LOOKUP, FUSE_ROOT_ID, "data", 5))
        return 1;
    memcpy(&entry, vqd_ptr(&d, small.out + sizeof oh, sizeof entry),
           sizeof entry);
    if (send(&small, FUSE_OPEN, entry.nodeid, &open_in, sizeof open_in))
        return 1;
    memcpy(&open_out, vqd_ptr(&d, small.out + sizeof oh, sizeof open_out),
           sizeof open_out);

    unsigned long n = 0;
    double start = now(), t;
    while ((t = now()) - start < SECONDS) {
        for (int i = 0; i < 100; i++, n++)
            if (send(&small, FUSE_GETATTR, entry.nodeid, &getattr,
                     sizeof getattr))
                return 1;
    }
    printf("virtio-fs GETATTR: %.0f requests/s\n", n / (t - start));

    struct standing big =
        standing_new(sizeof(struct fuse_read_in), 0, READ_PAGES);
    struct fuse_read_in rd = {.fh = open_out.fh, .size = READ_PAGES * PAGE};
    n = 0;
    start = now();
    while ((t = now()) - start < SECONDS) {
        for (int i = 0; i < 10; i++, n++) {
            rd.offset = (n * rd.size) % FILE_SIZE;
            if (send(&big, FUSE_READ, entry.nodeid, &rd, sizeof rd))
                return 1;
        }
    }
    printf("virtio-fs READ %u KiB: %.0f MiB/s (%.0f requests/s)\n",
           READ_PAGES * PAGE / 1024,
           n * (double)rd.size / (1 << 20) / (t - start), n / (t - start));

    vqd_free(&d);
    return 0;
}
