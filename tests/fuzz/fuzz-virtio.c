/*
 * libFuzzer target: a hostile guest driving the virtio-mmio transport, the
 * split virtqueues and the virtio-fs device with its real FUSE server,
 * which serves a scratch directory recreated for every input.
 *
 * The input is a program in the language of fuzz-ops.h. Crashes, leaks,
 * UB and accesses outside guest RAM (guard pages) are what we look for;
 * besides, while the input drives the device only through well-formed
 * requests, the device must never report more reply bytes than the chain
 * could hold. (Once the input writes RAM, descriptors, rings or registers
 * itself, it can forge used entries, and only the first checks apply.)
 *
 * With FUZZ_SHARE_THREAD=1 a share thread serves the requests instead (and
 * there is no DAX window, as in the machine): chains stay in flight while
 * the ops after their notify write registers, RAM and rings, until a
 * request of the input waits for its reply or the input ends.
 */
#define _GNU_SOURCE
#include <ftw.h>
#include <linux/fuse.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz-ops.h"
#include "host-window.h"
#include "tests/virtio/vq-driver.h"
#include "virtio-fs-thread.h"
#include "virtio-fs.h"

#define MAX_PIECES 16

struct input {
    const uint8_t *p;
    size_t left;
};

static uint64_t take(struct input *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes && in->left; i++, in->left--)
        v |= (uint64_t)*in->p++ << (8 * i);
    return v;
}

static char share_dir[64];
/* FUZZ_VERBOSE=1: print what each request got, to check the seeds. */
static bool verbose;
/* No op of this input has touched RAM, rings or registers directly. */
static bool well_formed;
/* FUZZ_SHARE_THREAD=1: what serves the requests, for every input. */
static struct share_thread *thread;

static int remove_entry(const char *path, const struct stat *st, int type,
                        struct FTW *ftw)
{
    (void)st;
    (void)type;
    if (ftw->level > 0)
        remove(path);
    return 0;
}

static void write_file(const char *name, const char *text)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", share_dir, name);
    FILE *f = fopen(path, "w");
    if (f) {
        fputs(text, f);
        fclose(f);
    }
}

