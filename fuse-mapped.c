/*
 * security=mapped: the guest's owner, group, mode and file type live in
 * one extended attribute on the host file, in the format rootless
 * container tools use (containers/storage, fuse-overlayfs):
 *
 *   user.containers.override_stat = "UID:GID:MODE:TYPE"
 *
 * UID and GID in decimal, MODE the permission bits (setuid, setgid and
 * sticky included) in octal, TYPE one of file, dir, symlink, pipe,
 * socket, block-MAJOR-MINOR, char-MAJOR-MINOR. Without TYPE (as older
 * writers leave it) the type is the host's, or MODE's S_IFMT bits if it
 * has them. Host objects are the server's user's: files mode 0600,
 * directories 0700; device nodes, fifos and sockets are empty regular
 * files, and a symlink is a regular file holding its target. A file
 * without the attribute shows its host owner and mode.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include "fs-fd-path.h"
#include "fuse-mapped.h"

#define MAPPED_VALUE_MAX 96

bool fuse_mapped_name(const char *name)
{
    return strcmp(name, FUSE_MAPPED_XATTR) == 0;
}

static const struct {
    mode_t type;
    const char *name;
} type_names[] = {
    {S_IFREG, "file"}, {S_IFDIR, "dir"},     {S_IFLNK, "symlink"},
    {S_IFIFO, "pipe"}, {S_IFSOCK, "socket"}, {S_IFBLK, "block"},
    {S_IFCHR, "char"},
};

/* "TYPE" or "TYPE-MAJOR-MINOR" into *type and *rdev; false if unknown. */
static bool parse_type(const char *s, mode_t *type, dev_t *rdev)
{
    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++) {
        size_t len = strlen(type_names[i].name);
        if (strncmp(s, type_names[i].name, len) != 0)
            continue;
        *type = type_names[i].type;
        *rdev = 0;
        if (*type != S_IFBLK && *type != S_IFCHR)
            return s[len] == '\0';
        unsigned ma, mi;
        char end;
        if (sscanf(s + len, "-%u-%u%c", &ma, &mi, &end) != 2)
            return false;
        *rdev = makedev(ma, mi);
        return true;
    }
    return false;
}

static int parse(const char *value, const struct stat *host,
                 struct fs_mapped_attr *m)
{
    unsigned uid, gid, mode;
    int used = 0;
    if (sscanf(value, "%u:%u:%o%n", &uid, &gid, &mode, &used) != 3)
        return -EINVAL;
    m->uid = uid;
    m->gid = gid;
    m->rdev = 0;
    mode_t type = mode & S_IFMT ? mode & S_IFMT : host->st_mode & S_IFMT;
    if (value[used] == ':' && !parse_type(value + used + 1, &type, &m->rdev))
        return -EINVAL;
    else if (value[used] != ':' && value[used] != '\0')
        return -EINVAL;
    m->mode = type | (mode & 07777);
    return 0;
}

static int read_attr(int fd, const struct stat *host, struct fs_mapped_attr *m)
{
    char path[FS_FD_PATH_MAX], value[MAPPED_VALUE_MAX + 1];

    fs_fd_path(fd, path, sizeof(path));
    ssize_t len = getxattr(path, FUSE_MAPPED_XATTR, value, MAPPED_VALUE_MAX);
    if (len >= 0) {
        value[len] = '\0';
        if (parse(value, host, m) == 0)
            return 0;
    } else if (errno != ENODATA && errno != EPERM && errno != ENOTSUP) {
        return -errno;
    }
    /* None (or unreadable): the host's own view. */
    m->uid = host->st_uid;
    m->gid = host->st_gid;
    m->mode = host->st_mode;
    m->rdev = host->st_rdev;
    return -ENODATA;
}

static bool same_time(const struct timespec *a, const struct timespec *b)
{
    return a->tv_sec == b->tv_sec && a->tv_nsec == b->tv_nsec;
}

int fuse_mapped_get(struct fs_node *node, int fd, const struct stat *host,
                    struct fs_mapped_attr *m)
{
    if (node && node->map_known &&
        same_time(&node->map_ctime, &host->st_ctim)) {
        if (!node->map_none) {
            *m = node->map;
            return 0;
        }
        *m = (struct fs_mapped_attr){host->st_uid, host->st_gid, host->st_mode,
                                     host->st_rdev};
        return -ENODATA;
    }
    int ret = read_attr(fd, host, m);
    if (node && (ret == 0 || ret == -ENODATA)) {
        node->map_known = true;
        node->map_none = ret < 0;
        node->map = *m;
        node->map_ctime = host->st_ctim;
    }
    return ret;
}

int fuse_mapped_set(struct fuse_server *srv, int fd,
                    const struct fs_mapped_attr *m)
{
    char path[FS_FD_PATH_MAX], value[MAPPED_VALUE_MAX], type[48] = "";
    mode_t t = m->mode & S_IFMT;

    for (size_t i = 0; i < sizeof(type_names) / sizeof(type_names[0]); i++)
        if (type_names[i].type == t)
            snprintf(type, sizeof(type), "%s", type_names[i].name);
    if (t == S_IFBLK || t == S_IFCHR)
        snprintf(type + strlen(type), sizeof(type) - strlen(type), "-%u-%u",
                 major(m->rdev), minor(m->rdev));
    int len = snprintf(value, sizeof(value), "%u:%u:%04o:%s", (unsigned)m->uid,
                       (unsigned)m->gid, (unsigned)(m->mode & 07777), type);
    fs_fd_path(fd, path, sizeof(path));
    int ret = setxattr(path, FUSE_MAPPED_XATTR, value, (size_t)len, 0) < 0
                  ? -errno
                  : 0;
    /* The ctime may not have moved within the clock's tick: forget. */
    struct stat st;
    struct fs_node *node =
        fstat(fd, &st) == 0 ? fs_inode_find_stat(&srv->inodes, &st) : NULL;
    if (node)
        node->map_known = false;
    return ret;
}

void fuse_mapped_stat(const struct fuse_server *srv, struct fs_node *node,
                      struct stat *st)
{
    struct fs_mapped_attr m;
    /* Host symlinks take no user.* attributes: they show as they are. */
    if (srv->opts.security != FS_SECURITY_MAPPED || S_ISLNK(st->st_mode) ||
        fuse_mapped_get(node, node->fd, st, &m) < 0)
        return;
    st->st_uid = m.uid;
    st->st_gid = m.gid;
    st->st_mode = m.mode;
    st->st_rdev = m.rdev;
}

mode_t fuse_mapped_kill_suidgid(mode_t mode)
{
    if (S_ISDIR(mode))
        return mode;
    mode &= ~(mode_t)S_ISUID;
    if (mode & S_IXGRP)
        mode &= ~(mode_t)S_ISGID;
    return mode;
}
