/*
 * The share as a security boundary: bad names, symlinks pointing out,
 * directories swapped for symlinks, forged and stale node ids and handles,
 * special files, and fd exhaustion. A directory next to the share holds a
 * "secret" that nothing here may read, change or list.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "harness.h"

static char outside[64], secret[128];
static struct stat secret_before;

static void make_outside(void)
{
    strcpy(outside, "/tmp/fuse-outside-XXXXXX");
    if (!mkdtemp(outside))
        exit(2);
    snprintf(secret, sizeof(secret), "%s/secret", outside);
    FILE *f = fopen(secret, "w");
    fputs("top secret\n", f);
    fclose(f);
    chmod(secret, 0600);
    stat(secret, &secret_before);
}

/* The secret is exactly as it was. */
static bool secret_untouched(void)
{
    struct stat st;
    char buf[64] = {0};
    int fd = open(secret, O_RDONLY);
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    stat(secret, &st);
    return n == 11 && strcmp(buf, "top secret\n") == 0 &&
           st.st_mode == secret_before.st_mode &&
           st.st_uid == secret_before.st_uid &&
           st.st_mtim.tv_sec == secret_before.st_mtim.tv_sec &&
           st.st_mtim.tv_nsec == secret_before.st_mtim.tv_nsec &&
           st.st_nlink == 1 && getxattr(secret, "user.x", NULL, 0) < 0;
}

static void test_names(void)
{
    struct ft t;
    struct fuse_entry_out e;
    char longname[300], path[PATH_MAX];
    struct stat st;

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "x");
    memset(longname, 'a', 256);
    longname[256] = '\0';
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "a/b", &e), -EINVAL);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "", &e), -EINVAL);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, longname, &e), -ENAMETOOLONG);
    const char *bad[] = {"", ".", "..", "../escape", "a/b", "/abs"};
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, bad[i], 0755, &e), -EINVAL);
        CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, bad[i], O_RDWR, 0644, &e, NULL),
                  -EINVAL);
        CHECK_ERR(ft_unlink(&t, FUSE_ROOT_ID, bad[i]), -EINVAL);
    }
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, longname, 0755, &e), -ENAMETOOLONG);
    snprintf(path, sizeof(path), "%s/../escape", t.share);
    CHECK(lstat(path, &st) < 0);
    /* Rename to ".." or across with a slash. */
    struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "f");
    ft_put_str(&t, "../f");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 16), -EINVAL);
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "..");
    ft_put_str(&t, "g");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 16), -EINVAL);
    /* Symlink names too; the target text is free. */
    ft_put_str(&t, "../ln");
    ft_put_str(&t, "/etc/passwd");
    CHECK_ERR(ft_call(&t, FUSE_SYMLINK, FUSE_ROOT_ID, 256), -EINVAL);
    /* A name that is not NUL-terminated within the request. */
    ft_put(&t, "f", 1);
    CHECK_ERR(ft_call(&t, FUSE_LOOKUP, FUSE_ROOT_ID, 256), -EINVAL);
    char huge[5000];
    memset(huge, 'b', sizeof(huge));
    ft_put(&t, huge, sizeof(huge));
    CHECK_ERR(ft_call(&t, FUSE_LOOKUP, FUSE_ROOT_ID, 256), -ENAMETOOLONG);
    /* A second name missing. */
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "f");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 16), -EINVAL);
    ft_teardown(&t);
}

