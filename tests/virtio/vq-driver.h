/*
 * The driver side of virtio-mmio, for tests that have no guest.
 *
 * A vqd owns a fake guest RAM (mmap'd, based at VQD_RAM_BASE with inaccessible
 * guard pages on both sides, so any access outside it crashes the test under
 * ASan or not), talks to a device through virtio_mmio_read/write in the
 * order Linux's virtio_mmio driver does, lays out split rings in that RAM
 * and builds descriptor chains there. The device's irq line is recorded.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ram.h"
#include "virtio.h"

#define VQD_MAX_QUEUES 4
#define VQD_MAX_CHAIN  64            /* buffers in one vqd_request */
#define VQD_RAM_BASE   0x80000000ull /* where the machine puts RAM */

struct vqd_queue {
    uint16_t size;
    uint64_t desc, avail, used; /* guest addresses */
    uint16_t avail_idx;         /* next avail idx the driver publishes */
    uint16_t last_used;         /* next used entry the driver reads */
    uint16_t next_desc;         /* descriptors are handed out round robin */
};

struct vqd {
    struct guest_ram ram;
    void *mapping;
    size_t mapping_len;
    uint64_t heap; /* next free guest address (bump allocator) */
    struct virtio_mmio *mmio;
    bool irq_level;
    unsigned irq_raised; /* low-to-high transitions seen */
    uint64_t features;   /* negotiated */
    struct vqd_queue q[VQD_MAX_QUEUES];
    /* Called after each notify: a device that completes chains later
     * (a share thread) finishes them here. Optional. */
    void (*after_notify)(struct vqd *d);
};

/* A buffer of a chain: guest address and length. */
struct vqd_buf {
    uint64_t addr;
    uint32_t len;
};

/* RAM of ram_size bytes and a transport around dev. Returns 0 or -1. */
int vqd_init(struct vqd *d, size_t ram_size, struct virtio_device *dev);
void vqd_free(struct vqd *d);

/* Registers (32-bit) and config space (1, 2 or 4 bytes). */
uint32_t vqd_read(struct vqd *d, uint64_t offset);
void vqd_write(struct vqd *d, uint64_t offset, uint32_t value);
bool vqd_read_config(struct vqd *d, uint64_t offset, unsigned bytes,
                     uint64_t *value);

/*
 * Reset, ACKNOWLEDGE, DRIVER, read features, accept `wanted` & offered,
 * FEATURES_OK and check it stuck. Returns 0 or -1.
 */
int vqd_negotiate(struct vqd *d, uint64_t wanted);
/* Allocate rings of `size` entries in RAM and set the queue ready. */
int vqd_setup_queue(struct vqd *d, unsigned index, uint16_t size);
/* The same with rings where the caller wants them. */
int vqd_setup_queue_at(struct vqd *d, unsigned index, uint16_t size,
                       uint64_t desc, uint64_t avail, uint64_t used);
void vqd_driver_ok(struct vqd *d);
/* The three steps above for `queues` queues of `size`. */
int vqd_start(struct vqd *d, uint64_t wanted, unsigned queues, uint16_t size);

/* Guest memory: bump allocation, host view, fill. */
uint64_t vqd_alloc(struct vqd *d, uint64_t len, uint64_t align);
void *vqd_ptr(struct vqd *d, uint64_t addr, uint64_t len);

/* Write descriptor i of a table at table_addr (for hand-made chains). */
void vqd_set_desc(struct vqd *d, uint64_t table_addr, uint16_t i, uint64_t addr,
                  uint32_t len, uint16_t flags, uint16_t next);
/* Put head into the avail ring and bump avail idx (no notify). */
void vqd_publish(struct vqd *d, unsigned qi, uint16_t head);
/* Overwrite the avail idx the device sees (for malformed-ring tests). */
void vqd_set_avail_idx(struct vqd *d, unsigned qi, uint16_t idx);

/*
 * Build a chain from `readable` then `writable` buffers on fresh
 * descriptors, publish it and return its head. indirect: put the chain in
 * an indirect table allocated in RAM instead.
 */
uint16_t vqd_add_chain(struct vqd *d, unsigned qi, const struct vqd_buf *bufs,
                       unsigned readable, unsigned writable, bool indirect);
void vqd_notify(struct vqd *d, unsigned qi);

/*
 * One whole exchange, for tests that care about payloads rather than
 * rings: each readable iovec is copied into a guest buffer of its own,
 * each writable iovec gets a guest buffer of its size, one descriptor per
 * buffer (in an indirect table if asked). After the notify the writable
 * buffers are copied back into the iovecs. The guest buffers are freed
 * again. Returns the used length, or -1 if the chain did not come back.
 */
long vqd_request(struct vqd *d, unsigned qi, const struct iovec *readable,
                 unsigned nr, const struct iovec *writable, unsigned nw,
                 bool indirect);
/* Next used element, if the device produced one. */
bool vqd_get_used(struct vqd *d, unsigned qi, uint32_t *id, uint32_t *len);
/* Read and acknowledge InterruptStatus; returns what was pending. */
uint32_t vqd_ack(struct vqd *d);
bool vqd_needs_reset(struct vqd *d);
