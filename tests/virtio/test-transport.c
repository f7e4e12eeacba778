/*
 * virtio-mmio transport and split virtqueues, driven like Linux drives
 * them, with the echo test device behind: registers, handshake, config
 * space, chains (direct and indirect), interrupts and their suppression,
 * reset.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <string.h>

#include "echo-device.h"
#include "tests/check.h"
#include "vq-driver.h"

#define RAM_SIZE    (1u << 20)
#define F_VERSION_1 (1ull << VIRTIO_F_VERSION_1)
#define F_INDIRECT  (1ull << VIRTIO_RING_F_INDIRECT_DESC)
#define F_EVENT_IDX (1ull << VIRTIO_RING_F_EVENT_IDX)

static struct vqd d;
static struct echo_device echo;

static void start(uint64_t features)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_start(&d, features, ECHO_QUEUES, ECHO_QUEUE_MAX) == 0);
}

static void stop(void)
{
    vqd_free(&d);
    CHECK(echo.freed == 1); /* the transport frees its device */
}

static void test_identity(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_read(&d, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976);
    CHECK(vqd_read(&d, VIRTIO_MMIO_VERSION) == 2);
    CHECK(vqd_read(&d, VIRTIO_MMIO_DEVICE_ID) == ECHO_DEVICE_ID);
    CHECK(vqd_read(&d, VIRTIO_MMIO_VENDOR_ID) != 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_STATUS) == 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_CONFIG_GENERATION) == 0);
    /* No shared memory regions: length reads as all ones. */
    vqd_write(&d, VIRTIO_MMIO_SHM_SEL, 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_LOW) == 0xffffffff);
    CHECK(vqd_read(&d, VIRTIO_MMIO_SHM_LEN_HIGH) == 0xffffffff);

    /* Registers are 32-bit and aligned; other accesses fault. */
    uint64_t v;
    CHECK(!virtio_mmio_read(d.mmio, VIRTIO_MMIO_MAGIC_VALUE, 2, &v));
    CHECK(!virtio_mmio_read(d.mmio, VIRTIO_MMIO_MAGIC_VALUE + 1, 1, &v));
    CHECK(!virtio_mmio_read(d.mmio, VIRTIO_MMIO_VERSION + 2, 4, &v));
    CHECK(!virtio_mmio_write(d.mmio, VIRTIO_MMIO_STATUS, 1, 1));
    CHECK(vqd_read(&d, VIRTIO_MMIO_STATUS) == 0);
    /* Writes to read-only registers change nothing. */
    vqd_write(&d, VIRTIO_MMIO_MAGIC_VALUE, 0);
    vqd_write(&d, VIRTIO_MMIO_DEVICE_ID, 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_MAGIC_VALUE) == 0x74726976);
    CHECK(vqd_read(&d, VIRTIO_MMIO_DEVICE_ID) == ECHO_DEVICE_ID);
    stop();
}

static void test_features(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    vqd_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 0);
    uint32_t low = vqd_read(&d, VIRTIO_MMIO_DEVICE_FEATURES);
    vqd_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 1);
    uint32_t high = vqd_read(&d, VIRTIO_MMIO_DEVICE_FEATURES);
    vqd_write(&d, VIRTIO_MMIO_DEVICE_FEATURES_SEL, 2);
    CHECK(vqd_read(&d, VIRTIO_MMIO_DEVICE_FEATURES) == 0);
    CHECK(low & (1u << ECHO_FEATURE_BIT));
    CHECK(low & F_INDIRECT);
    CHECK(low & F_EVENT_IDX);
    CHECK(high == 1); /* VIRTIO_F_VERSION_1 is bit 32 */

    /* A driver without VERSION_1 is refused. */
    CHECK(vqd_negotiate(&d, F_INDIRECT) == -1);
    CHECK(!(vqd_read(&d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK));

    /* Accepting a feature that was not offered is refused. */
    vqd_write(&d, VIRTIO_MMIO_STATUS, 0);
    vqd_write(&d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    vqd_write(&d, VIRTIO_MMIO_STATUS,
              VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 1);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, 1);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, 1u << 5);
    vqd_write(&d, VIRTIO_MMIO_STATUS,
              VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                  VIRTIO_CONFIG_S_FEATURES_OK);
    CHECK(vqd_read(&d, VIRTIO_MMIO_STATUS) ==
          (VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER));

    /* A proper subset with VERSION_1 is accepted, then frozen. */
    CHECK(vqd_negotiate(&d, F_VERSION_1 | (1u << ECHO_FEATURE_BIT)) == 0);
    CHECK(d.features == (F_VERSION_1 | (1u << ECHO_FEATURE_BIT)));
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, 0xffffffff);
    vqd_write(&d, VIRTIO_MMIO_STATUS, vqd_read(&d, VIRTIO_MMIO_STATUS));
    CHECK(vqd_read(&d, VIRTIO_MMIO_STATUS) & VIRTIO_CONFIG_S_FEATURES_OK);
    stop();
}

