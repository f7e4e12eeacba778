/*
 * fsops: file operations BusyBox has no applet for, for the guest file-system
 * suite (tests/guest/fs-suite.sh). Built on the host as a static riscv64
 * binary and copied into the share.
 *
 *   fsops CMD ARGS...
 *
 * Each command prints its result on stdout in a fixed form the script
 * compares. A failing system call prints "CALL: ENAME" (e.g. "open: EEXIST")
 * and the program exits with status 1; bad usage exits with status 2.
 *
 * Commands (each documented where it is defined): open, write, pwrite,
 * pread, ftruncate, sync, seek, fallocate, copy, rename2, unlink, rmdir,
 * fifo, socket, utimes, stat, setxattr, getxattr, listxattr, removexattr,
 * statfs, mmap, pattern, verify, live, listdel, count, as, hold, mapshare,
 * maptrunc.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#define BUF_SIZE 65536

static const char *errname(int err)
{
    static char unknown[16];
    const char *name = strerrorname_np(err);
    if (name)
        return name;
    snprintf(unknown, sizeof(unknown), "E%d", err);
    return unknown;
}

/* Report a failed call and leave; the caller's errno is intact. */
static int fail(const char *call)
{
    printf("%s: %s\n", call, errname(errno));
    return 1;
}

static int usage(const char *msg)
{
    fprintf(stderr, "fsops: usage: %s\n", msg);
    return 2;
}

static long long num(const char *s)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 0);
    if (errno || *end || end == s) {
        fprintf(stderr, "fsops: bad number '%s'\n", s);
        exit(2);
    }
    return v;
}

static int parse_flags(const char *spec, int *flags)
{
    static const struct {
        const char *name;
        int flag;
    } names[] = {
        {"rdonly", O_RDONLY},     {"wronly", O_WRONLY},
        {"rdwr", O_RDWR},         {"creat", O_CREAT},
        {"excl", O_EXCL},         {"trunc", O_TRUNC},
        {"append", O_APPEND},     {"directory", O_DIRECTORY},
        {"nofollow", O_NOFOLLOW},
    };
    char copy[256];
    snprintf(copy, sizeof(copy), "%s", spec);
    *flags = 0;
    for (char *tok = strtok(copy, ","); tok; tok = strtok(NULL, ",")) {
        size_t i;
        for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
            if (!strcmp(tok, names[i].name))
                break;
        if (i == sizeof(names) / sizeof(names[0])) {
            fprintf(stderr, "fsops: unknown flag '%s'\n", tok);
            return -1;
        }
        *flags |= names[i].flag;
    }
    return 0;
}

static const char *type_name(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG:
        return "regular";
    case S_IFDIR:
        return "directory";
    case S_IFLNK:
        return "symlink";
    case S_IFIFO:
        return "fifo";
    case S_IFSOCK:
        return "socket";
    case S_IFCHR:
        return "char";
    case S_IFBLK:
        return "block";
    }
    return "unknown";
}

/* Bytes as text: printable characters as they are, others as \xHH. */
static void print_bytes(const unsigned char *buf, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (buf[i] >= 0x20 && buf[i] < 0x7f && buf[i] != '\\')
            putchar(buf[i]);
        else
            printf("\\x%02x", buf[i]);
    }
    putchar('\n');
}

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* open PATH FLAGS [MODE]: prints the size the open file has. */
static int cmd_open(int argc, char **argv)
{
    int flags;
    if (argc < 2 || parse_flags(argv[1], &flags))
        return usage("open PATH FLAGS [MODE]");
    int fd = open(argv[0], flags, argc > 2 ? (mode_t)num(argv[2]) : 0644);
    if (fd < 0)
        return fail("open");
    struct stat st;
    if (fstat(fd, &st))
        return fail("fstat");
    printf("opened size=%lld\n", (long long)st.st_size);
    close(fd);
    return 0;
}

/*
 * write PATH FLAGS TEXT: opens with FLAGS, seeks to 0 (which O_APPEND must
 * ignore), writes TEXT and prints the file offset after the write.
 */
static int cmd_write(int argc, char **argv)
{
    int flags;
    if (argc != 3 || parse_flags(argv[1], &flags))
        return usage("write PATH FLAGS TEXT");
    int fd = open(argv[0], flags, 0644);
    if (fd < 0)
        return fail("open");
    if (lseek(fd, 0, SEEK_SET) < 0)
        return fail("lseek");
    if (write_all(fd, argv[2], strlen(argv[2])))
        return fail("write");
    printf("offset=%lld\n", (long long)lseek(fd, 0, SEEK_CUR));
    if (close(fd))
        return fail("close");
    return 0;
}

