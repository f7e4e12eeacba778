/*
 * Writes the fuzz target's seed corpus: short programs in the fuzz-ops.h
 * language covering the handshake, every common FUSE request (as Linux's
 * virtio-fs driver would send it, data spread over page-sized pieces) and
 * a handful of broken rings. Usage: make-corpus DIR
 */
#include <linux/fuse.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <fcntl.h>

#include "fuzz-ops.h"

#define ROOT  FUSE_ROOT_ID
#define QHI   0 /* hiprio */
#define QREQ  1
#define PIECE 4096
/* The server's first file handles: generation 1, slots 0 and 1. */
#define FH1 ((1ull << 32) | 0)
#define FH2 ((1ull << 32) | 1)

static unsigned char prog[1 << 16];
static size_t prog_len;
static uint64_t unique;

static void emit(uint64_t v, unsigned bytes)
{
    for (unsigned i = 0; i < bytes && prog_len < sizeof prog; i++)
        prog[prog_len++] = v >> (8 * i);
}

static void emit_bytes(const void *p, size_t len)
{
    for (size_t i = 0; i < len && prog_len < sizeof prog; i++)
        prog[prog_len++] = ((const unsigned char *)p)[i];
}

static void save(const char *dir, const char *name)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(prog, 1, prog_len, f) != prog_len || fclose(f)) {
        perror(path);
        exit(1);
    }
    prog_len = 0;
    unique = 0;
}

static void start(unsigned flags, unsigned log2_size)
{
    emit(FOP_START, 1);
    emit(flags, 1);
    emit(log2_size, 1);
}

/* One FUSE request: header (len = header + args) then args. */
static void request_raw(unsigned q, unsigned rpieces, unsigned wpieces,
                        unsigned reply, const void *req, size_t len)
{
    emit(FOP_REQUEST, 1);
    emit(q, 1);
    emit(rpieces, 1);
    emit(wpieces, 1);
    emit(reply, 2);
    emit(len, 2);
    emit_bytes(req, len);
}

static void fuse(unsigned q, unsigned wpieces, unsigned reply, uint32_t opcode,
                 uint64_t nodeid, const void *args, size_t args_len,
                 size_t data_len)
{
    unsigned char req[PIECE * 8 + 512];
    struct fuse_in_header h = {
        .len = sizeof h + args_len,
        .opcode = opcode,
        .unique = ++unique,
        .nodeid = nodeid,
    };
    memcpy(req, &h, sizeof h);
    memcpy(req + sizeof h, args, args_len);
    /* Readable pieces: header+args in one, the data part page by page. */
    unsigned rpieces = 1 + (data_len + PIECE - 1) / PIECE;
    request_raw(q, rpieces, wpieces, reply, req, sizeof h + args_len);
}

static void init(void)
{
    struct fuse_init_in in = {
        .major = FUSE_KERNEL_VERSION,
        .minor = FUSE_KERNEL_MINOR_VERSION,
        .max_readahead = 1 << 17,
        .flags = FUSE_ASYNC_READ | FUSE_BIG_WRITES | FUSE_DO_READDIRPLUS |
                 FUSE_MAX_PAGES | FUSE_INIT_EXT,
    };
    fuse(QREQ, 2, 16 + sizeof(struct fuse_init_out), FUSE_INIT, 0, &in,
         sizeof in, 0);
}

static void named(uint32_t opcode, uint64_t parent, const char *name)
{
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), opcode, parent, name,
         strlen(name) + 1, 0);
}

static void lookup(const char *name)
{
    named(FUSE_LOOKUP, ROOT, name);
}

static void getattr(uint64_t node)
{
    struct fuse_getattr_in in = {0};
    fuse(QREQ, 2, 16 + sizeof(struct fuse_attr_out), FUSE_GETATTR, node, &in,
         sizeof in, 0);
}

static void open_node(uint32_t opcode, uint64_t node, uint32_t flags)
{
    struct fuse_open_in in = {.flags = flags};
    fuse(QREQ, 2, 16 + sizeof(struct fuse_open_out), opcode, node, &in,
         sizeof in, 0);
}

