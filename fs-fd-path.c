/* fs_fd_link(): names in one /proc/self/fd held for the whole run. */
#define _GNU_SOURCE
#include <fcntl.h>

#include "fs-fd-path.h"

void fs_fd_link(int fd, struct fs_fd_link *link)
{
    static int proc_fd_dir = -2; /* -2: not opened yet; -1: none */
    if (proc_fd_dir == -2)
        proc_fd_dir = open("/proc/self/fd", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (proc_fd_dir < 0) {
        link->dir = AT_FDCWD;
        fs_fd_path(fd, link->name, sizeof(link->name));
        return;
    }
    link->dir = proc_fd_dir;
    snprintf(link->name, sizeof(link->name), "%d", fd);
}
