/*
 * The virtio-mmio transport, version 2 (virtio 1.x, section 4.2.2).
 *
 * One transport serves every device type: it owns the registers, feature
 * negotiation, the device status, the virtqueues and the interrupt line,
 * and calls the device only through its virtio_device_ops.
 *
 * Queue registers are staged per queue and only turned into a live
 * virtqueue, after checking, when the driver sets QueueReady.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdlib.h>

#include "virtio.h"
#include "virtqueue.h"

#define MMIO_MAGIC  0x74726976 /* "virt" */
#define MMIO_VENDOR 0x554d4553 /* "SEMU" */

/* Features the transport itself implements for every device. */
#define TRANSPORT_FEATURES                                                     \
    ((1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_RING_F_INDIRECT_DESC) |    \
     (1ull << VIRTIO_RING_F_EVENT_IDX))

struct mmio_queue {
    struct vq_layout layout; /* as the driver wrote it */
    bool ready;
    struct virtqueue vq; /* live only while ready */
};

struct virtio_mmio {
    struct guest_ram *ram;
    struct irq_line irq;
    struct virtio_device *dev;
    uint64_t device_features;
    uint64_t driver_features;
    uint32_t device_features_sel, driver_features_sel;
    uint32_t queue_sel;
    uint32_t shm_sel;
    uint32_t status;
    uint32_t interrupt_status;
    struct mmio_queue queues[];
};

static bool has_feature(const struct virtio_mmio *m, unsigned bit)
{
    return m->driver_features & (1ull << bit);
}

static void update_irq(struct virtio_mmio *m)
{
    irq_set(&m->irq, m->interrupt_status != 0);
}

static void interrupt(struct virtio_mmio *m, uint32_t why)
{
    m->interrupt_status |= why;
    update_irq(m);
}

/* The driver broke the protocol: stop and ask it for a reset. */
static void needs_reset(struct virtio_mmio *m)
{
    if (m->status & VIRTIO_CONFIG_S_NEEDS_RESET)
        return;
    m->status |= VIRTIO_CONFIG_S_NEEDS_RESET;
    for (unsigned i = 0; i < m->dev->ops->num_queues; i++)
        m->queues[i].ready = false;
    if (m->status & VIRTIO_CONFIG_S_DRIVER_OK)
        interrupt(m, VIRTIO_MMIO_INT_CONFIG);
}

static void drain(struct virtio_mmio *m)
{
    if (m->dev->ops->drain)
        m->dev->ops->drain(m->dev);
}

static void reset(struct virtio_mmio *m)
{
    drain(m);
    m->driver_features = 0;
    m->device_features_sel = m->driver_features_sel = 0;
    m->queue_sel = 0;
    m->shm_sel = 0;
    m->status = 0;
    m->interrupt_status = 0;
    for (unsigned i = 0; i < m->dev->ops->num_queues; i++)
        m->queues[i] = (struct mmio_queue){0};
    update_irq(m);
    if (m->dev->ops->reset)
        m->dev->ops->reset(m->dev);
}

struct virtio_mmio *virtio_mmio_new(struct guest_ram *ram, struct irq_line irq,
                                    struct virtio_device *dev)
{
    if (!dev)
        return NULL;
    const struct virtio_device_ops *ops = dev->ops;
    struct virtio_mmio *m = NULL;
    if (ops->queue_max && ops->queue_max <= VQ_MAX_SIZE &&
        !(ops->queue_max & (ops->queue_max - 1)) && ops->num_queues)
        m = calloc(1, sizeof *m + ops->num_queues * sizeof m->queues[0]);
    if (!m) {
        virtio_device_free(dev); /* ours either way: callers need not care */
        return NULL;
    }
    m->ram = ram;
    m->irq = irq;
    m->dev = dev;
    m->device_features = ops->features | TRANSPORT_FEATURES;
    reset(m);
    return m;
}

void virtio_mmio_free(struct virtio_mmio *m)
{
    if (!m)
        return;
    virtio_device_free(m->dev);
    free(m);
}

void virtio_device_free(struct virtio_device *dev)
{
    if (dev && dev->ops->free)
        dev->ops->free(dev);
}

void virtio_device_print_stats(struct virtio_device *dev, FILE *out)
{
    if (dev->ops->print_stats)
        dev->ops->print_stats(dev, out);
}

static struct mmio_queue *selected_queue(struct virtio_mmio *m)
{
    if (m->queue_sel >= m->dev->ops->num_queues)
        return NULL;
    return &m->queues[m->queue_sel];
}

/*
 * The ring address registers of a queue: a LOW and a HIGH half 4 bytes
 * apart. The field offset names, NULL for any other register.
 */
