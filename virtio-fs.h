/*
 * virtio-fs (device id 26): a virtio device that carries FUSE requests to
 * the FUSE server (fuse.h) serving one shared directory. Its callers need
 * only the share's options (fs-share.h), not the server's API.
 */
#pragma once

#include <stddef.h>

#include "fs-share.h"
#include "virtio.h"

/* NULL with a one-line reason on a bad share. */
struct virtio_device *virtio_fs_new(const struct fs_share_options *share,
                                    char *err, size_t err_len);
/*
 * Give the device a DAX window (host-window.h, owned by the caller and
 * outliving the device): shared-memory region 0, mapped by SETUPMAPPING.
 */
void virtio_fs_set_window(struct virtio_device *dev,
                          struct host_window *window);
/*
 * Serve the requests on a share thread (virtio-fs-thread.h, owned by the
 * caller and outliving the device) instead of inside the queue notify.
 * Not with a DAX window: its mappings change what the harts may cache.
 */
struct share_thread;
void virtio_fs_set_thread(struct virtio_device *dev,
                          struct share_thread *thread);
