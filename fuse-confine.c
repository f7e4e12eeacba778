/*
 * Changes stay inside the share: the host may move a directory out of the
 * share while the guest still holds nodes in it (the guest's cwd, an open
 * directory). Such a node keeps its host fd, so without a check the guest
 * could go on creating, renaming and writing there. Before any change the
 * node's current host path (what the kernel reports for its fd) must lie
 * under the share root's current path.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-confine.h"

#define SHARE_DEPTH_MAX 4096

static bool same_inode(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

bool fuse_confine_dir_inside(struct fuse_server *srv, int fd)
{
    struct stat root, st, up_st;
    int cur = fd;
    bool inside = false;

    if (fstat(srv->inodes.root->fd, &root) < 0)
        return false;
    for (int depth = 0; depth < SHARE_DEPTH_MAX; depth++) {
        if (fstat(cur, &st) < 0)
            break;
        if (same_inode(&st, &root)) {
            inside = true;
            break;
        }
        int up = openat(cur, "..", O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (up < 0)
            break;
        if (cur != fd)
            close(cur);
        cur = up;
        if (fstat(cur, &up_st) < 0 || same_inode(&up_st, &st))
            break; /* the host's "/": the root was not on the way */
    }
    if (cur != fd)
        close(cur);
    return inside;
}

/* The current host path of fd; its length, or -1 (none, or too long). */
static ssize_t fd_host_path(int fd, char *buf, size_t size)
{
    struct fs_fd_link link;
    fs_fd_link(fd, &link);
    ssize_t len = readlinkat(link.dir, link.name, buf, size);
    return len > 0 && (size_t)len < size ? len : -1;
}

int fuse_confine_check(struct fuse_server *srv, struct fs_node *node)
{
    char root[PATH_MAX], path[PATH_MAX];
    struct stat st;

    if (node == srv->inodes.root)
        return 0;
    ssize_t root_len = fd_host_path(srv->inodes.root->fd, root, sizeof(root));
    ssize_t len = fd_host_path(node->fd, path, sizeof(path));
    if (root_len < 0)
        return -ENAMETOOLONG; /* cannot tell: no change */
    if (len < 0) {
        /*
         * Deeper than PATH_MAX: a directory walks up to the root; a file
         * has no way up, and is taken as inside (README).
         */
        if (node->type != S_IFDIR)
            return 0;
        return fuse_confine_dir_inside(srv, node->fd) ? 0 : -ENOENT;
    }
    if (len > root_len && memcmp(path, root, (size_t)root_len) == 0 &&
        (root_len == 1 || path[root_len] == '/'))
        return 0;
    /* A file the guest unlinked is no one's: its changes reach nothing. */
    if (fstat(node->fd, &st) == 0 && st.st_nlink == 0 && node->type != S_IFDIR)
        return 0;
    return -ENOENT;
}

int fuse_confine_check_id(struct fuse_server *srv, uint64_t nodeid)
{
    int ret;
    struct fs_node *node = fs_inode_get(&srv->inodes, nodeid, &ret);
    /* A node that cannot be had fails in the operation itself. */
    return node ? fuse_confine_check(srv, node) : 0;
}
