/* The echo test device; see echo-device.h. */
#include <endian.h>
#include <stddef.h>
#include <string.h>

#include "echo-device.h"
#include "virtqueue.h"

static struct echo_device *to_echo(struct virtio_device *vdev)
{
    return (struct echo_device *)((char *)vdev -
                                  offsetof(struct echo_device, vdev));
}

static const void *echo_config(struct virtio_device *vdev)
{
    static uint64_t config;
    (void)vdev;
    config = htole64(ECHO_CONFIG);
    return &config;
}

/* Copy the readable iovecs into the writable ones; returns bytes copied. */
static size_t echo(const struct vq_chain *c)
{
    const struct iovec *in = c->iov, *out = c->iov + c->readable;
    unsigned ii = 0, oi = 0;
    size_t in_off = 0, out_off = 0, copied = 0;

    while (ii < c->readable && oi < c->writable) {
        size_t n = in[ii].iov_len - in_off;
        if (n > out[oi].iov_len - out_off)
            n = out[oi].iov_len - out_off;
        memcpy((char *)out[oi].iov_base + out_off,
               (char *)in[ii].iov_base + in_off, n);
        copied += n;
        in_off += n;
        out_off += n;
        if (in_off == in[ii].iov_len) {
            ii++;
            in_off = 0;
        }
        if (out_off == out[oi].iov_len) {
            oi++;
            out_off = 0;
        }
    }
    return copied;
}

static int echo_notify(struct virtio_device *vdev, unsigned index,
                       struct virtqueue *vq)
{
    static struct vq_chain chain;
    struct echo_device *e = to_echo(vdev);
    int got;

    (void)index;
    while ((got = vq_pop(vq, &chain)) > 0) {
        e->requests++;
        vq_push(vq, &chain, echo(&chain));
    }
    return got;
}

static void echo_reset(struct virtio_device *vdev)
{
    to_echo(vdev)->resets++;
}

static void echo_free(struct virtio_device *vdev)
{
    to_echo(vdev)->freed++;
}

static const struct virtio_device_ops echo_ops = {
    .device_id = ECHO_DEVICE_ID,
    .features = 1ull << ECHO_FEATURE_BIT,
    .num_queues = ECHO_QUEUES,
    .queue_max = ECHO_QUEUE_MAX,
    .config_size = 8,
    .config = echo_config,
    .queue_notify = echo_notify,
    .reset = echo_reset,
    .free = echo_free,
};

struct virtio_device *echo_device_init(struct echo_device *echo)
{
    *echo = (struct echo_device){.vdev.ops = &echo_ops};
    return &echo->vdev;
}
