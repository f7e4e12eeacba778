/*
 * Boot files: reading them, checking a Linux Image, and placing kernel,
 * initrd, firmware and device tree in guest RAM.
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ram.h"

struct file_blob {
    uint8_t *data;
    size_t size;
};

/* Reads a whole regular file. false with a one-line reason in err. */
bool file_blob_read(struct file_blob *blob, const char *path, char *err,
                    size_t err_len);
void file_blob_free(struct file_blob *blob);

/*
 * Checks a RISC-V Linux Image (the "RSC\x05" header and, when it carries
 * an EFI/PE header, that no section is cut off). *footprint is how much
 * RAM the kernel claims from its load address (image_size, bss included).
 */
bool linux_image_check(const struct file_blob *image, const char *path,
                       uint64_t *footprint, char *err, size_t err_len);

/* Where each boot file lands in guest RAM; size 0 = absent. */
struct boot_layout {
    uint64_t bios_addr, bios_size;
    uint64_t kernel_addr, kernel_size, kernel_footprint;
    uint64_t initrd_addr, initrd_size;
    uint64_t dtb_addr, dtb_size;
};

/*
 * Puts the DTB at the top of RAM and the initrd just below it, both
 * aligned, and checks that nothing overlaps the firmware or the kernel.
 */
bool boot_layout_plan(struct boot_layout *layout, const struct guest_ram *ram,
                      char *err, size_t err_len);

/* Copies blob into RAM at addr; the plan already checked it fits. */
void load_blob(const struct guest_ram *ram, uint64_t addr, const void *data,
               uint64_t size);