static void test_symlinks_out(void)
{
    struct ft t;
    struct fuse_entry_out abs, rel, dir, loop, e;
    char path[PATH_MAX], target[PATH_MAX];
    uint64_t fh;

    ft_setup(&t, NULL);
    ft_path(&t, "abs", path, sizeof(path));
    symlink(secret, path);
    ft_path(&t, "rel", path, sizeof(path));
    snprintf(target, sizeof(target), "../%s/secret", strrchr(outside, '/'));
    symlink(target, path);
    ft_path(&t, "dirlink", path, sizeof(path));
    symlink(outside, path);
    ft_path(&t, "loop1", path, sizeof(path));
    symlink("loop2", path);
    ft_path(&t, "loop2", path, sizeof(path));
    symlink("loop1", path);

    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "abs", &abs), 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "rel", &rel), 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "dirlink", &dir), 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "loop1", &loop), 0);
    CHECK(S_ISLNK(abs.attr.mode) && S_ISLNK(rel.attr.mode));
    CHECK(S_ISLNK(dir.attr.mode) && S_ISLNK(loop.attr.mode));
    CHECK(abs.attr.size == strlen(secret) &&
          abs.attr.ino != secret_before.st_ino);

    /* READLINK gives the text; the guest follows it in the guest. */
    CHECK_ERR(ft_call(&t, FUSE_READLINK, abs.nodeid, 16 + 4096), 0);
    CHECK(t.reply_len == strlen(secret) &&
          memcmp(t.reply, secret, t.reply_len) == 0);
    CHECK_ERR(ft_call(&t, FUSE_READLINK, loop.nodeid, 16 + 4096), 0);
    CHECK(t.reply_len == 5 && memcmp(t.reply, "loop2", 5) == 0);

    /* No I/O through a symlink node. */
    CHECK_ERR(ft_open(&t, abs.nodeid, O_RDONLY, &fh), -ELOOP);
    CHECK_ERR(ft_open(&t, rel.nodeid, O_RDWR | O_TRUNC, &fh), -ELOOP);
    CHECK_ERR(ft_open(&t, loop.nodeid, O_RDONLY, &fh), -ELOOP);
    CHECK_ERR(ft_opendir(&t, dir.nodeid, &fh), -ENOTDIR);
    CHECK_ERR(
        ft_create(&t, FUSE_ROOT_ID, "abs", O_RDWR | O_TRUNC, 0644, &e, &fh),
        -ELOOP);
    /* No lookups, creation or listing through a symlink to a directory. */
    CHECK_ERR(ft_lookup(&t, dir.nodeid, "secret", &e), -ENOTDIR);
    CHECK_ERR(ft_mkdir(&t, dir.nodeid, "new", 0755, &e), -ENOTDIR);
    CHECK_ERR(ft_create(&t, dir.nodeid, "new", O_RDWR, 0644, &e, &fh),
              -ENOTDIR);
    CHECK_ERR(ft_unlink(&t, dir.nodeid, "secret"), -ENOTDIR);

    /* Attribute changes act on the link, never the target. */
    struct fuse_setattr_in sa = {.valid = FATTR_SIZE, .size = 0};
    ft_put(&t, &sa, sizeof(sa));
    CHECK(ft_call(&t, FUSE_SETATTR, abs.nodeid, 256) < 0);
    sa = (struct fuse_setattr_in){.valid = FATTR_MODE, .mode = 0666};
    ft_put(&t, &sa, sizeof(sa));
    CHECK(ft_call(&t, FUSE_SETATTR, abs.nodeid, 256) < 0);
    sa = (struct fuse_setattr_in){.valid = FATTR_MTIME, .mtime = 12345};
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(ft_call(&t, FUSE_SETATTR, rel.nodeid, 256), 0);
    sa = (struct fuse_setattr_in){
        .valid = FATTR_UID | FATTR_GID, .uid = getuid(), .gid = getgid()};
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(ft_call(&t, FUSE_SETATTR, abs.nodeid, 256), 0);
    struct fuse_setxattr_in sx = {.size = 1};
    ft_put(&t, &sx, FUSE_COMPAT_SETXATTR_IN_SIZE);
    ft_put_str(&t, "user.x");
    ft_put(&t, "1", 1);
    CHECK(ft_call(&t, FUSE_SETXATTR, abs.nodeid, 256) < 0);
    /* A hard link to the symlink is a symlink, not the secret. */
    struct fuse_link_in li = {.oldnodeid = abs.nodeid};
    ft_put(&t, &li, sizeof(li));
    ft_put_str(&t, "hard");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 16 + sizeof(e)), 0);
    memcpy(&e, t.reply, sizeof(e));
    CHECK(S_ISLNK(e.attr.mode) && e.nodeid == abs.nodeid);
    CHECK(secret_untouched());
    ft_teardown(&t);
}

