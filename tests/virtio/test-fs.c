/*
 * virtio-fs end to end without a guest: FUSE requests laid out the way
 * Linux's virtio-fs driver lays them out (headers in their own buffers,
 * file data in page-sized descriptors) go through real virtqueues to the
 * real FUSE server, which serves a temp directory; results are checked
 * against the host files. Then, on a second device without EVENT_IDX, the
 * FUSE test harness's requests (tests/fuse/harness.h) cut into odd pieces,
 * in direct and indirect chains in turn, FORGETs on the hiprio queue;
 * and once more on a device served by a share thread, which must also
 * finish what is in flight before a reset.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <linux/virtio_config.h>
#include <linux/virtio_fs.h>
#include <linux/virtio_ids.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuse-iov.h"
#include "tests/check.h"
#include "tests/fuse/harness.h"
#include "virtio-fs-thread.h"
#include "virtio-fs.h"
#include "vq-driver.h"

#define RAM_SIZE   (16u << 20)
#define PAGE       4096u
#define QUEUE_SIZE 128
#define HIPRIO     0
#define REQUESTS   1
#define FILE_SIZE  (3 * PAGE + 1000)

static struct vqd d;
static struct ft harness; /* the share, and the harness's requests */
static const char *dir;   /* harness.share */
static uint8_t pattern[4 * PAGE];
static uint64_t unique;

/* One request: arguments, an optional paged payload, the reply's room. */
struct call {
    uint32_t opcode;
    uint64_t nodeid;
    const void *args;
    size_t args_len;
    const void *data; /* WRITE payload, sent page by page */
    size_t data_len;
    size_t reply_len; /* room after the fuse_out_header */
    bool paged_reply; /* room split into pages, like READ */
    unsigned queue;
    bool indirect;
    bool no_out_header; /* FORGET: nothing writable at all */
};

struct result {
    bool used;    /* the device returned the chain */
    uint32_t len; /* used length */
    struct fuse_out_header out;
    uint8_t data[4 * PAGE]; /* the reply after the header, gathered */
};

/* Send c as Linux would lay it out; the reply lands in r. */
static void call(const struct call *c, struct result *r)
{
    struct iovec req[16], reply[16];
    unsigned nr = 0, nw = 0;
    struct fuse_in_header in = {
        .len = sizeof in + c->args_len + c->data_len,
        .opcode = c->opcode,
        .unique = ++unique,
        .nodeid = c->nodeid,
    };
    req[nr++] = (struct iovec){&in, sizeof in};
    if (c->args_len)
        req[nr++] = (struct iovec){(void *)c->args, c->args_len};
    for (size_t at = 0; at < c->data_len; at += PAGE) {
        size_t len = c->data_len - at < PAGE ? c->data_len - at : PAGE;
        req[nr++] = (struct iovec){(uint8_t *)c->data + at, len};
    }
    memset(r, 0, sizeof *r);
    if (!c->no_out_header)
        reply[nw++] = (struct iovec){&r->out, sizeof r->out};
    size_t piece = c->paged_reply ? PAGE : c->reply_len;
    for (size_t at = 0; at < c->reply_len; at += piece) {
        size_t len = c->reply_len - at < piece ? c->reply_len - at : piece;
        reply[nw++] = (struct iovec){r->data + at, len};
    }
    long used = vqd_request(&d, c->queue, req, nr, reply, nw, c->indirect);
    r->used = used >= 0;
    r->len = used >= 0 ? (uint32_t)used : 0;
}

/* Whether the reply is a success carrying exactly `len` bytes. */
static bool ok_reply(const struct result *r, size_t len)
{
    size_t total = sizeof(struct fuse_out_header) + len;
    return r->used && r->len == total && r->out.len == total &&
           r->out.error == 0 && r->out.unique == unique;
}

static void setup_share(void)
{
    for (size_t i = 0; i < sizeof pattern; i++)
        pattern[i] = (uint8_t)(i * 7 + i / 251);
    char path[128];
    snprintf(path, sizeof path, "%s/hello.bin", dir);
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, pattern, FILE_SIZE) != FILE_SIZE)
        abort();
    close(fd);
    snprintf(path, sizeof path, "%s/two.bin", dir);
    fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || write(fd, "ab", 2) != 2)
        abort();
    close(fd);
}

