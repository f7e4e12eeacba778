/*
 * Node operations: LOOKUP and FORGET, attributes, STATFS, ACCESS, READLINK.
 * Every host call is relative to a node's O_PATH fd and never follows a
 * symlink, so no request resolves a path outside the share.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fuse-internal.h"
#include "fuse-iov.h"

/* The guest decodes rdev with new_decode_dev(); encode to match. */
static uint32_t encode_dev(dev_t dev)
{
    uint32_t ma = major(dev), mi = minor(dev);
    return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

dev_t decode_dev(uint32_t dev)
{
    return makedev((dev & 0xfff00) >> 8,
                   (dev & 0xff) | ((dev >> 12) & 0xfff00));
}

void fill_attr(const struct stat *st, struct fuse_attr *attr)
{
    memset(attr, 0, sizeof(*attr));
    attr->ino = st->st_ino;
    attr->size = (uint64_t)st->st_size;
    attr->blocks = (uint64_t)st->st_blocks;
    attr->atime = (uint64_t)st->st_atim.tv_sec;
    attr->mtime = (uint64_t)st->st_mtim.tv_sec;
    attr->ctime = (uint64_t)st->st_ctim.tv_sec;
    attr->atimensec = (uint32_t)st->st_atim.tv_nsec;
    attr->mtimensec = (uint32_t)st->st_mtim.tv_nsec;
    attr->ctimensec = (uint32_t)st->st_ctim.tv_nsec;
    attr->mode = st->st_mode;
    attr->nlink = (uint32_t)st->st_nlink;
    attr->uid = st->st_uid;
    attr->gid = st->st_gid;
    attr->rdev = encode_dev(st->st_rdev);
    attr->blksize = (uint32_t)st->st_blksize;
}

static void fill_entry(const struct fuse_server *srv, struct fs_node *node,
                       const struct stat *st, struct fuse_entry_out *out)
{
    struct stat seen = *st;
    mapped_stat(srv, node, &seen);
    memset(out, 0, sizeof(*out));
    out->nodeid = node->id;
    out->entry_valid = srv->entry_timeout;
    out->attr_valid = srv->attr_timeout;
    fill_attr(&seen, &out->attr);
}

int entry_from_fd(struct fuse_server *srv, int fd, struct fuse_entry_out *out)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int ret = -errno;
        fd_budget_close(&srv->fds, fd);
        return ret;
    }
    struct fs_node *node = fs_inode_ref(&srv->inodes, fd, &st);
    if (!node)
        return -ENOMEM;
    fill_entry(srv, node, &st, out);
    return 0;
}

int lookup_entry(struct fuse_server *srv, int dir_fd, const char *name,
                 struct fuse_entry_out *out)
{
    struct stat st;

    /*
     * A known inode with its fd open needs no new fd: the fd pins it, so
     * its number cannot have been reused, and one fstatat answers (the
     * common case of the guest revalidating what it has seen).
     */
    if (fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return -errno;
    struct fs_node *node = fs_inode_find_stat(&srv->inodes, &st);
    if (node && node->fd >= 0 && fs_inode_open(&srv->inodes, node) == 0) {
        node->nlookup++;
        fill_entry(srv, node, &st, out);
        return 0;
    }
    if (!fd_budget_take(&srv->fds))
        return -EMFILE;
    int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int ret = -errno;
        fd_budget_give(&srv->fds);
        return ret;
    }
    return entry_from_fd(srv, fd, out);
}

int open_node(struct fuse_server *srv, struct fs_node *node, int flags)
{
    char path[FD_PATH_MAX];

    /* Never open a host fifo, socket or device: it could block or act. */
    if (node->type == S_IFLNK)
        return -ELOOP;
    if (node->type != S_IFREG && node->type != S_IFDIR)
        return -ENXIO;
    if (!fd_budget_take(&srv->fds))
        return -EMFILE;
    fd_path(node->fd, path, sizeof(path));
    /* O_NONBLOCK: a host lease makes open fail instead of wait. */
    int fd = open(path, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int ret = -errno;
        fd_budget_give(&srv->fds);
        return ret;
    }
    return fd;
}

/*
 * "." is the directory itself; ".." of the root is the root; any other
 * ".." is the host parent, if it lies inside the share (the host may have
 * moved the directory out).
 */