static uint64_t *queue_address(struct mmio_queue *q, uint64_t offset)
{
    _Static_assert(
        VIRTIO_MMIO_QUEUE_DESC_HIGH == VIRTIO_MMIO_QUEUE_DESC_LOW + 4 &&
            VIRTIO_MMIO_QUEUE_AVAIL_HIGH == VIRTIO_MMIO_QUEUE_AVAIL_LOW + 4 &&
            VIRTIO_MMIO_QUEUE_USED_HIGH == VIRTIO_MMIO_QUEUE_USED_LOW + 4,
        "each HIGH half follows its LOW half");
    switch (offset & ~4ull) {
    case VIRTIO_MMIO_QUEUE_DESC_LOW:
        return &q->layout.desc;
    case VIRTIO_MMIO_QUEUE_AVAIL_LOW:
        return &q->layout.avail;
    case VIRTIO_MMIO_QUEUE_USED_LOW:
        return &q->layout.used;
    }
    return NULL;
}

static bool high_half(uint64_t offset)
{
    return offset & 4;
}

/* The selected queue's registers; 0 for any other offset. */
static uint32_t read_queue_reg(struct virtio_mmio *m, uint64_t offset)
{
    struct mmio_queue *q = selected_queue(m);
    if (!q)
        return 0; /* QueueNumMax 0: no such queue */
    uint64_t *address = queue_address(q, offset);
    if (address)
        return high_half(offset) ? *address >> 32 : (uint32_t)*address;
    switch (offset) {
    case VIRTIO_MMIO_QUEUE_NUM_MAX:
        return m->dev->ops->queue_max;
    case VIRTIO_MMIO_QUEUE_NUM:
        return q->layout.size;
    case VIRTIO_MMIO_QUEUE_READY:
        return q->ready;
    }
    return 0;
}

/* SHMLen/SHMBase of the selected region; a length of ~0 means none. */
static uint32_t read_shm_reg(struct virtio_mmio *m, uint64_t offset)
{
    uint64_t base = 0, len = ~0ull;
    const struct virtio_device_ops *ops = m->dev->ops;
    if (!ops->shm_region || !ops->shm_region(m->dev, m->shm_sel, &base, &len))
        base = 0, len = ~0ull;
    switch (offset) {
    case VIRTIO_MMIO_SHM_LEN_LOW:
        return (uint32_t)len;
    case VIRTIO_MMIO_SHM_LEN_HIGH:
        return (uint32_t)(len >> 32);
    case VIRTIO_MMIO_SHM_BASE_LOW:
        return (uint32_t)base;
    default:
        return (uint32_t)(base >> 32);
    }
}

static uint32_t read_reg(struct virtio_mmio *m, uint64_t offset)
{
    switch (offset) {
    case VIRTIO_MMIO_MAGIC_VALUE:
        return MMIO_MAGIC;
    case VIRTIO_MMIO_VERSION:
        return 2;
    case VIRTIO_MMIO_DEVICE_ID:
        return m->dev->ops->device_id;
    case VIRTIO_MMIO_VENDOR_ID:
        return MMIO_VENDOR;
    case VIRTIO_MMIO_DEVICE_FEATURES:
        if (m->device_features_sel > 1)
            return 0;
        return m->device_features >> (32 * m->device_features_sel);
    case VIRTIO_MMIO_INTERRUPT_STATUS:
        return m->interrupt_status;
    case VIRTIO_MMIO_STATUS:
        return m->status;
    case VIRTIO_MMIO_CONFIG_GENERATION:
        return 0; /* no device here ever changes its config space */
    case VIRTIO_MMIO_SHM_LEN_LOW:
    case VIRTIO_MMIO_SHM_LEN_HIGH:
    case VIRTIO_MMIO_SHM_BASE_LOW:
    case VIRTIO_MMIO_SHM_BASE_HIGH:
        return read_shm_reg(m, offset);
    }
    return read_queue_reg(m, offset); /* 0 if write-only or reserved */
}

static void set_half(uint64_t *v, bool high, uint32_t half)
{
    if (high)
        *v = (*v & 0xffffffffull) | (uint64_t)half << 32;
    else
        *v = (*v & ~0xffffffffull) | half;
}

static void queue_ready(struct virtio_mmio *m, struct mmio_queue *q,
                        uint32_t value)
{
    if (!value) {
        q->ready = false;
        return;
    }
    if (q->ready)
        return;
    if (vq_setup(&q->vq, m->ram, &q->layout, m->dev->ops->queue_max,
                 has_feature(m, VIRTIO_RING_F_EVENT_IDX),
                 has_feature(m, VIRTIO_RING_F_INDIRECT_DESC)) < 0) {
        needs_reset(m); /* rings outside RAM, misaligned, bad size */
        return;
    }
    q->ready = true;
}

/* The selected queue's registers; any other offset is ignored. */
static void write_queue_reg(struct virtio_mmio *m, uint64_t offset,
                            uint32_t value)
{
    struct mmio_queue *q = selected_queue(m);
    if (!q)
        return;
    if (offset == VIRTIO_MMIO_QUEUE_READY) {
        queue_ready(m, q, value);
        return;
    }
    if (q->ready)
        return; /* the spec forbids changing a live queue; ignore */
    uint64_t *address = queue_address(q, offset);
    if (address)
        set_half(address, high_half(offset), value);
    else if (offset == VIRTIO_MMIO_QUEUE_NUM)
        q->layout.size = value > UINT16_MAX ? 0 : value;
}