static void test_new_errors(void)
{
    char err[256] = "";
    struct fs_share_options bad_dir = {.dir = "/nonexistent/semu",
                                       .tag = "myfs"};
    CHECK(virtio_fs_new(&bad_dir, err, sizeof err) == NULL && err[0]);
    err[0] = '\0';
    struct fs_share_options long_tag = {
        .dir = dir, .tag = "a-tag-that-is-longer-than-36-bytes-in-total"};
    CHECK(virtio_fs_new(&long_tag, err, sizeof err) == NULL && err[0]);
}

static void test_identity(void)
{
    CHECK(vqd_read(&d, VIRTIO_MMIO_DEVICE_ID) == VIRTIO_ID_FS);
    char tag[36];
    uint64_t v;
    bool all = true;
    for (unsigned i = 0; i < sizeof tag; i++) {
        all &= vqd_read_config(&d, i, 1, &v);
        tag[i] = (char)v;
    }
    CHECK(all && memcmp(tag, "myfs", 4) == 0);
    bool padded = true;
    for (unsigned i = 4; i < sizeof tag; i++)
        padded &= tag[i] == 0;
    CHECK(padded);
    CHECK(vqd_read_config(&d, 36, 4, &v) && v == 1); /* request queues */
    CHECK(!vqd_read_config(&d, 40, 1, &v));
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX) >= QUEUE_SIZE);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 2);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0);
}

static void test_init(void)
{
    struct fuse_init_in in = {
        .major = FUSE_KERNEL_VERSION,
        .minor = FUSE_KERNEL_MINOR_VERSION,
        .max_readahead = 1 << 17,
        .flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_MAX_PAGES,
    };
    struct result r;
    call(&(struct call){.opcode = FUSE_INIT,
                        .args = &in,
                        .args_len = sizeof in,
                        .reply_len = sizeof(struct fuse_init_out),
                        .queue = REQUESTS},
         &r);
    struct fuse_init_out out;
    memcpy(&out, r.data, sizeof out);
    CHECK(r.used && r.out.error == 0 && r.out.unique == unique);
    CHECK(out.major == FUSE_KERNEL_VERSION && out.max_write >= PAGE);
}

static uint64_t lookup(const char *name, struct fuse_entry_out *entry,
                       int32_t *error)
{
    struct result r;
    call(&(struct call){.opcode = FUSE_LOOKUP,
                        .nodeid = FUSE_ROOT_ID,
                        .args = name,
                        .args_len = strlen(name) + 1,
                        .reply_len = sizeof *entry,
                        .queue = REQUESTS},
         &r);
    memcpy(entry, r.data, sizeof *entry);
    *error = r.used ? r.out.error : 1;
    return *error ? 0 : entry->nodeid;
}

static uint64_t open_file(uint64_t node, uint32_t flags)
{
    struct fuse_open_in in = {.flags = flags};
    struct result r;
    call(&(struct call){.opcode = FUSE_OPEN,
                        .nodeid = node,
                        .args = &in,
                        .args_len = sizeof in,
                        .reply_len = sizeof(struct fuse_open_out),
                        .queue = REQUESTS},
         &r);
    struct fuse_open_out out;
    memcpy(&out, r.data, sizeof out);
    CHECK(ok_reply(&r, sizeof out));
    return out.fh;
}

