/* The guest stand-in for FUSE server tests (see harness.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include "harness.h"

#define REQ_AREA   (FT_ARGS_MAX + 4096)
#define GUARD      256
#define RAM_SIZE   (REQ_AREA + FT_REPLY_MAX + GUARD)
#define MAX_PIECES 8192
#define POISON     0xa5

/* Odd cuts: the header splits at byte 7, names split mid-string. */
static const unsigned default_cuts[] = {7, 1, 30, 13, 4096, 100, 3, 0};

/* Cut [base, base + len) of RAM into iovecs by t->cuts. */
static unsigned cut(const struct ft *t, uint8_t *base, size_t len,
                    struct iovec *iov)
{
    unsigned n = 0, c = 0;
    while (len > 0 && n < MAX_PIECES - 1) {
        size_t piece = t->cuts[c] ? t->cuts[c] : len;
        c = t->cuts[c + 1] ? c + 1 : 0;
        if (piece > len)
            piece = len;
        iov[n++] = (struct iovec){base, piece};
        base += piece;
        len -= piece;
    }
    if (len > 0)
        iov[n++] = (struct iovec){base, len};
    return n;
}

int ft_call_raw(struct ft *t, const struct fuse_in_header *in, const void *args,
                size_t args_len, size_t reply_size)
{
    static struct iovec req_iov[MAX_PIECES], reply_iov[MAX_PIECES];
    uint8_t *req = t->ram, *reply = t->ram + REQ_AREA;
    size_t req_len = sizeof(*in) + args_len;

    if (req_len > REQ_AREA || reply_size > FT_REPLY_MAX) {
        fprintf(stderr, "harness: request too big\n");
        exit(2);
    }
    memcpy(req, in, sizeof(*in));
    memcpy(req + sizeof(*in), args, args_len);
    memset(reply, POISON, reply_size + GUARD);
    unsigned nreq = cut(t, req, req_len, req_iov);
    unsigned nreply = cut(t, reply, reply_size, reply_iov);

    size_t n =
        t->send ? t->send(req_iov, nreq, reply_iov, nreply)
                : fuse_server_handle(t->srv, req_iov, nreq, reply_iov, nreply);
    t->reply_len = 0;
    /* Nothing may land outside the reply buffers. */
    for (size_t i = 0; i < GUARD; i++) {
        if (reply[reply_size + i] != POISON) {
            CHECK(!"reply written past its buffers");
            break;
        }
    }
    if (n == 0)
        return FT_NO_REPLY;
    struct fuse_out_header out;
    memcpy(&out, reply, sizeof(out));
    if (!CHECK(n <= reply_size && out.len == n && n >= sizeof(out) &&
               out.unique == in->unique))
        return -EPROTO;
    if (out.error)
        return CHECK(out.len == sizeof(out)) ? out.error : -EPROTO;
    t->reply_len = out.len - sizeof(out);
    memcpy(t->reply, reply + sizeof(out), t->reply_len);
    return 0;
}

void ft_args_reset(struct ft *t)
{
    t->args_len = 0;
}

void ft_put(struct ft *t, const void *data, size_t len)
{
    if (t->args_len + len > FT_ARGS_MAX) {
        fprintf(stderr, "harness: arguments too big\n");
        exit(2);
    }
    memcpy(t->args + t->args_len, data, len);
    t->args_len += len;
}

void ft_put_str(struct ft *t, const char *s)
{
    ft_put(t, s, strlen(s) + 1);
}

int ft_call(struct ft *t, uint32_t opcode, uint64_t nodeid, size_t reply_size)
{
    struct fuse_in_header in = {
        .len = (uint32_t)(sizeof(in) + t->args_len),
        .opcode = opcode,
        .unique = ++t->unique * 2, /* as Linux counts */
        .nodeid = nodeid,
        .uid = t->uid,
        .gid = t->gid,
        .pid = 42,
    };
    int ret = ft_call_raw(t, &in, t->args, t->args_len, reply_size);
    ft_args_reset(t);
    return ret;
}

int ft_init(struct ft *t)
{
    struct fuse_init_in in = {
        .major = 7,
        .minor = 41,
        .max_readahead = 128 << 10,
        .flags = 0x7fffffffu, /* all but FUSE_INIT_RESERVED */
        .flags2 = 0x3f,
    };
    ft_args_reset(t);
    ft_put(t, &in, sizeof(in));
    return ft_call(t, FUSE_INIT, 0, 16 + sizeof(struct fuse_init_out));
}