/* The same small tree for every input, so crashes reproduce. */
static void reset_share(void)
{
    char path[128];
    chmod(share_dir, 0755);
    nftw(share_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    write_file("hello.txt", "hello from the host\n");
    snprintf(path, sizeof path, "%s/dir", share_dir);
    mkdir(path, 0755);
    write_file("dir/inner", "inner file\n");
    snprintf(path, sizeof path, "%s/link", share_dir);
    symlink("hello.txt", path);
}

static void remove_share(void)
{
    nftw(share_dir, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    rmdir(share_dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    snprintf(share_dir, sizeof share_dir, "/tmp/semu-fuzz-XXXXXX");
    if (!mkdtemp(share_dir))
        abort();
    atexit(remove_share);
    verbose = getenv("FUZZ_VERBOSE") != NULL;
    return 0;
}

static struct vqd d;

/* What the machine's loop does with a share thread: hand back, signal. */
static void settle(void)
{
    if (thread) {
        share_thread_drain(thread);
        virtio_mmio_signal(d.mmio);
    }
}

static uint64_t data_cursor; /* next RAM offset for request buffers */

static uint64_t data_alloc(uint64_t len)
{
    len = (len + 15) & ~15ull;
    if (data_cursor + len > FUZZ_RAM_SIZE)
        data_cursor = FUZZ_DATA_OFFSET;
    uint64_t addr = VQD_RAM_BASE + data_cursor;
    data_cursor += len;
    return addr;
}

static bool queue_known(unsigned qi)
{
    return qi < VQD_MAX_QUEUES && d.q[qi].size;
}

static void op_start(struct input *in)
{
    unsigned flags = take(in, 1), log2 = take(in, 1) % 9;
    uint64_t want = 1ull << VIRTIO_F_VERSION_1;
    if (flags & FOPT_INDIRECT)
        want |= 1ull << VIRTIO_RING_F_INDIRECT_DESC;
    if (flags & FOPT_EVENT_IDX)
        want |= 1ull << VIRTIO_RING_F_EVENT_IDX;
    d.heap = VQD_RAM_BASE; /* rings: 2 queues of 256 fit in 128 KiB */
    if (vqd_negotiate(&d, want) < 0)
        return;
    for (unsigned q = 0; q < 2; q++) {
        vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, q);
        uint32_t max = vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX);
        uint32_t size = 1u << log2;
        vqd_setup_queue(&d, q, size < max ? size : max);
    }
    vqd_driver_ok(&d);
}

static void op_mmio(struct input *in, bool write)
{
    uint64_t offset = take(in, 2) % 0x200;
    unsigned width = 1u << (take(in, 1) & 3);
    uint64_t value = write ? take(in, 4) : 0;
    if (width == 8)
        width = 4; /* the bus never passes 8 bytes to this window */
    if (write) {
        well_formed = false;
        virtio_mmio_write(d.mmio, offset, width, value);
    } else
        virtio_mmio_read(d.mmio, offset, width, &value);
}

static void op_ram_write(struct input *in)
{
    uint64_t offset = take(in, 4) % FUZZ_RAM_SIZE;
    size_t len = take(in, 1);
    if (len > in->left)
        len = in->left;
    if (len > FUZZ_RAM_SIZE - offset)
        len = FUZZ_RAM_SIZE - offset;
    memcpy(d.ram.host + offset, in->p, len);
    in->p += len;
    in->left -= len;
}

static void op_desc(struct input *in)
{
    unsigned q = take(in, 1);
    uint16_t index = take(in, 2);
    uint64_t addr = take(in, 4);
    uint32_t len = take(in, 4);
    uint16_t flags = take(in, 2), next = take(in, 2);
    if (!(q & FOPT_RAW))
        addr += VQD_RAM_BASE;
    q &= ~FOPT_RAW;
    if (queue_known(q))
        vqd_set_desc(&d, d.q[q].desc, index & (d.q[q].size - 1), addr, len,
                     flags, next);
}

/* Split len bytes at addr into n descriptors' worth of pieces. */
static unsigned split(uint64_t addr, uint32_t len, unsigned n,
                      struct vqd_buf *out)
{
    if (len == 0)
        return 0;
    if (n == 0)
        n = 1;
    if (n > len)
        n = len;
    uint32_t each = len / n;
    for (unsigned i = 0; i < n; i++) {
        out[i].addr = addr + (uint64_t)i * each;
        out[i].len = i + 1 < n ? each : len - i * each;
    }
    return n;
}

static void trace_reply(uint64_t req, uint32_t req_len, uint64_t reply,
                        uint32_t len)
{
    struct fuse_in_header h = {0};
    struct fuse_out_header out = {0};
    memcpy(&h, vqd_ptr(&d, req, req_len),
           req_len < sizeof h ? req_len : sizeof h);
    if (len >= sizeof out)
        memcpy(&out, vqd_ptr(&d, reply, sizeof out), sizeof out);
    fprintf(stderr, "opcode %u node %llu: used %u, error %d\n", h.opcode,
            (unsigned long long)h.nodeid, len, out.error);
}

static void op_request(struct input *in)
{
    unsigned q = take(in, 1);
    unsigned rpieces = take(in, 1) % MAX_PIECES;
    unsigned wpieces = take(in, 1) % MAX_PIECES;
    uint32_t reply_len = take(in, 2);
    uint32_t req_len = take(in, 2);
    bool indirect = q & FOPT_VIA_INDIRECT;
    q &= ~FOPT_VIA_INDIRECT;
    if (req_len > in->left)
        req_len = in->left;
    if (!queue_known(q))
        goto consume;

    struct vqd_buf bufs[2 * MAX_PIECES];
    uint64_t req = data_alloc(req_len);
    uint64_t reply = data_alloc(reply_len);
    memcpy(vqd_ptr(&d, req, req_len), in->p, req_len);
    unsigned r = split(req, req_len, rpieces, bufs);
    unsigned w = split(reply, reply_len, wpieces, bufs + r);
    unsigned n = r + w;
    struct vqd_queue *vq = &d.q[q];
    if (n == 0 || (!indirect && n > vq->size))
        goto consume;

    uint64_t table = vq->desc;
    unsigned tsize = vq->size, first = vq->next_desc;
    if (indirect) {
        table = data_alloc(16 * n);
        tsize = n;
        first = 0;
    }
    for (unsigned i = 0; i < n; i++) {
        unsigned at = (first + i) % tsize;
        uint16_t flags = (i >= r ? VRING_DESC_F_WRITE : 0) |
                         (i + 1 < n ? VRING_DESC_F_NEXT : 0);
        vqd_set_desc(&d, table, at, bufs[i].addr, bufs[i].len, flags,
                     (at + 1) % tsize);
    }
    uint16_t head = vq->next_desc;
    if (indirect)
        vqd_set_desc(&d, vq->desc, head, table, 16 * n, VRING_DESC_F_INDIRECT,
                     0);
    vq->next_desc = (vq->next_desc + (indirect ? 1 : n)) & (vq->size - 1);
    vqd_publish(&d, q, head);
    vqd_notify(&d, q);
    settle();

    uint32_t id, len;
    while (vqd_get_used(&d, q, &id, &len)) {
        if (id != head)
            continue;
        if (well_formed && len > reply_len)
            abort(); /* the device claimed more than the chain holds */
        if (verbose)
            trace_reply(req, req_len, reply, len);
    }
consume:
    in->p += req_len;
    in->left -= req_len;
}

static uint16_t used_idx(unsigned q)
{
    uint16_t idx = 0;
    if (queue_known(q))
        memcpy(&idx, vqd_ptr(&d, d.q[q].used + 2, 2), 2);
    return idx;
}

static void op_notify(uint32_t q)
{
    uint16_t before = used_idx(q);
    vqd_notify(&d, q);
    if (verbose)
        fprintf(stderr, "notify %u: %u chains used\n", q,
                (uint16_t)(used_idx(q) - before));
}

static void run(struct input *in)
{
    while (in->left) {
        switch (take(in, 1) % FOP_COUNT) {
        case FOP_START:
            op_start(in);
            break;
        case FOP_MMIO_WRITE:
            op_mmio(in, true);
            break;
        case FOP_MMIO_READ:
            op_mmio(in, false);
            break;
        case FOP_RAM_WRITE:
            well_formed = false;
            op_ram_write(in);
            break;
        case FOP_DESC:
            well_formed = false;
            op_desc(in);
            break;
        case FOP_PUBLISH: {
            well_formed = false;
            unsigned q = take(in, 1);
            uint16_t head = take(in, 2);
            if (queue_known(q))
                vqd_publish(&d, q, head);
            break;
        }
        case FOP_AVAIL_IDX: {
            well_formed = false;
            unsigned q = take(in, 1);
            uint16_t idx = take(in, 2);
            if (queue_known(q))
                vqd_set_avail_idx(&d, q, idx);
            break;
        }
        case FOP_NOTIFY:
            op_notify(take(in, 4));
            break;
        case FOP_REQUEST:
            op_request(in);
            break;
        case FOP_ACK:
            vqd_ack(&d);
            break;
        }
    }
}

/* A small DAX window, so that SETUPMAPPING and REMOVEMAPPING get fuzzed. */
static struct virtio_device *device_new(char *err, size_t err_len)
{
    static bool started;
    if (!started) {
        const char *env = getenv("FUZZ_SHARE_THREAD");
        if (env && strcmp(env, "1") == 0 && !(thread = share_thread_new()))
            abort();
        started = true;
    }
    static struct host_window window;
    if (!window.host && host_window_init(&window, 0x800000000ull, 1 << 20))
        abort();
    host_window_unmap_all(&window);
    struct fs_share_options share = {.dir = share_dir, .tag = "myfs"};
    reset_share();
    struct virtio_device *dev = virtio_fs_new(&share, err, err_len);
    if (dev && thread)
        virtio_fs_set_thread(dev, thread);
    else if (dev)
        virtio_fs_set_window(dev, &window);
    return dev;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char err[256];
    struct virtio_device *dev = device_new(err, sizeof err);
    if (!dev || vqd_init(&d, FUZZ_RAM_SIZE, dev) < 0) {
        fprintf(stderr, "fuzz: cannot set up: %s\n", dev ? "RAM" : err);
        abort();
    }
    data_cursor = FUZZ_DATA_OFFSET;
    well_formed = true;
    struct input in = {data, size};
    run(&in);
    settle(); /* nothing may be in flight when the device goes */
    vqd_free(&d);
    return 0;
}
