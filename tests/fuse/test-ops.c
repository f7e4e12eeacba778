/*
 * Every FUSE operation the server speaks, against a temp share: replies,
 * the host directory afterwards, and the errors a user would see.
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

static void test_init(void)
{
    struct ft t;
    ft_setup(&t, NULL);
    struct fuse_init_in in = {
        .major = 7, .minor = 41, .flags = 0xffffffffu, .flags2 = 0xffffffffu};
    struct fuse_init_out out;

    /* Before INIT (after DESTROY) everything is EIO. */
    CHECK_ERR(ft_call(&t, FUSE_DESTROY, 0, 16), 0);
    CHECK_ERR(ft_getattr(&t, FUSE_ROOT_ID, NULL), -EIO);

    ft_put(&t, &in, sizeof(in));
    CHECK_ERR(ft_call(&t, FUSE_INIT, 0, 16 + sizeof(out)), 0);
    CHECK(t.reply_len == sizeof(out));
    memcpy(&out, t.reply, sizeof(out));
    CHECK(out.major == FUSE_KERNEL_VERSION);
    CHECK(out.minor == FUSE_KERNEL_MINOR_VERSION);
    CHECK(out.max_pages == 256 && out.max_write == 1u << 20);
    CHECK(out.time_gran == 1);
    uint32_t must = FUSE_MAX_PAGES | FUSE_BIG_WRITES | FUSE_ASYNC_READ |
                    FUSE_DO_READDIRPLUS | FUSE_READDIRPLUS_AUTO |
                    FUSE_PARALLEL_DIROPS | FUSE_ATOMIC_O_TRUNC |
                    FUSE_EXPORT_SUPPORT | FUSE_HANDLE_KILLPRIV_V2;
    CHECK((out.flags & must) == must);
    /* Locks stay in the guest; no writeback cache. */
    CHECK(!(out.flags &
            (FUSE_POSIX_LOCKS | FUSE_FLOCK_LOCKS | FUSE_WRITEBACK_CACHE)));
    CHECK_ERR(ft_getattr(&t, FUSE_ROOT_ID, NULL), 0);

    /* Only what the guest offered; an older guest's minor. */
    in.minor = 30;
    in.flags = FUSE_BIG_WRITES;
    ft_put(&t, &in, sizeof(in));
    CHECK_ERR(ft_call(&t, FUSE_INIT, 0, 16 + sizeof(out)), 0);
    memcpy(&out, t.reply, sizeof(out));
    CHECK(out.minor == 30 && out.flags == FUSE_BIG_WRITES);
    CHECK(out.flags2 == 0);

    /* A guest too old or of another major. */
    in.major = 6;
    ft_put(&t, &in, sizeof(in));
    CHECK_ERR(ft_call(&t, FUSE_INIT, 0, 16 + sizeof(out)), -EPROTO);
    ft_init(&t);

    /* Unknown opcodes, locks: ENOSYS. */
    struct fuse_lk_in lk = {0};
    ft_put(&t, &lk, sizeof(lk));
    CHECK_ERR(ft_call(&t, FUSE_GETLK, FUSE_ROOT_ID, 256), -ENOSYS);
    ft_put(&t, &lk, sizeof(lk));
    CHECK_ERR(ft_call(&t, FUSE_SETLKW, FUSE_ROOT_ID, 256), -ENOSYS);
    CHECK_ERR(ft_call(&t, 9999, FUSE_ROOT_ID, 256), -ENOSYS);
    CHECK_ERR(ft_call(&t, 0, FUSE_ROOT_ID, 256), -ENOSYS);

    /* Short requests and lengths that disagree with the bytes given. */
    CHECK_ERR(ft_call(&t, FUSE_GETATTR, FUSE_ROOT_ID, 256), -EINVAL);
    struct fuse_getattr_in ga = {0};
    struct fuse_in_header h = {.len = sizeof(h) + sizeof(ga) + 100,
                               .opcode = FUSE_GETATTR,
                               .unique = 77,
                               .nodeid = FUSE_ROOT_ID};
    CHECK_ERR(ft_call_raw(&t, &h, &ga, sizeof(ga), 256), -EINVAL);
    h.len = 10;
    CHECK_ERR(ft_call_raw(&t, &h, &ga, sizeof(ga), 256), -EINVAL);
    h.len = sizeof(h) + sizeof(ga) - 1; /* a trailing byte unaccounted */
    CHECK_ERR(ft_call_raw(&t, &h, &ga, sizeof(ga), 256), -EINVAL);
    h.len = sizeof(h) + sizeof(ga);
    CHECK_ERR(ft_call_raw(&t, &h, &ga, sizeof(ga), 256), 0);
    /* Too little reply space for the reply: a clean error. */
    CHECK_ERR(ft_call_raw(&t, &h, &ga, sizeof(ga), 40), -EINVAL);
    /* No room even for an out header: nothing is written. */
    CHECK(ft_call_raw(&t, &h, &ga, sizeof(ga), 8) == FT_NO_REPLY);

    /* INTERRUPT takes no reply. */
    struct fuse_interrupt_in intr = {.unique = 4};
    ft_put(&t, &intr, sizeof(intr));
    CHECK(ft_call(&t, FUSE_INTERRUPT, 0, 256) == FT_NO_REPLY);
    ft_teardown(&t);
}

