/*
 * A hostile driver: every kind of broken ring and descriptor chain. Each
 * must end in DEVICE_NEEDS_RESET with a config-change interrupt (or, for
 * a bad notify, in nothing at all), never in a crash, a hang or an access
 * outside guest RAM (guard pages surround it). After a reset the device
 * must work again.
 */
#include <linux/virtio_config.h>
#include <linux/virtio_mmio.h>
#include <linux/virtio_ring.h>
#include <stdio.h>
#include <string.h>

#include "echo-device.h"
#include "tests/check.h"
#include "vq-driver.h"

#define RAM_SIZE    (1u << 20)
#define RAM_END     (VQD_RAM_BASE + RAM_SIZE)
#define QSIZE       ECHO_QUEUE_MAX
#define F_VERSION_1 (1ull << VIRTIO_F_VERSION_1)
#define F_INDIRECT  (1ull << VIRTIO_RING_F_INDIRECT_DESC)
#define NEXT        VRING_DESC_F_NEXT
#define WRITE       VRING_DESC_F_WRITE
#define INDIRECT    VRING_DESC_F_INDIRECT

static struct vqd d;
static struct echo_device echo;
static uint64_t buf; /* a valid 64-byte buffer in RAM */

/* Descriptor i of queue 0's table. */
static void desc(uint16_t i, uint64_t addr, uint32_t len, uint16_t flags,
                 uint16_t next)
{
    vqd_set_desc(&d, d.q[0].desc, i, addr, len, flags, next);
}

/* One descriptor, readable, then published. */
static void single(uint64_t addr, uint32_t len, uint16_t flags)
{
    desc(0, addr, len, flags, 0);
    vqd_publish(&d, 0, 0);
}

static void outside_ram(void)
{
    single(0x1000, 16, 0);
}

static void straddles_ram_end(void)
{
    single(RAM_END - 8, 16, WRITE);
}

static void just_past_ram_end(void)
{
    single(RAM_END, 1, 0);
}

static void address_wraps(void)
{
    single(0xfffffffffffffff0ull, 0x100, 0);
}

static void huge_length(void)
{
    single(VQD_RAM_BASE, 0xffffffff, WRITE);
}

static void zero_length(void)
{
    single(buf, 0, 0);
}

static void self_loop(void)
{
    desc(0, buf, 8, NEXT, 0);
    vqd_publish(&d, 0, 0);
}

static void two_loop(void)
{
    desc(0, buf, 8, NEXT, 1);
    desc(1, buf, 8, NEXT | WRITE, 0);
    vqd_publish(&d, 0, 0);
}

/* Every descriptor in use, the last pointing back into the chain. */
static void longer_than_queue(void)
{
    for (uint16_t i = 0; i < QSIZE; i++)
        desc(i, buf, 8, NEXT, (i + 1) % QSIZE);
    vqd_publish(&d, 0, 3);
}

static void next_out_of_range(void)
{
    desc(0, buf, 8, NEXT, QSIZE);
    vqd_publish(&d, 0, 0);
}

static void head_out_of_range(void)
{
    desc(0, buf, 8, 0, 0);
    vqd_publish(&d, 0, QSIZE + 3);
}

static void readable_after_writable(void)
{
    desc(0, buf, 8, NEXT | WRITE, 1);
    desc(1, buf + 8, 8, 0, 0);
    vqd_publish(&d, 0, 0);
}

static void avail_idx_jump(void)
{
    desc(0, buf, 8, 0, 0);
    vqd_publish(&d, 0, 0);
    vqd_set_avail_idx(&d, 0, QSIZE + 1);
}

static void avail_idx_backwards(void)
{
    vqd_set_avail_idx(&d, 0, 0xffff);
}

/* An indirect table of n entries at a fresh address, all valid buffers. */
static uint64_t indirect_table(unsigned n)
{
    uint64_t table = vqd_alloc(&d, 16ull * n, 16);
    for (unsigned i = 0; i < n; i++)
        vqd_set_desc(&d, table, i, buf, 8, i + 1 < n ? NEXT : 0, i + 1);
    return table;
}