static int lookup_dot(struct fuse_req *req, struct fs_node *dir, bool dotdot)
{
    struct fuse_server *srv = req->srv;
    struct stat st;

    if (!dotdot || dir == srv->inodes.root) {
        if (fstat(dir->fd, &st) < 0)
            return -errno;
        dir->nlookup++;
        fill_entry(srv, dir, &st, &req->out.entry);
        return sizeof(req->out.entry);
    }
    if (!fd_budget_take(&srv->fds))
        return -EMFILE;
    int fd = openat(dir->fd, "..", O_PATH | O_NOFOLLOW | O_CLOEXEC);
    int ret = fd < 0 || fstat(fd, &st) < 0 ? -errno : 0;
    if (ret == 0 && !fs_inode_find_stat(&srv->inodes, &st) &&
        !dir_inside_share(srv, fd))
        ret = -ENOENT;
    if (ret < 0) {
        if (fd >= 0)
            close(fd);
        fd_budget_give(&srv->fds);
        return ret;
    }
    ret = entry_from_fd(srv, fd, &req->out.entry);
    return ret < 0 ? ret : (int)sizeof(req->out.entry);
}

int fuse_do_lookup(struct fuse_req *req)
{
    struct fs_node *dir;
    const char *name;
    size_t pos = 0;
    int ret = req_dir(req, &dir);
    if (ret < 0)
        return ret;
    ret = req_string(req, &pos, &name);
    if (ret < 0)
        return ret;
    if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return lookup_dot(req, dir, name[1] == '.');
    pos = 0;
    ret = req_new_name(req, &pos, &name);
    if (ret == 0)
        ret = lookup_entry(req->srv, dir->fd, name, &req->out.entry);
    if (ret == -ENOENT && req->srv->opts.cache == FS_CACHE_ALWAYS) {
        /* Node id 0: the guest may cache that the name is absent. */
        memset(&req->out.entry, 0, sizeof(req->out.entry));
        req->out.entry.entry_valid = req->srv->entry_timeout;
        ret = 0;
    }
    return ret < 0 ? ret : (int)sizeof(req->out.entry);
}

int fuse_do_forget(struct fuse_req *req)
{
    const struct fuse_forget_in *in = req_args(req);
    struct fs_node *node = fs_inode_find(&req->srv->inodes, req->in.nodeid);
    if (node)
        fs_inode_forget(&req->srv->inodes, node, in->nlookup);
    return 0;
}

int fuse_do_batch_forget(struct fuse_req *req)
{
    const struct fuse_batch_forget_in *in = req_args(req);
    size_t at = sizeof(req->in) + sizeof(*in);
    size_t present =
        (req->arg_len - sizeof(*in)) / sizeof(struct fuse_forget_one);
    size_t count = in->count < present ? in->count : present;

    for (size_t i = 0; i < count; i++) {
        struct fuse_forget_one one;
        iov_read(req->req_iov, req->req_count, at + i * sizeof(one), &one,
                 sizeof(one));
        struct fs_node *node = fs_inode_find(&req->srv->inodes, one.nodeid);
        if (node)
            fs_inode_forget(&req->srv->inodes, node, one.nlookup);
    }
    return 0;
}

static int reply_attr(struct fuse_req *req, struct fs_node *node)
{
    struct stat st;
    if (fstat(node->fd, &st) < 0)
        return -errno;
    mapped_stat(req->srv, node, &st);
    memset(&req->out.attr, 0, sizeof(req->out.attr));
    req->out.attr.attr_valid = req->srv->attr_timeout;
    fill_attr(&st, &req->out.attr.attr);
    return sizeof(req->out.attr);
}

int fuse_do_getattr(struct fuse_req *req)
{
    struct fs_node *node;
    int ret = req_node(req, &node);
    return ret < 0 ? ret : reply_attr(req, node);
}

static struct timespec setattr_time(uint32_t valid, uint32_t set, uint32_t now,
                                    uint64_t sec, uint32_t nsec)
{
    if (!(valid & set))
        return (struct timespec){.tv_nsec = UTIME_OMIT};
    if (valid & now)
        return (struct timespec){.tv_nsec = UTIME_NOW};
    return (struct timespec){.tv_sec = (time_t)sec, .tv_nsec = nsec};
}

