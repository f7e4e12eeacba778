/*
 * A share as the user gives it (-s DIR,...): what the FUSE server's API
 * (fuse.h) takes and what every part of the server reads its options from.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

enum fs_cache_mode { FS_CACHE_AUTO = 0, FS_CACHE_NEVER, FS_CACHE_ALWAYS };
/* Where the guest's owners and modes live: the host inode, or an xattr. */
enum fs_security { FS_SECURITY_PASSTHROUGH = 0, FS_SECURITY_MAPPED };

struct fs_share_options {
    const char *dir; /* host directory to share */
    const char *tag; /* virtio-fs tag, e.g. "myfs" */
    bool read_only;  /* every modifying request gets EROFS */
    enum fs_cache_mode cache;
    enum fs_security security;
    unsigned max_fds; /* host fds the server may hold; 0 = default */
    bool root; /* the guest boots with it as / (main.c, not the server) */
    uint64_t dax_size; /* bytes of DAX window (-s DIR,dax=SIZE); 0 = none */
};