static void test_lookup_getattr(void)
{
    struct ft t;
    struct fuse_entry_out e, e2;
    struct fuse_attr a;
    struct stat st;
    char path[PATH_MAX];

    ft_setup(&t, NULL);
    ft_host_write(&t, "hello", "hello world\n");
    ft_path(&t, "hello", path, sizeof(path));
    stat(path, &st);

    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "hello", &e), 0);
    CHECK(e.nodeid > FUSE_ROOT_ID);
    CHECK(e.attr.size == 12 && e.attr.ino == st.st_ino);
    CHECK(S_ISREG(e.attr.mode) && e.attr.uid == st.st_uid);
    CHECK(e.entry_valid == 1 && e.attr_valid == 1); /* cache=auto */
    /* The same inode keeps its node id. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "hello", &e2), 0);
    CHECK(e2.nodeid == e.nodeid);
    CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK(a.size == 12 && a.mtime == (uint64_t)st.st_mtim.tv_sec);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "missing", &e2), -ENOENT);
    CHECK_ERR(ft_lookup(&t, e.nodeid, "x", &e2), -ENOTDIR);

    /* "." and "..": the directory itself; ".." of the root is the root. */
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, ".", &e2), 0);
    CHECK(e2.nodeid == FUSE_ROOT_ID);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "..", &e2), 0);
    CHECK(e2.nodeid == FUSE_ROOT_ID);
    struct fuse_entry_out d, dd;
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "d", 0755, &d), 0);
    CHECK_ERR(ft_lookup(&t, d.nodeid, "..", &dd), 0);
    CHECK(dd.nodeid == FUSE_ROOT_ID);
    /* ".." whose node the guest has forgotten: found again on the host. */
    struct fuse_entry_out sub, up;
    CHECK_ERR(ft_mkdir(&t, d.nodeid, "sub", 0755, &sub), 0);
    ft_forget(&t, d.nodeid, 2);
    CHECK_ERR(ft_getattr(&t, d.nodeid, NULL), -ESTALE);
    CHECK_ERR(ft_lookup(&t, sub.nodeid, "..", &up), 0);
    CHECK(up.nodeid != d.nodeid && S_ISDIR(up.attr.mode) &&
          up.attr.ino == d.attr.ino);
    d = up;

    /* Hard links share a node. */
    ft_path(&t, "hello", path, sizeof(path));
    char link_path[PATH_MAX];
    ft_path(&t, "d/alias", link_path, sizeof(link_path));
    link(path, link_path);
    CHECK_ERR(ft_lookup(&t, d.nodeid, "alias", &e2), 0);
    CHECK(e2.nodeid == e.nodeid && e2.attr.nlink == 2);

    /* A host-side rename does not break the node. */
    char moved[PATH_MAX];
    ft_path(&t, "d/renamed", moved, sizeof(moved));
    rename(path, moved);
    CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK(a.size == 12);

    /* STATFS, ACCESS. */
    CHECK_ERR(ft_call(&t, FUSE_STATFS, FUSE_ROOT_ID,
                      16 + sizeof(struct fuse_statfs_out)),
              0);
    struct fuse_statfs_out sf;
    memcpy(&sf, t.reply, sizeof(sf));
    CHECK(sf.st.blocks > 0 && sf.st.namelen == 255 && sf.st.bsize > 0);
    struct fuse_access_in ac = {.mask = R_OK};
    ft_put(&t, &ac, sizeof(ac));
    CHECK_ERR(ft_call(&t, FUSE_ACCESS, e.nodeid, 16), 0);
    ac.mask = X_OK; /* mode 644: no one may execute it, not even root */
    ft_put(&t, &ac, sizeof(ac));
    CHECK_ERR(ft_call(&t, FUSE_ACCESS, e.nodeid, 16), -EACCES);
    ft_teardown(&t);
}

static void test_setattr(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_attr a;
    struct stat st;
    char path[PATH_MAX];
    uint64_t fh;

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "0123456789");
    ft_path(&t, "f", path, sizeof(path));
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);

    struct fuse_setattr_in in = {.valid = FATTR_MODE, .mode = 0600};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK((st.st_mode & 07777) == 0600 && (a.mode & 07777) == 0600);

    in = (struct fuse_setattr_in){.valid = FATTR_SIZE, .size = 4};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK(st.st_size == 4 && a.size == 4);

    /* Through an open handle (ftruncate), and a forged one. */
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &fh), 0);
    in = (struct fuse_setattr_in){
        .valid = FATTR_SIZE | FATTR_FH, .size = 100, .fh = fh};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK(st.st_size == 100);
    in.fh = fh + 1;
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), -EBADF);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);

    in = (struct fuse_setattr_in){.valid = FATTR_ATIME | FATTR_MTIME,
                                  .atime = 1000000,
                                  .atimensec = 5,
                                  .mtime = 2000000,
                                  .mtimensec = 7};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK(st.st_atim.tv_sec == 1000000 && st.st_atim.tv_nsec == 5);
    CHECK(st.st_mtim.tv_sec == 2000000 && st.st_mtim.tv_nsec == 7);
    CHECK(a.mtime == 2000000 && a.mtimensec == 7);
    in = (struct fuse_setattr_in){.valid = FATTR_MTIME | FATTR_MTIME_NOW};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK(st.st_mtim.tv_sec > 2000000 && st.st_atim.tv_sec == 1000000);
    in = (struct fuse_setattr_in){.valid = FATTR_ATIME | FATTR_ATIME_NOW};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    stat(path, &st);
    CHECK(st.st_atim.tv_sec > 1000000 && a.atime > 1000000);
    in =
        (struct fuse_setattr_in){.valid = FATTR_MTIME, .mtimensec = 2000000000};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), -EINVAL);

    /* Ownership: our own ids are fine; another uid only as root. */
    in = (struct fuse_setattr_in){
        .valid = FATTR_UID | FATTR_GID, .uid = getuid(), .gid = getgid()};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    in.uid = 4321;
    in.gid = 4321;
    if (geteuid() == 0) {
        CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
        stat(path, &st);
        CHECK(st.st_uid == 4321 && st.st_gid == 4321 && a.uid == 4321);
    } else {
        CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), -EPERM);
    }

    /* Truncating a directory by path. */
    struct fuse_entry_out d;
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "dir", 0755, &d), 0);
    in = (struct fuse_setattr_in){.valid = FATTR_SIZE, .size = 0};
    CHECK_ERR(ft_setattr(&t, d.nodeid, &in, &a), -EISDIR);
    ft_teardown(&t);
}