static void test_lookup_getattr_read(void)
{
    struct fuse_entry_out entry;
    int32_t error;
    uint64_t node = lookup("hello.bin", &entry, &error);
    CHECK(error == 0 && node != 0);
    CHECK(entry.attr.size == FILE_SIZE && S_ISREG(entry.attr.mode));

    struct fuse_getattr_in gin = {0};
    struct result r;
    call(&(struct call){.opcode = FUSE_GETATTR,
                        .nodeid = node,
                        .args = &gin,
                        .args_len = sizeof gin,
                        .reply_len = sizeof(struct fuse_attr_out),
                        .queue = REQUESTS},
         &r);
    struct fuse_attr_out attr;
    memcpy(&attr, r.data, sizeof attr);
    CHECK(ok_reply(&r, sizeof attr) && attr.attr.size == FILE_SIZE);

    lookup("missing", &entry, &error);
    CHECK(error == -ENOENT);

    /* READ of the whole file into four page-sized descriptors. */
    uint64_t fh = open_file(node, O_RDONLY);
    for (int indirect = 0; indirect < 2; indirect++) {
        struct fuse_read_in rin = {.fh = fh, .offset = 0, .size = 4 * PAGE};
        call(&(struct call){.opcode = FUSE_READ,
                            .nodeid = node,
                            .args = &rin,
                            .args_len = sizeof rin,
                            .reply_len = 4 * PAGE,
                            .paged_reply = true,
                            .queue = REQUESTS,
                            .indirect = indirect},
             &r);
        CHECK(ok_reply(&r, FILE_SIZE));
        CHECK(memcmp(r.data, pattern, FILE_SIZE) == 0);
    }
    /* A read from the middle, straddling page boundaries. */
    struct fuse_read_in rin = {.fh = fh, .offset = 1000, .size = 2 * PAGE};
    call(&(struct call){.opcode = FUSE_READ,
                        .nodeid = node,
                        .args = &rin,
                        .args_len = sizeof rin,
                        .reply_len = 2 * PAGE,
                        .paged_reply = true,
                        .queue = REQUESTS},
         &r);
    CHECK(ok_reply(&r, 2 * PAGE) &&
          memcmp(r.data, pattern + 1000, 2 * PAGE) == 0);
}

static void test_create_write(void)
{
    const char *name = "new.bin";
    uint8_t args[sizeof(struct fuse_create_in) + 16];
    struct fuse_create_in cin = {.flags = O_RDWR, .mode = S_IFREG | 0644};
    memcpy(args, &cin, sizeof cin);
    strcpy((char *)args + sizeof cin, name);
    struct result r;
    size_t reply = sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out);
    call(&(struct call){.opcode = FUSE_CREATE,
                        .nodeid = FUSE_ROOT_ID,
                        .args = args,
                        .args_len = sizeof cin + strlen(name) + 1,
                        .reply_len = reply,
                        .queue = REQUESTS},
         &r);
    struct fuse_entry_out entry;
    struct fuse_open_out open_out;
    memcpy(&entry, r.data, sizeof entry);
    memcpy(&open_out, r.data + sizeof entry, sizeof open_out);
    CHECK(ok_reply(&r, reply) && entry.nodeid != 0);

    /* WRITE: header and fuse_write_in, then the data page by page. */
    size_t len = 3 * PAGE + 100;
    struct fuse_write_in win = {.fh = open_out.fh, .offset = 0, .size = len};
    call(&(struct call){.opcode = FUSE_WRITE,
                        .nodeid = entry.nodeid,
                        .args = &win,
                        .args_len = sizeof win,
                        .data = pattern + 5,
                        .data_len = len,
                        .reply_len = sizeof(struct fuse_write_out),
                        .queue = REQUESTS},
         &r);
    struct fuse_write_out wout;
    memcpy(&wout, r.data, sizeof wout);
    CHECK(ok_reply(&r, sizeof wout) && wout.size == len);

    struct fuse_release_in rel = {.fh = open_out.fh};
    call(&(struct call){.opcode = FUSE_RELEASE,
                        .nodeid = entry.nodeid,
                        .args = &rel,
                        .args_len = sizeof rel,
                        .queue = REQUESTS},
         &r);
    CHECK(ok_reply(&r, 0));

    char path[128];
    uint8_t host[4 * PAGE];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    int fd = open(path, O_RDONLY);
    CHECK(fd >= 0 && read(fd, host, sizeof host) == (ssize_t)len &&
          memcmp(host, pattern + 5, len) == 0);
    if (fd >= 0)
        close(fd);

    /* FORGET goes on the hiprio queue and takes no reply. */
    struct fuse_forget_in fin = {.nlookup = 1};
    call(&(struct call){.opcode = FUSE_FORGET,
                        .nodeid = entry.nodeid,
                        .args = &fin,
                        .args_len = sizeof fin,
                        .queue = HIPRIO,
                        .no_out_header = true},
         &r);
    CHECK(r.used && r.len == 0);
}