/* pwrite PATH OFFSET TEXT: creates PATH if needed, never truncates. */
static int cmd_pwrite(int argc, char **argv)
{
    if (argc != 3)
        return usage("pwrite PATH OFFSET TEXT");
    int fd = open(argv[0], O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        return fail("open");
    ssize_t n = pwrite(fd, argv[2], strlen(argv[2]), (off_t)num(argv[1]));
    if (n < 0)
        return fail("pwrite");
    printf("wrote %zd\n", n);
    if (close(fd))
        return fail("close");
    return 0;
}

/* pread PATH OFFSET LEN: prints what one pread returns (\xHH escaped). */
static int cmd_pread(int argc, char **argv)
{
    static unsigned char buf[BUF_SIZE];
    if (argc != 3)
        return usage("pread PATH OFFSET LEN");
    size_t len = (size_t)num(argv[2]);
    if (len > sizeof(buf))
        return usage("pread: LEN at most 65536");
    int fd = open(argv[0], O_RDONLY);
    if (fd < 0)
        return fail("open");
    ssize_t n = pread(fd, buf, len, (off_t)num(argv[1]));
    if (n < 0)
        return fail("pread");
    print_bytes(buf, (size_t)n);
    close(fd);
    return 0;
}

/* ftruncate PATH SIZE: through an open descriptor; prints the new size. */
static int cmd_ftruncate(int argc, char **argv)
{
    if (argc != 2)
        return usage("ftruncate PATH SIZE");
    int fd = open(argv[0], O_RDWR);
    if (fd < 0)
        return fail("open");
    if (ftruncate(fd, (off_t)num(argv[1])))
        return fail("ftruncate");
    struct stat st;
    if (fstat(fd, &st))
        return fail("fstat");
    printf("size=%lld\n", (long long)st.st_size);
    close(fd);
    return 0;
}

/* sync PATH TEXT: write TEXT, then fsync and fdatasync. */
static int cmd_sync(int argc, char **argv)
{
    if (argc != 2)
        return usage("sync PATH TEXT");
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail("open");
    if (write_all(fd, argv[1], strlen(argv[1])))
        return fail("write");
    if (fsync(fd))
        return fail("fsync");
    if (fdatasync(fd))
        return fail("fdatasync");
    if (close(fd))
        return fail("close");
    printf("synced %zu\n", strlen(argv[1]));
    return 0;
}

/* seek PATH data|hole OFFSET: prints where SEEK_DATA/SEEK_HOLE lands. */
static int cmd_seek(int argc, char **argv)
{
    if (argc != 3 || (strcmp(argv[1], "data") && strcmp(argv[1], "hole")))
        return usage("seek PATH data|hole OFFSET");
    int fd = open(argv[0], O_RDONLY);
    if (fd < 0)
        return fail("open");
    int whence = strcmp(argv[1], "data") ? SEEK_HOLE : SEEK_DATA;
    off_t off = lseek(fd, (off_t)num(argv[2]), whence);
    if (off < 0)
        return fail("lseek");
    printf("%lld\n", (long long)off);
    close(fd);
    return 0;
}

/* fallocate PATH alloc|keep|punch OFFSET LEN: prints size and blocks. */
static int cmd_fallocate(int argc, char **argv)
{
    if (argc != 4)
        return usage("fallocate PATH alloc|keep|punch OFFSET LEN");
    int mode;
    if (!strcmp(argv[1], "alloc"))
        mode = 0;
    else if (!strcmp(argv[1], "keep"))
        mode = FALLOC_FL_KEEP_SIZE;
    else if (!strcmp(argv[1], "punch"))
        mode = FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE;
    else
        return usage("fallocate PATH alloc|keep|punch OFFSET LEN");
    int fd = open(argv[0], O_RDWR | O_CREAT, 0644);
    if (fd < 0)
        return fail("open");
    if (fallocate(fd, mode, (off_t)num(argv[2]), (off_t)num(argv[3])))
        return fail("fallocate");
    struct stat st;
    if (fstat(fd, &st))
        return fail("fstat");
    printf("size=%lld blocks=%lld\n", (long long)st.st_size,
           (long long)st.st_blocks);
    close(fd);
    return 0;
}

/*
 * copy SRC DST [SRCOFF DSTOFF LEN]: copy_file_range, the whole file by
 * default (DST created or truncated) or LEN bytes between the offsets
 * (DST kept). Prints the number of bytes copied.
 */
static int cmd_copy(int argc, char **argv)
{
    if (argc != 2 && argc != 5)
        return usage("copy SRC DST [SRCOFF DSTOFF LEN]");
    int in = open(argv[0], O_RDONLY);
    if (in < 0)
        return fail("open");
    int out =
        open(argv[1], O_WRONLY | O_CREAT | (argc == 2 ? O_TRUNC : 0), 0644);
    if (out < 0)
        return fail("open");
    loff_t in_off = 0, out_off = 0;
    long long left;
    if (argc == 5) {
        in_off = num(argv[2]);
        out_off = num(argv[3]);
        left = num(argv[4]);
    } else {
        struct stat st;
        if (fstat(in, &st))
            return fail("fstat");
        left = st.st_size;
    }
    long long total = 0;
    while (left > 0) {
        ssize_t n =
            copy_file_range(in, &in_off, out, &out_off, (size_t)left, 0);
        if (n < 0)
            return fail("copy_file_range");
        if (n == 0)
            break;
        total += n;
        left -= n;
    }
    if (close(out))
        return fail("close");
    close(in);
    printf("copied %lld\n", total);
    return 0;
}

/* rename2 OLD NEW none|noreplace|exchange: renameat2 with those flags. */
static int cmd_rename2(int argc, char **argv)
{
    if (argc != 3)
        return usage("rename2 OLD NEW none|noreplace|exchange");
    unsigned int flags;
    if (!strcmp(argv[2], "none"))
        flags = 0;
    else if (!strcmp(argv[2], "noreplace"))
        flags = RENAME_NOREPLACE;
    else if (!strcmp(argv[2], "exchange"))
        flags = RENAME_EXCHANGE;
    else
        return usage("rename2 OLD NEW none|noreplace|exchange");
    if (renameat2(AT_FDCWD, argv[0], AT_FDCWD, argv[1], flags))
        return fail("renameat2");
    printf("renamed\n");
    return 0;
}

static int cmd_unlink(int argc, char **argv)
{
    if (argc != 1)
        return usage("unlink PATH");
    if (unlink(argv[0]))
        return fail("unlink");
    printf("unlinked\n");
    return 0;
}

static int cmd_rmdir(int argc, char **argv)
{
    if (argc != 1)
        return usage("rmdir PATH");
    if (rmdir(argv[0]))
        return fail("rmdir");
    printf("removed\n");
    return 0;
}

/*
 * fifo PATH: mknod a fifo, then pass a message through it from a child
 * process to this one. Prints what arrived.
 */
static int cmd_fifo(int argc, char **argv)
{
    static const char msg[] = "through the fifo";
    if (argc != 1)
        return usage("fifo PATH");
    if (mknod(argv[0], S_IFIFO | 0644, 0))
        return fail("mknod");
    pid_t pid = fork();
    if (pid < 0)
        return fail("fork");
    if (pid == 0) {
        int fd = open(argv[0], O_WRONLY);
        if (fd < 0 || write_all(fd, msg, sizeof(msg) - 1))
            _exit(1);
        _exit(0);
    }
    int fd = open(argv[0], O_RDONLY);
    if (fd < 0)
        return fail("open");
    char buf[64];
    size_t got = 0;
    ssize_t n;
    while (got < sizeof(buf) &&
           (n = read(fd, buf + got, sizeof(buf) - got)) > 0)
        got += (size_t)n;
    close(fd);
    int status;
    waitpid(pid, &status, 0);
    printf("fifo: ");
    print_bytes((unsigned char *)buf, got);
    return 0;
}

/*
 * socket PATH: bind a unix stream socket at PATH (a socket inode on the
 * share), connect to it by name, and pass a message. The inode stays.
 */
static int cmd_socket(int argc, char **argv)
{
    struct sockaddr_un addr = {.sun_family = AF_UNIX};
    if (argc != 1 || strlen(argv[0]) >= sizeof(addr.sun_path))
        return usage("socket PATH (shorter than 108 bytes)");
    strcpy(addr.sun_path, argv[0]);
    int srv = socket(AF_UNIX, SOCK_STREAM, 0);
    if (srv < 0)
        return fail("socket");
    if (bind(srv, (struct sockaddr *)&addr, sizeof(addr)))
        return fail("bind");
    if (listen(srv, 1))
        return fail("listen");
    int cli = socket(AF_UNIX, SOCK_STREAM, 0);
    if (cli < 0)
        return fail("socket");
    if (connect(cli, (struct sockaddr *)&addr, sizeof(addr)))
        return fail("connect");
    int conn = accept(srv, NULL, NULL);
    if (conn < 0)
        return fail("accept");
    if (write_all(cli, "ping", 4))
        return fail("write");
    char buf[16];
    ssize_t n = read(conn, buf, sizeof(buf));
    if (n < 0)
        return fail("read");
    printf("socket: ");
    print_bytes((unsigned char *)buf, (size_t)n);
    close(conn);
    close(cli);
    close(srv);
    return 0;
}

static int parse_time(const char *s, struct timespec *ts)
{
    if (!strcmp(s, "now")) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_NOW;
        return 0;
    }
    if (!strcmp(s, "omit")) {
        ts->tv_sec = 0;
        ts->tv_nsec = UTIME_OMIT;
        return 0;
    }
    /* SEC[.FRACTION]: the fraction is decimal, at most 9 digits. */
    char copy[64];
    snprintf(copy, sizeof(copy), "%s", s);
    char *dot = strchr(copy, '.');
    long nsec = 0;
    if (dot) {
        *dot++ = '\0';
        size_t digits = strlen(dot);
        if (digits == 0 || digits > 9 || strspn(dot, "0123456789") != digits)
            return -1;
        nsec = (long)num(dot);
        for (; digits < 9; digits++)
            nsec *= 10;
    }
    ts->tv_sec = (time_t)num(copy);
    ts->tv_nsec = nsec;
    return 0;
}