static int truncate_node(struct fuse_server *srv, struct fs_node *node,
                         const struct fs_handle *h, uint64_t size)
{
    if (size > INT64_MAX)
        return -EINVAL;
    if (h)
        return ftruncate(h->fd, (off_t)size) < 0 ? -errno : 0;
    if (node->type == S_IFDIR)
        return -EISDIR;
    int fd = open_node(srv, node, O_WRONLY);
    if (fd < 0)
        return fd;
    int ret = ftruncate(fd, (off_t)size) < 0 ? -errno : 0;
    fd_budget_close(&srv->fds, fd);
    return ret;
}

int kill_suidgid(struct fuse_server *srv, int fd)
{
    struct stat st;
    struct mapped_attr m;
    char path[FD_PATH_MAX];

    if (fstat(fd, &st) < 0)
        return -errno;
    if (is_mapped(srv) && S_ISREG(st.st_mode)) {
        int ret = mapped_get(NULL, fd, &st, &m);
        if (ret == 0) {
            mode_t kill = m.mode & S_IXGRP ? S_ISUID | S_ISGID : S_ISUID;
            if (!S_ISREG(m.mode) || !(m.mode & kill))
                return 0;
            m.mode &= ~kill;
            return mapped_set(srv, fd, &m);
        }
        if (ret != -ENODATA)
            return ret;
    }
    mode_t kill = S_ISUID;
    if (st.st_mode & S_IXGRP)
        kill |= S_ISGID;
    if (!S_ISREG(st.st_mode) || !(st.st_mode & kill))
        return 0;
    fd_path(fd, path, sizeof(path));
    return fchmodat(AT_FDCWD, path, st.st_mode & 07777 & ~kill, 0) < 0 ? -errno
                                                                       : 0;
}

/*
 * Mapped owner and mode: a chown clears setuid (and setgid when group
 * executable) from a non-directory as Linux does; an explicit mode wins.
 * The host inode's ctime moves with the attribute.
 */
static int setattr_mapped(struct fuse_server *srv, struct fs_node *node,
                          const struct fuse_setattr_in *in)
{
    struct stat st;
    struct mapped_attr m;
    if (fstat(node->fd, &st) < 0)
        return -errno;
    int ret = mapped_get(node, node->fd, &st, &m);
    if (ret < 0 && ret != -ENODATA)
        return ret;
    if (in->valid & FATTR_UID)
        m.uid = in->uid;
    if (in->valid & FATTR_GID)
        m.gid = in->gid;
    if (in->valid & (FATTR_UID | FATTR_GID))
        m.mode = mapped_kill_suidgid(m.mode);
    if (in->valid & FATTR_MODE)
        m.mode = (m.mode & S_IFMT) | (in->mode & 07777);
    return mapped_set(srv, node->fd, &m);
}