static void test_swapped_dir(void)
{
    struct ft t;
    struct fuse_entry_out d, e, sub, up;
    char path[PATH_MAX], moved[PATH_MAX];
    uint64_t fh;

    ft_setup(&t, NULL);
    ft_path(&t, "d", path, sizeof(path));
    mkdir(path, 0755);
    ft_host_write(&t, "d/inside", "in");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "d", &d), 0);
    CHECK_ERR(ft_lookup(&t, d.nodeid, "inside", &e), 0);

    /* Between two requests the host swaps d for a symlink out. */
    ft_path(&t, "d-old", moved, sizeof(moved));
    rename(path, moved);
    symlink(outside, path);
    CHECK_ERR(ft_lookup(&t, d.nodeid, "secret", &e), -ENOENT);
    CHECK_ERR(
        ft_create(&t, d.nodeid, "secret", O_RDWR | O_TRUNC, 0644, &e, &fh),
        0); /* lands in d-old, inside the share */
    ft_release(&t, e.nodeid, fh);
    ft_path(&t, "d-old/secret", path, sizeof(path));
    CHECK(access(path, F_OK) == 0);
    CHECK_ERR(ft_opendir(&t, d.nodeid, &fh), 0);
    CHECK_ERR(ft_readdir(&t, false, d.nodeid, fh, 0, 4096), 0);
    CHECK(memmem(t.reply, t.reply_len, "inside", 6) != NULL);
    ft_releasedir(&t, d.nodeid, fh);
    /* A new lookup of d finds the symlink, which leads nowhere. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "d", &e), 0);
    CHECK(S_ISLNK(e.attr.mode) && e.nodeid != d.nodeid);
    CHECK_ERR(ft_lookup(&t, e.nodeid, "secret", &e), -ENOTDIR);

    /* A directory the host moves out of the share: ".." stays inside. */
    ft_path(&t, "sub", path, sizeof(path));
    mkdir(path, 0755);
    ft_host_write(&t, "sub/f", "was inside");
    ft_host_write(&t, "in-root", "x");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "sub", &sub), 0);
    struct fuse_entry_out f;
    CHECK_ERR(ft_lookup(&t, sub.nodeid, "f", &f), 0);
    snprintf(moved, sizeof(moved), "%s/sub", outside);
    CHECK(rename(path, moved) == 0);
    CHECK_ERR(ft_lookup(&t, sub.nodeid, "..", &up), -ENOENT);
    CHECK_ERR(ft_lookup(&t, sub.nodeid, "secret", &up), -ENOENT);
    /* No change goes through it or what the guest knows in it... */
    CHECK_ERR(ft_mkdir(&t, sub.nodeid, "x", 0755, &up), -ENOENT);
    CHECK_ERR(ft_create(&t, sub.nodeid, "new", O_RDWR, 0644, &up, &fh),
              -ENOENT);
    CHECK_ERR(ft_unlink(&t, sub.nodeid, "f"), -ENOENT);
    CHECK_ERR(ft_open(&t, f.nodeid, O_WRONLY, &fh), -ENOENT);
    CHECK_ERR(ft_open(&t, f.nodeid, O_RDONLY | O_TRUNC, &fh), -ENOENT);
    struct fuse_setattr_in sa = {.valid = FATTR_MODE, .mode = 0777};
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(
        ft_call(&t, FUSE_SETATTR, f.nodeid, 16 + sizeof(struct fuse_attr_out)),
        -ENOENT);
    struct fuse_rename_in rn = {.newdir = sub.nodeid};
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "in-root");
    ft_put_str(&t, "taken-out");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 16), -ENOENT);
    struct fuse_link_in ln = {.oldnodeid = f.nodeid};
    ft_put(&t, &ln, sizeof(ln));
    ft_put_str(&t, "brought-in");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 16 + sizeof(up)), -ENOENT);
    /* ... while what the guest already has stays readable. */
    CHECK_ERR(ft_open(&t, f.nodeid, O_RDONLY, &fh), 0);
    CHECK_ERR(ft_read(&t, f.nodeid, fh, 0, 100), 0);
    CHECK(t.reply_len == 10 && memcmp(t.reply, "was inside", 10) == 0);
    ft_release(&t, f.nodeid, fh);
    char probe[PATH_MAX + 16];
    snprintf(probe, sizeof(probe), "%s/f", moved);
    CHECK(access(probe, F_OK) == 0);
    snprintf(probe, sizeof(probe), "%s/x", moved);
    CHECK(access(probe, F_OK) < 0);
    snprintf(probe, sizeof(probe), "%s/new", moved);
    CHECK(access(probe, F_OK) < 0);
    snprintf(probe, sizeof(probe), "%s/f", moved);
    struct stat st;
    CHECK(stat(probe, &st) == 0 && (st.st_mode & 07777) != 0777);
    ft_path(&t, "in-root", path, sizeof(path));
    CHECK(access(path, F_OK) == 0);
    /* Moved back in, it may be changed again. */
    ft_path(&t, "sub-back", path, sizeof(path));
    CHECK(rename(moved, path) == 0);
    CHECK_ERR(ft_unlink(&t, sub.nodeid, "f"), 0);
    CHECK(rename(path, moved) == 0);
    rmdir(moved);
    /* Removed and replaced: the old node refers to nothing. */
    CHECK_ERR(ft_lookup(&t, sub.nodeid, "x", &up), -ENOENT);
    CHECK_ERR(ft_mkdir(&t, sub.nodeid, "x", 0755, &up), -ENOENT);
    CHECK(secret_untouched());
    ft_teardown(&t);
}

