/*
 * virtio: the MMIO transport (version 2) shared by every virtio device,
 * and the devices built on it.
 *
 * Wiring, as the machine does it for each slot:
 *   struct virtio_device *dev = virtio_fs_new(&share, err, sizeof err);
 *   struct virtio_mmio *mmio = virtio_mmio_new(ram, irq, dev);
 *   bus_register(bus, base, VIRTIO_MMIO_SLOT_SIZE, mmio,
 *                virtio_mmio_read, virtio_mmio_write, WIDTH_1 | WIDTH_2 |
 * WIDTH_4);
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "fuse.h"
#include "ram.h"

struct virtio_device;
struct virtio_mmio;
struct virtqueue;

/*
 * What a device type tells the transport about itself. Devices embed a
 * struct virtio_device and recover their own state with container_of.
 */
struct virtio_device_ops {
    uint32_t device_id; /* VIRTIO_ID_* */
    uint64_t features;  /* device-type bits; the transport adds its own */
    unsigned num_queues;
    uint16_t queue_max; /* QueueNumMax for every queue, <= VQ_MAX_SIZE */
    /* Config space as little-endian bytes, config_size long. */
    size_t config_size;
    const void *(*config)(struct virtio_device *dev);
    /*
     * The driver notified queue `index`: consume what it made available.
     * Returns 0, or -errno when the driver broke the ring protocol; the
     * transport then sets DEVICE_NEEDS_RESET and stops the device.
     */
    int (*queue_notify)(struct virtio_device *dev, unsigned index,
                        struct virtqueue *vq);
    /*
     * Shared-memory region `id` (virtio 1.2, 2.10): its guest physical
     * base and length. false (or no callback) when there is no such
     * region. Optional.
     */
    bool (*shm_region)(struct virtio_device *dev, uint32_t id, uint64_t *base,
                       uint64_t *len);
    /* The driver reset the device (every queue is already stopped). */
    void (*reset)(struct virtio_device *dev);
    void (*free)(struct virtio_device *dev);
};

struct virtio_device {
    const struct virtio_device_ops *ops;
};

/* Frees the device through ops->free. NULL is fine. */
void virtio_device_free(struct virtio_device *dev);

/* Takes ownership of dev, also when it fails (NULL: out of memory). */
struct virtio_mmio *virtio_mmio_new(struct guest_ram *ram, struct irq_line irq,
                                    struct virtio_device *dev);
/* Frees the transport and the device it carries. */
void virtio_mmio_free(struct virtio_mmio *mmio);
bool virtio_mmio_read(void *mmio, uint64_t offset, unsigned bytes,
                      uint64_t *value);
bool virtio_mmio_write(void *mmio, uint64_t offset, unsigned bytes,
                       uint64_t value);

/* virtio-fs (device id 26). NULL with a one-line reason on a bad share. */
struct virtio_device *virtio_fs_new(const struct fs_share_options *share,
                                    char *err, size_t err_len);
/*
 * Give the device a DAX window (host-window.h, owned by the caller and
 * outliving the device): shared-memory region 0, mapped by SETUPMAPPING.
 */
struct host_window;
void virtio_fs_set_window(struct virtio_device *dev,
                          struct host_window *window);
/* The share's tag and its server's table sizes (for SEMU_STATS). */
const char *virtio_fs_tag(struct virtio_device *dev);
void virtio_fs_stats(struct virtio_device *dev,
                     struct fuse_server_stats *stats);
