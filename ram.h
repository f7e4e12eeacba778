/*
 * Guest physical RAM: one contiguous host allocation.
 *
 * Every address or length that comes from the guest is turned into a host
 * pointer only through guest_ram_ptr(), which refuses any range that is not
 * wholly inside RAM (including ranges whose end overflows 64 bits).
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct guest_ram {
    uint8_t *host;
    uint64_t base; /* guest physical address of host[0] */
    uint64_t size; /* bytes */
};

static inline void *guest_ram_ptr(const struct guest_ram *ram, uint64_t addr,
                                  uint64_t len)
{
    if (addr < ram->base)
        return NULL;
    uint64_t offset = addr - ram->base;
    if (offset > ram->size || len > ram->size - offset)
        return NULL;
    return ram->host + offset;
}