/* Paths longer than PATH_MAX inside the share can still be changed. */
static void test_deep_paths(void)
{
    struct ft t;
    struct fuse_entry_out d, e;
    struct fuse_attr_out out;
    char name[251];
    uint64_t fh, dir = FUSE_ROOT_ID;

    ft_setup(&t, NULL);
    memset(name, 'n', sizeof(name) - 1);
    name[sizeof(name) - 1] = '\0';
    for (int i = 0; i < 20; i++) { /* 20 * 251 bytes: past PATH_MAX */
        CHECK_ERR(ft_mkdir(&t, dir, name, 0755, &d), 0);
        dir = d.nodeid;
    }
    CHECK_ERR(ft_mkdir(&t, dir, "sub", 0755, &d), 0);
    CHECK_ERR(ft_create(&t, dir, "f", O_RDWR, 0644, &e, &fh), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "x", 1, NULL), 0);
    ft_release(&t, e.nodeid, fh);
    struct fuse_setattr_in sa = {.valid = FATTR_MODE, .mode = 0600};
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(ft_call(&t, FUSE_SETATTR, e.nodeid, 16 + sizeof(out)), 0);
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(ft_call(&t, FUSE_SETATTR, d.nodeid, 16 + sizeof(out)), 0);
    CHECK_ERR(ft_unlink(&t, dir, "f"), 0);
    CHECK_ERR(ft_rmdir(&t, dir, "sub"), 0);
    ft_teardown(&t);
}

static void test_forged_ids(void)
{
    struct ft t;
    struct fuse_entry_out e, d;
    uint64_t fh, dh;
    const uint64_t forged[] = {0, 2, 99999, 1ull << 40, UINT64_MAX};

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "data");
    for (unsigned i = 0; i < sizeof(forged) / sizeof(forged[0]); i++) {
        CHECK_ERR(ft_getattr(&t, forged[i], NULL), -ESTALE);
        CHECK_ERR(ft_lookup(&t, forged[i], "f", &e), -ESTALE);
        CHECK_ERR(ft_open(&t, forged[i], O_RDONLY, &fh), -ESTALE);
        ft_forget(&t, forged[i], 1);
        CHECK_ERR(ft_read(&t, FUSE_ROOT_ID, forged[i], 0, 10), -EBADF);
        CHECK_ERR(ft_release(&t, FUSE_ROOT_ID, forged[i]), -EBADF);
        CHECK_ERR(ft_readdir(&t, false, FUSE_ROOT_ID, forged[i], 0, 4096),
                  -EBADF);
    }
    /* A forgotten node is gone; the root is never forgotten. */
    struct fuse_server_stats start = ft_stats(&t);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK(ft_stats(&t).nodes == start.nodes + 1);
    ft_forget(&t, e.nodeid, 1);
    CHECK_ERR(ft_getattr(&t, e.nodeid, NULL), 0);
    ft_forget(&t, e.nodeid, 5); /* more than it has: just gone */
    CHECK_ERR(ft_getattr(&t, e.nodeid, NULL), -ESTALE);
    ft_forget(&t, e.nodeid, 1);
    ft_forget(&t, FUSE_ROOT_ID, 1000);
    CHECK_ERR(ft_getattr(&t, FUSE_ROOT_ID, NULL), 0);
    struct fuse_server_stats now = ft_stats(&t);
    CHECK(now.nodes == start.nodes && now.fds == start.fds);
    /* A new lookup of the same file gets a new id, never the old one. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &d), 0);
    CHECK(d.nodeid != e.nodeid);

    /* BATCH_FORGET claiming more entries than it carries. */
    struct fuse_batch_forget_in bf = {.count = 1000};
    struct fuse_forget_one one = {.nodeid = d.nodeid, .nlookup = 1};
    ft_put(&t, &bf, sizeof(bf));
    ft_put(&t, &one, sizeof(one));
    CHECK(ft_call(&t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    CHECK_ERR(ft_getattr(&t, d.nodeid, NULL), -ESTALE);

    /* Handles: kinds don't mix, released ones and neighbours are dead. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDONLY, &fh), 0);
    CHECK_ERR(ft_opendir(&t, FUSE_ROOT_ID, &dh), 0);
    CHECK_ERR(ft_readdir(&t, false, FUSE_ROOT_ID, fh, 0, 4096), -EBADF);
    CHECK_ERR(ft_read(&t, e.nodeid, dh, 0, 10), -EBADF);
    CHECK_ERR(ft_releasedir(&t, FUSE_ROOT_ID, fh), -EBADF);
    CHECK_ERR(ft_read(&t, e.nodeid, fh ^ (1ull << 33), 0, 10), -EBADF);
    CHECK_ERR(ft_read(&t, e.nodeid, fh + 1, 0, 10), -EBADF);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 0, 10), 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    uint64_t fh2;
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDONLY, &fh2), 0);
    CHECK(fh2 != fh); /* the slot is reused with a new generation */
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 0, 10), -EBADF);
    CHECK_ERR(ft_release(&t, e.nodeid, fh2), 0);
    CHECK_ERR(ft_releasedir(&t, FUSE_ROOT_ID, dh), 0);
    ft_teardown(&t);
}

