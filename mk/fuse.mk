# The FUSE passthrough server behind virtio-fs.
FUSE_SRCS := fuse-server.c fuse-iov.c fs-inode.c fs-handle.c fs-fd-budget.c \
             host-window.c fuse-entry-ops.c fuse-namespace-ops.c \
             fuse-file-ops.c fuse-dir-ops.c fuse-xattr-ops.c fuse-confine.c \
             fuse-mapped.c fuse-dax-ops.c
SEMU_SRCS += $(FUSE_SRCS)