static void test_config(void)
{
    uint64_t v = 0;
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_read_config(&d, 0, 4, &v) && v == (ECHO_CONFIG & 0xffffffff));
    CHECK(vqd_read_config(&d, 4, 4, &v) && v == ECHO_CONFIG >> 32);
    CHECK(vqd_read_config(&d, 2, 2, &v) && v == 0x89ab);
    CHECK(vqd_read_config(&d, 7, 1, &v) && v == 0x01);
    CHECK(vqd_read_config(&d, 0, 1, &v) && v == 0xef);
    /* Past the end, straddling it, or misaligned: the access faults. */
    CHECK(!vqd_read_config(&d, 8, 1, &v));
    CHECK(!vqd_read_config(&d, 6, 4, &v));
    CHECK(!vqd_read_config(&d, 1, 2, &v));
    CHECK(!vqd_read_config(&d, 0xefc, 4, &v));
    /* Writes to this read-only config space are dropped. */
    CHECK(virtio_mmio_write(d.mmio, VIRTIO_MMIO_CONFIG, 4, 0));
    CHECK(vqd_read_config(&d, 0, 1, &v) && v == 0xef);
    stop();
}

static void test_queue_registers(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_negotiate(&d, F_VERSION_1) == 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX) == ECHO_QUEUE_MAX);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_NUM, 8);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x80001000);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_DESC_HIGH, 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, 0x80002000);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_USED_LOW, 0x80003000);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM) == 8);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_DESC_LOW) == 0x80001000);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_AVAIL_LOW) == 0x80002000);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_USED_LOW) == 0x80003000);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_USED_HIGH, 7);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_USED_HIGH) == 7);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_USED_HIGH, 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 1);
    /* A live queue's layout cannot be changed. */
    vqd_write(&d, VIRTIO_MMIO_QUEUE_NUM, 4);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_DESC_LOW, 0x80004000);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM) == 8);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_DESC_LOW) == 0x80001000);
    /* Queue 0 is independent of queue 1. */
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM) == 0);
    /* Queues past the device's count do not exist. */
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, ECHO_QUEUES);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM_MAX) == 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_READY, 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0);
    /* Disabling queue 1 works. */
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 1);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_READY, 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0);
    CHECK(!vqd_needs_reset(&d));
    stop();
}

/* Send `text` through queue qi in `pieces` readable buffers. */
static bool echo_roundtrip(unsigned qi, const char *text, unsigned pieces,
                           bool indirect)
{
    size_t len = strlen(text);
    struct vqd_buf bufs[8];
    size_t at = 0;
    for (unsigned i = 0; i < pieces; i++) {
        size_t n = i + 1 < pieces ? len / pieces : len - at;
        bufs[i].addr = vqd_alloc(&d, n, 1);
        bufs[i].len = n;
        memcpy(vqd_ptr(&d, bufs[i].addr, n), text + at, n);
        at += n;
    }
    /* Two writable buffers, the first deliberately short. */
    bufs[pieces] = (struct vqd_buf){vqd_alloc(&d, 3, 1), 3};
    bufs[pieces + 1] = (struct vqd_buf){vqd_alloc(&d, len, 1), len};
    uint16_t head = vqd_add_chain(&d, qi, bufs, pieces, 2, indirect);
    vqd_notify(&d, qi);

    uint32_t id, used_len;
    if (!vqd_get_used(&d, qi, &id, &used_len) || id != head || used_len != len)
        return false;
    char got[256];
    memcpy(got, vqd_ptr(&d, bufs[pieces].addr, 3), 3);
    memcpy(got + 3, vqd_ptr(&d, bufs[pieces + 1].addr, len - 3), len - 3);
    return memcmp(got, text, len) == 0;
}