static void indirect_valid(void)
{
    single(indirect_table(2), 32, INDIRECT);
}

/* One whole entry and a fraction: the entry alone would be valid. */
static void indirect_odd_length(void)
{
    single(indirect_table(1), 24, INDIRECT);
}

static void indirect_zero_length(void)
{
    single(indirect_table(1), 0, INDIRECT);
}

static void indirect_outside_ram(void)
{
    single(RAM_END - 16, 32, INDIRECT);
}

static void indirect_too_long(void)
{
    uint64_t table = indirect_table(QSIZE + 1);
    single(table, 16 * (QSIZE + 1), INDIRECT);
}

static void indirect_nested(void)
{
    uint64_t inner = indirect_table(1);
    uint64_t outer = vqd_alloc(&d, 16, 16);
    vqd_set_desc(&d, outer, 0, inner, 16, INDIRECT, 0);
    single(outer, 16, INDIRECT);
}

static void indirect_with_next(void)
{
    desc(0, indirect_table(1), 16, INDIRECT | NEXT, 1);
    desc(1, buf, 8, 0, 0);
    vqd_publish(&d, 0, 0);
}

static void indirect_loop(void)
{
    uint64_t table = indirect_table(4);
    vqd_set_desc(&d, table, 3, buf, 8, NEXT, 1);
    single(table, 64, INDIRECT);
}

static void indirect_next_out_of_range(void)
{
    uint64_t table = indirect_table(2);
    vqd_set_desc(&d, table, 1, buf, 8, NEXT, 2);
    single(table, 32, INDIRECT);
}

static void indirect_buffer_outside_ram(void)
{
    uint64_t table = indirect_table(2);
    vqd_set_desc(&d, table, 1, 0x2000, 8, WRITE, 0);
    single(table, 32, INDIRECT);
}

static const struct chain_case {
    const char *name;
    void (*build)(void);
    bool indirect; /* negotiate VIRTIO_F_RING_INDIRECT_DESC */
} chain_cases[] = {
    {.name = "buffer outside RAM", .build = outside_ram},
    {.name = "buffer straddling RAM end", .build = straddles_ram_end},
    {.name = "buffer just past RAM end", .build = just_past_ram_end},
    {.name = "address + length wraps", .build = address_wraps},
    {.name = "4 GiB length", .build = huge_length},
    {.name = "zero length", .build = zero_length},
    {.name = "descriptor points to itself", .build = self_loop},
    {.name = "two-descriptor loop", .build = two_loop},
    {.name = "chain longer than queue", .build = longer_than_queue},
    {.name = "next out of range", .build = next_out_of_range},
    {.name = "head out of range", .build = head_out_of_range},
    {.name = "readable after writable", .build = readable_after_writable},
    {.name = "avail idx jumps ahead", .build = avail_idx_jump},
    {.name = "avail idx goes backwards", .build = avail_idx_backwards},
    {.name = "indirect not negotiated", .build = indirect_valid},
    {.name = "indirect length not 16k",
     .build = indirect_odd_length,
     .indirect = true},
    {.name = "indirect zero length",
     .build = indirect_zero_length,
     .indirect = true},
    {.name = "indirect table outside RAM",
     .build = indirect_outside_ram,
     .indirect = true},
    {.name = "indirect longer than queue",
     .build = indirect_too_long,
     .indirect = true},
    {.name = "nested indirect", .build = indirect_nested, .indirect = true},
    {.name = "indirect with NEXT",
     .build = indirect_with_next,
     .indirect = true},
    {.name = "loop inside indirect", .build = indirect_loop, .indirect = true},
    {.name = "indirect next out of range",
     .build = indirect_next_out_of_range,
     .indirect = true},
    {.name = "indirect buffer outside RAM",
     .build = indirect_buffer_outside_ram,
     .indirect = true},
};

