/*
 * A host fd's link under /proc/self/fd: what reopens an O_PATH fd for I/O
 * or names it to the calls that refuse O_PATH fds (xattrs, fchmodat).
 * fs_fd_link() for the *at calls; fs_fd_path() for those that take only
 * a path (the xattr calls).
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#define FS_FD_PATH_MAX 32 /* "/proc/self/fd/" and any int */

static inline void fs_fd_path(int fd, char *buf, size_t len)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}

/*
 * The link as a directory fd and a name: "N" under a /proc/self/fd held
 * open costs about a third less than the whole path, which has procfs look
 * up "self" and "fd" each time (~1.4 us a call on the development VM);
 * CREATE, OPEN and the confinement check each take one or two. Without
 * that directory, the whole path from AT_FDCWD.
 */
struct fs_fd_link {
    int dir;
    char name[FS_FD_PATH_MAX];
};
void fs_fd_link(int fd, struct fs_fd_link *link);
