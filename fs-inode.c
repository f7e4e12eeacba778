/*
 * The node table, hashed both by node id and by host (st_dev, st_ino),
 * with an LRU list of the node fds that may be closed for the fd budget.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs-fd-path.h"
#include "fs-inode.h"

static void lru_unlink(struct fs_inode_table *t, struct fs_node *node)
{
    if (node->lru_prev)
        node->lru_prev->lru_next = node->lru_next;
    else if (t->lru_head == node)
        t->lru_head = node->lru_next;
    if (node->lru_next)
        node->lru_next->lru_prev = node->lru_prev;
    else if (t->lru_tail == node)
        t->lru_tail = node->lru_prev;
    node->lru_prev = node->lru_next = NULL;
}

/* Mark node's fd used by this request; closable ones go to the front. */
static void touch(struct fs_inode_table *t, struct fs_node *node)
{
    node->used_in = t->request;
    if (!t->handles || node->pinned || t->lru_head == node)
        return;
    lru_unlink(t, node);
    node->lru_next = t->lru_head;
    if (t->lru_head)
        t->lru_head->lru_prev = node;
    t->lru_head = node;
    if (!t->lru_tail)
        t->lru_tail = node;
}

/* The file handle of fd's inode, if it can be reopened on the share. */
static struct file_handle *handle_of(struct fs_inode_table *t, int fd)
{
    struct {
        struct file_handle fh;
        unsigned char bytes[MAX_HANDLE_SZ];
    } h = {.fh.handle_bytes = MAX_HANDLE_SZ};
    int mount_id;

    if (!t->handles ||
        name_to_handle_at(fd, "", &h.fh, &mount_id, AT_EMPTY_PATH) < 0 ||
        mount_id != t->mount_id)
        return NULL;
    size_t size = sizeof(h.fh) + h.fh.handle_bytes;
    struct file_handle *fh = malloc(size);
    if (fh)
        memcpy(fh, &h, size);
    return fh;
}

/*
 * Close the least recently used node fd not in use by this request, after
 * taking its file handle; a node without one keeps its fd for good.
 */
static bool reclaim_fd(void *ctx)
{
    struct fs_inode_table *t = ctx;
    for (;;) {
        struct fs_node *node = t->lru_tail;
        if (!node || node->used_in == t->request)
            return false;
        lru_unlink(t, node);
        if (!node->handle && !(node->handle = handle_of(t, node->fd))) {
            node->pinned = true;
            continue;
        }
        fs_fd_budget_close(t->fds, node->fd);
        node->fd = -1;
        return true;
    }
}

static bool same_handle(const struct file_handle *a,
                        const struct file_handle *b)
{
    return a && b && a->handle_type == b->handle_type &&
           a->handle_bytes == b->handle_bytes &&
           memcmp(a->f_handle, b->f_handle, a->handle_bytes) == 0;
}

static struct fs_node *node_new(struct fs_inode_table *t, uint64_t id, int fd,
                                const struct stat *st,
                                struct file_handle *handle)
{
    struct fs_node *node = calloc(1, sizeof(*node));
    if (!node)
        return NULL;
    node->id = id;
    node->key.dev = st->st_dev;
    node->key.ino = st->st_ino;
    node->fd = fd;
    node->type = st->st_mode & S_IFMT;
    node->handle = handle;
    node->keyed = true;
    HASH_ADD(by_id, t->by_id, id, sizeof(node->id), node);
    HASH_ADD(by_key, t->by_key, key, sizeof(node->key), node);
    t->count++;
    touch(t, node);
    return node;
}

/* The inode number now names another inode: keep the node, unkeyed. */
static void unkey(struct fs_inode_table *t, struct fs_node *node)
{
    if (node->keyed)
        HASH_DELETE(by_key, t->by_key, node);
    node->keyed = false;
}

static void node_free(struct fs_inode_table *t, struct fs_node *node)
{
    HASH_DELETE(by_id, t->by_id, node);
    unkey(t, node);
    lru_unlink(t, node);
    if (node->fd >= 0)
        fs_fd_budget_close(t->fds, node->fd);
    free(node->handle);
    free(node);
    t->count--;
}

/*
 * Whether closed node fds can be reopened: handles work on the share and
 * may be opened. On success *mount_fd is the share opened for
 * open_by_handle_at (which refuses O_PATH fds), claimed in the budget.
 */
static bool handles_work(struct fs_inode_table *t, int root_fd)
{
    struct {
        struct file_handle fh;
        unsigned char bytes[MAX_HANDLE_SZ];
    } h = {.fh.handle_bytes = MAX_HANDLE_SZ};
    char path[FS_FD_PATH_MAX];

    if (name_to_handle_at(root_fd, "", &h.fh, &t->mount_id, AT_EMPTY_PATH) <
            0 ||
        !fs_fd_budget_take(t->fds))
        return false;
    fs_fd_path(root_fd, path, sizeof(path));
    t->mount_fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    int fd = t->mount_fd < 0
                 ? -1
                 : open_by_handle_at(t->mount_fd, &h.fh, O_PATH | O_CLOEXEC);
    if (fd < 0) { /* EPERM: no CAP_DAC_READ_SEARCH */
        if (t->mount_fd >= 0)
            close(t->mount_fd);
        t->mount_fd = -1;
        fs_fd_budget_give(t->fds);
        return false;
    }
    close(fd);
    return true;
}

