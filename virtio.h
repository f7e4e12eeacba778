/*
 * virtio: the MMIO transport (version 2) shared by every virtio device,
 * and the slots of the address map a transport sits in.
 *
 * A device fills in its virtio_device_ops (virtio-fs.h is one); the
 * machine puts it on a free struct virtio_slot, which gives the transport
 * its window on the bus and its interrupt (machine.c, attach_virtio).
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"
#include "host-window.h"
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
    /*
     * Finish every chain still in flight (a device that completes them
     * later): called before the queues or the status change, so that none
     * completes into a queue that is no longer the one it came from.
     * Optional.
     */
    void (*drain)(struct virtio_device *dev);
    /* The driver reset the device (every queue is already stopped). */
    void (*reset)(struct virtio_device *dev);
    void (*free)(struct virtio_device *dev);
    /* SEMU_STATS: a line or more about the device on out. Optional. */
    void (*print_stats)(struct virtio_device *dev, FILE *out);
};

struct virtio_device {
    const struct virtio_device_ops *ops;
};

/* Frees the device through ops->free. NULL is fine. */
void virtio_device_free(struct virtio_device *dev);
/* Its ops->print_stats, when it has one. */
void virtio_device_print_stats(struct virtio_device *dev, FILE *out);

/* Takes ownership of dev, also when it fails (NULL: out of memory). */
struct virtio_mmio *virtio_mmio_new(struct guest_ram *ram, struct irq_line irq,
                                    struct virtio_device *dev);
/* Frees the transport and the device it carries. */
void virtio_mmio_free(struct virtio_mmio *mmio);
bool virtio_mmio_read(void *mmio, uint64_t offset, unsigned bytes,
                      uint64_t *value);
bool virtio_mmio_write(void *mmio, uint64_t offset, unsigned bytes,
                       uint64_t value);
/*
 * The device completed chains outside a queue notify: interrupt the driver
 * if it wants one. NULL is fine.
 */
void virtio_mmio_signal(struct virtio_mmio *mmio);

/*
 * One virtio-mmio slot of the address map. The machine lays the slots out
 * (window, interrupt, and the DAX window of the device that will sit
 * there); fdt.c describes the occupied ones to the guest.
 */
struct virtio_slot {
    uint64_t base, size;      /* the transport's registers */
    unsigned irq;             /* its PLIC source */
    struct host_window shm;   /* the device's shared memory (host NULL: none) */
    struct virtio_mmio *mmio; /* NULL: the slot is empty */
    struct virtio_device *dev; /* what mmio carries (owned by it) */
};
