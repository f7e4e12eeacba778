/*
 * Guest physical RAM: one contiguous host allocation, and the host-backed
 * windows beyond it (DAX, host-window.h) that only the CPU reaches.
 *
 * Every address or length that comes from the guest is turned into a host
 * pointer only through guest_ram_ptr(), which refuses any range that is not
 * wholly inside RAM (including ranges whose end overflows 64 bits). Devices
 * use nothing else, so no device access ever lands in a window.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include "host-window.h"

struct guest_ram {
    uint8_t *host;
    uint64_t base; /* guest physical address of host[0] */
    uint64_t size; /* bytes */
    /* Windows the CPU maps like RAM where a page is mapped (fixed before
     * the harts are created). */
    struct host_window *windows[HOST_WINDOW_MAX];
    unsigned nwindows;
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
