#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "loader.h"
#include "memlayout.h"

/* Boot files larger than this cannot fit any RAM we offer. */
#define MAX_FILE_SIZE (16ull << 30)

#define DTB_ALIGN    0x1000ull
#define INITRD_ALIGN 0x1000ull

/* Offsets in the RISC-V Linux Image header (Documentation/arch/riscv). */
#define IMAGE_HEADER_SIZE  64
#define IMAGE_SIZE_OFFSET  0x10
#define IMAGE_MAGIC_OFFSET 0x38
static const char image_magic[4] = {'R', 'S', 'C', 0x05};

bool file_blob_read(struct file_blob *blob, const char *path, char *err,
                    size_t err_len)
{
    *blob = (struct file_blob){0};
    FILE *f = fopen(path, "rb");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return false;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || !S_ISREG(st.st_mode)) {
        snprintf(err, err_len, "%s: not a regular file", path);
        fclose(f);
        return false;
    }
    if ((uint64_t)st.st_size > MAX_FILE_SIZE) {
        snprintf(err, err_len, "%s: file too large", path);
        fclose(f);
        return false;
    }
    /* Anonymous memory made present in one call: each page fault costs
     * about 15 us on some virtual machines, and an Image and initrd are
     * thousands of pages. */
    size_t size = st.st_size;
    uint8_t *data = mmap(NULL, size ? size : 1, PROT_READ | PROT_WRITE,
                         MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
    if (data == MAP_FAILED || fread(data, 1, size, f) != size) {
        snprintf(err, err_len, "%s: read failed", path);
        if (data != MAP_FAILED)
            munmap(data, size ? size : 1);
        fclose(f);
        return false;
    }
    fclose(f);
    blob->data = data;
    blob->size = size;
    return true;
}

void file_blob_free(struct file_blob *blob)
{
    if (blob->data)
        munmap(blob->data, blob->size ? blob->size : 1);
    *blob = (struct file_blob){0};
}

static uint64_t le(const uint8_t *p, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = bytes; i-- > 0;)
        v = (v << 8) | p[i];
    return v;
}

/*
 * The end of the last PE section's file data. Linux's EFI stub header
 * records how long the Image is, which exposes a truncated copy.
 * 0 when there is no PE header to go by; UINT64_MAX when it is malformed.
 */
static uint64_t pe_file_extent(const struct file_blob *image)
{
    const uint8_t *d = image->data;
    if (d[0] != 'M' || d[1] != 'Z')
        return 0;
    uint64_t pe = le(d + 0x3c, 4);
    if (pe > image->size || image->size - pe < 24 ||
        memcmp(d + pe, "PE\0\0", 4) != 0)
        return UINT64_MAX;
    uint64_t nsections = le(d + pe + 6, 2);
    uint64_t sections = pe + 24 + le(d + pe + 20, 2);
    if (sections > image->size || (image->size - sections) / 40 < nsections)
        return UINT64_MAX;
    uint64_t extent = 0;
    for (uint64_t i = 0; i < nsections; i++) {
        const uint8_t *s = d + sections + 40 * i;
        uint64_t end = le(s + 20, 4) + le(s + 16, 4);
        if (end > extent)
            extent = end;
    }
    return extent;
}

bool linux_image_check(const struct file_blob *image, const char *path,
                       uint64_t *footprint, char *err, size_t err_len)
{
    if (image->size < IMAGE_HEADER_SIZE ||
        memcmp(image->data + IMAGE_MAGIC_OFFSET, image_magic, 4) != 0) {
        snprintf(err, err_len, "%s: not a RISC-V Linux Image", path);
        return false;
    }
    uint64_t image_size = le(image->data + IMAGE_SIZE_OFFSET, 8);
    if (image_size == 0)
        image_size = image->size; /* very old kernels leave it unset */
    uint64_t extent = pe_file_extent(image);
    if (image_size < image->size || extent == UINT64_MAX ||
        extent > image_size) {
        snprintf(err, err_len, "%s: corrupt Image header", path);
        return false;
    }
    if (extent > image->size) {
        snprintf(err, err_len, "%s: truncated Image (%zu of %llu bytes)", path,
                 image->size, (unsigned long long)extent);
        return false;
    }
    *footprint = image_size;
    return true;
}

static uint64_t align_down(uint64_t x, uint64_t align)
{
    return x & ~(align - 1);
}

bool boot_layout_plan(struct boot_layout *l, const struct guest_ram *ram,
                      char *err, size_t err_len)
{
    uint64_t ram_end = ram->base + ram->size;
    /* Lowest address free for the initrd and DTB. */
    uint64_t low = ram->base;

    if (l->bios_size) {
        l->bios_addr = ram->base;
        if (l->bios_size > ram->size) {
            snprintf(err, err_len, "firmware too big for RAM");
            return false;
        }
        low = ram->base + l->bios_size;
    }
    if (l->kernel_size) {
        l->kernel_addr = ram->base + KERNEL_OFFSET;
        if (l->bios_size > KERNEL_OFFSET) {
            snprintf(err, err_len,
                     "firmware larger than %llu KiB overlaps "
                     "the kernel",
                     (unsigned long long)KERNEL_OFFSET >> 10);
            return false;
        }
        if (KERNEL_OFFSET > ram->size ||
            l->kernel_footprint > ram->size - KERNEL_OFFSET) {
            snprintf(err, err_len, "kernel too big for RAM");
            return false;
        }
        low = l->kernel_addr + l->kernel_footprint;
    }
    if (l->dtb_size > ram_end - low) {
        snprintf(err, err_len, "no room for the device tree in RAM");
        return false;
    }
    l->dtb_addr = align_down(ram_end - l->dtb_size, DTB_ALIGN);
    if (l->dtb_addr < low) {
        snprintf(err, err_len, "no room for the device tree in RAM");
        return false;
    }
    l->initrd_addr = 0;
    if (l->initrd_size) {
        if (l->initrd_size > l->dtb_addr - low) {
            snprintf(err, err_len, "initrd too big for RAM");
            return false;
        }
        l->initrd_addr = align_down(l->dtb_addr - l->initrd_size, INITRD_ALIGN);
        if (l->initrd_addr < low) {
            snprintf(err, err_len, "initrd too big for RAM");
            return false;
        }
    }
    return true;
}

void load_blob(const struct guest_ram *ram, uint64_t addr, const void *data,
               uint64_t size)
{
    void *dst = guest_ram_ptr(ram, addr, size);
    if (dst && size)
        memcpy(dst, data, size);
}
