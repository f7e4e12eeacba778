/*
 * Split virtqueues (virtio 1.x, section 2.7), device side.
 *
 * Every device type shares this module. The driver's rings live in guest
 * RAM and are untrusted: vq_setup() checks their placement once, and
 * vq_pop() turns one descriptor chain into iovecs over guest RAM, checking
 * every address, length, index and flag on the way. A malformed chain
 * makes vq_pop() fail with -EINVAL; the transport then asks the driver for
 * a reset (DEVICE_NEEDS_RESET).
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <sys/uio.h>

#include "ram.h"

/* Largest queue any device may offer; the spec allows up to 32768. */
#define VQ_MAX_SIZE 1024

struct vq_chain {
    uint16_t head;     /* id to hand back in the used ring */
    unsigned readable; /* iov[0 .. readable-1]: the driver's request */
    unsigned writable; /* iov[readable ..]: room for the device's reply */
    uint64_t readable_len, writable_len; /* byte totals of each part */
    struct iovec iov[VQ_MAX_SIZE];
};

struct virtqueue {
    const struct guest_ram *ram;
    uint16_t size;      /* power of two */
    bool event_idx;     /* VIRTIO_F_RING_EVENT_IDX negotiated */
    bool indirect;      /* VIRTIO_F_RING_INDIRECT_DESC negotiated */
    uint64_t desc_addr; /* guest address of the descriptor table */
    /* Host views of the rings, valid for `size` entries (checked once). */
    uint8_t *desc, *avail, *used;
    uint16_t last_avail;     /* next avail entry to consume (free running) */
    uint16_t used_idx;       /* next used entry to fill (free running) */
    uint16_t signalled_used; /* used_idx when we last decided to signal */
    uint16_t batch_left;     /* chains vq_pop may still take, see below */
};

/* Ring placement as the driver wrote it to the transport's registers. */
struct vq_layout {
    uint16_t size;
    uint64_t desc, avail, used;
};

/*
 * Check the layout against guest RAM and the limits (size a power of two
 * no bigger than max_size, rings aligned and inside RAM) and start the
 * queue empty. Returns 0 or -EINVAL.
 */
int vq_setup(struct virtqueue *vq, const struct guest_ram *ram,
             const struct vq_layout *layout, uint16_t max_size, bool event_idx,
             bool indirect);

/*
 * Start a batch: vq_pop takes at most `size` chains until the next call.
 * A driver cannot have more than that available, so nothing legitimate is
 * held back; but replies land in guest RAM, and a guest that aims them at
 * its own avail ring could otherwise keep a batch going forever.
 */
void vq_begin_batch(struct virtqueue *vq);

/*
 * Take the next available chain. Returns 1 with *chain filled, 0 when the
 * ring is empty or the batch is used up, -EINVAL when the driver broke the ring
 * protocol (nothing is consumed then).
 */
int vq_pop(struct virtqueue *vq, struct vq_chain *chain);

/* Return a chain to the driver, `len` bytes written into its buffers. */
void vq_push(struct virtqueue *vq, const struct vq_chain *chain, uint32_t len);

/*
 * Whether the driver wants an interrupt for what was pushed since the last
 * call (honours VIRTQ_AVAIL_F_NO_INTERRUPT, or used_event with EVENT_IDX).
 */
bool vq_should_signal(struct virtqueue *vq);
