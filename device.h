/*
 * The device bus and interrupt lines.
 *
 * A device is a window of physical addresses with a read and a write
 * callback; offsets passed to the callbacks are relative to the window's
 * base. Devices never see the CPU: they raise interrupts through
 * irq_line objects that whoever wired them up (PLIC, hart) provides.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* Access widths a device accepts, as a mask of byte counts. */
enum {
    WIDTH_1 = 1 << 0,
    WIDTH_2 = 1 << 1,
    WIDTH_4 = 1 << 2,
    WIDTH_8 = 1 << 3,
};
#define WIDTH_BIT(bytes) (1u << __builtin_ctz(bytes))

/* Return false to make the access fault (the CPU raises an access fault). */
typedef bool (*device_read_fn)(void *opaque, uint64_t offset, unsigned bytes,
                               uint64_t *value);
typedef bool (*device_write_fn)(void *opaque, uint64_t offset, unsigned bytes,
                                uint64_t value);

struct bus;

struct bus *bus_new(void);
void bus_free(struct bus *bus);
/* Returns 0, or -EINVAL when the window overlaps another or is empty. */
int bus_register(struct bus *bus, uint64_t base, uint64_t size, void *opaque,
                 device_read_fn read, device_write_fn write, unsigned widths);
/* false: nothing mapped there, width refused, or the device faulted. */
bool bus_read(struct bus *bus, uint64_t addr, unsigned bytes, uint64_t *value);
bool bus_write(struct bus *bus, uint64_t addr, unsigned bytes, uint64_t value);

/* One interrupt wire: level-triggered, owned by the receiver. */
struct irq_line {
    void (*set_level)(void *opaque, unsigned line, bool level);
    void *opaque;
    unsigned line;
};

static inline void irq_set(const struct irq_line *irq, bool level)
{
    if (irq->set_level)
        irq->set_level(irq->opaque, irq->line, level);
}
