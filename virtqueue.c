/*
 * Split virtqueues, device side: ring checks, chain walking, used ring.
 *
 * Layout of the driver's rings (all little endian, virtio 1.x 2.7):
 *   descriptor table  16 * size, 16-byte aligned
 *   avail ring        flags, idx, ring[size], used_event   (2-byte aligned)
 *   used ring         flags, idx, {id, len}[size], avail_event (4-byte)
 * The event fields exist only with VIRTIO_F_RING_EVENT_IDX.
 *
 * semu runs devices on the same thread as the harts, so the guest never
 * touches the rings while we do; the acquire/release accesses and fences
 * keep the protocol's ordering explicit all the same.
 */
#include <endian.h>
#include <errno.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "virtqueue.h"

#define DESC_SIZE 16u

static uint16_t load16(const uint8_t *p)
{
    uint16_t v;
    memcpy(&v, p, sizeof v);
    return le16toh(v);
}

static void store16(uint8_t *p, uint16_t v)
{
    v = htole16(v);
    memcpy(p, &v, sizeof v);
}

static void store32(uint8_t *p, uint32_t v)
{
    v = htole32(v);
    memcpy(p, &v, sizeof v);
}

/* Ring indices are 2-byte aligned (checked in vq_setup). */
static uint16_t load16_acquire(const uint8_t *p)
{
    return le16toh(__atomic_load_n((const uint16_t *)p, __ATOMIC_ACQUIRE));
}

static void store16_release(uint8_t *p, uint16_t v)
{
    __atomic_store_n((uint16_t *)p, htole16(v), __ATOMIC_RELEASE);
}

/* Host view of [addr, addr+len) if it is wholly in RAM and aligned. */
static uint8_t *ring_ptr(const struct guest_ram *ram, uint64_t addr,
                         uint64_t len, uint64_t align)
{
    if (addr & (align - 1))
        return NULL;
    return guest_ram_ptr(ram, addr, len);
}

int vq_setup(struct virtqueue *vq, const struct guest_ram *ram,
             const struct vq_layout *layout, uint16_t max_size, bool event_idx,
             bool indirect)
{
    uint64_t n = layout->size;
    uint64_t event = event_idx ? 2 : 0;

    if (n == 0 || (n & (n - 1)) || n > max_size || n > VQ_MAX_SIZE)
        return -EINVAL;
    uint8_t *desc = ring_ptr(ram, layout->desc, DESC_SIZE * n, 16);
    uint8_t *avail = ring_ptr(ram, layout->avail, 4 + 2 * n + event, 2);
    uint8_t *used = ring_ptr(ram, layout->used, 4 + 8 * n + event, 4);
    if (!desc || !avail || !used)
        return -EINVAL;

    *vq = (struct virtqueue){
        .ram = ram,
        .size = n,
        .event_idx = event_idx,
        .indirect = indirect,
        .desc = desc,
        .avail = avail,
        .used = used,
    };
    return 0;
}

struct desc {
    uint64_t addr;
    uint32_t len;
    uint16_t flags, next;
};

static struct desc read_desc(const uint8_t *table, uint16_t i)
{
    struct vring_desc raw;
    memcpy(&raw, table + (size_t)i * DESC_SIZE, sizeof raw);
    return (struct desc){
        .addr = le64toh(raw.addr),
        .len = le32toh(raw.len),
        .flags = le16toh(raw.flags),
        .next = le16toh(raw.next),
    };
}

/* Add one buffer to the chain; readable ones must all come first. */
static int chain_add(const struct virtqueue *vq, struct vq_chain *chain,
                     const struct desc *d)
{
    if (d->len == 0)
        return -EINVAL;
    void *host = guest_ram_ptr(vq->ram, d->addr, d->len);
    if (!host)
        return -EINVAL;

    unsigned n = chain->readable + chain->writable;
    if (n >= VQ_MAX_SIZE)
        return -EINVAL;
    chain->iov[n] = (struct iovec){.iov_base = host, .iov_len = d->len};
    if (d->flags & VRING_DESC_F_WRITE) {
        chain->writable++;
        if (__builtin_add_overflow(chain->writable_len, d->len,
                                   &chain->writable_len))
            return -EINVAL;
    } else {
        if (chain->writable)
            return -EINVAL;
        chain->readable++;
        if (__builtin_add_overflow(chain->readable_len, d->len,
                                   &chain->readable_len))
            return -EINVAL;
    }
    return 0;
}

