# The FUSE passthrough server behind virtio-fs.
FUSE_SRCS := fuse-server.c fuse-session-ops.c fuse-entry-ops.c \
             fuse-namespace-ops.c fuse-file-ops.c fuse-dir-ops.c \
             fuse-xattr-ops.c fuse-dax-ops.c fuse-new-node.c fuse-node.c \
             fuse-mapped.c fuse-confine.c fuse-req.c fuse-iov.c fs-inode.c \
             fs-handle.c fs-fd-budget.c fs-fd-path.c host-window.c
SEMU_SRCS += $(FUSE_SRCS)
