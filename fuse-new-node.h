/*
 * After an operation made a host object for the guest (CREATE, MKDIR,
 * MKNOD, SYMLINK): give it the guest's view, or take it away again when
 * the operation fails after all.
 */
#pragma once

#include "fuse-state.h"

/*
 * Give a just-created inode the guest's ids (as root) and exact mode, or
 * on a mapped share its attribute (guest type, mode and device number);
 * st = its host attributes after that.
 */
int fuse_new_node_adopt(struct fuse_req *req, struct fs_node *dir, int fd,
                        mode_t type, mode_t mode, dev_t rdev, struct stat *st);
/*
 * A create that failed after the host object was made: remove `name` from
 * dir again, if it still names the inode made_fd is open on (made_fd -1:
 * no fd was opened on it; remove the name).
 */
void fuse_new_node_undo(int dir_fd, const char *name, int made_fd, mode_t type);