/* Broken FUSE requests get error replies; the device keeps working. */
static void test_bad_requests(void)
{
    struct result r;
    /* Shorter than a fuse_in_header. */
    struct fuse_out_header out;
    struct iovec req = {"\1\2\3\4\5", 5}, reply = {&out, sizeof out};
    long len = vqd_request(&d, REQUESTS, &req, 1, &reply, 1, false);
    CHECK(len == sizeof out && out.error == -EINVAL);

    /* Unknown opcode. */
    call(&(struct call){.opcode = 9999, .queue = REQUESTS, .reply_len = 0}, &r);
    CHECK(r.used && r.len == sizeof out && r.out.error == -ENOSYS);

    /* No room for even the reply header: nothing is written. */
    struct fuse_getattr_in gin = {0};
    call(&(struct call){.opcode = FUSE_GETATTR,
                        .nodeid = FUSE_ROOT_ID,
                        .args = &gin,
                        .args_len = sizeof gin,
                        .queue = REQUESTS,
                        .no_out_header = true},
         &r);
    CHECK(r.used && r.len == 0);

    CHECK(!vqd_needs_reset(&d));
    call(&(struct call){.opcode = FUSE_GETATTR,
                        .nodeid = FUSE_ROOT_ID,
                        .args = &gin,
                        .args_len = sizeof gin,
                        .reply_len = sizeof(struct fuse_attr_out),
                        .queue = REQUESTS},
         &r);
    CHECK(ok_reply(&r, sizeof(struct fuse_attr_out)));
}

/*
 * A guest that points replies at its own avail ring: LSEEK(SEEK_END) on a
 * 2-byte file, with the offset read from the used idx and the answer
 * written over the avail idx, makes one more chain available after every
 * chain served. One notify must still end, after at most a queue's worth.
 */
static void notify_hung(int sig)
{
    (void)sig;
    CHECK(!"a notify ran for 20 s");
    ft_teardown(&harness);
    int status = check_summary();
    fflush(stdout);
    _exit(status);
}

static void test_self_feeding_ring(uint64_t node, uint64_t fh)
{
    struct {
        struct fuse_in_header h;
        uint64_t fh;
    } head_args = {
        {.len = sizeof(struct fuse_in_header) + sizeof(struct fuse_lseek_in),
         .opcode = FUSE_LSEEK,
         .unique = 77,
         .nodeid = node},
        fh};
    uint32_t whence[2] = {SEEK_END, 0};
    struct vqd_queue *q = &d.q[REQUESTS];
    struct vqd_buf bufs[] = {
        {vqd_alloc(&d, sizeof head_args, 8), sizeof head_args},
        {q->used + 2, 2},           /* offset, low 16 bits: used idx */
        {vqd_alloc(&d, 6, 8), 6},   /* offset, high bits: zero */
        {vqd_alloc(&d, 8, 8), 8},   /* whence, padding */
        {vqd_alloc(&d, 16, 8), 16}, /* fuse_out_header */
        {q->avail + 2, 2},          /* result, low 16 bits: avail idx */
        {vqd_alloc(&d, 6, 8), 6},
    };
    memcpy(vqd_ptr(&d, bufs[0].addr, sizeof head_args), &head_args,
           sizeof head_args);
    memcpy(vqd_ptr(&d, bufs[3].addr, 8), whence, 8);
    uint16_t head = vqd_add_chain(&d, REQUESTS, bufs, 4, 3, false);
    for (unsigned i = 0; i < q->size; i++) /* every slot names the chain */
        memcpy(vqd_ptr(&d, q->avail + 4 + 2 * i, 2), &head, 2);

    uint16_t used_before;
    memcpy(&used_before, vqd_ptr(&d, q->used + 2, 2), 2);
    signal(SIGALRM, notify_hung); /* a hang fails instead of blocking */
    alarm(20);
    vqd_notify(&d, REQUESTS);
    alarm(0);
    uint16_t used_after;
    memcpy(&used_after, vqd_ptr(&d, q->used + 2, 2), 2);
    CHECK((uint16_t)(used_after - used_before) == q->size);
    CHECK(!vqd_needs_reset(&d));
}

/* The harness's requests, on a second device. */
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

    memset(seen, 0, sizeof(seen)); /* run once per device */
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

/* Serves the third device's requests. */
static struct share_thread *thread;

