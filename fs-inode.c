/* The node table, hashed both by node id and by host (st_dev, st_ino). */
#include <fcntl.h>
#include <linux/fuse.h>
#include <stdlib.h>
#include <string.h>

#include "fs-inode.h"

static struct fs_node *node_new(struct fs_inode_table *t, uint64_t id, int fd,
                                const struct stat *st)
{
    struct fs_node *node = calloc(1, sizeof(*node));
    if (!node)
        return NULL;
    node->id = id;
    node->key.dev = st->st_dev;
    node->key.ino = st->st_ino;
    node->fd = fd;
    node->type = st->st_mode & S_IFMT;
    HASH_ADD(by_id, t->by_id, id, sizeof(node->id), node);
    HASH_ADD(by_key, t->by_key, key, sizeof(node->key), node);
    t->count++;
    return node;
}

static void node_free(struct fs_inode_table *t, struct fs_node *node)
{
    HASH_DELETE(by_id, t->by_id, node);
    HASH_DELETE(by_key, t->by_key, node);
    fd_budget_close(t->fds, node->fd);
    free(node);
    t->count--;
}

int fs_inodes_init(struct fs_inode_table *t, struct fs_fd_budget *fds,
                   int root_fd)
{
    struct stat st;
    memset(t, 0, sizeof(*t));
    t->fds = fds;
    t->next_id = FUSE_ROOT_ID + 1;
    if (fstat(root_fd, &st) < 0)
        return -errno;
    t->root = node_new(t, FUSE_ROOT_ID, root_fd, &st);
    if (!t->root)
        return -ENOMEM;
    t->root->nlookup = 1;
    return 0;
}

void fs_inodes_reset(struct fs_inode_table *t)
{
    struct fs_node *node, *tmp;
    HASH_ITER(by_id, t->by_id, node, tmp)
    {
        if (node != t->root)
            node_free(t, node);
    }
    t->root->nlookup = 1;
}

void fs_inodes_free(struct fs_inode_table *t)
{
    if (!t->root)
        return;
    fs_inodes_reset(t);
    node_free(t, t->root);
    t->root = NULL;
}

struct fs_node *fs_inode_find(struct fs_inode_table *t, uint64_t id)
{
    struct fs_node *node;
    HASH_FIND(by_id, t->by_id, &id, sizeof(id), node);
    return node;
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
    if (node) {
        fd_budget_close(t->fds, fd);
    } else {
        node = node_new(t, t->next_id, fd, st);
        if (!node) {
            fd_budget_close(t->fds, fd);
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
