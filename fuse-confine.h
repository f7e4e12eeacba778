/*
 * Changes stay inside the share: whether a node the guest holds still
 * lies under the share's root on the host.
 */
#pragma once

#include "fuse-state.h"

/*
 * Whether a node is still under the share: 0, or -ENOENT when the host
 * has moved it (or a directory above it) out, so that no change goes
 * through it.
 */
int fuse_confine_check(struct fuse_server *srv, struct fs_node *node);
/* The same for a node id, 0 when there is no such node (the op fails). */
int fuse_confine_check_id(struct fuse_server *srv, uint64_t nodeid);
/* Whether directory fd lies in the share: walking up ".." meets its root. */
bool fuse_confine_dir_inside(struct fuse_server *srv, int fd);
