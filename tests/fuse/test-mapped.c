/*
 * security=mapped: the guest's owners, modes, types and device numbers
 * live in user.containers.override_stat; host objects stay the server's
 * user's, mode 0600 or 0700, and special files are regular files.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "harness.h"

#define XATTR "user.containers.override_stat"

static const struct fs_share_options mapped = {.security = FS_SECURITY_MAPPED};

/* The attribute's value on the host file, or "" if none. */
static const char *host_attr(const struct ft *t, const char *rel)
{
    static char value[128];
    char path[PATH_MAX];
    ft_path(t, rel, path, sizeof(path));
    ssize_t len = lgetxattr(path, XATTR, value, sizeof(value) - 1);
    value[len < 0 ? 0 : len] = '\0';
    return value;
}

/* The host file is a regular file (or directory) of ours, mode as given. */
static bool host_plain(const struct ft *t, const char *rel, mode_t mode)
{
    char path[PATH_MAX];
    struct stat st;
    ft_path(t, rel, path, sizeof(path));
    return lstat(path, &st) == 0 && st.st_uid == geteuid() &&
           st.st_gid == getegid() && st.st_mode == mode;
}

static int mknod_as(struct ft *t, uint64_t dir, const char *name, mode_t mode,
                    uint32_t rdev, struct fuse_entry_out *e)
{
    struct fuse_mknod_in mn = {.mode = mode, .rdev = rdev};
    ft_put(t, &mn, sizeof(mn));
    ft_put_str(t, name);
    int ret = ft_call(t, FUSE_MKNOD, dir, 16 + sizeof(*e));
    if (ret == 0)
        memcpy(e, t->reply, sizeof(*e));
    return ret;
}

/* Past the host clock's tick, so that a change moves ctime. */
static void nap(void)
{
    struct timespec ts = {0, 20 * 1000 * 1000};
    nanosleep(&ts, NULL);
}

static void as(struct ft *t, uint32_t uid, uint32_t gid)
{
    t->uid = uid;
    t->gid = gid;
}