/* The host file's permission bits. */
static mode_t host_mode(const struct ft *t, const char *rel)
{
    char path[PATH_MAX];
    struct stat st;
    ft_path(t, rel, path, sizeof(path));
    return stat(path, &st) == 0 ? st.st_mode & 07777 : (mode_t)-1;
}

static void host_chmod(const struct ft *t, const char *rel, mode_t mode)
{
    char path[PATH_MAX];
    ft_path(t, rel, path, sizeof(path));
    CHECK(chmod(path, mode) == 0);
}

/*
 * HANDLE_KILLPRIV_V2: when the guest's writer lacks CAP_FSETID it flags
 * WRITE, truncating SETATTR and O_TRUNC opens, and we drop setuid, and
 * setgid only when the group may execute (as the Linux VFS does).
 */
static void test_killpriv(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_attr a;
    uint64_t fh;

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "0123456789");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &fh), 0);

    /* An unflagged write (a privileged writer) keeps the bits. */
    host_chmod(&t, "f", 06755);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "ab", 2, NULL), 0);
    CHECK(host_mode(&t, "f") == 06755);

    struct fuse_write_in w = {.fh = fh,
                              .offset = 0,
                              .size = 2,
                              .write_flags = FUSE_WRITE_KILL_SUIDGID};
    struct fuse_write_out wout;
    ft_put(&t, &w, sizeof(w));
    ft_put(&t, "cd", 2);
    CHECK_ERR(ft_call(&t, FUSE_WRITE, e.nodeid, 16 + sizeof(wout)), 0);
    CHECK(host_mode(&t, "f") == 0755);

    /* setgid without group execute is a lock marker: it stays. */
    host_chmod(&t, "f", 06745);
    ft_put(&t, &w, sizeof(w));
    ft_put(&t, "cd", 2);
    CHECK_ERR(ft_call(&t, FUSE_WRITE, e.nodeid, 16 + sizeof(wout)), 0);
    CHECK(host_mode(&t, "f") == 02745);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);

    host_chmod(&t, "f", 04755);
    struct fuse_setattr_in in = {.valid = FATTR_SIZE | FATTR_KILL_SUIDGID,
                                 .size = 1};
    CHECK_ERR(ft_setattr(&t, e.nodeid, &in, &a), 0);
    CHECK(host_mode(&t, "f") == 0755 && (a.mode & 07777) == 0755);

    host_chmod(&t, "f", 04755);
    struct fuse_open_in o = {.flags = O_WRONLY | O_TRUNC,
                             .open_flags = FUSE_OPEN_KILL_SUIDGID};
    struct fuse_open_out oout;
    ft_put(&t, &o, sizeof(o));
    CHECK_ERR(ft_call(&t, FUSE_OPEN, e.nodeid, 16 + sizeof(oout)), 0);
    CHECK(host_mode(&t, "f") == 0755);
    memcpy(&oout, t.reply, sizeof(oout));
    CHECK_ERR(ft_release(&t, e.nodeid, oout.fh), 0);
    ft_teardown(&t);
}