/* After a reset and a fresh handshake, an honest request works. */
static bool works_after_reset(void)
{
    if (vqd_start(&d, F_VERSION_1, ECHO_QUEUES, QSIZE) < 0 ||
        vqd_needs_reset(&d) || d.irq_level)
        return false;
    struct vqd_buf bufs[2] = {{buf, 8}, {buf + 8, 8}};
    memcpy(vqd_ptr(&d, buf, 8), "recover!", 8);
    uint16_t head = vqd_add_chain(&d, 0, bufs, 1, 1, false);
    vqd_notify(&d, 0);
    uint32_t id, len;
    return vqd_get_used(&d, 0, &id, &len) && id == head && len == 8 &&
           !memcmp(vqd_ptr(&d, buf + 8, 8), "recover!", 8);
}

static void test_chain_case(const struct chain_case *c)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    uint64_t features = F_VERSION_1 | (c->indirect ? F_INDIRECT : 0);
    CHECK(vqd_negotiate(&d, features) == 0);
    /*
     * The descriptor table ends where RAM does, so that reading one entry
     * past it hits the guard page and crashes the test.
     */
    uint64_t avail = vqd_alloc(&d, 6 + 2 * QSIZE, 2);
    uint64_t used = vqd_alloc(&d, 6 + 8 * QSIZE, 4);
    CHECK(vqd_setup_queue_at(&d, 0, QSIZE, RAM_END - 16 * QSIZE, avail, used) ==
          0);
    vqd_driver_ok(&d);
    buf = vqd_alloc(&d, 64, 8);
    c->build();
    vqd_notify(&d, 0);

    uint32_t id, len;
    bool ok =
        vqd_needs_reset(&d) && !vqd_get_used(&d, 0, &id, &len) && d.irq_level &&
        vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) == VIRTIO_MMIO_INT_CONFIG;
    /* A stopped device ignores further kicks. */
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    ok = ok && vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0;
    vqd_notify(&d, 0);
    ok = ok && echo.requests == 0 && !vqd_get_used(&d, 0, &id, &len);
    if (!CHECK(ok))
        printf("  case: %s\n", c->name);
    if (!CHECK(works_after_reset()))
        printf("  recovery after: %s\n", c->name);
    vqd_free(&d);
}

/* Queue layouts refused when the driver sets QueueReady. */
static const struct layout_case {
    const char *name;
    uint32_t size;
    uint64_t desc, avail, used;
} layout_cases[] = {
    {"size 0", 0, 0x80001000, 0x80002000, 0x80003000},
    {"size not a power of two", 12, 0x80001000, 0x80002000, 0x80003000},
    {"size above QueueNumMax", 2 * QSIZE, 0x80001000, 0x80002000, 0x80003000},
    {"size above 16 bits", 0x10008, 0x80001000, 0x80002000, 0x80003000},
    {"descriptors outside RAM", QSIZE, 0x1000, 0x80002000, 0x80003000},
    {"descriptors misaligned", QSIZE, 0x80001008, 0x80002000, 0x80003000},
    {"avail ring misaligned", QSIZE, 0x80001000, 0x80002001, 0x80003000},
    {"used ring misaligned", QSIZE, 0x80001000, 0x80002000, 0x80003002},
    {"used ring past RAM end", QSIZE, 0x80001000, 0x80002000, RAM_END - 64},
    {"avail ring past RAM end", QSIZE, 0x80001000, RAM_END - 8, 0x80003000},
    {"descriptors above 4 GiB", QSIZE, 0x180001000, 0x80002000, 0x80003000},
};

static void test_layout_case(const struct layout_case *c)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_negotiate(&d, F_VERSION_1) == 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_SEL, 0);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_NUM, c->size);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_DESC_LOW, (uint32_t)c->desc);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_DESC_HIGH, c->desc >> 32);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_AVAIL_LOW, (uint32_t)c->avail);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_AVAIL_HIGH, c->avail >> 32);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_USED_LOW, (uint32_t)c->used);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_USED_HIGH, c->used >> 32);
    vqd_write(&d, VIRTIO_MMIO_QUEUE_READY, 1);
    bool ok = vqd_read(&d, VIRTIO_MMIO_QUEUE_READY) == 0 && vqd_needs_reset(&d);
    /* Before DRIVER_OK there is no config interrupt to send. */
    ok = ok && !d.irq_level;
    vqd_notify(&d, 0);
    if (!CHECK(ok))
        printf("  layout: %s\n", c->name);
    buf = vqd_alloc(&d, 64, 8);
    if (!CHECK(works_after_reset()))
        printf("  recovery after layout: %s\n", c->name);
    vqd_free(&d);
}