static void read_node(uint32_t opcode, uint64_t node, uint64_t fh, uint64_t off,
                      uint32_t size, unsigned q)
{
    struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};
    /* Out header in one piece, then a piece per page, like Linux. */
    unsigned pieces = 1 + (size + PIECE - 1) / PIECE;
    fuse(q, pieces > 15 ? 15 : pieces, 16 + size, opcode, node, &in, sizeof in,
         0);
}

static void write_node(uint64_t node, uint64_t fh, uint64_t off, uint32_t size)
{
    unsigned char args[sizeof(struct fuse_write_in) + 3 * PIECE];
    struct fuse_write_in in = {.fh = fh, .offset = off, .size = size};
    if (size > 3 * PIECE)
        size = 3 * PIECE;
    memcpy(args, &in, sizeof in);
    for (uint32_t i = 0; i < size; i++)
        args[sizeof in + i] = 'a' + i % 26;
    fuse(QREQ, 2, 16 + sizeof(struct fuse_write_out), FUSE_WRITE, node, args,
         sizeof in + size, size);
}

static void release(uint32_t opcode, uint64_t node, uint64_t fh)
{
    struct fuse_release_in in = {.fh = fh};
    fuse(QREQ, 1, 16, opcode, node, &in, sizeof in, 0);
}

static void create(const char *name)
{
    unsigned char args[sizeof(struct fuse_create_in) + 256];
    struct fuse_create_in in = {.flags = O_RDWR, .mode = S_IFREG | 0644};
    memcpy(args, &in, sizeof in);
    strcpy((char *)args + sizeof in, name);
    fuse(QREQ, 2,
         16 + sizeof(struct fuse_entry_out) + sizeof(struct fuse_open_out),
         FUSE_CREATE, ROOT, args, sizeof in + strlen(name) + 1, 0);
}

static void mkdir_node(const char *name)
{
    unsigned char args[sizeof(struct fuse_mkdir_in) + 256];
    struct fuse_mkdir_in in = {.mode = 0755};
    memcpy(args, &in, sizeof in);
    strcpy((char *)args + sizeof in, name);
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), FUSE_MKDIR, ROOT, args,
         sizeof in + strlen(name) + 1, 0);
}

static void two_names(uint32_t opcode, const void *head, size_t head_len,
                      uint64_t node, const char *a, const char *b)
{
    unsigned char args[512];
    size_t la = strlen(a) + 1, lb = strlen(b) + 1;
    memcpy(args, head, head_len);
    memcpy(args + head_len, a, la);
    memcpy(args + head_len + la, b, lb);
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), opcode, node, args,
         head_len + la + lb, 0);
}

static void setattr(uint64_t node, uint32_t valid, uint64_t size, uint32_t mode)
{
    struct fuse_setattr_in in = {.valid = valid, .size = size, .mode = mode};
    fuse(QREQ, 2, 16 + sizeof(struct fuse_attr_out), FUSE_SETATTR, node, &in,
         sizeof in, 0);
}

static void forget(uint64_t node, uint64_t n)
{
    struct fuse_forget_in in = {.nlookup = n};
    fuse(QHI, 0, 0, FUSE_FORGET, node, &in, sizeof in, 0);
}

static void batch_forget(void)
{
    struct {
        struct fuse_batch_forget_in in;
        struct fuse_forget_one one[3];
    } args = {{.count = 3}, {{2, 1}, {3, 1}, {0xdead, 5}}};
    fuse(QHI, 0, 0, FUSE_BATCH_FORGET, 0, &args, sizeof args, 0);
}

static void desc(unsigned q, unsigned index, uint64_t addr, uint32_t len,
                 unsigned flags, unsigned next)
{
    emit(FOP_DESC, 1);
    emit(q, 1);
    emit(index, 2);
    emit(addr, 4);
    emit(len, 4);
    emit(flags, 2);
    emit(next, 2);
}

static void publish_notify(unsigned q, unsigned head)
{
    emit(FOP_PUBLISH, 1);
    emit(q, 1);
    emit(head, 2);
    emit(FOP_NOTIFY, 1);
    emit(q, 4);
}