static void test_create_io(void)
{
    struct ft t;
    struct fuse_entry_out e, e2;
    struct stat st;
    char path[PATH_MAX], buf[64];
    uint64_t fh, fh2;
    uint32_t written;

    ft_setup(&t, NULL);
    /* The host umask must not change modes the guest chose. */
    mode_t old = umask(077);
    ft_restart(&t, NULL);
    umask(old);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "new", O_RDWR, 0664, &e, &fh), 0);
    ft_path(&t, "new", path, sizeof(path));
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0664);
    CHECK(S_ISREG(e.attr.mode) && e.attr.size == 0);
    CHECK((e.attr.mode & 07777) == 0664 &&
          e.attr.ctime == (uint64_t)st.st_ctime &&
          e.attr.ctimensec == st.st_ctim.tv_nsec);
    CHECK(st.st_uid == (geteuid() == 0 ? t.uid : geteuid()));
    /* setuid and setgid as asked, whether or not ids needed a chown. */
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "suid", O_RDWR, 06755, &e2, &fh2), 0);
    CHECK(host_mode(&t, "suid") == 06755 && (e2.attr.mode & 07777) == 06755);
    CHECK_ERR(ft_release(&t, e2.nodeid, fh2), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "abcdef", 6, &written), 0);
    CHECK(written == 6);
    CHECK(ft_host_read(&t, "new", buf, sizeof(buf)) == 6 &&
          strcmp(buf, "abcdef") == 0);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 2, 100), 0);
    CHECK(t.reply_len == 4 && memcmp(t.reply, "cdef", 4) == 0);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 100, 100), 0);
    CHECK(t.reply_len == 0);

    struct fuse_flush_in fl = {.fh = fh};
    ft_put(&t, &fl, sizeof(fl));
    CHECK_ERR(ft_call(&t, FUSE_FLUSH, e.nodeid, 16), 0);
    struct fuse_fsync_in fs = {.fh = fh, .fsync_flags = FUSE_FSYNC_FDATASYNC};
    ft_put(&t, &fs, sizeof(fs));
    CHECK_ERR(ft_call(&t, FUSE_FSYNC, e.nodeid, 16), 0);
    fs.fsync_flags = 0;
    ft_put(&t, &fs, sizeof(fs));
    CHECK_ERR(ft_call(&t, FUSE_FSYNC, e.nodeid, 16), 0);
    struct fuse_syncfs_in sy = {0};
    ft_put(&t, &sy, sizeof(sy));
    CHECK_ERR(ft_call(&t, FUSE_SYNCFS, FUSE_ROOT_ID, 16), 0);
    uint64_t dh;
    CHECK_ERR(ft_opendir(&t, FUSE_ROOT_ID, &dh), 0);
    struct fuse_fsync_in fsd = {.fh = dh};
    ft_put(&t, &fsd, sizeof(fsd));
    CHECK_ERR(ft_call(&t, FUSE_FSYNCDIR, FUSE_ROOT_ID, 16), 0);
    fsd.fh = fh; /* a file handle is not a directory's */
    ft_put(&t, &fsd, sizeof(fsd));
    CHECK_ERR(ft_call(&t, FUSE_FSYNCDIR, FUSE_ROOT_ID, 16), -EBADF);
    CHECK_ERR(ft_releasedir(&t, FUSE_ROOT_ID, dh), 0);
    CHECK_ERR(ft_releasedir(&t, FUSE_ROOT_ID, dh), -EBADF);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    /* A released handle is dead. */
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 0, 10), -EBADF);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), -EBADF);

    /* The guest's umask applies to CREATE (0666 & ~022). */
    struct fuse_create_in cr = {
        .flags = O_WRONLY, .mode = S_IFREG | 0666, .umask = 022};
    ft_put(&t, &cr, sizeof(cr));
    ft_put_str(&t, "masked");
    CHECK_ERR(ft_call(&t, FUSE_CREATE, FUSE_ROOT_ID,
                      16 + sizeof(e) + sizeof(struct fuse_open_out)),
              0);
    struct fuse_open_out oo;
    memcpy(&oo, t.reply + sizeof(e), sizeof(oo));
    ft_path(&t, "masked", path, sizeof(path));
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0644);
    CHECK_ERR(ft_release(&t, FUSE_ROOT_ID, oo.fh), 0);
    ft_path(&t, "new", path, sizeof(path));

    /* O_EXCL on an existing name; without it, CREATE opens it. */
    CHECK_ERR(
        ft_create(&t, FUSE_ROOT_ID, "new", O_RDWR | O_EXCL, 0644, &e2, &fh2),
        -EEXIST);
    CHECK_ERR(
        ft_create(&t, FUSE_ROOT_ID, "new", O_RDWR | O_TRUNC, 0644, &e2, &fh2),
        0);
    CHECK(e2.nodeid == e.nodeid);
    CHECK(stat(path, &st) == 0 && st.st_size == 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh2), 0);

    /* OPEN with O_TRUNC (ATOMIC_O_TRUNC) and O_APPEND. */
    ft_host_write(&t, "new", "12345");
    CHECK_ERR(ft_open(&t, e.nodeid, O_WRONLY | O_APPEND, &fh), 0);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "67", 2, &written), 0);
    CHECK(ft_host_read(&t, "new", buf, sizeof(buf)) == 7 &&
          strcmp(buf, "1234567") == 0);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 0, 10), -EBADF); /* write-only */
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    CHECK_ERR(ft_open(&t, e.nodeid, O_WRONLY | O_TRUNC, &fh), 0);
    CHECK(stat(path, &st) == 0 && st.st_size == 0);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);

    /* Directories are not OPENed; files are not OPENDIRed. */
    struct fuse_entry_out d;
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "sub", 0750, &d), 0);
    CHECK_ERR(ft_open(&t, d.nodeid, O_RDONLY, &fh), -EISDIR);
    CHECK_ERR(ft_opendir(&t, e.nodeid, &fh), -ENOTDIR);
    CHECK_ERR(ft_create(&t, d.nodeid, "..", O_RDWR, 0644, &e2, &fh), -EINVAL);
    CHECK_ERR(ft_create(&t, e.nodeid, "x", O_RDWR, 0644, &e2, &fh), -ENOTDIR);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "sub", O_RDWR, 0644, &e2, &fh),
              -EISDIR);
    CHECK(ft_stats(&t).handles == 0);
    ft_teardown(&t);
}