static void test_echo(void)
{
    start(F_VERSION_1);
    CHECK(!d.irq_level);
    CHECK(echo_roundtrip(0, "hello, virtqueue", 3, false));
    CHECK(d.irq_level);
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_VRING);
    CHECK(vqd_ack(&d) == VIRTIO_MMIO_INT_VRING);
    CHECK(!d.irq_level);
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
    CHECK(echo_roundtrip(1, "second queue", 1, false));
    vqd_ack(&d);
    /* Enough requests to wrap the 16-entry rings several times. */
    bool all = true;
    for (int i = 0; i < 40; i++)
        all &= echo_roundtrip(0, "wrap around the ring", 2, false);
    CHECK(all);
    CHECK(echo.requests == 42);
    /* A chain with nothing writable is consumed with used length 0. */
    struct vqd_buf only = {vqd_alloc(&d, 4, 1), 4};
    uint16_t head = vqd_add_chain(&d, 0, &only, 1, 0, false);
    vqd_notify(&d, 0);
    uint32_t id, len;
    CHECK(vqd_get_used(&d, 0, &id, &len) && id == head && len == 0);
    CHECK(!vqd_needs_reset(&d));
    stop();
}

static void test_indirect(void)
{
    start(F_VERSION_1 | F_INDIRECT);
    CHECK(echo_roundtrip(0, "through an indirect table", 4, true));
    CHECK(echo_roundtrip(0, "and a direct one again", 2, false));
    CHECK(!vqd_needs_reset(&d));
    stop();
}

static void test_batch_and_suppression(void)
{
    start(F_VERSION_1);
    /* Three chains, one notify: three used elements, one interrupt. */
    struct vqd_buf bufs[2] = {{vqd_alloc(&d, 8, 1), 8},
                              {vqd_alloc(&d, 8, 1), 8}};
    for (int i = 0; i < 3; i++)
        vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    uint32_t id, len;
    int used = 0;
    while (vqd_get_used(&d, 0, &id, &len))
        used++;
    CHECK(used == 3);
    CHECK(d.irq_raised == 1);
    vqd_ack(&d);
    /* A notify with nothing new raises nothing. */
    vqd_notify(&d, 0);
    CHECK(d.irq_raised == 1 && !d.irq_level);
    /* VRING_AVAIL_F_NO_INTERRUPT: served, but no interrupt. */
    uint16_t flags = VRING_AVAIL_F_NO_INTERRUPT;
    memcpy(vqd_ptr(&d, d.q[0].avail, 2), &flags, 2);
    vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    CHECK(vqd_get_used(&d, 0, &id, &len) && len == 8);
    CHECK(d.irq_raised == 1 && !d.irq_level);
    stop();
}

static void test_event_idx(void)
{
    start(F_VERSION_1 | F_EVENT_IDX);
    struct vqd_queue *q = &d.q[0];
    uint64_t used_event = q->avail + 4 + 2 * q->size;
    uint64_t avail_event = q->used + 4 + 8 * q->size;
    struct vqd_buf bufs[2] = {{vqd_alloc(&d, 8, 1), 8},
                              {vqd_alloc(&d, 8, 1), 8}};
    uint16_t ev = 1; /* interrupt me when used idx passes 1 */
    memcpy(vqd_ptr(&d, used_event, 2), &ev, 2);

    vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    CHECK(d.irq_raised == 0); /* used idx 0 -> 1 does not pass 1 */
    uint16_t got;
    memcpy(&got, vqd_ptr(&d, avail_event, 2), 2);
    CHECK(got == 1); /* the device asks for a kick at avail idx 1 */

    vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    CHECK(d.irq_raised == 1); /* 1 -> 2 passes it */
    memcpy(&got, vqd_ptr(&d, avail_event, 2), 2);
    CHECK(got == 2);
    uint32_t id, len;
    CHECK(vqd_get_used(&d, 0, &id, &len) && vqd_get_used(&d, 0, &id, &len));
    stop();
}

