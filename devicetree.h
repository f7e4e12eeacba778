/*
 * The device tree handed to the guest: our minimal.dts (or the user's
 * -b blob) with run-time fixups applied.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct machine;
struct machine_config;

#define DEFAULT_BOOTARGS "console=ttyS0 earlycon=sbi"

struct dt_initrd {
    uint64_t start, end; /* guest physical; start == end: no initrd */
};

/*
 * A malloc'd, packed DTB for m, its size in *size. NULL with a one-line
 * reason in err when the user's blob is unreadable or a fixup fails.
 */
/*
 * The end of the guest RAM the tree describes that holds `base` (the
 * memory node covering it), capped at `limit`; `limit` if none is found.
 * A user's tree may describe less RAM than semu has: boot files must land
 * inside what the kernel will use.
 */
uint64_t devicetree_ram_end(const void *fdt, uint64_t base, uint64_t limit);

void *devicetree_build(const struct machine *m,
                       const struct machine_config *config,
                       struct dt_initrd initrd, size_t *size, char *err,
                       size_t err_len);
