/*
 * virtio: the MMIO transport (version 2) shared by every virtio device,
 * and the devices built on it.
 *
 * Wiring, as the machine does it for each slot:
 *   struct virtio_device *dev = virtio_fs_new(&share, err, sizeof err);
 *   struct virtio_mmio *mmio = virtio_mmio_new(ram, irq, dev);
 *   bus_register(bus, base, VIRTIO_MMIO_SLOT_SIZE, mmio,
 *                virtio_mmio_read, virtio_mmio_write, WIDTH_1 | WIDTH_2 |
 * WIDTH_4);
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "device.h"
#include "fuse.h"
#include "ram.h"

struct virtio_device;
struct virtio_mmio;

struct virtio_mmio *virtio_mmio_new(struct guest_ram *ram, struct irq_line irq,
                                    struct virtio_device *dev);
void virtio_mmio_free(struct virtio_mmio *mmio);
bool virtio_mmio_read(void *mmio, uint64_t offset, unsigned bytes,
                      uint64_t *value);
bool virtio_mmio_write(void *mmio, uint64_t offset, unsigned bytes,
                       uint64_t value);

/* virtio-fs (device id 26). NULL with a one-line reason on a bad share. */
struct virtio_device *virtio_fs_new(const struct fs_share_options *share,
                                    char *err, size_t err_len);