static void test_create_and_types(void)
{
    struct ft t;
    struct fuse_entry_out e;
    uint64_t fh;
    char buf[64];

    ft_setup(&t, &mapped);
    /* A file: the caller's ids and the full mode, in the attribute. */
    as(&t, 1000, 1001);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "f", O_RDWR, 04755, &e, &fh), 0);
    CHECK(e.attr.uid == 1000 && e.attr.gid == 1001 &&
          e.attr.mode == (S_IFREG | 04755));
    CHECK(strcmp(host_attr(&t, "f"), "1000:1001:4755:file") == 0);
    CHECK(host_plain(&t, "f", S_IFREG | 0600));
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "data", 4, NULL), 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    struct fuse_attr a;
    CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK(a.uid == 1000 && a.mode == (S_IFREG | 04755) && a.size == 4);

    /* Device nodes as guest root: empty regular files on the host. */
    as(&t, 0, 0);
    const uint32_t guest_dev = 0x45 | 8 << 8 | 0x12300 << 12; /* 8:0x12345 */
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "chr", S_IFCHR | 0620, guest_dev, &e),
              0);
    CHECK(e.attr.mode == (S_IFCHR | 0620) && e.attr.rdev == guest_dev &&
          e.attr.uid == 0);
    CHECK(strcmp(host_attr(&t, "chr"), "0:0:0620:char-8-74565") == 0);
    CHECK(host_plain(&t, "chr", S_IFREG | 0600));
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "blk", S_IFBLK | 0660, 7 << 8 | 3, &e),
              0);
    CHECK(e.attr.mode == (S_IFBLK | 0660) && e.attr.rdev == (7 << 8 | 3));
    CHECK(strcmp(host_attr(&t, "blk"), "0:0:0660:block-7-3") == 0);
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "fifo", S_IFIFO | 0644, 0, &e), 0);
    CHECK(S_ISFIFO(e.attr.mode) && host_plain(&t, "fifo", S_IFREG | 0600));
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "sock", S_IFSOCK | 0755, 0, &e), 0);
    CHECK(S_ISSOCK(e.attr.mode) && host_plain(&t, "sock", S_IFREG | 0600));
    CHECK(strcmp(host_attr(&t, "sock"), "0:0:0755:socket") == 0);

    /* A symlink: a regular file holding the target. */
    ft_put_str(&t, "ln");
    ft_put_str(&t, "../some/where");
    CHECK_ERR(ft_call(&t, FUSE_SYMLINK, FUSE_ROOT_ID, 16 + sizeof(e)), 0);
    memcpy(&e, t.reply, sizeof(e));
    CHECK(e.attr.mode == (S_IFLNK | 0777) && e.attr.size == 13);
    CHECK(host_plain(&t, "ln", S_IFREG | 0600));
    CHECK(ft_host_read(&t, "ln", buf, sizeof(buf)) == 13 &&
          strcmp(buf, "../some/where") == 0);
    CHECK(strcmp(host_attr(&t, "ln"), "0:0:0777:symlink") == 0);
    CHECK_ERR(ft_call(&t, FUSE_READLINK, e.nodeid, 16 + 64), 0);
    CHECK(t.reply_len == 13 && memcmp(t.reply, "../some/where", 13) == 0);
    /* READLINK of a plain file is still EINVAL. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK_ERR(ft_call(&t, FUSE_READLINK, e.nodeid, 16 + 64), -EINVAL);

    /* A directory: 0700 on the host. */
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "d", 01777, &e), 0);
    CHECK(e.attr.mode == (S_IFDIR | 01777));
    CHECK(host_plain(&t, "d", S_IFDIR | 0700));

    /* A host file without the attribute shows as it is on the host. */
    ft_host_write(&t, "from-host", "x");
    char path[PATH_MAX];
    ft_path(&t, "from-host", path, sizeof(path));
    chmod(path, 0640);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "from-host", &e), 0);
    CHECK(e.attr.mode == (S_IFREG | 0640) && e.attr.uid == geteuid());

    /*
     * Changed on the host (the server's copy goes when ctime moves): a
     * corrupt attribute gives the host's view, not garbage.
     */
    ft_path(&t, "f", path, sizeof(path));
    nap();
    CHECK(setxattr(path, XATTR, "1:2:zz:file", 11, 0) == 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK(e.attr.mode == (S_IFREG | 0600) && e.attr.uid == geteuid());
    /* An older writer's form: UID:GID:MODE with the type bits. */
    nap();
    CHECK(setxattr(path, XATTR, "5:6:100751", 10, 0) == 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK(e.attr.mode == (S_IFREG | 0751) && e.attr.uid == 5 &&
          e.attr.gid == 6);
    ft_teardown(&t);
}

/* A setgid directory passes its group on, and setgid to subdirectories. */
static void test_setgid_inheritance(void)
{
    struct ft t;
    struct fuse_entry_out d, e;
    uint64_t fh;

    ft_setup(&t, &mapped);
    as(&t, 1000, 50);
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "sg", 02775, &d), 0);
    CHECK(d.attr.mode == (S_IFDIR | 02775) && d.attr.gid == 50);
    /* Another caller: the directory's group, and setgid for a subdir. */
    as(&t, 2000, 2000);
    CHECK_ERR(ft_create(&t, d.nodeid, "f", O_RDWR, 0644, &e, &fh), 0);
    ft_release(&t, e.nodeid, fh);
    CHECK(e.attr.uid == 2000 && e.attr.gid == 50 &&
          e.attr.mode == (S_IFREG | 0644));
    CHECK_ERR(ft_mkdir(&t, d.nodeid, "sub", 0755, &e), 0);
    CHECK(e.attr.gid == 50 && e.attr.mode == (S_IFDIR | 02755));
    CHECK_ERR(mknod_as(&t, e.nodeid, "n", S_IFCHR | 0600, 1 << 8 | 3, &e), 0);
    CHECK(e.attr.uid == 2000 && e.attr.gid == 50);
    /* Not setgid: the caller's group. */
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "plain", 0755, &d), 0);
    CHECK_ERR(ft_create(&t, d.nodeid, "f", O_RDWR, 0644, &e, &fh), 0);
    ft_release(&t, e.nodeid, fh);
    CHECK(e.attr.gid == 2000);
    ft_teardown(&t);
}