static void test_namespace(void)
{
    struct ft t;
    struct fuse_entry_out d, e, e2;
    struct stat st;
    char path[PATH_MAX], buf[256];

    ft_setup(&t, NULL);
    struct fuse_server_stats start = ft_stats(&t);
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "d", 0751, &d), 0);
    ft_path(&t, "d", path, sizeof(path));
    CHECK(stat(path, &st) == 0 && S_ISDIR(st.st_mode) &&
          (st.st_mode & 07777) == 0751);
    CHECK(S_ISDIR(d.attr.mode));
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "d", 0755, &e), -EEXIST);

    /* The guest's umask applies (mode 0777, umask 027 -> 0750). */
    struct fuse_mkdir_in mk = {.mode = 0777, .umask = 027};
    ft_put(&t, &mk, sizeof(mk));
    ft_put_str(&t, "masked");
    CHECK_ERR(ft_call(&t, FUSE_MKDIR, FUSE_ROOT_ID, 16 + sizeof(e)), 0);
    ft_path(&t, "masked", path, sizeof(path));
    CHECK(stat(path, &st) == 0 && (st.st_mode & 07777) == 0750);

    /* A setgid directory passes on its group (and setgid to subdirs). */
    ft_path(&t, "sg", path, sizeof(path));
    mkdir(path, 0775);
    if (geteuid() == 0 && chown(path, 0, 4321) == 0 &&
        chmod(path, 02775) == 0) {
        struct fuse_entry_out sg, sub;
        t.uid = t.gid = 1000;
        CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "sg", &sg), 0);
        CHECK_ERR(ft_mkdir(&t, sg.nodeid, "sub", 0755, &sub), 0);
        uint64_t fh;
        CHECK_ERR(ft_create(&t, sg.nodeid, "f", O_WRONLY, 0640, &e, &fh), 0);
        CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
        ft_path(&t, "sg/sub", path, sizeof(path));
        CHECK(stat(path, &st) == 0 && st.st_uid == 1000 && st.st_gid == 4321 &&
              (st.st_mode & 07777) == 02755);
        CHECK(sub.attr.gid == 4321 && (sub.attr.mode & 07777) == 02755);
        ft_path(&t, "sg/f", path, sizeof(path));
        CHECK(stat(path, &st) == 0 && st.st_uid == 1000 && st.st_gid == 4321 &&
              (st.st_mode & 07777) == 0640);
        CHECK(e.attr.uid == 1000 && e.attr.gid == 4321);
        t.uid = getuid();
        t.gid = getgid();
    } else {
        check_skip("setgid directory inheritance (needs root)");
    }

    /* MKNOD: fifos, sockets, files, and devices when the host allows. */
    struct fuse_mknod_in mn = {.mode = S_IFIFO | 0640};
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "fifo");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), 0);
    memcpy(&e, t.reply, sizeof(e));
    CHECK(S_ISFIFO(e.attr.mode));
    ft_path(&t, "d/fifo", path, sizeof(path));
    CHECK(stat(path, &st) == 0 && S_ISFIFO(st.st_mode) &&
          (st.st_mode & 07777) == 0640);
    mn.mode = S_IFSOCK | 0600;
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "sock");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), 0);
    mn.mode = S_IFREG | 0600;
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "plain");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), 0);
    mn.mode = S_IFDIR | 0755; /* MKDIR's job */
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "notdir");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), -EINVAL);
    /* Device 8:0x12345 as the guest encodes it (new_encode_dev). */
    const uint32_t guest_dev = 0x45 | 8 << 8 | 0x12300 << 12;
    int want = geteuid() == 0 ? 0 : -EPERM; /* the host decides */
    mn = (struct fuse_mknod_in){.mode = S_IFCHR | 0666, .rdev = guest_dev};
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "chr");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), want);
    memcpy(&e, t.reply, sizeof(e));
    ft_path(&t, "d/chr", path, sizeof(path));
    if (want == 0) {
        CHECK(S_ISCHR(e.attr.mode) && e.attr.rdev == guest_dev &&
              (e.attr.mode & 07777) == 0666);
        CHECK(lstat(path, &st) == 0 && S_ISCHR(st.st_mode) &&
              st.st_rdev == makedev(8, 0x12345));
        /* semu never opens it: the guest's own driver serves it. */
        uint64_t dev_fh;
        CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &dev_fh), -ENXIO);
    } else {
        CHECK(lstat(path, &st) < 0 && errno == ENOENT);
    }
    mn.mode = S_IFBLK | 0640;
    mn.rdev = 7 << 8 | 3;
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "blk");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, d.nodeid, 16 + sizeof(e)), want);
    ft_path(&t, "d/blk", path, sizeof(path));
    if (want == 0)
        CHECK(lstat(path, &st) == 0 && S_ISBLK(st.st_mode) &&
              st.st_rdev == makedev(7, 3) && (st.st_mode & 07777) == 0640);
    else
        CHECK(lstat(path, &st) < 0 && errno == ENOENT);

    /* SYMLINK / READLINK. */
    ft_put_str(&t, "ln");
    ft_put_str(&t, "../some/where");
    CHECK_ERR(ft_call(&t, FUSE_SYMLINK, d.nodeid, 16 + sizeof(e)), 0);
    memcpy(&e, t.reply, sizeof(e));
    CHECK(S_ISLNK(e.attr.mode));
    ft_path(&t, "d/ln", path, sizeof(path));
    CHECK(readlink(path, buf, sizeof(buf)) == 13);
    CHECK_ERR(ft_call(&t, FUSE_READLINK, e.nodeid, 16 + 4096), 0);
    CHECK(t.reply_len == 13 && memcmp(t.reply, "../some/where", 13) == 0);
    CHECK_ERR(ft_call(&t, FUSE_READLINK, d.nodeid, 16 + 4096), -EINVAL);

    /* LINK. */
    CHECK_ERR(ft_create(&t, d.nodeid, "file", O_RDWR, 0644, &e, NULL), 0);
    /* (the handle from CREATE is released with DESTROY below) */
    struct fuse_link_in li = {.oldnodeid = e.nodeid};
    ft_put(&t, &li, sizeof(li));
    ft_put_str(&t, "hard");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 16 + sizeof(e2)), 0);
    memcpy(&e2, t.reply, sizeof(e2));
    CHECK(e2.nodeid == e.nodeid && e2.attr.nlink == 2);
    li.oldnodeid = d.nodeid;
    ft_put(&t, &li, sizeof(li));
    ft_put_str(&t, "dirlink");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 16 + sizeof(e2)), -EPERM);
    li.oldnodeid = e.nodeid;
    ft_put(&t, &li, sizeof(li));
    ft_put_str(&t, "hard");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 16 + sizeof(e2)), -EEXIST);

    /* RENAME, RENAME2 NOREPLACE and EXCHANGE. */
    struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "file");
    ft_put_str(&t, "moved");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, d.nodeid, 16), 0);
    ft_path(&t, "moved", path, sizeof(path));
    CHECK(stat(path, &st) == 0);
    ft_host_write(&t, "a", "A");
    ft_host_write(&t, "b", "B");
    struct fuse_rename2_in r2 = {.newdir = FUSE_ROOT_ID,
                                 .flags = RENAME_NOREPLACE};
    ft_put(&t, &r2, sizeof(r2));
    ft_put_str(&t, "a");
    ft_put_str(&t, "b");
    CHECK_ERR(ft_call(&t, FUSE_RENAME2, FUSE_ROOT_ID, 16), -EEXIST);
    r2.flags = RENAME_EXCHANGE;
    ft_put(&t, &r2, sizeof(r2));
    ft_put_str(&t, "a");
    ft_put_str(&t, "b");
    CHECK_ERR(ft_call(&t, FUSE_RENAME2, FUSE_ROOT_ID, 16), 0);
    CHECK(ft_host_read(&t, "a", buf, sizeof(buf)) == 1 && buf[0] == 'B');
    r2.flags = RENAME_WHITEOUT;
    ft_put(&t, &r2, sizeof(r2));
    ft_put_str(&t, "a");
    ft_put_str(&t, "c");
    CHECK_ERR(ft_call(&t, FUSE_RENAME2, FUSE_ROOT_ID, 16), -EINVAL);
    rn.newdir = e.nodeid; /* not a directory */
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "a");
    ft_put_str(&t, "c");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 16), -ENOTDIR);

    /* UNLINK / RMDIR and their errors. */
    CHECK_ERR(ft_rmdir(&t, FUSE_ROOT_ID, "d"), -ENOTEMPTY);
    CHECK_ERR(ft_unlink(&t, FUSE_ROOT_ID, "d"), -EISDIR);
    CHECK_ERR(ft_rmdir(&t, FUSE_ROOT_ID, "a"), -ENOTDIR);
    CHECK_ERR(ft_unlink(&t, FUSE_ROOT_ID, "nothing"), -ENOENT);
    CHECK_ERR(ft_unlink(&t, FUSE_ROOT_ID, "a"), 0);
    ft_path(&t, "a", path, sizeof(path));
    CHECK(lstat(path, &st) < 0 && errno == ENOENT);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "fifo"), 0);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "sock"), 0);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "plain"), 0);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "ln"), 0);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "chr"), want == 0 ? 0 : -ENOENT);
    CHECK_ERR(ft_unlink(&t, d.nodeid, "blk"), want == 0 ? 0 : -ENOENT);
    CHECK_ERR(ft_rmdir(&t, FUSE_ROOT_ID, "d"), 0);
    ft_path(&t, "d", path, sizeof(path));
    CHECK(lstat(path, &st) < 0 && errno == ENOENT);
    /* The removed directory's node stays valid but empty-handed. */
    CHECK_ERR(ft_lookup(&t, d.nodeid, "x", &e2), -ENOENT);
    CHECK_ERR(ft_mkdir(&t, d.nodeid, "x", 0755, &e2), -ENOENT);

    /* DESTROY drops every handle and node. */
    CHECK(ft_stats(&t).handles == 1);
    CHECK_ERR(ft_call(&t, FUSE_DESTROY, 0, 16), 0);
    struct fuse_server_stats s = ft_stats(&t);
    CHECK(s.handles == 0 && s.nodes == 1 && s.fds == start.fds);
    CHECK_ERR(ft_getattr(&t, e.nodeid, NULL), -EIO);
    ft_init(&t);
    CHECK_ERR(ft_getattr(&t, e.nodeid, NULL), -ESTALE);
    ft_teardown(&t);
}