/* Owner first (chown clears setuid bits), then mode, size, times. */
int fuse_do_setattr(struct fuse_req *req)
{
    const struct fuse_setattr_in *in = req_args(req);
    struct fs_node *node;
    const struct fs_handle *h = NULL;
    char path[FD_PATH_MAX];
    int ret = req_node(req, &node);

    if (ret < 0)
        return ret;
    if (in->valid & FATTR_FH) {
        h = fs_handle_get(&req->srv->handles, in->fh, false);
        if (!h)
            return -EBADF;
    }
    if (is_mapped(req->srv) && node->type != S_IFLNK &&
        (in->valid & (FATTR_UID | FATTR_GID | FATTR_MODE))) {
        int ret = setattr_mapped(req->srv, node, in);
        if (ret < 0)
            return ret;
    } else if (in->valid & (FATTR_UID | FATTR_GID)) {
        uid_t uid = in->valid & FATTR_UID ? in->uid : (uid_t)-1;
        gid_t gid = in->valid & FATTR_GID ? in->gid : (gid_t)-1;
        if (fchownat(node->fd, "", uid, gid,
                     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0)
            return -errno;
    }
    /* Before an explicit mode, which then wins. */
    if ((in->valid & FATTR_KILL_SUIDGID) && node->type == S_IFREG &&
        !(is_mapped(req->srv) && (in->valid & FATTR_MODE))) {
        int ret = kill_suidgid(req->srv, node->fd);
        if (ret < 0)
            return ret;
    }
    if ((in->valid & FATTR_MODE) &&
        (!is_mapped(req->srv) || node->type == S_IFLNK)) {
        if (node->type == S_IFLNK)
            return -EOPNOTSUPP;
        fd_path(node->fd, path, sizeof(path));
        if (fchmodat(AT_FDCWD, path, in->mode & 07777, 0) < 0)
            return -errno;
    }
    if (in->valid & FATTR_SIZE) {
        int ret = truncate_node(req->srv, node, h, in->size);
        if (ret < 0)
            return ret;
    }
    if (in->valid & (FATTR_ATIME | FATTR_MTIME)) {
        struct timespec times[2] = {
            setattr_time(in->valid, FATTR_ATIME, FATTR_ATIME_NOW, in->atime,
                         in->atimensec),
            setattr_time(in->valid, FATTR_MTIME, FATTR_MTIME_NOW, in->mtime,
                         in->mtimensec),
        };
        if (utimensat(node->fd, "", times, AT_EMPTY_PATH) < 0)
            return -errno;
    }
    return reply_attr(req, node);
}

int fuse_do_statfs(struct fuse_req *req)
{
    struct fs_node *node;
    struct statvfs sv;
    int ret = req_node(req, &node);
    if (ret < 0)
        return ret;
    if (fstatvfs(node->fd, &sv) < 0)
        return -errno;
    struct fuse_kstatfs *st = &req->out.statfs.st;
    memset(&req->out.statfs, 0, sizeof(req->out.statfs));
    st->blocks = sv.f_blocks;
    st->bfree = sv.f_bfree;
    st->bavail = sv.f_bavail;
    st->files = sv.f_files;
    st->ffree = sv.f_ffree;
    st->bsize = (uint32_t)sv.f_bsize;
    st->namelen = (uint32_t)sv.f_namemax;
    st->frsize = (uint32_t)sv.f_frsize;
    return sizeof(req->out.statfs);
}

int fuse_do_access(struct fuse_req *req)
{
    const struct fuse_access_in *in = req_args(req);
    struct fs_node *node;
    int ret = req_node(req, &node);
    if (ret < 0)
        return ret;
    if ((in->mask & W_OK) && req->srv->opts.read_only)
        return -EROFS;
    if (is_mapped(req->srv))
        return 0; /* the guest checks its own modes; host ones are ours */
    if (faccessat(node->fd, "", (int)(in->mask & (R_OK | W_OK | X_OK)),
                  AT_EMPTY_PATH | AT_EACCESS) < 0)
        return -errno;
    return 0;
}

/* A mapped symlink: a regular file holding the target. */
static ssize_t read_mapped_link(struct fuse_server *srv, struct fs_node *node)
{
    struct stat st;
    struct mapped_attr m;
    if (fstat(node->fd, &st) < 0)
        return -1;
    if (mapped_get(node, node->fd, &st, &m) < 0 || !S_ISLNK(m.mode)) {
        errno = EINVAL;
        return -1;
    }
    int fd = open_node(srv, node, O_RDONLY);
    if (fd < 0) {
        errno = -fd;
        return -1;
    }
    ssize_t len = pread(fd, srv->value, PATH_MAX, 0);
    int err = errno;
    fd_budget_close(&srv->fds, fd);
    errno = err;
    return len;
}

int fuse_do_readlink(struct fuse_req *req)
{
    struct fuse_server *srv = req->srv;
    struct fs_node *node;
    int ret = req_node(req, &node);
    if (ret < 0)
        return ret;
    ssize_t len;
    if (is_mapped(srv) && node->type == S_IFREG)
        len = read_mapped_link(srv, node);
    else if (node->type != S_IFLNK)
        return -EINVAL;
    else
        len = readlinkat(node->fd, "", (char *)srv->value, PATH_MAX);
    if (len < 0)
        return -errno;
    if ((size_t)len > req_reply_room(req))
        return -ERANGE;
    iov_write(req->reply_iov, req->reply_count, sizeof(struct fuse_out_header),
              srv->value, (size_t)len);
    req->reply_in_place = true;
    return (int)len;
}