static void test_reset(void)
{
    start(F_VERSION_1);
    CHECK(echo_roundtrip(0, "before reset", 1, false));
    CHECK(d.irq_level);
    unsigned resets = echo.resets;
    vqd_write(&d, VIRTIO_MMIO_STATUS, 0);
    CHECK(echo.resets == resets + 1);
    CHECK(vqd_read(&d, VIRTIO_MMIO_STATUS) == 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) == 0);
    CHECK(!d.irq_level);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0);
    CHECK(vqd_read(&d, VIRTIO_MMIO_QUEUE_NUM) == 0);
    /* Notifications before DRIVER_OK are not acted on. */
    CHECK(vqd_negotiate(&d, F_VERSION_1) == 0);
    CHECK(vqd_setup_queue(&d, 0, 8) == 0);
    struct vqd_buf bufs[2] = {{vqd_alloc(&d, 8, 1), 8},
                              {vqd_alloc(&d, 8, 1), 8}};
    vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    uint32_t id, len;
    CHECK(!vqd_get_used(&d, 0, &id, &len));
    vqd_driver_ok(&d);
    vqd_notify(&d, 0);
    CHECK(vqd_get_used(&d, 0, &id, &len) && len == 8);
    stop();
}

/* Free-running 16-bit ring indices wrap around; nothing may get lost. */
static void test_index_wrap(void)
{
    start(F_VERSION_1 | F_EVENT_IDX);
    struct vqd_buf bufs[2] = {{vqd_alloc(&d, 4, 1), 4},
                              {vqd_alloc(&d, 4, 1), 4}};
    unsigned served = 0;
    for (unsigned i = 0; i < 70000; i++) {
        memcpy(vqd_ptr(&d, bufs[0].addr, 4), &i, 4);
        uint16_t head = vqd_add_chain(&d, 0, bufs, 1, 1, false);
        vqd_notify(&d, 0);
        uint32_t id, len, got;
        memcpy(&got, vqd_ptr(&d, bufs[1].addr, 4), 4);
        if (vqd_get_used(&d, 0, &id, &len) && id == head && len == 4 &&
            got == i)
            served++;
    }
    CHECK(served == 70000);
    CHECK(d.q[0].avail_idx == (uint16_t)70000);
    CHECK(!vqd_needs_reset(&d));
    stop();
}

/* A driver that never reached FEATURES_OK cannot use the queues. */
static void test_no_features_ok(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    vqd_write(&d, VIRTIO_MMIO_STATUS, VIRTIO_CONFIG_S_ACKNOWLEDGE);
    vqd_write(&d, VIRTIO_MMIO_STATUS,
              VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER);
    CHECK(vqd_setup_queue(&d, 0, 8) == 0);
    vqd_write(&d, VIRTIO_MMIO_STATUS,
              VIRTIO_CONFIG_S_ACKNOWLEDGE | VIRTIO_CONFIG_S_DRIVER |
                  VIRTIO_CONFIG_S_DRIVER_OK);
    struct vqd_buf bufs[2] = {{vqd_alloc(&d, 8, 1), 8},
                              {vqd_alloc(&d, 8, 1), 8}};
    vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    uint32_t id, len;
    CHECK(!vqd_get_used(&d, 0, &id, &len) && echo.requests == 0);
    stop();
}

/* A device the transport cannot carry is refused, and still freed. */
static unsigned odd_freed;

static void odd_free(struct virtio_device *dev)
{
    (void)dev;
    odd_freed++;
}

static void test_bad_device(void)
{
    static const struct virtio_device_ops odd_ops = {
        .device_id = ECHO_DEVICE_ID,
        .num_queues = 1,
        .queue_max = 12, /* not a power of two */
        .free = odd_free,
    };
    struct virtio_device odd = {.ops = &odd_ops};
    struct irq_line none = {0};
    CHECK(virtio_mmio_new(NULL, none, &odd) == NULL && odd_freed == 1);
    CHECK(virtio_mmio_new(NULL, none, NULL) == NULL);
}

int main(void)
{
    test_identity();
    test_features();
    test_config();
    test_queue_registers();
    test_echo();
    test_indirect();
    test_batch_and_suppression();
    test_event_idx();
    test_reset();
    test_index_wrap();
    test_no_features_ok();
    test_bad_device();
    return check_summary();
}
