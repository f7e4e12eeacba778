/*
 * Node helpers for the operations: a name looked up into a guest
 * reference and its entry, attributes as the guest reads them, a node
 * opened for I/O through /proc/self/fd, setuid/setgid dropped on request.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-mapped.h"
#include "fuse-node.h"

/* The guest decodes rdev with new_decode_dev(); encode to match. */
static uint32_t encode_dev(dev_t dev)
{
    uint32_t ma = major(dev), mi = minor(dev);
    return (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

dev_t fuse_node_decode_dev(uint32_t dev)
{
    return makedev((dev & 0xfff00) >> 8,
                   (dev & 0xff) | ((dev >> 12) & 0xfff00));
}

void fuse_node_fill_attr(const struct stat *st, struct fuse_attr *attr)
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

void fuse_node_fill_entry(const struct fuse_server *srv, struct fs_node *node,
                          const struct stat *st, struct fuse_entry_out *out)
{
    struct stat seen = *st;
    fuse_mapped_stat(srv, node, &seen);
    memset(out, 0, sizeof(*out));
    out->nodeid = node->id;
    out->entry_valid = srv->entry_timeout;
    out->attr_valid = srv->attr_timeout;
    fuse_node_fill_attr(&seen, &out->attr);
}

int fuse_node_entry_from_stat(struct fuse_server *srv, int fd,
                              const struct stat *st, struct fuse_entry_out *out)
{
    struct fs_node *node = fs_inode_ref(&srv->inodes, fd, st);
    if (!node)
        return -ENOMEM;
    fuse_node_fill_entry(srv, node, st, out);
    return 0;
}

int fuse_node_entry_from_fd(struct fuse_server *srv, int fd,
                            struct fuse_entry_out *out)
{
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int ret = -errno;
        fs_fd_budget_close(&srv->fds, fd);
        return ret;
    }
    return fuse_node_entry_from_stat(srv, fd, &st, out);
}

int fuse_node_lookup(struct fuse_server *srv, int dir_fd, const char *name,
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
        fuse_node_fill_entry(srv, node, &st, out);
        return 0;
    }
    if (!fs_fd_budget_take(&srv->fds))
        return -EMFILE;
    int fd = openat(dir_fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        int ret = -errno;
        fs_fd_budget_give(&srv->fds);
        return ret;
    }
    return fuse_node_entry_from_fd(srv, fd, out);
}

int fuse_node_open(struct fuse_server *srv, struct fs_node *node, int flags)
{
    struct fs_fd_link link;

    /* Never open a host fifo, socket or device: it could block or act. */
    if (node->type == S_IFLNK)
        return -ELOOP;
    if (node->type != S_IFREG && node->type != S_IFDIR)
        return -ENXIO;
    if (!fs_fd_budget_take(&srv->fds))
        return -EMFILE;
    fs_fd_link(node->fd, &link);
    /* O_NONBLOCK: a host lease makes open fail instead of wait. */
    int fd =
        openat(link.dir, link.name, flags | O_CLOEXEC | O_NOCTTY | O_NONBLOCK);
    if (fd < 0) {
        int ret = -errno;
        fs_fd_budget_give(&srv->fds);
        return ret;
    }
    return fd;
}

int fuse_node_kill_suidgid(struct fuse_server *srv, int fd)
{
    struct stat st;
    struct fs_mapped_attr m;
    struct fs_fd_link link;

    if (fstat(fd, &st) < 0)
        return -errno;
    if (fuse_mapped_on(srv) && S_ISREG(st.st_mode)) {
        int ret = fuse_mapped_get(NULL, fd, &st, &m);
        if (ret == 0) {
            mode_t kill = m.mode & S_IXGRP ? S_ISUID | S_ISGID : S_ISUID;
            if (!S_ISREG(m.mode) || !(m.mode & kill))
                return 0;
            m.mode &= ~kill;
            return fuse_mapped_set(srv, fd, &m);
        }
        if (ret != -ENODATA)
            return ret;
    }
    mode_t kill = S_ISUID;
    if (st.st_mode & S_IXGRP)
        kill |= S_ISGID;
    if (!S_ISREG(st.st_mode) || !(st.st_mode & kill))
        return 0;
    fs_fd_link(fd, &link);
    return fchmodat(link.dir, link.name, st.st_mode & 07777 & ~kill, 0) < 0
               ? -errno
               : 0;
}