static int xattr_get(struct ft *t, uint64_t node, const char *name,
                     uint32_t size)
{
    struct fuse_getxattr_in in = {.size = size};
    ft_put(t, &in, sizeof(in));
    ft_put_str(t, name);
    return ft_call(t, FUSE_GETXATTR, node, 16 + (size ? size : 8));
}

static void test_xattr(void)
{
    struct ft t;
    struct fuse_entry_out e;
    char path[PATH_MAX], buf[64];

    ft_setup(&t, NULL);
    ft_host_write(&t, "x", "");
    ft_path(&t, "x", path, sizeof(path));
    if (setxattr(path, "user.probe", "1", 1, 0) < 0 && errno == ENOTSUP) {
        check_skip("xattrs: the temp dir's file system has no user.* xattrs");
        ft_teardown(&t);
        return;
    }
    removexattr(path, "user.probe");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "x", &e), 0);

    struct fuse_setxattr_in in = {.size = 5, .flags = 0};
    ft_put(&t, &in, FUSE_COMPAT_SETXATTR_IN_SIZE);
    ft_put_str(&t, "user.color");
    ft_put(&t, "green", 5);
    CHECK_ERR(ft_call(&t, FUSE_SETXATTR, e.nodeid, 16), 0);
    CHECK(getxattr(path, "user.color", buf, sizeof(buf)) == 5 &&
          memcmp(buf, "green", 5) == 0);
    /* XATTR_CREATE on an existing name. */
    in.flags = XATTR_CREATE;
    ft_put(&t, &in, FUSE_COMPAT_SETXATTR_IN_SIZE);
    ft_put_str(&t, "user.color");
    ft_put(&t, "blue!", 5);
    CHECK_ERR(ft_call(&t, FUSE_SETXATTR, e.nodeid, 16), -EEXIST);
    /* A value longer than the request holds. */
    in = (struct fuse_setxattr_in){.size = 500};
    ft_put(&t, &in, FUSE_COMPAT_SETXATTR_IN_SIZE);
    ft_put_str(&t, "user.color");
    ft_put(&t, "short", 5);
    CHECK_ERR(ft_call(&t, FUSE_SETXATTR, e.nodeid, 16), -EINVAL);

    /* Size query, exact fit, too small. */
    CHECK_ERR(xattr_get(&t, e.nodeid, "user.color", 0), 0);
    struct fuse_getxattr_out go;
    memcpy(&go, t.reply, sizeof(go));
    CHECK(t.reply_len == sizeof(go) && go.size == 5);
    CHECK_ERR(xattr_get(&t, e.nodeid, "user.color", 5), 0);
    CHECK(t.reply_len == 5 && memcmp(t.reply, "green", 5) == 0);
    CHECK_ERR(xattr_get(&t, e.nodeid, "user.color", 4), -ERANGE);
    CHECK_ERR(xattr_get(&t, e.nodeid, "user.none", 10), -ENODATA);

    struct fuse_getxattr_in li = {.size = 0};
    ft_put(&t, &li, sizeof(li));
    CHECK_ERR(ft_call(&t, FUSE_LISTXATTR, e.nodeid, 16 + 8), 0);
    memcpy(&go, t.reply, sizeof(go));
    CHECK(go.size >= sizeof("user.color"));
    li.size = go.size;
    ft_put(&t, &li, sizeof(li));
    CHECK_ERR(ft_call(&t, FUSE_LISTXATTR, e.nodeid, 16 + li.size), 0);
    CHECK(memmem(t.reply, t.reply_len, "user.color", 11) != NULL);
    li.size = 3;
    ft_put(&t, &li, sizeof(li));
    CHECK_ERR(ft_call(&t, FUSE_LISTXATTR, e.nodeid, 16 + li.size), -ERANGE);

    ft_put_str(&t, "user.color");
    CHECK_ERR(ft_call(&t, FUSE_REMOVEXATTR, e.nodeid, 16), 0);
    CHECK(getxattr(path, "user.color", buf, sizeof(buf)) < 0 &&
          errno == ENODATA);
    ft_put_str(&t, "user.color");
    CHECK_ERR(ft_call(&t, FUSE_REMOVEXATTR, e.nodeid, 16), -ENODATA);
    ft_teardown(&t);
}