static bool later(const struct fuse_attr *a, const struct fuse_attr *b)
{
    return a->ctime > b->ctime ||
           (a->ctime == b->ctime && a->ctimensec > b->ctimensec);
}

static void test_chown_chmod(void)
{
    struct ft t;
    struct fuse_entry_out e, d;
    struct fuse_attr a, before;
    uint64_t fh;

    ft_setup(&t, &mapped);
    as(&t, 0, 0);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "s", O_RDWR, 06755, &e, &fh), 0);
    ft_release(&t, e.nodeid, fh);
    before = e.attr;
    nap();
    /* chown clears setuid, and setgid when group-executable. */
    struct fuse_setattr_in in = {
        .valid = FATTR_UID | FATTR_GID, .uid = 1234, .gid = 5678};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    CHECK(a.uid == 1234 && a.gid == 5678 && a.mode == (S_IFREG | 0755));
    CHECK(later(&a, &before));
    CHECK(strcmp(host_attr(&t, "s"), "1234:5678:0755:file") == 0);
    CHECK(host_plain(&t, "s", S_IFREG | 0600));
    /* Setgid without group execute is kept (mandatory-locking marker). */
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "g", O_RDWR, 02644, &e, &fh), 0);
    ft_release(&t, e.nodeid, fh);
    in = (struct fuse_setattr_in){.valid = FATTR_GID, .gid = 7};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    CHECK(a.gid == 7 && a.mode == (S_IFREG | 02644));
    /* A directory keeps its setgid bit. */
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "d", 02755, &d), 0);
    in = (struct fuse_setattr_in){.valid = FATTR_UID, .uid = 9};
    CHECK_ERR(ft_setattr(&t, d.nodeid, &in, &a), 0);
    CHECK(a.uid == 9 && a.mode == (S_IFDIR | 02755));
    /* chmod: the attribute only; ctime moves; any caller (the guest
     * kernel checks who may). */
    as(&t, 4321, 4321);
    before = a;
    nap();
    in = (struct fuse_setattr_in){.valid = FATTR_MODE, .mode = 01750};
    CHECK_ERR(ft_setattr(&t, d.nodeid, &in, &a), 0);
    CHECK(a.mode == (S_IFDIR | 01750) && a.uid == 9 && later(&a, &before));
    CHECK(host_plain(&t, "d", S_IFDIR | 0700));
    /* chmod keeps the type and device number. */
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "c", S_IFCHR | 0600, 5 << 8 | 1, &e),
              0);
    in = (struct fuse_setattr_in){.valid = FATTR_MODE, .mode = 0666};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    CHECK(a.mode == (S_IFCHR | 0666) && a.rdev == (5 << 8 | 1));
    /* KILL_SUIDGID (a write by a caller without CAP_FSETID). */
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "k", O_RDWR, 06775, &e, &fh), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "x", 1, NULL), 0);
    in = (struct fuse_setattr_in){.valid = FATTR_KILL_SUIDGID | FATTR_SIZE,
                                  .size = 0};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    CHECK(a.mode == (S_IFREG | 0775) && a.size == 0);
    ft_release(&t, e.nodeid, fh);
    /* A file the host made: chmod gives it the attribute, host ids. */
    ft_host_write(&t, "h", "x");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "h", &e), 0);
    in = (struct fuse_setattr_in){.valid = FATTR_MODE, .mode = 04711};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    char want[64];
    snprintf(want, sizeof(want), "%u:%u:4711:file", geteuid(), getegid());
    CHECK(strcmp(host_attr(&t, "h"), want) == 0);
    ft_teardown(&t);
}

