/*
 * security=mapped: the guest's view of an inode's owner, group, mode
 * (type included) and device number, kept in FUSE_MAPPED_XATTR.
 */
#pragma once

#include "fuse-state.h"

#define FUSE_MAPPED_XATTR     "user.containers.override_stat"
#define FUSE_MAPPED_FILE_MODE 0600 /* host modes: the server's user's alone */
#define FUSE_MAPPED_DIR_MODE  0700

static inline bool fuse_mapped_on(const struct fuse_server *srv)
{
    return srv->opts.security == FS_SECURITY_MAPPED;
}
/* The attribute's name: hidden from the guest in every mode. */
bool fuse_mapped_name(const char *name);
/*
 * The mapping of fd's inode (any fd, O_PATH too); host is its fstat. 0,
 * or -ENODATA with the host's view in *m when it has none (or -errno).
 * With node (fd's), it comes from the node's copy while the host ctime
 * is the one it was read at: any change to the attribute moves ctime.
 */
int fuse_mapped_get(struct fs_node *node, int fd, const struct stat *host,
                    struct fs_mapped_attr *m);
/* Write the mapping; the node's copy, if any, is dropped. */
int fuse_mapped_set(struct fuse_server *srv, int fd,
                    const struct fs_mapped_attr *m);
/* On a mapped share, st (node's fstat) as the guest sees it. */
void fuse_mapped_stat(const struct fuse_server *srv, struct fs_node *node,
                      struct stat *st);
/* mode after a chown: setuid goes, setgid too if group-executable. */
mode_t fuse_mapped_kill_suidgid(mode_t mode);