/* Accept FEATURES_OK only for a subset of our offer that includes 1.0. */
static bool features_acceptable(const struct virtio_mmio *m)
{
    return !(m->driver_features & ~m->device_features) &&
           has_feature(m, VIRTIO_F_VERSION_1);
}

static void write_status(struct virtio_mmio *m, uint32_t value)
{
    if (value == 0) {
        reset(m);
        return;
    }
    value &= 0xff;
    if ((value & VIRTIO_CONFIG_S_FEATURES_OK) &&
        !(m->status & VIRTIO_CONFIG_S_FEATURES_OK) && !features_acceptable(m))
        value &= ~VIRTIO_CONFIG_S_FEATURES_OK;
    /* NEEDS_RESET is the device's to set; only a reset clears it. */
    m->status = (value & ~VIRTIO_CONFIG_S_NEEDS_RESET) |
                (m->status & VIRTIO_CONFIG_S_NEEDS_RESET);
}

static void notify(struct virtio_mmio *m, uint32_t index)
{
    /* Only a driver that completed negotiation may use the queues. */
    const uint32_t live =
        VIRTIO_CONFIG_S_FEATURES_OK | VIRTIO_CONFIG_S_DRIVER_OK;
    if (index >= m->dev->ops->num_queues || !m->queues[index].ready ||
        (m->status & (live | VIRTIO_CONFIG_S_NEEDS_RESET)) != live)
        return; /* nothing to do for a queue that is not running */
    struct virtqueue *vq = &m->queues[index].vq;
    vq_begin_batch(vq);
    int err = m->dev->ops->queue_notify(m->dev, index, vq);
    /* Chains completed before a broken one are still the driver's. */
    if (vq_should_signal(vq))
        interrupt(m, VIRTIO_MMIO_INT_VRING);
    if (err < 0)
        needs_reset(m);
}

void virtio_mmio_signal(struct virtio_mmio *m)
{
    if (!m)
        return;
    for (unsigned i = 0; i < m->dev->ops->num_queues; i++)
        if (m->queues[i].ready && vq_should_signal(&m->queues[i].vq))
            interrupt(m, VIRTIO_MMIO_INT_VRING);
}

static void write_reg(struct virtio_mmio *m, uint64_t offset, uint32_t value)
{
    /* Notifies and acks leave the queues as they are; the rest may not. */
    if (offset != VIRTIO_MMIO_QUEUE_NOTIFY &&
        offset != VIRTIO_MMIO_INTERRUPT_ACK)
        drain(m);
    switch (offset) {
    case VIRTIO_MMIO_DEVICE_FEATURES_SEL:
        m->device_features_sel = value;
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES:
        /* Frozen once FEATURES_OK is set; words past 64 bits are 0. */
        if (m->status & VIRTIO_CONFIG_S_FEATURES_OK)
            break;
        if (m->driver_features_sel < 2)
            set_half(&m->driver_features, m->driver_features_sel, value);
        break;
    case VIRTIO_MMIO_DRIVER_FEATURES_SEL:
        m->driver_features_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_SEL:
        m->queue_sel = value;
        break;
    case VIRTIO_MMIO_SHM_SEL:
        m->shm_sel = value;
        break;
    case VIRTIO_MMIO_QUEUE_NOTIFY:
        notify(m, value);
        break;
    case VIRTIO_MMIO_INTERRUPT_ACK:
        m->interrupt_status &= ~value;
        update_irq(m);
        break;
    case VIRTIO_MMIO_STATUS:
        write_status(m, value);
        break;
    default:
        /* Read-only and reserved registers ignore writes. */
        write_queue_reg(m, offset, value);
    }
}

/* Registers are 32-bit wide and aligned; anything else faults. */
static bool is_register_access(uint64_t offset, unsigned bytes)
{
    return bytes == 4 && !(offset & 3);
}

bool virtio_mmio_read(void *opaque, uint64_t offset, unsigned bytes,
                      uint64_t *value)
{
    struct virtio_mmio *m = opaque;

    if (offset < VIRTIO_MMIO_CONFIG) {
        if (!is_register_access(offset, bytes))
            return false;
        *value = read_reg(m, offset);
        return true;
    }
    /* Config space: 1, 2 or 4 bytes, naturally aligned, little endian. */
    uint64_t at = offset - VIRTIO_MMIO_CONFIG;
    size_t size = m->dev->ops->config_size;
    if ((bytes != 1 && bytes != 2 && bytes != 4) || (at & (bytes - 1)) ||
        at >= size || bytes > size - at)
        return false;
    const uint8_t *config = m->dev->ops->config(m->dev);
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++)
        v |= (uint64_t)config[at + i] << (8 * i);
    *value = v;
    return true;
}

bool virtio_mmio_write(void *opaque, uint64_t offset, unsigned bytes,
                       uint64_t value)
{
    struct virtio_mmio *m = opaque;

    if (offset < VIRTIO_MMIO_CONFIG) {
        if (!is_register_access(offset, bytes))
            return false;
        write_reg(m, offset, (uint32_t)value);
        return true;
    }
    /* No device here has writable config: writes are dropped. */
    return true;
}