static void test_hidden(void)
{
    struct ft t;
    struct fuse_entry_out e;
    uint64_t fh;

    for (int mode = 0; mode < 2; mode++) {
        ft_setup(&t, mode ? &mapped : NULL);
        CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "f", O_RDWR, 0644, &e, &fh), 0);
        ft_release(&t, e.nodeid, fh);
        char path[PATH_MAX];
        ft_path(&t, "f", path, sizeof(path));
        CHECK(setxattr(path, "user.other", "v", 1, 0) == 0);
        if (!mode)
            CHECK(setxattr(path, XATTR, "0:0:4755:file", 13, 0) == 0);
        /* Not listed (size query and list agree), not readable... */
        struct fuse_getxattr_in gi = {.size = 0};
        ft_put(&t, &gi, sizeof(gi));
        CHECK_ERR(ft_call(&t, FUSE_LISTXATTR, e.nodeid, 16 + 16), 0);
        struct fuse_getxattr_out go;
        memcpy(&go, t.reply, sizeof(go));
        CHECK(go.size == sizeof("user.other"));
        gi.size = 4096;
        ft_put(&t, &gi, sizeof(gi));
        CHECK_ERR(ft_call(&t, FUSE_LISTXATTR, e.nodeid, 16 + 4096), 0);
        CHECK(t.reply_len == sizeof("user.other") &&
              memcmp(t.reply, "user.other", sizeof("user.other")) == 0);
        gi.size = 4096;
        ft_put(&t, &gi, sizeof(gi));
        ft_put_str(&t, XATTR);
        CHECK_ERR(ft_call(&t, FUSE_GETXATTR, e.nodeid, 16 + 4096), -ENODATA);
        /* ... not settable, not removable. */
        struct fuse_setxattr_in si = {.size = 13};
        ft_put(&t, &si, FUSE_COMPAT_SETXATTR_IN_SIZE);
        ft_put_str(&t, XATTR);
        ft_put(&t, "0:0:4755:file", 13);
        CHECK_ERR(ft_call(&t, FUSE_SETXATTR, e.nodeid, 16), -EPERM);
        ft_put_str(&t, XATTR);
        CHECK_ERR(ft_call(&t, FUSE_REMOVEXATTR, e.nodeid, 16), -ENODATA);
        CHECK(getxattr(path, XATTR, NULL, 0) > 0);
        /* Other attributes work as before. */
        gi.size = 16;
        ft_put(&t, &gi, sizeof(gi));
        ft_put_str(&t, "user.other");
        CHECK_ERR(ft_call(&t, FUSE_GETXATTR, e.nodeid, 16 + 16), 0);
        CHECK(t.reply_len == 1 && t.reply[0] == 'v');
        ft_teardown(&t);
    }
}

/* Directory listings give the guest's types. */
static void test_listing(void)
{
    struct ft t;
    struct fuse_entry_out e;
    uint64_t fh;

    ft_setup(&t, &mapped);
    as(&t, 0, 0);
    CHECK_ERR(mknod_as(&t, FUSE_ROOT_ID, "chr", S_IFCHR | 0600, 1 << 8 | 3, &e),
              0);
    ft_forget(&t, e.nodeid, 1);
    for (int plus = 0; plus < 2; plus++) {
        CHECK_ERR(ft_opendir(&t, FUSE_ROOT_ID, &fh), 0);
        CHECK_ERR(ft_readdir(&t, plus, FUSE_ROOT_ID, fh, 0, 4096), 0);
        uint8_t *p = t.reply, *end = t.reply + t.reply_len;
        bool seen = false;
        while (p < end) {
            struct fuse_dirent *d = plus
                                        ? &((struct fuse_direntplus *)p)->dirent
                                        : (struct fuse_dirent *)p;
            if (d->namelen == 3 && memcmp(d->name, "chr", 3) == 0) {
                seen = true;
                /* Plain READDIR cannot know: the guest must ask. */
                CHECK(d->type == (plus ? DT_CHR : DT_UNKNOWN));
                if (plus) {
                    struct fuse_direntplus *dp = (void *)p;
                    CHECK(dp->entry_out.attr.mode == (S_IFCHR | 0600));
                    ft_forget(&t, dp->entry_out.nodeid, 1);
                }
            }
            p += plus ? FUSE_DIRENTPLUS_SIZE((struct fuse_direntplus *)p)
                      : FUSE_DIRENT_SIZE(d);
        }
        CHECK(seen);
        ft_releasedir(&t, FUSE_ROOT_ID, fh);
    }
    ft_teardown(&t);
}

int main(void)
{
    test_create_and_types();
    test_setgid_inheritance();
    test_chown_chmod();
    test_hidden();
    test_listing();
    return check_summary();
}
