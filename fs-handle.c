/* The handle table: a growable slot array with generations. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs-handle.h"

#define SLOT_LIMIT (1u << 24) /* far above any fd budget */

void fs_handle_table_init(struct fs_handle_table *t, struct fs_fd_budget *fds)
{
    memset(t, 0, sizeof(*t));
    t->fds = fds;
}

static bool slot_live(const struct fs_handle *h)
{
    return h->gen & 1;
}

static void slot_close(struct fs_handle_table *t, struct fs_handle *h)
{
    if (h->dir) {
        closedir(h->dir);
        fs_fd_budget_give(t->fds);
    } else {
        fs_fd_budget_close(t->fds, h->fd);
    }
    free(h->pending);
    h->pending = NULL;
    h->dir = NULL;
    h->fd = -1;
    h->gen++; /* even: free; the next use gets a new odd generation */
    t->used--;
}

void fs_handle_table_free(struct fs_handle_table *t)
{
    for (uint32_t i = 0; i < t->cap; i++) {
        if (slot_live(&t->slots[i]))
            slot_close(t, &t->slots[i]);
    }
    free(t->slots);
    t->slots = NULL;
    t->cap = t->used = t->free_head = 0;
}

static int grow(struct fs_handle_table *t)
{
    uint32_t cap = t->cap ? t->cap * 2 : 64;
    if (cap > SLOT_LIMIT)
        return -ENOMEM;
    struct fs_handle *slots = realloc(t->slots, cap * sizeof(*slots));
    if (!slots)
        return -ENOMEM;
    for (uint32_t i = t->cap; i < cap; i++) {
        slots[i] = (struct fs_handle){.fd = -1};
        slots[i].next_free = i + 1 < cap ? i + 2 : t->free_head;
    }
    t->free_head = t->cap + 1;
    t->slots = slots;
    t->cap = cap;
    return 0;
}

int fs_handle_add(struct fs_handle_table *t, int fd, DIR *dir, uint64_t *fh)
{
    struct fs_dir_entry *pending = NULL;
    if (dir)
        pending = malloc(sizeof(*pending));
    if ((dir && !pending) || (!t->free_head && grow(t) < 0)) {
        free(pending);
        if (dir) {
            closedir(dir);
            fs_fd_budget_give(t->fds);
        } else {
            fs_fd_budget_close(t->fds, fd);
        }
        return -ENOMEM;
    }
    uint32_t index = t->free_head - 1;
    struct fs_handle *h = &t->slots[index];
    t->free_head = h->next_free;
    h->gen++;
    h->fd = fd;
    h->dir = dir;
    h->dir_at = 0;
    h->pending = pending;
    h->has_pending = false;
    t->used++;
    *fh = (uint64_t)h->gen << 32 | index;
    return 0;
}

struct fs_handle *fs_handle_get(struct fs_handle_table *t, uint64_t fh,
                                bool want_dir)
{
    uint32_t index = (uint32_t)fh, gen = (uint32_t)(fh >> 32);
    if (index >= t->cap)
        return NULL;
    struct fs_handle *h = &t->slots[index];
    if (!slot_live(h) || h->gen != gen || (h->dir != NULL) != want_dir)
        return NULL;
    return h;
}

int fs_handle_sync(struct fs_handle_table *t, uint64_t fh, bool want_dir,
                   bool datasync)
{
    struct fs_handle *h = fs_handle_get(t, fh, want_dir);
    if (!h)
        return -EBADF;
    return (datasync ? fdatasync(h->fd) : fsync(h->fd)) < 0 ? -errno : 0;
}

bool fs_handle_release(struct fs_handle_table *t, uint64_t fh, bool want_dir)
{
    struct fs_handle *h = fs_handle_get(t, fh, want_dir);
    if (!h)
        return false;
    slot_close(t, h);
    h->next_free = t->free_head;
    t->free_head = (uint32_t)(h - t->slots) + 1;
    return true;
}
