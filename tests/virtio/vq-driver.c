/* The driver side of virtio-mmio for guestless tests; see vq-driver.h. */
#include <endian.h>
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "vq-driver.h"

static void record_irq(void *opaque, unsigned line, bool level)
{
    struct vqd *d = opaque;
    (void)line;
    if (level && !d->irq_level)
        d->irq_raised++;
    d->irq_level = level;
}

int vqd_init(struct vqd *d, size_t ram_size, struct virtio_device *dev)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    ram_size = (ram_size + page - 1) & ~(page - 1);

    memset(d, 0, sizeof *d);
    d->mapping_len = ram_size + 2 * page;
    d->mapping = mmap(NULL, d->mapping_len, PROT_NONE,
                      MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (d->mapping == MAP_FAILED)
        return -1;
    uint8_t *host = (uint8_t *)d->mapping + page;
    if (mprotect(host, ram_size, PROT_READ | PROT_WRITE) < 0)
        return -1;
    d->ram = (struct guest_ram){
        .host = host, .base = VQD_RAM_BASE, .size = ram_size};
    d->heap = VQD_RAM_BASE;
    struct irq_line irq = {.set_level = record_irq, .opaque = d, .line = 1};
    d->mmio = virtio_mmio_new(&d->ram, irq, dev);
    return d->mmio ? 0 : -1;
}

void vqd_free(struct vqd *d)
{
    virtio_mmio_free(d->mmio);
    if (d->mapping && d->mapping != MAP_FAILED)
        munmap(d->mapping, d->mapping_len);
    memset(d, 0, sizeof *d);
}

uint32_t vqd_read(struct vqd *d, uint64_t offset)
{
    uint64_t v = 0xdeadbeef;
    if (!virtio_mmio_read(d->mmio, offset, 4, &v))
        return 0xdeadbeef;
    return (uint32_t)v;
}

void vqd_write(struct vqd *d, uint64_t offset, uint32_t value)
{
    virtio_mmio_write(d->mmio, offset, 4, value);
}

bool vqd_read_config(struct vqd *d, uint64_t offset, unsigned bytes,
                     uint64_t *value)
{
    return virtio_mmio_read(d->mmio, VIRTIO_MMIO_CONFIG + offset, bytes, value);
}

static void add_status(struct vqd *d, uint32_t bits)
{
    vqd_write(d, VIRTIO_MMIO_STATUS, vqd_read(d, VIRTIO_MMIO_STATUS) | bits);
}