int fs_inode_table_init(struct fs_inode_table *t, struct fs_fd_budget *fds,
                        int root_fd)
{
    struct stat st;
    memset(t, 0, sizeof(*t));
    t->fds = fds;
    t->next_id = FUSE_ROOT_ID + 1;
    if (fstat(root_fd, &st) < 0)
        return -errno;
    t->mount_fd = -1;
    t->handles = handles_work(t, root_fd);
    /* The root's fd stays open: no handle, never reclaimed. */
    t->root = node_new(t, FUSE_ROOT_ID, root_fd, &st, NULL);
    if (!t->root)
        return -ENOMEM;
    t->root->pinned = true;
    lru_unlink(t, t->root);
    t->root->nlookup = 1;
    fds->reclaim = reclaim_fd;
    fds->reclaim_ctx = t;
    return 0;
}

void fs_inode_table_reset(struct fs_inode_table *t)
{
    struct fs_node *node, *tmp;
    HASH_ITER(by_id, t->by_id, node, tmp)
    {
        if (node != t->root)
            node_free(t, node);
    }
    t->root->nlookup = 1;
}

void fs_inode_table_free(struct fs_inode_table *t)
{
    if (!t->root)
        return;
    fs_inode_table_reset(t);
    node_free(t, t->root);
    t->root = NULL;
    if (t->mount_fd >= 0)
        fs_fd_budget_close(t->fds, t->mount_fd);
    t->mount_fd = -1;
    t->fds->reclaim = NULL;
}

void fs_inode_table_next_request(struct fs_inode_table *t)
{
    t->request++;
}

int fs_inode_open(struct fs_inode_table *t, struct fs_node *node)
{
    if (node->fd < 0) {
        if (!fs_fd_budget_take(t->fds))
            return -EMFILE;
        node->fd = open_by_handle_at(t->mount_fd, node->handle,
                                     O_PATH | O_NOFOLLOW | O_CLOEXEC);
        if (node->fd < 0) {
            int ret = errno == ENOENT ? -ESTALE : -errno;
            fs_fd_budget_give(t->fds);
            return ret;
        }
    }
    touch(t, node);
    return 0;
}

struct fs_node *fs_inode_find(struct fs_inode_table *t, uint64_t id)
{
    struct fs_node *node;
    HASH_FIND(by_id, t->by_id, &id, sizeof(id), node);
    return node;
}

struct fs_node *fs_inode_get(struct fs_inode_table *t, uint64_t id, int *err)
{
    struct fs_node *node = fs_inode_find(t, id);
    *err = node ? fs_inode_open(t, node) : -ESTALE;
    return *err ? NULL : node;
}

struct fs_node *fs_inode_find_stat(struct fs_inode_table *t,
                                   const struct stat *st)
{
    struct fs_node_key key;
    struct fs_node *node;

    memset(&key, 0, sizeof(key)); /* the hash covers padding bytes */
    key.dev = st->st_dev;
    key.ino = st->st_ino;
    HASH_FIND(by_key, t->by_key, &key, sizeof(key), node);
    return node;
}

struct fs_node *fs_inode_ref(struct fs_inode_table *t, int fd,
                             const struct stat *st)
{
    struct fs_node *node = fs_inode_find_stat(t, st);
    struct file_handle *handle = NULL;

    if (node && node->fd < 0) {
        /*
         * Its fd was closed, so the inode was not pinned: the number may
         * have been reused. The same handle means the same inode.
         */
        handle = handle_of(t, fd);
        if (same_handle(handle, node->handle)) {
            node->fd = fd; /* pinned again */
            fd = -1;
        } else {
            unkey(t, node);
            node = NULL;
        }
    }
    if (node) {
        free(handle);
        if (fd >= 0)
            fs_fd_budget_close(t->fds, fd);
        touch(t, node);
    } else {
        /* An inode seen before under a node whose fd was closed keeps
         * the handle just taken; a new one gets it if its fd closes. */
        node = node_new(t, t->next_id, fd, st, handle);
        if (!node) {
            free(handle);
            fs_fd_budget_close(t->fds, fd);
            return NULL;
        }
        t->next_id++;
    }
    node->nlookup++;
    return node;
}

void fs_inode_forget(struct fs_inode_table *t, struct fs_node *node, uint64_t n)
{
    if (node == t->root)
        return;
    node->nlookup = n < node->nlookup ? node->nlookup - n : 0;
    if (node->nlookup == 0)
        node_free(t, node);
}
