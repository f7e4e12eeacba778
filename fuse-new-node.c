/*
 * A host object just made for the guest gets the guest's owner and exact
 * mode (or, mapped, its attribute); a create that fails after all takes
 * its name away again, so the guest never finds what it was told failed.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fuse-mapped.h"
#include "fuse-new-node.h"

/*
 * Mapped: the caller's fsuid and fsgid (the directory's group if it is
 * setgid, and its setgid bit to subdirectories), the guest's type, mode
 * and device number, all in the attribute.
 */
static int adopt_mapped(struct fuse_req *req, struct fs_node *dir,
                        const struct stat *parent, int fd, mode_t type,
                        mode_t mode, dev_t rdev)
{
    struct fs_mapped_attr up, m = {
                                  .uid = req->in.uid,
                                  .gid = req->in.gid,
                                  .mode = type | mode,
                                  .rdev = rdev,
                              };
    fuse_mapped_get(dir, dir->fd, parent, &up);
    if (up.mode & S_ISGID) {
        m.gid = up.gid;
        if (type == S_IFDIR)
            m.mode |= S_ISGID;
    }
    return fuse_mapped_set(req->srv, fd, &m);
}

/*
 * Whether chowning a new inode (now with ids `st`) to the caller's ids
 * would change them; a setgid directory's group stays. A chown that
 * changes nothing is skipped: two syscalls, and the setuid bits it would
 * clear are set again by the mode's fix-up anyway.
 */
static int needs_chown(struct fuse_req *req, struct fs_node *dir,
                       const struct stat *st, gid_t *gid)
{
    struct stat parent;
    *gid = req->in.gid;
    if (st->st_gid != *gid) {
        if (fstat(dir->fd, &parent) < 0)
            return -errno;
        if (parent.st_mode & S_ISGID)
            *gid = (gid_t)-1;
    }
    return st->st_uid != req->in.uid ||
           (*gid != (gid_t)-1 && st->st_gid != *gid);
}

/*
 * A new inode in dir gets the guest's ids (as root) and exactly its mode,
 * whatever the host umask; a setgid directory passes on its group (and,
 * to subdirectories, its setgid bit) as it would in the guest.
 */
int fuse_new_node_adopt(struct fuse_req *req, struct fs_node *dir, int fd,
                        mode_t type, mode_t mode, dev_t rdev, struct stat *st)
{
    struct fs_fd_link link;
    gid_t gid;
    int ret;

    if (fuse_mapped_on(req->srv)) {
        struct stat parent;
        if (fstat(dir->fd, &parent) < 0)
            return -errno;
        ret = adopt_mapped(req, dir, &parent, fd, type, mode, rdev);
        return ret < 0 ? ret : fstat(fd, st) < 0 ? -errno : 0;
    }
    if (fstat(fd, st) < 0)
        return -errno;
    if (req->srv->chown_created &&
        (ret = needs_chown(req, dir, st, &gid)) != 0) {
        if (ret < 0)
            return ret;
        if (fchownat(fd, "", req->in.uid, gid,
                     AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW) < 0 ||
            fstat(fd, st) < 0)
            return -errno;
    }
    if (type == S_IFLNK)
        return 0;
    mode_t want = mode;
    if (type == S_IFDIR)
        want |= st->st_mode & S_ISGID;
    if ((st->st_mode & 07777) != want) {
        fs_fd_link(fd, &link);
        if (fchmodat(link.dir, link.name, want, 0) < 0 || fstat(fd, st) < 0)
            return -errno;
    }
    return 0;
}

void fuse_new_node_undo(int dir_fd, const char *name, int made_fd, mode_t type)
{
    struct stat made, now;
    if (made_fd >= 0 &&
        (fstat(made_fd, &made) < 0 ||
         fstatat(dir_fd, name, &now, AT_SYMLINK_NOFOLLOW) < 0 ||
         made.st_dev != now.st_dev || made.st_ino != now.st_ino))
        return; /* the host put something else there meanwhile */
    unlinkat(dir_fd, name, type == S_IFDIR ? AT_REMOVEDIR : 0);
}
