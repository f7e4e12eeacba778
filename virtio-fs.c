/*
 * virtio-fs (virtio 1.2, section 5.11): a FUSE transport.
 *
 * Queue 0 (hiprio) carries FORGET and BATCH_FORGET, queue 1 the other
 * requests. Each chain is one FUSE request: fuse_in_header and arguments
 * in the device-readable buffers, room for fuse_out_header and the reply
 * in the device-writable ones. The FUSE server works directly on iovecs
 * into guest RAM, so file data is never copied through a bounce buffer.
 *
 * With a DAX window (virtio_fs_set_window), shared-memory region 0 (the
 * cache) is that window, and SETUPMAPPING/REMOVEMAPPING map file ranges
 * into it; a device reset takes every mapping out again.
 */
#include <endian.h>
#include <linux/virtio_fs.h>
#include <linux/virtio_ids.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuse.h"
#include "host-window.h"
#include "virtio-fs-thread.h"
#include "virtio-fs.h"
#include "virtqueue.h"

#define FS_QUEUE_SIZE     256 /* Linux sizes READ/WRITE to queue size - 4 */
#define FS_REQUEST_QUEUES 1

struct virtio_fs {
    struct virtio_device vdev;
    struct fuse_server *server;
    struct virtio_fs_config config;
    char tag[sizeof(((struct virtio_fs_config){0}).tag) + 1];
    struct vq_chain chain;       /* scratch for the chain being served */
    struct host_window *window;  /* DAX cache, or NULL */
    uint64_t serve_ns;           /* host time spent serving requests */
    struct share_thread *thread; /* serves the requests, or NULL: inline */
};

static struct virtio_fs *to_fs(struct virtio_device *vdev)
{
    return (struct virtio_fs *)((char *)vdev -
                                offsetof(struct virtio_fs, vdev));
}

static const void *fs_config(struct virtio_device *vdev)
{
    return &to_fs(vdev)->config;
}

/* Serve every available request, in order; the transport signals once. */
static int fs_queue_notify(struct virtio_device *vdev, unsigned index,
                           struct virtqueue *vq)
{
    struct virtio_fs *fs = to_fs(vdev);
    struct vq_chain *c = &fs->chain;
    int got;

    (void)index; /* both queue kinds carry FUSE requests */
    if (fs->thread) {
        for (;;) {
            c = share_thread_slot(fs->thread);
            if ((got = vq_pop(vq, c)) <= 0)
                return got;
            share_thread_submit(fs->thread, fs->server, vq, &fs->serve_ns);
        }
    }
    while ((got = vq_pop(vq, c)) > 0)
        vq_push(vq, c, share_serve(fs->server, c, &fs->serve_ns));
    return got;
}

static bool fs_shm_region(struct virtio_device *vdev, uint32_t id,
                          uint64_t *base, uint64_t *len)
{
    struct virtio_fs *fs = to_fs(vdev);
    if (id != VIRTIO_FS_SHMCAP_ID_CACHE || !fs->window)
        return false;
    *base = fs->window->base;
    *len = fs->window->size;
    return true;
}

/* Chains in flight name the queues: they go back before the queues change. */
static void fs_drain(struct virtio_device *vdev)
{
    share_thread_drain(to_fs(vdev)->thread);
}

static void fs_reset(struct virtio_device *vdev)
{
    struct virtio_fs *fs = to_fs(vdev);
    if (fs->window)
        host_window_unmap_all(fs->window);
}

static void fs_free(struct virtio_device *vdev)
{
    struct virtio_fs *fs = to_fs(vdev);
    fuse_server_free(fs->server);
    free(fs);
}

/*
 * Its server's table sizes, request counts and the host time spent serving
 * them (what the guest waited for outside its own code), one line each.
 */
static void fs_print_stats(struct virtio_device *vdev, FILE *out)
{
    struct virtio_fs *fs = to_fs(vdev);
    struct fuse_server_stats st;
    fuse_server_stats(fs->server, &st);
    fprintf(out,
            "semu: share %s: %zu nodes, %zu open handles, %u host fds\n"
            "semu: share %s: %s\n"
            "semu: share %s: %.3f s serving requests\n",
            fs->tag, st.nodes, st.handles, st.fds, fs->tag, st.requests,
            fs->tag, (double)fs->serve_ns / 1e9);
}

static const struct virtio_device_ops fs_ops = {
    .device_id = VIRTIO_ID_FS,
    .features = 0,
    .num_queues = 1 + FS_REQUEST_QUEUES,
    .queue_max = FS_QUEUE_SIZE,
    .config_size = sizeof(struct virtio_fs_config),
    .config = fs_config,
    .queue_notify = fs_queue_notify,
    .shm_region = fs_shm_region,
    .drain = fs_drain,
    .reset = fs_reset,
    .free = fs_free,
    .print_stats = fs_print_stats,
};

struct virtio_device *virtio_fs_new(const struct fs_share_options *share,
                                    char *err, size_t err_len)
{
    const char *tag = share->tag ? share->tag : "";
    size_t tag_len = strlen(tag);

    if (tag_len == 0 || tag_len > sizeof(((struct virtio_fs_config){0}).tag)) {
        snprintf(err, err_len, "virtio-fs tag must be 1 to %zu bytes: '%s'",
                 sizeof(((struct virtio_fs_config){0}).tag), tag);
        return NULL;
    }
    struct virtio_fs *fs = calloc(1, sizeof *fs);
    if (!fs) {
        snprintf(err, err_len, "virtio-fs: out of memory");
        return NULL;
    }
    fs->server = fuse_server_new(share, err, err_len);
    if (!fs->server) {
        free(fs);
        return NULL;
    }
    fs->vdev.ops = &fs_ops;
    memcpy(fs->config.tag, tag, tag_len); /* NUL padded by calloc */
    memcpy(fs->tag, tag, tag_len);
    fs->config.num_request_queues = htole32(FS_REQUEST_QUEUES);
    return &fs->vdev;
}

void virtio_fs_set_thread(struct virtio_device *vdev,
                          struct share_thread *thread)
{
    to_fs(vdev)->thread = thread;
}

void virtio_fs_set_window(struct virtio_device *vdev,
                          struct host_window *window)
{
    struct virtio_fs *fs = to_fs(vdev);
    fs->window = window;
    fuse_server_set_window(fs->server, window);
}