static void test_file_ranges(void)
{
    struct ft t;
    struct fuse_entry_out a, b;
    uint64_t fa, fb;
    char buf[64];

    ft_setup(&t, NULL);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "a", O_RDWR, 0644, &a, &fa), 0);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "b", O_RDWR, 0644, &b, &fb), 0);
    CHECK_ERR(ft_write(&t, a.nodeid, fa, 0, "copy me please", 14, NULL), 0);

    struct fuse_copy_file_range_in cp = {.fh_in = fa,
                                         .off_in = 5,
                                         .nodeid_out = b.nodeid,
                                         .fh_out = fb,
                                         .off_out = 2,
                                         .len = 9};
    ft_put(&t, &cp, sizeof(cp));
    CHECK_ERR(ft_call(&t, FUSE_COPY_FILE_RANGE, a.nodeid,
                      16 + sizeof(struct fuse_write_out)),
              0);
    struct fuse_write_out wo;
    memcpy(&wo, t.reply, sizeof(wo));
    CHECK(wo.size == 9);
    CHECK(ft_host_read(&t, "b", buf, sizeof(buf)) == 11 &&
          memcmp(buf + 2, "me please", 9) == 0);
    cp.fh_out = 12345;
    ft_put(&t, &cp, sizeof(cp));
    CHECK_ERR(ft_call(&t, FUSE_COPY_FILE_RANGE, a.nodeid, 64), -EBADF);

    struct fuse_fallocate_in fa_in = {.fh = fb, .offset = 0, .length = 8192};
    ft_put(&t, &fa_in, sizeof(fa_in));
    CHECK_ERR(ft_call(&t, FUSE_FALLOCATE, b.nodeid, 16), 0);
    struct fuse_attr at;
    CHECK_ERR(ft_getattr(&t, b.nodeid, &at), 0);
    CHECK(at.size == 8192);
    fa_in.mode = 0x40000000; /* nonsense mode bits */
    ft_put(&t, &fa_in, sizeof(fa_in));
    CHECK(ft_call(&t, FUSE_FALLOCATE, b.nodeid, 16) < 0);
    ft_release(&t, a.nodeid, fa);
    ft_release(&t, b.nodeid, fb);
    ft_teardown(&t);
}

static void test_read_only(void)
{
    struct ft t;
    struct fuse_entry_out e, d;
    uint64_t fh;
    struct fs_share_options ro = {.read_only = true};

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "data");
    mkdir(t.share, 0755);
    char path[PATH_MAX];
    ft_path(&t, "d", path, sizeof(path));
    mkdir(path, 0755);
    ft_restart(&t, &ro);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "d", &d), 0);
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDONLY, &fh), 0);
    CHECK_ERR(ft_read(&t, e.nodeid, fh, 0, 10), 0);
    CHECK(t.reply_len == 4);
    CHECK_ERR(ft_write(&t, e.nodeid, fh, 0, "x", 1, NULL), -EROFS);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    CHECK_ERR(ft_open(&t, e.nodeid, O_WRONLY, &fh), -EROFS);
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDWR, &fh), -EROFS);
    CHECK_ERR(ft_open(&t, e.nodeid, O_RDONLY | O_TRUNC, &fh), -EROFS);
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "n", O_RDWR, 0644, NULL, NULL),
              -EROFS);
    CHECK_ERR(ft_mkdir(&t, FUSE_ROOT_ID, "n", 0755, NULL), -EROFS);
    CHECK_ERR(ft_unlink(&t, FUSE_ROOT_ID, "f"), -EROFS);
    CHECK_ERR(ft_rmdir(&t, FUSE_ROOT_ID, "d"), -EROFS);
    struct fuse_setattr_in sa = {.valid = FATTR_MODE, .mode = 0777};
    ft_put(&t, &sa, sizeof(sa));
    CHECK_ERR(ft_call(&t, FUSE_SETATTR, e.nodeid, 256), -EROFS);
    struct fuse_mknod_in mn = {.mode = S_IFIFO | 0644};
    ft_put(&t, &mn, sizeof(mn));
    ft_put_str(&t, "p");
    CHECK_ERR(ft_call(&t, FUSE_MKNOD, FUSE_ROOT_ID, 256), -EROFS);
    ft_put_str(&t, "s");
    ft_put_str(&t, "target");
    CHECK_ERR(ft_call(&t, FUSE_SYMLINK, FUSE_ROOT_ID, 256), -EROFS);
    struct fuse_link_in li = {.oldnodeid = e.nodeid};
    ft_put(&t, &li, sizeof(li));
    ft_put_str(&t, "l");
    CHECK_ERR(ft_call(&t, FUSE_LINK, FUSE_ROOT_ID, 256), -EROFS);
    struct fuse_rename_in rn = {.newdir = FUSE_ROOT_ID};
    ft_put(&t, &rn, sizeof(rn));
    ft_put_str(&t, "f");
    ft_put_str(&t, "g");
    CHECK_ERR(ft_call(&t, FUSE_RENAME, FUSE_ROOT_ID, 256), -EROFS);
    struct fuse_setxattr_in sx = {.size = 1};
    ft_put(&t, &sx, FUSE_COMPAT_SETXATTR_IN_SIZE);
    ft_put_str(&t, "user.a");
    ft_put(&t, "1", 1);
    CHECK_ERR(ft_call(&t, FUSE_SETXATTR, e.nodeid, 256), -EROFS);
    ft_put_str(&t, "user.a");
    CHECK_ERR(ft_call(&t, FUSE_REMOVEXATTR, e.nodeid, 256), -EROFS);
    struct fuse_access_in ac = {.mask = W_OK};
    ft_put(&t, &ac, sizeof(ac));
    CHECK_ERR(ft_call(&t, FUSE_ACCESS, e.nodeid, 256), -EROFS);
    char buf[16];
    CHECK(ft_host_read(&t, "f", buf, sizeof(buf)) == 4);
    ft_teardown(&t);
}

