/*
 * The handle table: the guest's file handles (fh) are opaque numbers, a
 * slot index plus that slot's generation, checked on every use. A handle
 * released or never given finds nothing; host fds never reach the guest.
 */
#pragma once

#include <dirent.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

#include "fs-fd-budget.h"

/* A directory entry read from the host but not yet sent to the guest. */
struct fs_dir_entry {
    uint64_t ino, off; /* off: the cookie of the entry after it */
    unsigned char type;
    char name[NAME_MAX + 1];
};

struct fs_handle {
    int fd;          /* the open file, or dirfd(dir) */
    DIR *dir;        /* directories only */
    uint64_t dir_at; /* READDIR offset the listing is at */
    /* The entry at dir_at when it did not fit the last reply. */
    struct fs_dir_entry *pending;
    bool has_pending;
    uint32_t gen; /* odd while in use */
    uint32_t next_free;
};

struct fs_handle_table {
    struct fs_handle *slots;
    uint32_t cap, used;
    uint32_t free_head; /* index + 1 of a free slot, 0 if none */
    struct fs_fd_budget *fds;
};

void fs_handle_table_init(struct fs_handle_table *t, struct fs_fd_budget *fds);
/* Close every handle (DESTROY) and free the table. */
void fs_handle_table_free(struct fs_handle_table *t);

/*
 * Keep an open fd (claimed in the budget) or a DIR; on success *fh is the
 * guest's handle. On -ENOMEM the fd/DIR is closed.
 */
int fs_handle_add(struct fs_handle_table *t, int fd, DIR *dir, uint64_t *fh);
/* NULL unless fh is live and of the wanted kind (directory or file). */
struct fs_handle *fs_handle_get(struct fs_handle_table *t, uint64_t fh,
                                bool want_dir);
/* fsync (fdatasync with datasync) fh's fd: 0, -EBADF or -errno. */
int fs_handle_sync(struct fs_handle_table *t, uint64_t fh, bool want_dir,
                   bool datasync);
/* Close and forget fh; false if it was not live. */
bool fs_handle_release(struct fs_handle_table *t, uint64_t fh, bool want_dir);
