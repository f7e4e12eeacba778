/*
 * A host fd's path under /proc/self/fd: what reopens an O_PATH fd for I/O
 * or names it to the calls that refuse O_PATH fds (xattrs, fchmodat).
 */
#pragma once

#include <stddef.h>
#include <stdio.h>

#define FS_FD_PATH_MAX 32 /* "/proc/self/fd/" and any int */

static inline void fs_fd_path(int fd, char *buf, size_t len)
{
    snprintf(buf, len, "/proc/self/fd/%d", fd);
}