static void test_cache_modes(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_open_out o;
    struct fs_share_options never = {.cache = FS_CACHE_NEVER};
    struct fs_share_options always = {.cache = FS_CACHE_ALWAYS};
    struct fuse_open_in in = {.flags = O_RDONLY};

    ft_setup(&t, &never);
    ft_host_write(&t, "f", "x");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK(e.entry_valid == 0 && e.attr_valid == 0);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "absent", &e), -ENOENT);
    ft_put(&t, &in, sizeof(in));
    CHECK_ERR(ft_call(&t, FUSE_OPEN, e.nodeid, 16 + sizeof(o)), 0);
    memcpy(&o, t.reply, sizeof(o));
    CHECK(o.open_flags & FOPEN_DIRECT_IO);
    ft_restart(&t, &always);
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    CHECK(e.entry_valid >= 3600 && e.attr_valid >= 3600);
    /* A missing name is cached too: node id 0 with a timeout. */
    struct fuse_entry_out neg;
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "absent", &neg), 0);
    CHECK(neg.nodeid == 0 && neg.entry_valid >= 3600);
    ft_put(&t, &in, sizeof(in));
    CHECK_ERR(ft_call(&t, FUSE_OPEN, e.nodeid, 16 + sizeof(o)), 0);
    memcpy(&o, t.reply, sizeof(o));
    CHECK((o.open_flags & FOPEN_KEEP_CACHE) &&
          !(o.open_flags & FOPEN_DIRECT_IO));
    ft_teardown(&t);
}

/* Closing any file needs no FLUSH: writes reached the host already. */
static void test_noflush(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_open_out o;
    const uint32_t modes[] = {O_RDONLY, O_WRONLY, O_RDWR, O_RDONLY | O_TRUNC};

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "x");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    for (unsigned i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
        struct fuse_open_in in = {.flags = modes[i]};
        ft_put(&t, &in, sizeof(in));
        CHECK_ERR(ft_call(&t, FUSE_OPEN, e.nodeid, 16 + sizeof(o)), 0);
        memcpy(&o, t.reply, sizeof(o));
        CHECK(o.open_flags & FOPEN_NOFLUSH);
        CHECK_ERR(ft_release(&t, e.nodeid, o.fh), 0);
    }
    uint64_t fh;
    CHECK_ERR(ft_create(&t, FUSE_ROOT_ID, "new", O_WRONLY, 0644, &e, &fh), 0);
    memcpy(&o, t.reply + sizeof(e), sizeof(o));
    CHECK(o.open_flags & FOPEN_NOFLUSH);
    CHECK_ERR(ft_release(&t, e.nodeid, fh), 0);
    ft_teardown(&t);
}

/* SEMU_STATS: requests counted per opcode, busiest first. */
static void test_request_counts(void)
{
    struct ft t;
    struct fuse_entry_out e;
    struct fuse_attr a;

    ft_setup(&t, NULL);
    ft_host_write(&t, "f", "x");
    CHECK_ERR(ft_lookup(&t, FUSE_ROOT_ID, "f", &e), 0);
    for (int i = 0; i < 3; i++)
        CHECK_ERR(ft_getattr(&t, e.nodeid, &a), 0);
    CHECK_ERR(ft_call(&t, 4000, FUSE_ROOT_ID, 16), -ENOSYS); /* not counted */
    struct fuse_server_stats s = ft_stats(&t);
    /* INIT came from ft_setup; ties are listed in opcode order. */
    const char *want = "5 requests: GETATTR 3, LOOKUP 1, INIT 1";
    if (!CHECK(strcmp(s.requests, want) == 0))
        printf("  got '%s'\n  want '%s'\n", s.requests, want);
    ft_teardown(&t);
}

static void test_new_errors(void)
{
    char err[256] = "";
    struct fs_share_options o = {.dir = "/nonexistent/share", .tag = "myfs"};
    CHECK(fuse_server_new(&o, err, sizeof(err)) == NULL);
    CHECK(strstr(err, "/nonexistent/share") != NULL);
    err[0] = '\0';
    o.dir = "/proc/version"; /* not a directory */
    CHECK(fuse_server_new(&o, err, sizeof(err)) == NULL && err[0]);
    err[0] = '\0';
    o.dir = NULL;
    CHECK(fuse_server_new(&o, err, sizeof(err)) == NULL && err[0]);
}

int main(void)
{
    test_new_errors();
    test_init();
    test_lookup_getattr();
    test_setattr();
    test_killpriv();
    test_create_io();
    test_namespace();
    test_xattr();
    test_file_ranges();
    test_read_only();
    test_cache_modes();
    test_noflush();
    test_request_counts();
    return check_summary();
}