void ft_restart(struct ft *t, const struct fs_share_options *opts)
{
    char err[256];
    fuse_server_free(t->srv);
    t->opts = (struct fs_share_options){.dir = t->share, .tag = "myfs"};
    if (opts) {
        t->opts = *opts;
        t->opts.dir = t->share;
    }
    t->srv = fuse_server_new(&t->opts, err, sizeof(err));
    if (!t->srv) {
        fprintf(stderr, "harness: fuse_server_new: %s\n", err);
        exit(2);
    }
    if (ft_init(t) != 0) {
        fprintf(stderr, "harness: INIT failed\n");
        exit(2);
    }
}

void ft_setup(struct ft *t, const struct fs_share_options *opts)
{
    memset(t, 0, sizeof(*t));
    strcpy(t->share, "/tmp/fuse-test-XXXXXX");
    if (!mkdtemp(t->share)) {
        perror("mkdtemp");
        exit(2);
    }
    t->ram = malloc(RAM_SIZE);
    t->reply = malloc(FT_REPLY_MAX);
    t->args = malloc(FT_ARGS_MAX);
    if (!t->ram || !t->reply || !t->args) {
        fprintf(stderr, "harness: out of memory\n");
        exit(2);
    }
    t->cuts = default_cuts;
    t->uid = getuid();
    t->gid = getgid();
    ft_restart(t, opts);
}

static int remove_one(const char *path, const struct stat *st, int flag,
                      struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

void ft_teardown(struct ft *t)
{
    fuse_server_free(t->srv);
    t->srv = NULL;
    nftw(t->share, remove_one, 64, FTW_DEPTH | FTW_PHYS);
    free(t->ram);
    free(t->reply);
    free(t->args);
}

void ft_path(const struct ft *t, const char *rel, char *out, size_t len)
{
    snprintf(out, len, "%s/%s", t->share, rel);
}

void ft_host_write(const struct ft *t, const char *rel, const char *text)
{
    char path[PATH_MAX];
    ft_path(t, rel, path, sizeof(path));
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(2);
    }
    fputs(text, f);
    fclose(f);
}

long ft_host_read(const struct ft *t, const char *rel, char *buf, size_t len)
{
    char path[PATH_MAX];
    ft_path(t, rel, path, sizeof(path));
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return n;
}

struct fuse_server_stats ft_stats(const struct ft *t)
{
    struct fuse_server_stats s;
    fuse_server_stats(t->srv, &s);
    return s;
}

/* Copy a fixed-size reply out if the call worked and it is all there. */
static int take(struct ft *t, int ret, void *out, size_t len)
{
    if (ret != 0)
        return ret;
    if (!CHECK(t->reply_len == len))
        return -EPROTO;
    if (out)
        memcpy(out, t->reply, len);
    return 0;
}

int ft_lookup(struct ft *t, uint64_t dir, const char *name,
              struct fuse_entry_out *e)
{
    ft_put_str(t, name);
    return take(t, ft_call(t, FUSE_LOOKUP, dir, 16 + sizeof(*e)), e,
                sizeof(*e));
}

void ft_forget(struct ft *t, uint64_t node, uint64_t n)
{
    struct fuse_forget_in in = {.nlookup = n};
    ft_put(t, &in, sizeof(in));
    CHECK(ft_call(t, FUSE_FORGET, node, 0) == FT_NO_REPLY);
}

int ft_getattr(struct ft *t, uint64_t node, struct fuse_attr *a)
{
    struct fuse_getattr_in in = {0};
    struct fuse_attr_out out;
    ft_put(t, &in, sizeof(in));
    int ret = take(t, ft_call(t, FUSE_GETATTR, node, 16 + sizeof(out)), &out,
                   sizeof(out));
    if (ret == 0 && a)
        *a = out.attr;
    return ret;
}

int ft_setattr(struct ft *t, uint64_t node, const struct fuse_setattr_in *in,
               struct fuse_attr *a)
{
    struct fuse_attr_out out;
    ft_put(t, in, sizeof(*in));
    int ret = take(t, ft_call(t, FUSE_SETATTR, node, 16 + sizeof(out)), &out,
                   sizeof(out));
    if (ret == 0 && a)
        *a = out.attr;
    return ret;
}

