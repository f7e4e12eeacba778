/*
 * The device bus: a small array of address windows, kept sorted by base so
 * a lookup is a binary search. Machines have a dozen windows at most.
 */
#include <errno.h>
#include <stdlib.h>

#include "device.h"

#define BUS_MAX_WINDOWS 32

struct bus_window {
    uint64_t base;
    uint64_t size;
    void *opaque;
    device_read_fn read;
    device_write_fn write;
    unsigned widths;
};

struct bus {
    struct bus_window windows[BUS_MAX_WINDOWS];
    unsigned count;
    unsigned last_hit; /* accesses cluster on one device; try it first */
};

struct bus *bus_new(void)
{
    return calloc(1, sizeof(struct bus));
}

void bus_free(struct bus *bus)
{
    free(bus);
}

static bool window_contains(const struct bus_window *w, uint64_t addr)
{
    return addr >= w->base && addr - w->base < w->size;
}

int bus_register(struct bus *bus, uint64_t base, uint64_t size, void *opaque,
                 device_read_fn read, device_write_fn write, unsigned widths)
{
    if (size == 0 || base + size - 1 < base || widths == 0)
        return -EINVAL;
    if (bus->count == BUS_MAX_WINDOWS)
        return -ENOSPC;

    unsigned pos = 0;
    while (pos < bus->count && bus->windows[pos].base < base)
        pos++;
    /* Refuse overlap with the neighbours on either side. */
    if (pos > 0) {
        const struct bus_window *prev = &bus->windows[pos - 1];
        if (prev->base + prev->size - 1 >= base)
            return -EINVAL;
    }
    if (pos < bus->count && bus->windows[pos].base <= base + size - 1)
        return -EINVAL;

    for (unsigned i = bus->count; i > pos; i--)
        bus->windows[i] = bus->windows[i - 1];
    bus->windows[pos] = (struct bus_window){
        .base = base,
        .size = size,
        .opaque = opaque,
        .read = read,
        .write = write,
        .widths = widths,
    };
    bus->count++;
    bus->last_hit = 0;
    return 0;
}

/* The window holding [addr, addr + bytes), or NULL. */
static struct bus_window *bus_find(struct bus *bus, uint64_t addr,
                                   unsigned bytes)
{
    struct bus_window *w = NULL;
    if (bus->last_hit < bus->count &&
        window_contains(&bus->windows[bus->last_hit], addr)) {
        w = &bus->windows[bus->last_hit];
    } else {
        unsigned lo = 0, hi = bus->count;
        while (lo < hi) {
            unsigned mid = lo + (hi - lo) / 2;
            if (addr < bus->windows[mid].base) {
                hi = mid;
            } else if (window_contains(&bus->windows[mid], addr)) {
                w = &bus->windows[mid];
                bus->last_hit = mid;
                break;
            } else {
                lo = mid + 1;
            }
        }
    }
    if (!w)
        return NULL;
    if (bytes == 0 || bytes > 8 || (bytes & (bytes - 1)))
        return NULL;
    if (!(w->widths & WIDTH_BIT(bytes)))
        return NULL;
    /* Accesses must be naturally aligned and may not straddle the end. */
    if ((addr & (bytes - 1)) || bytes > w->size ||
        addr - w->base > w->size - bytes)
        return NULL;
    return w;
}

bool bus_read(struct bus *bus, uint64_t addr, unsigned bytes, uint64_t *value)
{
    struct bus_window *w = bus_find(bus, addr, bytes);
    if (!w || !w->read)
        return false;
    return w->read(w->opaque, addr - w->base, bytes, value);
}

bool bus_write(struct bus *bus, uint64_t addr, unsigned bytes, uint64_t value)
{
    struct bus_window *w = bus_find(bus, addr, bytes);
    if (!w || !w->write)
        return false;
    return w->write(w->opaque, addr - w->base, bytes, value);
}