/* A new device on the share in d; false if there is none. */
static bool new_device(void)
{
    char err[256];
    struct fs_share_options share = {.dir = dir, .tag = "myfs"};
    struct virtio_device *dev = virtio_fs_new(&share, err, sizeof err);
    if (!CHECK(dev != NULL) || !CHECK(vqd_init(&d, RAM_SIZE, dev) == 0)) {
        printf("virtio_fs_new: %s\n", err);
        return false;
    }
    if (thread)
        virtio_fs_set_thread(dev, thread);
    return true;
}

/* What the machine's loop does: hand back what was served, signal. */
static void complete(struct vqd *q)
{
    share_thread_drain(thread);
    virtio_mmio_signal(q->mmio);
}

/*
 * GETATTRs in flight when the driver resets the device: each is served
 * and back in the used ring before the reset goes on.
 */
static void test_reset_in_flight(void)
{
    enum { N = 20 };
    struct {
        struct fuse_in_header h;
        struct fuse_getattr_in a;
    } req = {{.len = sizeof req, .opcode = FUSE_GETATTR, .nodeid = 1}, {0}};
    struct vqd_queue *q = &d.q[REQUESTS];
    uint16_t used_before;
    memcpy(&used_before, vqd_ptr(&d, q->used + 2, 2), 2);
    d.after_notify = NULL; /* leave them in flight */
    for (unsigned i = 0; i < N; i++) {
        req.h.unique = ++unique;
        struct vqd_buf bufs[] = {
            {vqd_alloc(&d, sizeof req, 8), sizeof req},
            {vqd_alloc(&d, 256, 8), 256},
        };
        memcpy(vqd_ptr(&d, bufs[0].addr, sizeof req), &req, sizeof req);
        vqd_add_chain(&d, REQUESTS, bufs, 1, 1, false);
        vqd_notify(&d, REQUESTS);
    }
    vqd_write(&d, VIRTIO_MMIO_STATUS, 0);
    uint16_t used_after;
    memcpy(&used_after, vqd_ptr(&d, q->used + 2, 2), 2);
    CHECK((uint16_t)(used_after - used_before) == N);
    CHECK(share_thread_poll(thread) == 0);
    d.after_notify = complete;
}

int main(void)
{
    ft_setup(&harness, NULL); /* the share (its direct server stays unused) */
    dir = harness.share;
    setup_share();
    test_new_errors();
    uint64_t features =
        (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC);
    if (!new_device())
        return check_summary();
    test_identity();
    CHECK(vqd_start(&d, features | (1ull << VIRTIO_RING_F_EVENT_IDX), 2,
                    QUEUE_SIZE) == 0);
    test_init();
    test_lookup_getattr_read();
    test_create_write();
    test_bad_requests();
    struct fuse_entry_out two;
    int32_t error;
    uint64_t two_node = lookup("two.bin", &two, &error);
    if (CHECK(error == 0))
        test_self_feeding_ring(two_node, open_file(two_node, O_RDONLY));
    CHECK(d.irq_raised > 0);
    vqd_free(&d);

    if (!new_device())
        return check_summary();
    CHECK(vqd_start(&d, features, 2, QUEUE_SIZE) == 0);
    harness.send = via_queue;
    harness.cuts = small_cuts;
    CHECK_ERR(ft_init(&harness), 0);
    test_escapes(&harness);
    test_data(&harness);
    test_listing(&harness);
    vqd_free(&d);

    ft_teardown(&harness); /* a fresh share for the third device */
    ft_setup(&harness, NULL);
    dir = harness.share;
    harness.send = via_queue;
    thread = share_thread_new();
    if (CHECK(thread != NULL) && new_device()) {
        d.after_notify = complete;
        CHECK(vqd_start(&d, features | (1ull << VIRTIO_RING_F_EVENT_IDX), 2,
                        QUEUE_SIZE) == 0);
        harness.cuts = page_cuts;
        CHECK_ERR(ft_init(&harness), 0);
        test_escapes(&harness);
        test_data(&harness);
        test_listing(&harness);
        unsigned raised = d.irq_raised;
        test_reset_in_flight();
        CHECK(d.irq_raised == raised); /* a reset is no completion */
        vqd_free(&d);
    }
    share_thread_free(thread);
    ft_teardown(&harness);
    return check_summary();
}