int ft_mkdir(struct ft *t, uint64_t dir, const char *name, uint32_t mode,
             struct fuse_entry_out *e)
{
    struct fuse_mkdir_in in = {.mode = mode, .umask = 0};
    ft_put(t, &in, sizeof(in));
    ft_put_str(t, name);
    return take(t, ft_call(t, FUSE_MKDIR, dir, 16 + sizeof(*e)), e, sizeof(*e));
}

int ft_create(struct ft *t, uint64_t dir, const char *name, uint32_t flags,
              uint32_t mode, struct fuse_entry_out *e, uint64_t *fh)
{
    struct fuse_create_in in = {.flags = flags, .mode = S_IFREG | mode};
    struct {
        struct fuse_entry_out e;
        struct fuse_open_out o;
    } out;
    ft_put(t, &in, sizeof(in));
    ft_put_str(t, name);
    int ret = take(t, ft_call(t, FUSE_CREATE, dir, 16 + sizeof(out)), &out,
                   sizeof(out));
    if (ret == 0) {
        if (e)
            *e = out.e;
        if (fh)
            *fh = out.o.fh;
    }
    return ret;
}

static int open_common(struct ft *t, uint32_t op, uint64_t node, uint32_t flags,
                       uint64_t *fh)
{
    struct fuse_open_in in = {.flags = flags};
    struct fuse_open_out out;
    ft_put(t, &in, sizeof(in));
    int ret =
        take(t, ft_call(t, op, node, 16 + sizeof(out)), &out, sizeof(out));
    if (ret == 0 && fh)
        *fh = out.fh;
    return ret;
}

int ft_open(struct ft *t, uint64_t node, uint32_t flags, uint64_t *fh)
{
    return open_common(t, FUSE_OPEN, node, flags, fh);
}

int ft_opendir(struct ft *t, uint64_t node, uint64_t *fh)
{
    return open_common(t, FUSE_OPENDIR, node, O_RDONLY | O_DIRECTORY, fh);
}

static int release_common(struct ft *t, uint32_t op, uint64_t node, uint64_t fh)
{
    struct fuse_release_in in = {.fh = fh};
    ft_put(t, &in, sizeof(in));
    return take(t, ft_call(t, op, node, 16), NULL, 0);
}

int ft_release(struct ft *t, uint64_t node, uint64_t fh)
{
    return release_common(t, FUSE_RELEASE, node, fh);
}

int ft_releasedir(struct ft *t, uint64_t node, uint64_t fh)
{
    return release_common(t, FUSE_RELEASEDIR, node, fh);
}

int ft_write(struct ft *t, uint64_t node, uint64_t fh, uint64_t off,
             const void *data, uint32_t len, uint32_t *written)
{
    struct fuse_write_in in = {.fh = fh, .offset = off, .size = len};
    struct fuse_write_out out;
    ft_put(t, &in, sizeof(in));
    ft_put(t, data, len);
    int ret = take(t, ft_call(t, FUSE_WRITE, node, 16 + sizeof(out)), &out,
                   sizeof(out));
    if (ret == 0 && written)
        *written = out.size;
    return ret;
}

int ft_read(struct ft *t, uint64_t node, uint64_t fh, uint64_t off,
            uint32_t size)
{
    struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};
    ft_put(t, &in, sizeof(in));
    return ft_call(t, FUSE_READ, node, 16 + size);
}

int ft_unlink(struct ft *t, uint64_t dir, const char *name)
{
    ft_put_str(t, name);
    return take(t, ft_call(t, FUSE_UNLINK, dir, 16), NULL, 0);
}

int ft_rmdir(struct ft *t, uint64_t dir, const char *name)
{
    ft_put_str(t, name);
    return take(t, ft_call(t, FUSE_RMDIR, dir, 16), NULL, 0);
}

int ft_readdir(struct ft *t, bool plus, uint64_t node, uint64_t fh,
               uint64_t off, uint32_t size)
{
    struct fuse_read_in in = {.fh = fh, .offset = off, .size = size};
    ft_put(t, &in, sizeof(in));
    return ft_call(t, plus ? FUSE_READDIRPLUS : FUSE_READDIR, node, 16 + size);
}