static void ram_write(uint32_t offset, const void *p, size_t len)
{
    emit(FOP_RAM_WRITE, 1);
    emit(offset, 4);
    emit(len, 1);
    emit_bytes(p, len);
}

/*
 * Where FOP_START with queues of 256 puts the request queue's rings (the
 * rings of both queues are laid out one after the other from RAM offset 0).
 */
#define Q1_DESC  6672
#define Q1_AVAIL 10768
#define Q1_USED  11288

/*
 * A chain whose reply feeds the ring: LSEEK(SEEK_END) on hello.txt with
 * the offset read from the used idx and the result written over the
 * avail idx, published in every avail slot.
 */
static void self_feeding_chain(void)
{
    const uint32_t at = FUZZ_DATA_OFFSET + 0x8000;
    struct {
        struct fuse_in_header h;
        uint64_t fh;
    } head = {
        {.len = sizeof(struct fuse_in_header) + sizeof(struct fuse_lseek_in),
         .opcode = FUSE_LSEEK,
         .unique = 99,
         .nodeid = 2},
        FH1};
    uint32_t whence[2] = {SEEK_END, 0};
    ram_write(at, &head, sizeof head);
    ram_write(at + 80, whence, sizeof whence);
    desc(QREQ, 100, at, sizeof head, 1, 101);
    desc(QREQ, 101, Q1_USED + 2, 2, 1, 102);
    desc(QREQ, 102, at + 64, 6, 1, 103);
    desc(QREQ, 103, at + 80, 8, 1, 104);
    desc(QREQ, 104, at + 96, 16, 3, 105);
    desc(QREQ, 105, Q1_AVAIL + 2, 2, 3, 106);
    desc(QREQ, 106, at + 128, 6, 2, 0);
    uint16_t heads[100];
    for (unsigned i = 0; i < 100; i++)
        heads[i] = 100;
    for (unsigned slot = 0; slot < 256; slot += 100)
        ram_write(Q1_AVAIL + 4 + 2 * slot, heads,
                  2 * (256 - slot < 100 ? 256 - slot : 100));
    publish_notify(QREQ, 100);
}