/* Kicks that name no running queue are ignored without harm. */
static void test_bad_notify(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_negotiate(&d, F_VERSION_1) == 0);
    CHECK(vqd_setup_queue(&d, 0, QSIZE) == 0);
    vqd_driver_ok(&d);
    buf = vqd_alloc(&d, 64, 8);
    struct vqd_buf bufs[2] = {{buf, 8}, {buf + 8, 8}};
    vqd_add_chain(&d, 0, bufs, 1, 1, false);

    vqd_notify(&d, 1); /* exists, not ready */
    vqd_notify(&d, ECHO_QUEUES);
    vqd_notify(&d, 0xffffffff);
    CHECK(echo.requests == 0 && !vqd_needs_reset(&d) && !d.irq_level);
    vqd_notify(&d, 0);
    CHECK(echo.requests == 1 && d.irq_level);
    vqd_free(&d);
}

/* A good chain before a broken one in the same batch is still completed. */
static void test_good_then_bad(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_start(&d, F_VERSION_1, ECHO_QUEUES, QSIZE) == 0);
    buf = vqd_alloc(&d, 64, 8);
    struct vqd_buf bufs[2] = {{buf, 8}, {buf + 8, 8}};
    uint16_t head = vqd_add_chain(&d, 0, bufs, 1, 1, false);
    desc(5, buf, 8, NEXT, 5);
    vqd_publish(&d, 0, 5);
    vqd_notify(&d, 0);
    uint32_t id, len;
    CHECK(vqd_get_used(&d, 0, &id, &len) && id == head && len == 8);
    CHECK(!vqd_get_used(&d, 0, &id, &len));
    CHECK(vqd_needs_reset(&d));
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) ==
          (VIRTIO_MMIO_INT_VRING | VIRTIO_MMIO_INT_CONFIG));
    /* Acknowledging one cause leaves the other pending, line high. */
    vqd_write(&d, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_VRING);
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) ==
              VIRTIO_MMIO_INT_CONFIG &&
          d.irq_level);
    vqd_write(&d, VIRTIO_MMIO_INTERRUPT_ACK, VIRTIO_MMIO_INT_CONFIG);
    CHECK(vqd_read(&d, VIRTIO_MMIO_INTERRUPT_STATUS) == 0 && !d.irq_level);
    vqd_free(&d);
}

/* Features accepted after FEATURES_OK do not count. */
static void test_late_features(void)
{
    vqd_init(&d, RAM_SIZE, echo_device_init(&echo));
    CHECK(vqd_negotiate(&d, F_VERSION_1) == 0);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES_SEL, 0);
    vqd_write(&d, VIRTIO_MMIO_DRIVER_FEATURES, F_INDIRECT);
    CHECK(vqd_setup_queue(&d, 0, QSIZE) == 0);
    vqd_driver_ok(&d);
    buf = vqd_alloc(&d, 64, 8);
    indirect_valid();
    vqd_notify(&d, 0);
    CHECK(vqd_needs_reset(&d) && echo.requests == 0);
    vqd_free(&d);
}

int main(void)
{
    for (size_t i = 0; i < sizeof chain_cases / sizeof chain_cases[0]; i++)
        test_chain_case(&chain_cases[i]);
    for (size_t i = 0; i < sizeof layout_cases / sizeof layout_cases[0]; i++)
        test_layout_case(&layout_cases[i]);
    test_bad_notify();
    test_good_then_bad();
    test_late_features();
    return check_summary();
}
