/*
 * Operations that change names: MKDIR, MKNOD, SYMLINK, LINK, UNLINK, RMDIR,
 * RENAME and RENAME2. Names are single components checked by
 * fuse_req_new_name(); every call is relative to a directory node's fd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-confine.h"
#include "fuse-mapped.h"
#include "fuse-new-node.h"
#include "fuse-node.h"
#include "fuse-ops.h"
#include "fuse-req.h"

/*
 * After creating `name` in dir: adopt it and reply its entry; if that
 * fails, the new object goes again (the guest saw an error, so it must
 * not find the name made).
 */
static int finish_new(struct fuse_req *req, struct fs_node *dir,
                      const char *name, mode_t type, mode_t mode, dev_t rdev)
{
    struct fuse_server *srv = req->srv;
    struct stat st;
    int fd = -1, ret;
    if (!fs_fd_budget_take(&srv->fds)) {
        ret = -EMFILE;
    } else if ((fd = openat(dir->fd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC)) <
               0) {
        ret = -errno;
        fs_fd_budget_give(&srv->fds);
    } else if ((ret = fuse_new_node_adopt(req, dir, fd, type, mode, rdev,
                                          &st)) == 0) {
        ret = fuse_node_entry_from_stat(srv, fd, &st, &req->out.entry);
        if (ret == 0)
            return sizeof(req->out.entry);
        fd = -1;
    }
    fuse_new_node_undo(dir->fd, name, fd, type);
    if (fd >= 0)
        fs_fd_budget_close(&srv->fds, fd);
    return ret;
}

/* The parent dir and the new name that follows `skip` fixed bytes. */
static int new_name_in_dir(struct fuse_req *req, size_t skip,
                           struct fs_node **dir, const char **name)
{
    int ret = fuse_req_dir(req, dir);
    if (ret < 0)
        return ret;
    ret = fuse_req_new_name(req, &skip, name);
    if (ret < 0)
        return ret;
    /* Creating needs one fd for the new node: fail before, not after. */
    return fs_fd_budget_room(&req->srv->fds, 1) ? 0 : -EMFILE;
}

int fuse_do_mkdir(struct fuse_req *req)
{
    const struct fuse_mkdir_in *in = fuse_req_args(req);
    struct fs_node *dir;
    const char *name;
    int ret = new_name_in_dir(req, sizeof(*in), &dir, &name);
    if (ret < 0)
        return ret;
    mode_t mode = in->mode & ~in->umask & 07777;
    if (mkdirat(dir->fd, name,
                fuse_mapped_on(req->srv) ? FUSE_MAPPED_DIR_MODE : mode) < 0)
        return -errno;
    return finish_new(req, dir, name, S_IFDIR, mode, 0);
}

int fuse_do_mknod(struct fuse_req *req)
{
    const struct fuse_mknod_in *in = fuse_req_args(req);
    struct fs_node *dir;
    const char *name;
    mode_t type = in->mode & S_IFMT;

    if (type != S_IFREG && type != S_IFIFO && type != S_IFSOCK &&
        type != S_IFCHR && type != S_IFBLK)
        return -EINVAL;
    int ret = new_name_in_dir(req, sizeof(*in), &dir, &name);
    if (ret < 0)
        return ret;
    mode_t mode = in->mode & ~in->umask & 07777;
    /*
     * Device nodes are made on the host as asked (the host decides: it
     * takes root, and a nodev mount makes them inert). semu never opens
     * one: a guest open reaches the guest's own driver.
     */
    dev_t rdev =
        type == S_IFCHR || type == S_IFBLK ? fuse_node_decode_dev(in->rdev) : 0;
    /* Mapped: every kind is an empty regular file on the host. */
    if (fuse_mapped_on(req->srv)
            ? mknodat(dir->fd, name, S_IFREG | FUSE_MAPPED_FILE_MODE, 0) < 0
            : mknodat(dir->fd, name, type | mode, rdev) < 0)
        return -errno;
    return finish_new(req, dir, name, type, mode, rdev);
}

/* Mapped: a symlink is a regular file holding its target. */
static int make_mapped_link(struct fuse_req *req, struct fs_node *dir,
                            const char *name, const char *target)
{
    struct fuse_server *srv = req->srv;
    if (!fs_fd_budget_take(&srv->fds))
        return -EMFILE;
    int fd = openat(dir->fd, name,
                    O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                    FUSE_MAPPED_FILE_MODE);
    if (fd < 0) {
        int ret = -errno;
        fs_fd_budget_give(&srv->fds);
        return ret;
    }
    size_t len = strlen(target);
    ssize_t n = write(fd, target, len);
    int ret = n < 0 ? -errno : (size_t)n != len ? -ENOSPC : 0;
    if (ret < 0)
        fuse_new_node_undo(dir->fd, name, fd, S_IFREG);
    fs_fd_budget_close(&srv->fds, fd);
    return ret;
}