/* utimes PATH ATIME MTIME: SEC[.NSEC] | now | omit, then prints both. */
static int cmd_utimes(int argc, char **argv)
{
    if (argc != 3)
        return usage("utimes PATH SEC[.NSEC]|now|omit SEC[.NSEC]|now|omit");
    struct timespec ts[2];
    if (parse_time(argv[1], &ts[0]) || parse_time(argv[2], &ts[1]))
        return usage("utimes: times are SEC[.NSEC] (up to 9 digits)");
    if (utimensat(AT_FDCWD, argv[0], ts, 0))
        return fail("utimensat");
    struct stat st;
    if (stat(argv[0], &st))
        return fail("stat");
    printf("atime=%lld.%09ld mtime=%lld.%09ld\n", (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);
    return 0;
}

/* stat PATH: lstat fields, one line. */
static int cmd_stat(int argc, char **argv)
{
    if (argc != 1)
        return usage("stat PATH");
    struct stat st;
    if (lstat(argv[0], &st))
        return fail("lstat");
    printf("type=%s mode=%o nlink=%lu ino=%llu uid=%u gid=%u size=%lld "
           "blocks=%lld atime=%lld.%09ld mtime=%lld.%09ld\n",
           type_name(st.st_mode), (unsigned)(st.st_mode & 07777),
           (unsigned long)st.st_nlink, (unsigned long long)st.st_ino,
           (unsigned)st.st_uid, (unsigned)st.st_gid, (long long)st.st_size,
           (long long)st.st_blocks, (long long)st.st_atim.tv_sec,
           st.st_atim.tv_nsec, (long long)st.st_mtim.tv_sec,
           st.st_mtim.tv_nsec);
    return 0;
}

/* setxattr PATH NAME VALUE [any|create|replace] */
static int cmd_setxattr(int argc, char **argv)
{
    if (argc != 3 && argc != 4)
        return usage("setxattr PATH NAME VALUE [any|create|replace]");
    int flags = 0;
    if (argc == 4 && !strcmp(argv[3], "create"))
        flags = XATTR_CREATE;
    else if (argc == 4 && !strcmp(argv[3], "replace"))
        flags = XATTR_REPLACE;
    if (setxattr(argv[0], argv[1], argv[2], strlen(argv[2]), flags))
        return fail("setxattr");
    printf("set\n");
    return 0;
}

/*
 * getxattr PATH NAME [BUFSIZE]: prints the value; BUFSIZE 0 asks for the
 * size only ("size=N"), a small BUFSIZE must give ERANGE.
 */
static int cmd_getxattr(int argc, char **argv)
{
    static unsigned char buf[BUF_SIZE];
    if (argc != 2 && argc != 3)
        return usage("getxattr PATH NAME [BUFSIZE]");
    size_t size = argc == 3 ? (size_t)num(argv[2]) : sizeof(buf);
    if (size > sizeof(buf))
        return usage("getxattr: BUFSIZE at most 65536");
    ssize_t n = getxattr(argv[0], argv[1], size ? buf : NULL, size);
    if (n < 0)
        return fail("getxattr");
    if (size == 0)
        printf("size=%zd\n", n);
    else
        print_bytes(buf, (size_t)n);
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* listxattr PATH [BUFSIZE]: names sorted, one a line; 0 prints the size. */
static int cmd_listxattr(int argc, char **argv)
{
    static char buf[BUF_SIZE];
    if (argc != 1 && argc != 2)
        return usage("listxattr PATH [BUFSIZE]");
    size_t size = argc == 2 ? (size_t)num(argv[1]) : sizeof(buf);
    if (size > sizeof(buf))
        return usage("listxattr: BUFSIZE at most 65536");
    ssize_t n = listxattr(argv[0], size ? buf : NULL, size);
    if (n < 0)
        return fail("listxattr");
    if (size == 0) {
        printf("size=%zd\n", n);
        return 0;
    }
    char *names[1024];
    size_t count = 0;
    for (ssize_t i = 0; i < n && count < 1024; i += strlen(buf + i) + 1)
        names[count++] = buf + i;
    qsort(names, count, sizeof(names[0]), cmp_str);
    for (size_t i = 0; i < count; i++)
        printf("%s\n", names[i]);
    return 0;
}

static int cmd_removexattr(int argc, char **argv)
{
    if (argc != 2)
        return usage("removexattr PATH NAME");
    if (removexattr(argv[0], argv[1]))
        return fail("removexattr");
    printf("removed\n");
    return 0;
}

static int cmd_statfs(int argc, char **argv)
{
    if (argc != 1)
        return usage("statfs PATH");
    struct statfs sf;
    if (statfs(argv[0], &sf))
        return fail("statfs");
    printf("type=0x%lx bsize=%ld frsize=%ld blocks=%llu bfree=%llu "
           "bavail=%llu files=%llu ffree=%llu namelen=%ld\n",
           (unsigned long)sf.f_type, (long)sf.f_bsize, (long)sf.f_frsize,
           (unsigned long long)sf.f_blocks, (unsigned long long)sf.f_bfree,
           (unsigned long long)sf.f_bavail, (unsigned long long)sf.f_files,
           (unsigned long long)sf.f_ffree, (long)sf.f_namelen);
    return 0;
}

/* mmap PATH TEXT: size the file to TEXT, store it through a shared map. */
static int cmd_mmap(int argc, char **argv)
{
    if (argc != 2)
        return usage("mmap PATH TEXT");
    size_t len = strlen(argv[1]);
    int fd = open(argv[0], O_RDWR | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail("open");
    if (ftruncate(fd, (off_t)len))
        return fail("ftruncate");
    char *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return fail("mmap");
    memcpy(map, argv[1], len);
    if (msync(map, len, MS_SYNC))
        return fail("msync");
    munmap(map, len);
    close(fd);
    printf("mapped %zu\n", len);
    return 0;
}

/* Wait up to 60 s for PATH to exist; false on timeout. */
static bool wait_for(const char *path)
{
    for (int i = 0; i < 6000; i++) {
        if (access(path, F_OK) == 0)
            return true;
        usleep(10000);
    }
    return false;
}

static int touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        return -1;
    return close(fd);
}

/*
 * mapshare PATH READY: map PATH's first page shared, store "guest wrote"
 * at 0 through the map, create READY, then watch offset 100 of the same
 * map until the host's "host wrote" appears there (60 s at most). No
 * msync, no read or write call: only a coherent mapping passes.
 */
static int cmd_mapshare(int argc, char **argv)
{
    if (argc != 2)
        return usage("mapshare PATH READY");
    int fd = open(argv[0], O_RDWR);
    if (fd < 0)
        return fail("open");
    volatile char *map =
        mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return fail("mmap");
    memcpy((char *)map, "guest wrote", 11);
    if (touch(argv[1]))
        return fail("open ready");
    for (int i = 0; i < 60000; i++) {
        if (memcmp((const char *)map + 100, "host wrote", 10) == 0) {
            printf("host write seen\n");
            return 0;
        }
        usleep(1000);
    }
    printf("host write not seen\n");
    return 1;
}

/*
 * maptrunc PATH READY DONE: map PATH's first two pages shared, print the
 * bytes at 0 and 4096, create READY and wait for DONE (the host truncates
 * the file in between), then print the bytes the map gives at 0 and 4096,
 * store 'w' at 4096 and print what reads back there.
 */
static int cmd_maptrunc(int argc, char **argv)
{
    if (argc != 3)
        return usage("maptrunc PATH READY DONE");
    int fd = open(argv[0], O_RDWR);
    if (fd < 0)
        return fail("open");
    volatile char *map =
        mmap(NULL, 8192, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (map == MAP_FAILED)
        return fail("mmap");
    printf("before %d %d\n", map[0], map[4096]);
    if (touch(argv[1]))
        return fail("open ready");
    if (!wait_for(argv[2])) {
        printf("no %s\n", argv[2]);
        return 1;
    }
    printf("after %d %d\n", map[0], map[4096]);
    map[4096] = 'w';
    printf("stored %d\n", map[4096]);
    return 0;
}

/* The pattern of "pattern" and "verify": xorshift64 words from SEED. */
static uint64_t next_word(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    *state = x;
    return x;
}

/* A checksum of 64-bit words: multiply-xor, order dependent. */
static uint64_t sum_words(uint64_t sum, const uint64_t *w, size_t count)
{
    for (size_t i = 0; i < count; i++)
        sum = (sum ^ w[i]) * 0x100000001b3ULL;
    return sum;
}

#define PATTERN_CHUNK (1024 * 1024)

/* pattern PATH MIB SEED: write MIB MiB of the pattern, print the sum. */
static int cmd_pattern(int argc, char **argv)
{
    static uint64_t buf[PATTERN_CHUNK / 8];
    if (argc != 3)
        return usage("pattern PATH MIB SEED");
    long long mib = num(argv[1]);
    uint64_t state = (uint64_t)num(argv[2]) | 1, sum = 0;
    int fd = open(argv[0], O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0)
        return fail("open");
    for (long long m = 0; m < mib; m++) {
        for (size_t i = 0; i < PATTERN_CHUNK / 8; i++)
            buf[i] = next_word(&state);
        sum = sum_words(sum, buf, PATTERN_CHUNK / 8);
        if (write_all(fd, buf, PATTERN_CHUNK))
            return fail("write");
    }
    if (close(fd))
        return fail("close");
    printf("wrote %lld sum=%016llx\n", mib * PATTERN_CHUNK,
           (unsigned long long)sum);
    return 0;
}

/*
 * verify PATH MIB SEED: read the file back; prints "match N sum=..." when it
 * is exactly the pattern, else where it first differs.
 */
static int cmd_verify(int argc, char **argv)
{
    static uint64_t buf[PATTERN_CHUNK / 8], want[PATTERN_CHUNK / 8];
    if (argc != 3)
        return usage("verify PATH MIB SEED");
    long long mib = num(argv[1]), total = 0;
    uint64_t state = (uint64_t)num(argv[2]) | 1, sum = 0;
    int fd = open(argv[0], O_RDONLY);
    if (fd < 0)
        return fail("open");
    for (long long m = 0; m < mib; m++) {
        size_t got = 0;
        while (got < PATTERN_CHUNK) {
            ssize_t n = read(fd, (char *)buf + got, PATTERN_CHUNK - got);
            if (n < 0)
                return fail("read");
            if (n == 0)
                break;
            got += (size_t)n;
        }
        for (size_t i = 0; i < PATTERN_CHUNK / 8; i++)
            want[i] = next_word(&state);
        if (got < PATTERN_CHUNK || memcmp(buf, want, PATTERN_CHUNK)) {
            size_t at = 0;
            while (at < got && ((char *)buf)[at] == ((char *)want)[at])
                at++;
            printf("mismatch at %lld (read %zu of this MiB)\n", total + at,
                   got);
            return 1;
        }
        sum = sum_words(sum, buf, PATTERN_CHUNK / 8);
        total += PATTERN_CHUNK;
    }
    char extra;
    if (read(fd, &extra, 1) != 0) {
        printf("longer than %lld bytes\n", total);
        return 1;
    }
    close(fd);
    printf("match %lld sum=%016llx\n", total, (unsigned long long)sum);
    return 0;
}

/* read the whole (small) file at PATH into buf; -1 with errno on failure. */
static ssize_t read_path(const char *path, char *buf, size_t size)
{
    int fd = open(path, O_RDONLY);
    if (fd < 0)
        return -1;
    ssize_t n = pread(fd, buf, size, 0);
    int err = errno;
    close(fd);
    errno = err;
    return n;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/*
 * The guest side of the host-changes-files test, in DIR (the runner's
 * fixtures): hold descriptors on the files, signal the host with
 * DIR/guest-ready, wait up to TIMEOUT seconds for DIR/host-done, then give
 * each change up to TIMEOUT seconds to become visible. Prints "PASS NAME" or
 * "FAIL NAME: detail" per check.
 */
struct live_check {
    const char *name;
    const char *file; /* opened before the host's changes */
    const char *before;
    const char *want_fd;   /* what the held descriptor reads afterwards */
    const char *path;      /* a path opened afresh afterwards */
    const char *want_path; /* its content; NULL: must not exist */
    int fd;
    int done;
    char got[128];
};

/* TEXT on one line: newlines and other control bytes as \xHH. */
static const char *one_line(const char *text)
{
    static char out[4 * 128 + 1];
    size_t o = 0;
    for (const unsigned char *p = (const unsigned char *)text;
         *p && o + 5 < sizeof(out); p++) {
        if (*p < 0x20 || *p == 0x7f)
            o += (size_t)snprintf(out + o, sizeof(out) - o, "\\x%02x", *p);
        else
            out[o++] = (char)*p;
    }
    out[o] = '\0';
    return out;
}

/* Record why a check is not satisfied yet; returns 0 (not yet). */
static int miss(struct live_check *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->got, sizeof(c->got), fmt, ap);
    va_end(ap);
    return 0;
}

/* 1 when everything check C expects is visible now. */
static int live_poll(struct live_check *c, const char *dir)
{
    char path[512];
    char buf[128];
    struct stat st;
    if (fstat(c->fd, &st))
        return miss(c, "fstat: %s", errname(errno));
    ssize_t n = pread(c->fd, buf, sizeof(buf) - 1, 0);
    if (n < 0)
        return miss(c, "pread: %s", errname(errno));
    buf[n] = '\0';
    if ((size_t)st.st_size != strlen(c->want_fd) || strcmp(buf, c->want_fd))
        return miss(c, "held fd: size %lld, reads '%s'", (long long)st.st_size,
                    one_line(buf));
    snprintf(path, sizeof(path), "%s/%s", dir, c->path);
    n = read_path(path, buf, sizeof(buf) - 1);
    if (!c->want_path) {
        if (n < 0 && errno == ENOENT)
            return 1;
        return miss(c, "%s still exists", c->path);
    }
    if (n < 0)
        return miss(c, "%s: %s", c->path, errname(errno));
    buf[n] = '\0';
    if (strcmp(buf, c->want_path))
        return miss(c, "%s reads '%s'", c->path, one_line(buf));
    return 1;
}

static int cmd_live(int argc, char **argv)
{
    struct live_check checks[] = {
        {"live-rewrite-in-place", "inplace.txt", "version 1\n", "version 2\n",
         "inplace.txt", "version 2\n", -1, 0, ""},
        {"live-append", "grow.txt", "short\n", "short\nand longer\n",
         "grow.txt", "short\nand longer\n", -1, 0, ""},
        {"live-truncate", "shrink.txt", "0123456789\n", "0123", "shrink.txt",
         "0123", -1, 0, ""},
        {"live-rename", "to-rename.txt", "rename me\n", "rename me\n",
         "renamed.txt", "rename me\n", -1, 0, ""},
        {"live-rename-old-name-gone", "to-rename.txt", "rename me\n",
         "rename me\n", "to-rename.txt", NULL, -1, 0, ""},
        {"live-delete", "to-delete.txt", "delete me\n", "delete me\n",
         "to-delete.txt", NULL, -1, 0, ""},
        {"live-replace", "replace.txt", "old inode\n", "old inode\n",
         "replace.txt", "new inode\n", -1, 0, ""},
        {"live-new-file", "inplace.txt", "version 1\n", "version 2\n",
         "new-on-host.txt", "created on host\n", -1, 0, ""},
    };
    const size_t count = sizeof(checks) / sizeof(checks[0]);
    char path[512], buf[128];
    if (argc != 2)
        return usage("live DIR TIMEOUT");
    long long timeout_ms = num(argv[1]) * 1000;
    int failed = 0;

    for (size_t i = 0; i < count; i++) {
        struct live_check *c = &checks[i];
        snprintf(path, sizeof(path), "%s/%s", argv[0], c->file);
        c->fd = open(path, O_RDONLY);
        ssize_t n = c->fd < 0 ? -1 : pread(c->fd, buf, sizeof(buf) - 1, 0);
        if (n < 0) {
            printf("FAIL %s: %s before the change: %s\n", c->name, c->file,
                   errname(errno));
            c->done = -1;
            failed++;
            continue;
        }
        buf[n] = '\0';
        if (strcmp(buf, c->before)) {
            printf("FAIL %s: %s reads '%s' before the change\n", c->name,
                   c->file, one_line(buf));
            c->done = -1;
            failed++;
        }
    }
    /* The new file's name is looked up (and missed) before it exists. */
    snprintf(path, sizeof(path), "%s/new-on-host.txt", argv[0]);
    if (access(path, F_OK) == 0)
        printf("note: new-on-host.txt exists before the change\n");

    snprintf(path, sizeof(path), "%s/guest-ready", argv[0]);
    int fd = open(path, O_WRONLY | O_CREAT, 0644);
    if (fd < 0)
        return fail("open guest-ready");
    close(fd);
    snprintf(path, sizeof(path), "%s/host-done", argv[0]);
    long long start = now_ms();
    while (access(path, F_OK) != 0) {
        if (now_ms() - start > timeout_ms) {
            printf("FAIL live-handshake: no %s after %s s\n", path, argv[1]);
            return 1;
        }
        usleep(100000);
    }
    printf("PASS live-handshake (host answered after %lld ms)\n",
           now_ms() - start);

    start = now_ms();
    size_t pending;
    do {
        pending = 0;
        for (size_t i = 0; i < count; i++) {
            struct live_check *c = &checks[i];
            if (c->done)
                continue;
            if (live_poll(c, argv[0])) {
                c->done = 1;
                printf("PASS %s (visible after %lld ms)\n", c->name,
                       now_ms() - start);
            } else {
                pending++;
            }
        }
        if (pending)
            usleep(100000);
    } while (pending && now_ms() - start <= timeout_ms);
    for (size_t i = 0; i < count; i++) {
        if (checks[i].done == 0) {
            printf("FAIL %s: after %s s: %s\n", checks[i].name, argv[1],
                   checks[i].got);
            failed++;
        }
        if (checks[i].fd >= 0)
            close(checks[i].fd);
    }
    return failed ? 1 : 0;
}

/*
 * listdel DIR PREFIX COUNT EVERY: DIR holds PREFIX000000 .. COUNT-1 (six
 * digits). Read part of the listing, unlink every EVERY-th name (some
 * listed already, most not), read the rest. Prints how many names came
 * back twice, how many kept names were never listed, and the unknown ones.
 */
static int cmd_listdel(int argc, char **argv)
{
    if (argc != 4)
        return usage("listdel DIR PREFIX COUNT EVERY");
    long count = (long)num(argv[2]), every = (long)num(argv[3]);
    size_t plen = strlen(argv[1]);
    unsigned char *seen = calloc((size_t)count, 1);
    if (!seen || every <= 0)
        return usage("listdel: bad COUNT or EVERY");
    DIR *d = opendir(argv[0]);
    if (!d)
        return fail("opendir");
    long listed = 0, dups = 0, unknown = 0, deleted = 0, missing = 0;
    struct dirent *de;
    int removed = 0;
    errno = 0;
    while ((de = readdir(d)) != NULL) {
        if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
            continue;
        char *end;
        long idx = -1;
        if (!strncmp(de->d_name, argv[1], plen) &&
            strlen(de->d_name) == plen + 6)
            idx = strtol(de->d_name + plen, &end, 10);
        if (idx < 0 || idx >= count) {
            unknown++;
            continue;
        }
        if (seen[idx]++)
            dups++;
        listed++;
        if (listed == count / 10 && !removed) {
            char path[512];
            for (long i = 0; i < count; i += every) {
                snprintf(path, sizeof(path), "%s/%s%06ld", argv[0], argv[1], i);
                if (unlink(path))
                    return fail("unlink");
                deleted++;
            }
            removed = 1;
        }
    }
    if (errno)
        return fail("readdir");
    closedir(d);
    for (long i = 0; i < count; i++)
        if (i % every && !seen[i])
            missing++;
    printf("listed=%ld deleted=%ld duplicates=%ld missing=%ld unknown=%ld\n",
           listed, deleted, dups, missing, unknown);
    free(seen);
    return 0;
}

/*
 * hold DIR N CMD ARGS...: create and keep open DIR/h0, h1, ... until N
 * are open or one fails, print "held=K err=ENAME" (err=none if all N
 * opened), run CMD while they stay open, and exit with its status.
 */
static int cmd_hold(int argc, char **argv)
{
    if (argc < 3)
        return usage("hold DIR N CMD ARGS...");
    long want = num(argv[1]), held = 0;
    struct rlimit lim = {(rlim_t)want + 64, (rlim_t)want + 64};
    if (setrlimit(RLIMIT_NOFILE, &lim))
        return fail("setrlimit");
    const char *err = "none";
    for (; held < want; held++) {
        char path[PATH_MAX];
        snprintf(path, sizeof(path), "%s/h%ld", argv[0], held);
        if (open(path, O_CREAT | O_RDWR, 0644) < 0) {
            err = errname(errno);
            break;
        }
    }
    printf("held=%ld err=%s\n", held, err);
    pid_t pid = fork();
    if (pid < 0)
        return fail("fork");
    if (pid == 0) {
        execvp(argv[2], argv + 2);
        _exit(127);
    }
    int status;
    if (waitpid(pid, &status, 0) < 0)
        return fail("waitpid");
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

/* count DIR: entries readdir returns, without . and .. (nothing stat'ed). */
static int cmd_count(int argc, char **argv)
{
    if (argc != 1)
        return usage("count DIR");
    DIR *d = opendir(argv[0]);
    if (!d)
        return fail("opendir");
    long count = 0;
    struct dirent *de;
    errno = 0;
    while ((de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
            count++;
    if (errno)
        return fail("readdir");
    closedir(d);
    printf("%ld\n", count);
    return 0;
}

static int dispatch(int argc, char **argv);

/* as UID GID CMD ARGS...: run a command with those credentials. */
static int cmd_as(int argc, char **argv)
{
    if (argc < 3)
        return usage("as UID GID CMD ARGS...");
    gid_t gid = (gid_t)num(argv[1]);
    if (setgroups(0, NULL))
        return fail("setgroups");
    if (setgid(gid))
        return fail("setgid");
    if (setuid((uid_t)num(argv[0])))
        return fail("setuid");
    return dispatch(argc - 2, argv + 2);
}

static const struct {
    const char *name;
    int (*fn)(int argc, char **argv);
} commands[] = {
    {"open", cmd_open},           {"write", cmd_write},
    {"pwrite", cmd_pwrite},       {"pread", cmd_pread},
    {"ftruncate", cmd_ftruncate}, {"sync", cmd_sync},
    {"seek", cmd_seek},           {"fallocate", cmd_fallocate},
    {"copy", cmd_copy},           {"rename2", cmd_rename2},
    {"unlink", cmd_unlink},       {"rmdir", cmd_rmdir},
    {"fifo", cmd_fifo},           {"socket", cmd_socket},
    {"utimes", cmd_utimes},       {"stat", cmd_stat},
    {"setxattr", cmd_setxattr},   {"getxattr", cmd_getxattr},
    {"listxattr", cmd_listxattr}, {"removexattr", cmd_removexattr},
    {"statfs", cmd_statfs},       {"mmap", cmd_mmap},
    {"pattern", cmd_pattern},     {"verify", cmd_verify},
    {"live", cmd_live},           {"listdel", cmd_listdel},
    {"count", cmd_count},         {"as", cmd_as},
    {"hold", cmd_hold},           {"mapshare", cmd_mapshare},
    {"maptrunc", cmd_maptrunc},
};

static int dispatch(int argc, char **argv)
{
    if (argc < 1)
        return usage("fsops CMD ARGS...");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (!strcmp(argv[0], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "fsops: unknown command '%s'\n", argv[0]);
    return 2;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    return dispatch(argc - 1, argv + 1);
}