static void test_special_files(void)
{
    struct ft t;
    struct fuse_entry_out e;
    char path[PATH_MAX];
    uint64_t fh;

    ft_setup(&t, NULL);
    ft_path(&t, "fifo", path, sizeof(path));
    mkfifo(path, 0666);
    /* Opening a fifo would block the emulator: refused up front. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "fifo", &e), 0);
    CHECK(S_ISFIFO(e.attr.mode));
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDONLY, &fh), -ENXIO);
    CHECK_ERR(ft_open(&t, e.nodeid, O_WRONLY, &fh), -ENXIO);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "fifo", O_RDONLY, 0644, &e, &fh),
              -ENXIO);
    struct fuse_mknod_in mn = {.mode = S_IFSOCK | 0600};
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "sock");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, FUSE_ROOT_ID, 16 + sizeof(e)), 0);
    memcpy(&e, t.reply, sizeof(e));
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &fh), -ENXIO);
    if (geteuid() == 0) {
        ft_path(&t, "null", path, sizeof(path));
        CHECK(mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0);
        CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "null", &e), 0);
        CHECK(S_ISCHR(e.attr.mode));
        CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &fh), -ENXIO);
    } else {
        check_skip("device node on the host (needs root)");
    }
    CHECK(ft_stats(&t).handles == 0);
    ft_teardown(&t);
}

/* Without reopenable handles: lookups past the budget get EMFILE. */
static void test_fd_exhaustion(struct ft *t, struct fuse_entry_out *e)
{
    char name[32], path[PATH_MAX];
    uint64_t fh;
    int got = 0, ret = 0;
    unsigned start = ft_stats(t).fds;

    for (got = 0; got < 40; got++) {
        snprintf(name, sizeof(name), "f%d", got);
        ret = ft_lookup(t, FUSE_ROOT_ID, name, &e[got]);
        if (ret < 0)
            break;
    }
    CHECK_ERR(ret, -EMFILE);
    CHECK(got == (int)(16 - start) && ft_stats(t).fds == 16);
    /* Still serving what needs no new fd. */
    CHECK_ERR(ft_getattr(t, e[0].nodeid, NULL), 0);
    CHECK_ERR(ft_open(t, e[0].nodeid, O_RDONLY, &fh), -EMFILE);
    CHECK_ERR(ft_mkdir(t, FUSE_ROOT_ID, "newdir", 0755, NULL), -EMFILE);
    ft_path(t, "newdir", path, sizeof(path));
    CHECK(access(path, F_OK) < 0); /* refused before creating anything */
    /* READDIRPLUS still lists, without nodes. */
    ft_forget(t, e[0].nodeid, 1);
    CHECK_ERR(ft_opendir(t, FUSE_ROOT_ID, &fh), 0);
    CHECK_ERR(ft_readdir(t, true, FUSE_ROOT_ID, fh, 0, 65536), 0);
    CHECK(memmem(t->reply, t->reply_len, "f39", 3) != NULL);
    CHECK(ft_stats(t).fds == 16);
    CHECK_ERR(ft_releasedir(t, FUSE_ROOT_ID, fh), 0);
    /* READDIRPLUS took a second reference on the nodes it found known. */
    for (int i = 1; i < got; i++)
        ft_forget(t, e[i].nodeid, 2);
    struct fuse_server_stats s = ft_stats(t);
    CHECK(s.fds == start && s.nodes == 1);
}

/* With them: node fds are recycled; only open handles can run out. */
static void test_fd_recycling(struct ft *t, struct fuse_entry_out *e)
{
    struct fuse_entry_out again;
    struct fuse_attr a;
    char name[32], path[PATH_MAX], moved[PATH_MAX];
    uint64_t fh[40];
    unsigned start = ft_stats(t).fds;
    int ok = 0, opened;

    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        ok += ft_lookup(t, FUSE_ROOT_ID, name, &e[i]) == 0;
    }
    CHECK(ok == 40 && ft_stats(t).fds <= 16 && ft_stats(t).nodes == 41);
    ok = 0;
    for (int i = 0; i < 40; i++)
        ok += ft_getattr(t, e[i].nodeid, &a) == 0 && a.size == 1 &&
              a.ino == e[i].attr.ino;
    CHECK(ok == 40 && ft_stats(t).fds <= 16);
    /* f0's fd was closed long ago: the node follows a host rename... */
    ft_path(t, "f0", path, sizeof(path));
    ft_path(t, "renamed", moved, sizeof(moved));
    rename(path, moved);
    CHECK_ERR(ft_getattr(t, e[0].nodeid, &a), 0);
    CHECK(a.ino == e[0].attr.ino);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "renamed", &again), 0);
    CHECK(again.nodeid == e[0].nodeid);
    ft_forget(t, again.nodeid, 1);
    /* ...and a deleted inode is stale, its number no one else's node. */
    for (int i = 2; i < 40; i++)
        ft_getattr(t, e[i].nodeid, NULL); /* push f1 out of the fds */
    ft_path(t, "f1", path, sizeof(path));
    unlink(path);
    CHECK_ERR(ft_getattr(t, e[1].nodeid, NULL), -ESTALE);
    ft_host_write(t, "reuse", "new");
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "reuse", &again), 0);
    CHECK(again.nodeid != e[1].nodeid && again.attr.size == 3);
    ft_forget(t, again.nodeid, 1);

    /* Open files hold their fds: those run out, cleanly. */
    int ret = 0;
    for (opened = 0; opened < 38; opened++) {
        ret = ft_open(t, e[opened + 2].nodeid, O_RDONLY, &fh[opened]);
        if (ret < 0)
            break;
    }
    CHECK_ERR(ret, -EMFILE);
    CHECK(opened >= 10 && opened < 16 && ft_stats(t).fds <= 16);
    CHECK_ERR(ft_getattr(t, e[39].nodeid, NULL), 0);
    CHECK_ERR(ft_read(t, e[2].nodeid, fh[0], 0, 10), 0);
    CHECK(t->reply_len == 1);
    for (int i = 0; i < opened; i++)
        ft_release(t, e[i + 2].nodeid, fh[i]);
    CHECK_ERR(ft_open(t, e[39].nodeid, O_RDONLY, &fh[0]), 0);
    CHECK_ERR(ft_release(t, e[39].nodeid, fh[0]), 0);
    for (int i = 0; i < 40; i++)
        ft_forget(t, e[i].nodeid, 1);
    struct fuse_server_stats s = ft_stats(t);
    CHECK(s.fds == start && s.nodes == 1 && s.handles == 0);
}

static void test_fd_budget(void)
{
    struct ft t;
    struct fuse_entry_out e[40];
    struct fs_share_options small = {.max_fds = 16};
    char name[32];

    ft_setup(&t, NULL);
    for (int i = 0; i < 40; i++) {
        snprintf(name, sizeof(name), "f%d", i);
        ft_host_write(&t, name, "x");
    }
    ft_restart(&t, &small);
    if (ft_stats(&t).node_fds_closable) {
        test_fd_recycling(&t, e);
        check_skip("EMFILE on lookups (node fds are recycled here)");
    } else {
        check_skip("node fd recycling (needs CAP_DAC_READ_SEARCH)");
        test_fd_exhaustion(&t, e);
    }
    ft_teardown(&t);
}

int main(void)
{
    make_outside();
    test_names();
    test_symlinks_out();
    test_swapped_dir();
    test_forged_ids();
    test_deep_paths();
    test_special_files();
    test_fd_budget();
    CHECK(secret_untouched());
    unlink(secret);
    rmdir(outside);
    return check_summary();
}