static void mmio_write(unsigned offset, uint32_t value)
{
    emit(FOP_MMIO_WRITE, 1);
    emit(offset, 2);
    emit(2, 1); /* 4 bytes */
    emit(value, 4);
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s DIR\n", argv[0]);
        return 2;
    }
    const char *dir = argv[1];
    mkdir(dir, 0755);

    start(0, 8);
    save(dir, "start");
    start(FOPT_INDIRECT | FOPT_EVENT_IDX, 7);
    init();
    save(dir, "init");
    start(0, 8);
    init();
    lookup("hello.txt");
    getattr(2);
    save(dir, "lookup-getattr");
    start(0, 8);
    init();
    lookup("hello.txt");
    open_node(FUSE_OPEN, 2, O_RDONLY);
    read_node(FUSE_READ, 2, FH1, 0, 4 * PIECE, QREQ);
    read_node(FUSE_READ, 2, FH1, 1 << 30, 100, QREQ);
    release(FUSE_RELEASE, 2, FH1);
    save(dir, "read-pages");
    start(FOPT_INDIRECT, 8);
    init();
    lookup("hello.txt");
    open_node(FUSE_OPEN, 2, O_RDONLY);
    read_node(FUSE_READ, 2, FH1, 0, 8 * PIECE, QREQ | FOPT_VIA_INDIRECT);
    save(dir, "read-indirect");
    start(0, 8);
    init();
    create("new.txt");
    write_node(2, FH1, 0, 3 * PIECE);
    write_node(2, FH1, 1 << 20, 10);
    fuse(QREQ, 1, 16, FUSE_FSYNC, 2, &(struct fuse_fsync_in){.fh = FH1},
         sizeof(struct fuse_fsync_in), 0);
    release(FUSE_RELEASE, 2, FH1);
    save(dir, "create-write");
    start(0, 8);
    init();
    open_node(FUSE_OPENDIR, ROOT, O_RDONLY);
    read_node(FUSE_READDIR, ROOT, FH1, 0, PIECE, QREQ);
    read_node(FUSE_READDIRPLUS, ROOT, FH1, 0, 2 * PIECE, QREQ);
    read_node(FUSE_READDIR, ROOT, FH1, 2, 64, QREQ);
    release(FUSE_RELEASEDIR, ROOT, FH1);
    save(dir, "readdir");
    start(0, 8);
    init();
    mkdir_node("sub");
    named(FUSE_RMDIR, ROOT, "sub");
    named(FUSE_RMDIR, ROOT, "dir");
    named(FUSE_UNLINK, ROOT, "hello.txt");
    named(FUSE_UNLINK, ROOT, "nothing");
    save(dir, "mkdir-rmdir-unlink");
    start(0, 8);
    init();
    two_names(FUSE_RENAME, &(struct fuse_rename_in){.newdir = ROOT},
              sizeof(struct fuse_rename_in), ROOT, "hello.txt", "moved");
    two_names(FUSE_RENAME2,
              &(struct fuse_rename2_in){.newdir = ROOT, .flags = 1},
              sizeof(struct fuse_rename2_in), ROOT, "moved", "link");
    save(dir, "rename");
    start(0, 8);
    init();
    two_names(FUSE_SYMLINK, "", 0, ROOT, "sym", "/etc/passwd");
    lookup("link");
    fuse(QREQ, 2, 16 + 4096, FUSE_READLINK, 2, "", 0, 0);
    lookup("hello.txt");
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), FUSE_LINK, ROOT,
         "\3\0\0\0\0\0\0\0hard", 13, 0);
    save(dir, "links");
    start(0, 8);
    init();
    lookup("hello.txt");
    setattr(2, FATTR_SIZE, 3, 0);
    setattr(2, FATTR_MODE, 0, 0600);
    setattr(2, FATTR_SIZE, 1ull << 62, 0);
    save(dir, "setattr");
    start(0, 8);
    init();
    fuse(QREQ, 2, 16 + sizeof(struct fuse_statfs_out), FUSE_STATFS, ROOT, "", 0,
         0);
    fuse(QREQ, 1, 16, FUSE_ACCESS, ROOT, &(struct fuse_access_in){.mask = 4},
         sizeof(struct fuse_access_in), 0);
    save(dir, "statfs-access");
    start(0, 8);
    init();
    lookup("hello.txt");
    lookup("dir");
    forget(2, 1);
    batch_forget();
    forget(1, 1000);
    save(dir, "forget");
    start(0, 8);
    init();
    lookup("hello.txt");
    fuse(QREQ, 2, 16 + 64, FUSE_LISTXATTR, 2,
         &(struct fuse_getxattr_in){.size = 64},
         sizeof(struct fuse_getxattr_in), 0);
    fuse(QREQ, 2, 16 + 64, FUSE_GETXATTR, 2, "\100\0\0\0\0\0\0\0user.x", 15, 0);
    fuse(QREQ, 1, 16, FUSE_SETXATTR, 2,
         "\3\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0user.y\0abc", 26, 0);
    save(dir, "xattr");
    start(0, 8);
    init();
    lookup("hello.txt");
    open_node(FUSE_OPEN, 2, O_RDWR);
    fuse(QREQ, 2, 16 + sizeof(struct fuse_lseek_out), FUSE_LSEEK, 2,
         &(struct fuse_lseek_in){.fh = FH1, .offset = 1, .whence = 3},
         sizeof(struct fuse_lseek_in), 0);
    fuse(QREQ, 1, 16, FUSE_FALLOCATE, 2,
         &(struct fuse_fallocate_in){.fh = FH1, .length = 8192},
         sizeof(struct fuse_fallocate_in), 0);
    fuse(QREQ, 1, 16, FUSE_FLUSH, 2, &(struct fuse_flush_in){.fh = FH1},
         sizeof(struct fuse_flush_in), 0);
    save(dir, "lseek-fallocate");

    /* Escape attempts and odd names. */
    start(0, 8);
    init();
    lookup("..");
    lookup(".");
    lookup("../../etc/passwd");
    lookup("");
    named(FUSE_LOOKUP, 0xffffffffffffull, "hello.txt");
    named(FUSE_LOOKUP, 3, "inner");
    create("a/b");
    save(dir, "names");

    /* Short, lying and unknown requests. */
    start(0, 8);
    request_raw(QREQ, 1, 1, 64, "\1\2\3\4\5", 5);
    init();
    struct fuse_in_header lie = {
        .len = 4096, .opcode = FUSE_LOOKUP, .unique = 9, .nodeid = 1};
    request_raw(QREQ, 1, 1, 256, &lie, sizeof lie);
    struct fuse_in_header unknown = {
        .len = sizeof unknown, .opcode = 9999, .unique = 10};
    request_raw(QREQ, 1, 1, 64, &unknown, sizeof unknown);
    lookup("hello.txt");
    request_raw(QREQ, 1, 0, 0, &unknown, sizeof unknown);
    fuse(QREQ, 1, 8, FUSE_GETATTR, 2, &(struct fuse_getattr_in){0},
         sizeof(struct fuse_getattr_in), 0);
    save(dir, "short-lying-unknown");
    start(0, 8);
    lookup("hello.txt");
    read_node(FUSE_READ, 2, 77, 0, 100, QREQ);
    save(dir, "before-init");
    start(0, 8);
    init();
    init();
    save(dir, "init-twice");

    /* Queue shapes and batching. */
    start(FOPT_EVENT_IDX, 8);
    init();
    for (int i = 0; i < 10; i++)
        lookup(i % 2 ? "hello.txt" : "dir");
    save(dir, "event-idx-batch");
    start(0, 0); /* queues of one entry */
    init();
    lookup("hello.txt");
    getattr(2);
    save(dir, "queue-size-1");
    start(FOPT_INDIRECT, 6);
    init();
    create("ind.txt");
    struct {
        struct fuse_write_in in;
        char data[8];
    } w = {{.fh = FH1, .size = 8}, "abcdefgh"};
    fuse(QREQ | FOPT_VIA_INDIRECT, 1, 16 + sizeof(struct fuse_write_out),
         FUSE_WRITE, 2, &w, sizeof w, 8);
    save(dir, "write-indirect");
    start(0, 8);
    init();
    lookup("hello.txt");
    fuse(QHI, 1, 64, FUSE_GETATTR, 2, &(struct fuse_getattr_in){0},
         sizeof(struct fuse_getattr_in), 0);
    fuse(QHI, 0, 0, FUSE_INTERRUPT, 0, &(struct fuse_interrupt_in){.unique = 3},
         sizeof(struct fuse_interrupt_in), 0);
    save(dir, "hiprio-misuse");

    /* Reply space that is too small or finely split. */
    start(0, 8);
    init();
    lookup("hello.txt");
    fuse(QREQ, 1, 4, FUSE_GETATTR, 2, &(struct fuse_getattr_in){0},
         sizeof(struct fuse_getattr_in), 0);
    open_node(FUSE_OPENDIR, ROOT, O_RDONLY);
    read_node(FUSE_READDIRPLUS, ROOT, FH1, 0, 10, QREQ);
    open_node(FUSE_OPEN, 2, O_RDONLY);
    read_node(FUSE_READ, 2, FH2, 0, 100, QREQ);
    fuse(QREQ, 15, 16 + 100, FUSE_READ, 2,
         &(struct fuse_read_in){.fh = FH2, .size = 100},
         sizeof(struct fuse_read_in), 0);
    save(dir, "small-replies");

    /* More of the namespace. */
    start(0, 8);
    init();
    lookup("dir");
    open_node(FUSE_OPENDIR, 2, O_RDONLY);
    read_node(FUSE_READDIRPLUS, 2, FH1, 0, PIECE, QREQ);
    named(FUSE_LOOKUP, 2, "inner");
    named(FUSE_LOOKUP, 2, "..");
    save(dir, "subdir");
    start(0, 8);
    init();
    struct {
        struct fuse_mknod_in in;
        char name[8];
    } fifo = {{.mode = S_IFIFO | 0644, .umask = 022}, "fifo"},
      chr = {{.mode = S_IFCHR | 0644, .rdev = 0x0101}, "chr"};
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), FUSE_MKNOD, ROOT, &fifo,
         sizeof fifo, 0);
    fuse(QREQ, 2, 16 + sizeof(struct fuse_entry_out), FUSE_MKNOD, ROOT, &chr,
         sizeof chr, 0);
    save(dir, "mknod");
    start(0, 8);
    init();
    lookup("hello.txt");
    open_node(FUSE_OPEN, 2, O_WRONLY | O_TRUNC);
    write_node(2, FH1, 5, 100);
    create("other");
    fuse(QREQ, 2, 16 + sizeof(struct fuse_write_out), FUSE_COPY_FILE_RANGE, 2,
         &(struct fuse_copy_file_range_in){
             .fh_in = FH1, .nodeid_out = 3, .fh_out = FH2, .len = 50},
         sizeof(struct fuse_copy_file_range_in), 0);
    save(dir, "trunc-copy-range");
    start(0, 8);
    init();
    lookup("hello.txt");
    fuse(QREQ, 1, 16, FUSE_DESTROY, 0, "", 0, 0);
    lookup("hello.txt");
    init();
    getattr(2);
    save(dir, "destroy-reinit");
    start(0, 8);
    init();
    struct {
        struct fuse_in_header h;
        char name[16];
        uint64_t ext[2];
    } ext = {{.len = sizeof ext,
              .opcode = FUSE_LOOKUP,
              .unique = 50,
              .nodeid = ROOT,
              .total_extlen = 2},
             "hello.txt",
             {16, 0}};
    request_raw(QREQ, 2, 1, 256, &ext, sizeof ext);
    ext.h.total_extlen = 200;
    request_raw(QREQ, 2, 1, 256, &ext, sizeof ext);
    save(dir, "extensions");

    start(0, 8);
    init();
    lookup("hello.txt");
    open_node(FUSE_OPEN, 2, O_RDONLY);
    self_feeding_chain();
    save(dir, "self-feeding-ring");

    /* Broken rings. */
    start(0, 4);
    desc(QREQ, 0, FUZZ_DATA_OFFSET, 64, 1, 0);
    publish_notify(QREQ, 0);
    save(dir, "desc-loop");
    start(FOPT_INDIRECT, 4);
    desc(QREQ, 0, FUZZ_DATA_OFFSET, 32, 4, 0);
    desc(QREQ | FOPT_RAW, 1, 0x1000, 64, 0, 0);
    publish_notify(QREQ, 0);
    start(FOPT_INDIRECT, 4);
    desc(QREQ | FOPT_RAW, 1, 0xfffffff0, 64, 2, 0);
    publish_notify(QREQ, 1);
    save(dir, "desc-bad-indirect-and-outside");
    start(0, 4);
    emit(FOP_AVAIL_IDX, 1);
    emit(QREQ, 1);
    emit(100, 2);
    emit(FOP_NOTIFY, 1);
    emit(QREQ, 4);
    emit(FOP_ACK, 1);
    start(0, 4);
    init();
    save(dir, "avail-jump-then-reset");
    start(0, 8);
    init();
    mmio_write(0x70, 0); /* reset mid-session */
    lookup("hello.txt");
    start(0, 8);
    lookup("hello.txt");
    save(dir, "reset-midway");
    /* A driver that sets up queues by hand, badly. */
    mmio_write(0x70, 1);
    mmio_write(0x70, 3);
    mmio_write(0x24, 1);
    mmio_write(0x20, 1);
    mmio_write(0x70, 11);
    mmio_write(0x30, 1);
    mmio_write(0x38, 3);
    mmio_write(0x80, 0x80000000);
    mmio_write(0x44, 1);
    mmio_write(0x38, 8);
    mmio_write(0x90, 0x80000001);
    mmio_write(0x44, 1);
    mmio_write(0x70, 15);
    emit(FOP_NOTIFY, 1);
    emit(QREQ, 4);
    emit(FOP_MMIO_READ, 1);
    emit(0x100, 2);
    emit(0, 1);
    emit(FOP_MMIO_READ, 1);
    emit(0x124, 2);
    emit(2, 1);
    save(dir, "manual-setup");
    return 0;
}