int vqd_negotiate(struct vqd *d, uint64_t wanted)
{
    vqd_write(d, VIRTIO_MMIO_STATUS, 0);
    if (vqd_read(d, VIRTIO_MMIO_STATUS) != 0)
        return -1;
    memset(d->q, 0, sizeof d->q);
    add_status(d, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    add_status(d, VIRTIO_CONFIG_S_DRIVER);

    vqd_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint64_t offered = (uint64_t)vqd_read(d, VIRTIO_MMIO_DEVICE_FEATURES) << 32;
    vqd_write(d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    offered |= vqd_read(d, VIRTIO_MMIO_DEVICE_FEATURES);

    d->features = wanted & offered;
    vqd_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vqd_write(d, VIRTIO_MMIO_DRIVER_FEATURES, d->features >> 32);
    vqd_write(d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vqd_write(d, VIRTIO_MMIO_DRIVER_FEATURES, (uint32_t)d->features);
    add_status(d, VIRTIO_CONFIG_S_FEATURES_OK);
    if (!(vqd_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK))
        return -1;
    return 0;
}

uint64_t vqd_alloc(struct vqd *d, uint64_t len, uint64_t align)
{
    uint64_t addr = (d->heap + align - 1) & ~(align - 1);
    if (addr + len > d->ram.base + d->ram.size)
        abort(); /* a test asked for more RAM than it set up */
    d->heap = addr + len;
    memset(vqd_ptr(d, addr, len), 0, len);
    return addr;
}

void *vqd_ptr(struct vqd *d, uint64_t addr, uint64_t len)
{
    void *p = guest_ram_ptr(&d->ram, addr, len);
    if (!p)
        abort();
    return p;
}

static void write_queue_addr(struct vqd *d, uint64_t low, uint64_t addr)
{
    vqd_write(d, low, (uint32_t)addr);
    vqd_write(d, low + 4, addr >> 32);
}

int vqd_setup_queue(struct vqd *d, unsigned index, uint16_t size)
{
    uint64_t desc = vqd_alloc(d, 16ull * size, 16);
    uint64_t avail = vqd_alloc(d, 6 + 2ull * size, 2);
    uint64_t used = vqd_alloc(d, 6 + 8ull * size, 4);
    return vqd_setup_queue_at(d, index, size, desc, avail, used);
}

int vqd_setup_queue_at(struct vqd *d, unsigned index, uint16_t size,
                       uint64_t desc, uint64_t avail, uint64_t used)
{
    struct vqd_queue *q = &d->q[index];

    vqd_write(d, VIRTIO_MMIO_QUEUE_SEL, index);
    if (vqd_read(d, VIRTIO_MMIO_QUEUE_READY) != 0)
        return -1;
    uint32_t max = vqd_read(d, VIRTIO_MMIO_QUEUE_NUM_MAX);
    if (max == 0 || size > max)
        return -1;
    *q = (struct vqd_queue){
        .size = size, .desc = desc, .avail = avail, .used = used};
    memset(vqd_ptr(d, desc, 16ull * size), 0, 16ull * size);
    memset(vqd_ptr(d, avail, 6 + 2ull * size), 0, 6 + 2ull * size);
    memset(vqd_ptr(d, used, 6 + 8ull * size), 0, 6 + 8ull * size);
    vqd_write(d, VIRTIO_MMIO_QUEUE_NUM, size);
    write_queue_addr(d, VIRTIO_MMIO_QUEUE_DESC_LOW, q->desc);
    write_queue_addr(d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, q->avail);
    write_queue_addr(d, VIRTIO_MMIO_QUEUE_USED_LOW, q->used);
    vqd_write(d, VIRTIO_MMIO_QUEUE_READY, 1);
    return vqd_read(d, VIRTIO_MMIO_QUEUE_READY) == 1 ? 0 : -1;
}

void vqd_driver_ok(struct vqd *d)
{
    add_status(d, VIRTIO_CONFIG_S_DRIVER_OK);
}

int vqd_start(struct vqd *d, uint64_t wanted, unsigned queues, uint16_t size)
{
    if (vqd_negotiate(d, wanted) < 0)
        return -1;
    for (unsigned i = 0; i < queues; i++)
        if (vqd_setup_queue(d, i, size) < 0)
            return -1;
    vqd_driver_ok(d);
    return 0;
}

void vqd_set_desc(struct vqd *d, uint64_t table_addr, uint16_t i, uint64_t addr,
                  uint32_t len, uint16_t flags, uint16_t next)
{
    struct vring_desc desc = {
        .addr = htole64(addr),
        .len = htole32(len),
        .flags = htole16(flags),
        .next = htole16(next),
    };
    memcpy(vqd_ptr(d, table_addr + 16ull * i, 16), &desc, 16);
}

static void put16(struct vqd *d, uint64_t addr, uint16_t v)
{
    v = htole16(v);
    memcpy(vqd_ptr(d, addr, 2), &v, 2);
}

static uint16_t get16(struct vqd *d, uint64_t addr)
{
    uint16_t v;
    memcpy(&v, vqd_ptr(d, addr, 2), 2);
    return le16toh(v);
}

static uint32_t get32(struct vqd *d, uint64_t addr)
{
    uint32_t v;
    memcpy(&v, vqd_ptr(d, addr, 4), 4);
    return le32toh(v);
}

void vqd_publish(struct vqd *d, unsigned qi, uint16_t head)
{
    struct vqd_queue *q = &d->q[qi];
    put16(d, q->avail + 4 + 2ull * (q->avail_idx & (q->size - 1)), head);
    q->avail_idx++;
    put16(d, q->avail + 2, q->avail_idx);
}

void vqd_set_avail_idx(struct vqd *d, unsigned qi, uint16_t idx)
{
    d->q[qi].avail_idx = idx;
    put16(d, d->q[qi].avail + 2, idx);
}

uint16_t vqd_add_chain(struct vqd *d, unsigned qi, const struct vqd_buf *bufs,
                       unsigned readable, unsigned writable, bool indirect)
{
    struct vqd_queue *q = &d->q[qi];
    unsigned n = readable + writable;
    uint64_t table = q->desc;
    uint16_t first = 0;

    if (indirect) {
        table = vqd_alloc(d, 16ull * n, 16);
    } else {
        first = q->next_desc;
        q->next_desc = (q->next_desc + n) & (q->size - 1);
    }
    uint16_t tsize = indirect ? n : q->size;
    for (unsigned i = 0; i < n; i++) {
        uint16_t at = (first + i) % tsize;
        uint16_t flags = i >= readable ? VRING_DESC_F_WRITE : 0;
        if (i + 1 < n)
            flags |= VRING_DESC_F_NEXT;
        vqd_set_desc(d, table, at, bufs[i].addr, bufs[i].len, flags,
                     (at + 1) % tsize);
    }
    uint16_t head = first;
    if (indirect) {
        head = q->next_desc;
        q->next_desc = (q->next_desc + 1) & (q->size - 1);
        vqd_set_desc(d, q->desc, head, table, 16 * n, VRING_DESC_F_INDIRECT, 0);
    }
    vqd_publish(d, qi, head);
    return head;
}

void vqd_notify(struct vqd *d, unsigned qi)
{
    vqd_write(d, VIRTIO_MMIO_QUEUE_NOTIFY, qi);
    if (d->after_notify)
        d->after_notify(d);
}

bool vqd_get_used(struct vqd *d, unsigned qi, uint32_t *id, uint32_t *len)
{
    struct vqd_queue *q = &d->q[qi];
    if (get16(d, q->used + 2) == q->last_used)
        return false;
    uint64_t elem = q->used + 4 + 8ull * (q->last_used & (q->size - 1));
    *id = get32(d, elem);
    *len = get32(d, elem + 4);
    q->last_used++;
    return true;
}

uint32_t vqd_ack(struct vqd *d)
{
    uint32_t pending = vqd_read(d, VIRTIO_MMIO_INTERRUPT_STATUS);
    vqd_write(d, VIRTIO_MMIO_INTERRUPT_ACK, pending);
    return pending;
}

bool vqd_needs_reset(struct vqd *d)
{
    return vqd_read(d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_NEEDS_RESET;
}

long vqd_request(struct vqd *d, unsigned qi, const struct iovec *readable,
                 unsigned nr, const struct iovec *writable, unsigned nw,
                 bool indirect)
{
    struct vqd_buf bufs[VQD_MAX_CHAIN];
    uint64_t mark = d->heap;

    if (nr + nw > VQD_MAX_CHAIN || nr + nw == 0)
        abort(); /* a test asked for an impossible chain */
    for (unsigned i = 0; i < nr + nw; i++) {
        const struct iovec *v = i < nr ? &readable[i] : &writable[i - nr];
        bufs[i] = (struct vqd_buf){vqd_alloc(d, v->iov_len, 8), v->iov_len};
        if (i < nr)
            memcpy(vqd_ptr(d, bufs[i].addr, v->iov_len), v->iov_base,
                   v->iov_len);
    }
    uint16_t head = vqd_add_chain(d, qi, bufs, nr, nw, indirect);
    vqd_notify(d, qi);

    uint32_t id, len;
    bool used = vqd_get_used(d, qi, &id, &len) && id == head;
    for (unsigned i = 0; i < nw; i++)
        memcpy(writable[i].iov_base,
               vqd_ptr(d, bufs[nr + i].addr, writable[i].iov_len),
               writable[i].iov_len);
    d->heap = mark;
    return used ? (long)len : -1;
}
