# virtio: the MMIO transport, split virtqueues and the virtio-fs device.
VIRTIO_CORE_SRCS := virtio-mmio.c virtqueue.c
VIRTIO_SRCS := $(VIRTIO_CORE_SRCS) virtio-fs.c virtio-fs-thread.c
SEMU_SRCS += $(VIRTIO_SRCS)
