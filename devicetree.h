/*
 * The device tree handed to the guest: our minimal.dts (or the user's
 * -b blob) with run-time fixups applied.
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct virtio_slot;

#define DEFAULT_BOOTARGS "console=ttyS0 earlycon=sbi"

struct dt_initrd {
    uint64_t start, end; /* guest physical; start == end: no initrd */
};

/* What the tree tells the guest; machine.c fills it in. */
struct dt_machine {
    uint64_t ram_base, ram_size;
    unsigned nharts;
    /* VIRTIO_MMIO_SLOTS of them; each one with a device gets a node. */
    const struct virtio_slot *virtio;
    const char *user_dtb; /* -b: the user's blob instead of ours, or NULL */
    const char *append;   /* -a: added to the command line, or NULL */
};

/*
 * A malloc'd, packed DTB for m, its size in *size. NULL with a one-line
 * reason in err when the user's blob is unreadable or a fixup fails.
 */
void *devicetree_build(const struct dt_machine *m, struct dt_initrd initrd,
                       size_t *size, char *err, size_t err_len);

/*
 * The end of the guest RAM the tree describes that holds `base` (the
 * memory node covering it), capped at `limit`; `limit` if none is found.
 * A user's tree may describe less RAM than semu has: boot files must land
 * inside what the kernel will use.
 */
uint64_t devicetree_ram_end(const void *fdt, uint64_t base, uint64_t limit);