int fuse_do_symlink(struct fuse_req *req)
{
    struct fs_node *dir;
    const char *name, *target;
    size_t pos = 0;
    int ret = new_name_in_dir(req, 0, &dir, &name);
    if (ret < 0)
        return ret;
    pos = strlen(name) + 1;
    ret = fuse_req_string(req, &pos, &target);
    if (ret < 0)
        return ret;
    if (target[0] == '\0')
        return -ENOENT;
    if (strlen(target) >= PATH_MAX)
        return -ENAMETOOLONG;
    /* The text is stored as given: the guest, not the host, follows it. */
    if (fuse_mapped_on(req->srv))
        ret = make_mapped_link(req, dir, name, target);
    else
        ret = symlinkat(target, dir->fd, name) < 0 ? -errno : 0;
    if (ret < 0)
        return ret;
    return finish_new(req, dir, name, S_IFLNK, 0777, 0);
}

int fuse_do_link(struct fuse_req *req)
{
    const struct fuse_link_in *in = fuse_req_args(req);
    struct fs_node *dir, *old;
    const char *name;
    struct fs_fd_link link;
    int ret = new_name_in_dir(req, sizeof(*in), &dir, &name);
    if (ret < 0)
        return ret;
    old = fs_inode_get(&req->srv->inodes, in->oldnodeid, &ret);
    if (!old)
        return ret;
    if (old->type == S_IFDIR)
        return -EPERM;
    if ((ret = fuse_confine_check(req->srv, old)) < 0)
        return ret; /* no name in the share for an inode outside it */
    /* Through /proc: linkat(AT_EMPTY_PATH) would need CAP_DAC_READ_SEARCH. */
    fs_fd_link(old->fd, &link);
    if (linkat(link.dir, link.name, dir->fd, name, AT_SYMLINK_FOLLOW) < 0)
        return -errno;
    ret = fuse_node_lookup(req->srv, dir->fd, name, &req->out.entry);
    if (ret < 0)
        fuse_new_node_undo(dir->fd, name, old->fd, old->type);
    return ret < 0 ? ret : (int)sizeof(req->out.entry);
}

static int remove_name(struct fuse_req *req, int flags)
{
    struct fs_node *dir;
    const char *name;
    size_t pos = 0;
    int ret = fuse_req_dir(req, &dir);
    if (ret == 0)
        ret = fuse_req_new_name(req, &pos, &name);
    if (ret < 0)
        return ret;
    return unlinkat(dir->fd, name, flags) < 0 ? -errno : 0;
}

int fuse_do_unlink(struct fuse_req *req)
{
    return remove_name(req, 0);
}

int fuse_do_rmdir(struct fuse_req *req)
{
    return remove_name(req, AT_REMOVEDIR);
}

static int rename_names(struct fuse_req *req, size_t skip, uint64_t newdir_id,
                        unsigned flags)
{
    struct fs_node *dir, *newdir;
    const char *old_name, *new_name;
    int ret = fuse_req_dir(req, &dir);
    if (ret < 0)
        return ret;
    newdir = fs_inode_get(&req->srv->inodes, newdir_id, &ret);
    if (!newdir)
        return ret;
    if (newdir->type != S_IFDIR)
        return -ENOTDIR;
    if ((ret = fuse_confine_check(req->srv, newdir)) < 0)
        return ret;
    ret = fuse_req_new_name(req, &skip, &old_name);
    if (ret == 0)
        ret = fuse_req_new_name(req, &skip, &new_name);
    if (ret < 0)
        return ret;
    if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
        return -EINVAL;
    if (renameat2(dir->fd, old_name, newdir->fd, new_name, flags) < 0)
        return -errno;
    return 0;
}

int fuse_do_rename(struct fuse_req *req)
{
    const struct fuse_rename_in *in = fuse_req_args(req);
    return rename_names(req, sizeof(*in), in->newdir, 0);
}

int fuse_do_rename2(struct fuse_req *req)
{
    const struct fuse_rename2_in *in = fuse_req_args(req);
    return rename_names(req, sizeof(*in), in->newdir, in->flags);
}