/*
 * Walk the chain starting at `head`. At most `size` descriptors are read
 * from any one table, which bounds the walk even when `next` loops.
 */
static int walk_chain(const struct virtqueue *vq, uint16_t head,
                      struct vq_chain *chain)
{
    const uint8_t *table = vq->desc;
    unsigned table_size = vq->size;
    unsigned walked = 0;
    bool in_indirect = false;
    uint16_t i = head;

    /* Field by field: the iov array is large and need not be cleared. */
    chain->head = head;
    chain->readable = chain->writable = 0;
    chain->readable_len = chain->writable_len = 0;
    if (head >= vq->size)
        return -EINVAL;
    for (;;) {
        if (walked++ >= table_size)
            return -EINVAL; /* loop, or chain longer than the queue */
        struct desc d = read_desc(table, i);

        if (d.flags & VRING_DESC_F_INDIRECT) {
            /* One level only, never chained, a whole number of entries. */
            if (!vq->indirect || in_indirect || (d.flags & VRING_DESC_F_NEXT) ||
                d.len == 0 || d.len % DESC_SIZE || d.len / DESC_SIZE > vq->size)
                return -EINVAL;
            table = guest_ram_ptr(vq->ram, d.addr, d.len);
            if (!table)
                return -EINVAL;
            table_size = d.len / DESC_SIZE;
            walked = 0;
            in_indirect = true;
            i = 0;
            continue;
        }
        int err = chain_add(vq, chain, &d);
        if (err)
            return err;
        if (!(d.flags & VRING_DESC_F_NEXT))
            return 0;
        if (d.next >= table_size)
            return -EINVAL;
        i = d.next;
    }
}

/* Tell an EVENT_IDX driver which avail index should make it notify us. */
static void publish_avail_event(struct virtqueue *vq)
{
    if (vq->event_idx)
        store16(vq->used + 4 + 8 * (size_t)vq->size, vq->last_avail);
}

/* Entries the driver made available that we have not consumed, or -1. */
static int pending(const struct virtqueue *vq)
{
    uint16_t n = load16_acquire(vq->avail + 2) - vq->last_avail;
    return n > vq->size ? -1 : n;
}

void vq_begin_batch(struct virtqueue *vq)
{
    vq->batch_left = vq->size;
}

int vq_pop(struct virtqueue *vq, struct vq_chain *chain)
{
    if (vq->batch_left == 0)
        return 0;
    int n = pending(vq);
    if (n == 0 && vq->event_idx) {
        /* Ask for a kick, then look again: the driver may have raced. */
        publish_avail_event(vq);
        __atomic_thread_fence(__ATOMIC_SEQ_CST);
        n = pending(vq);
    }
    if (n <= 0)
        return n < 0 ? -EINVAL : 0;

    size_t slot = vq->last_avail & (vq->size - 1);
    uint16_t head = load16(vq->avail + 4 + 2 * slot);
    int err = walk_chain(vq, head, chain);
    if (err)
        return err;
    vq->last_avail++;
    vq->batch_left--;
    return 1;
}

void vq_push(struct virtqueue *vq, const struct vq_chain *chain, uint32_t len)
{
    if (len > chain->writable_len)
        len = chain->writable_len;
    uint8_t *elem = vq->used + 4 + 8 * (size_t)(vq->used_idx & (vq->size - 1));
    store32(elem, chain->head);
    store32(elem + 4, len);
    /* The element must be visible before the index that publishes it. */
    vq->used_idx++;
    store16_release(vq->used + 2, vq->used_idx);
}

bool vq_should_signal(struct virtqueue *vq)
{
    uint16_t old = vq->signalled_used, now = vq->used_idx;

    vq->signalled_used = now;
    if (old == now)
        return false;
    /* Our used idx store must be ordered before reading the driver's wish. */
    __atomic_thread_fence(__ATOMIC_SEQ_CST);
    if (!vq->event_idx)
        return !(load16(vq->avail) & VRING_AVAIL_F_NO_INTERRUPT);
    uint16_t used_event = load16(vq->avail + 4 + 2 * (size_t)vq->size);
    /* Signal if used_event lies in (old, now], modulo 2^16. */
    return (uint16_t)(now - used_event - 1) < (uint16_t)(now - old);
}
