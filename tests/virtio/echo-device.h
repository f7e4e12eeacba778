/*
 * A tiny virtio device for transport tests: every chain's readable bytes
 * are copied into its writable buffers, and the used length says how many.
 */
#pragma once

#include "virtio.h"

#define ECHO_DEVICE_ID   0x7fff
#define ECHO_FEATURE_BIT 3 /* a device-type feature bit it offers */
#define ECHO_QUEUES      2
#define ECHO_QUEUE_MAX   16
#define ECHO_CONFIG      0x0123456789abcdefull /* its 8-byte config space */

struct echo_device {
    struct virtio_device vdev;
    unsigned resets;   /* ops->reset calls */
    unsigned requests; /* chains served */
    unsigned freed;
};

/* Static storage is fine: tests free it through the transport. */
struct virtio_device *echo_device_init(struct echo_device *echo);
