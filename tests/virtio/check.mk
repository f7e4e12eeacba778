# virtio tests without a guest: the transport and virtqueues driven through
# virtio_mmio_read/write by tests/virtio/vq-driver.c, each test built plain
# and with $(SANITIZE).
#   make check-virtio
#   make bench-virtio   the device path's speed

# The transport alone, with the echo test device.
VIRTIO_TEST_LIB := tests/virtio/vq-driver.c tests/virtio/echo-device.c \
                   $(VIRTIO_CORE_SRCS)
# virtio-fs end to end: the device, the FUSE server (mk/fuse.mk) and, for
# test-fs, the FUSE tests' harness. DAX: shared-memory registers and
# SETUPMAPPING/REMOVEMAPPING into a window.
VIRTIO_FS_TEST_LIB := tests/virtio/vq-driver.c tests/fuse/harness.c \
                      $(VIRTIO_SRCS) $(FUSE_SRCS)
VIRTIO_TESTS := test-transport test-malformed test-fs test-dax

$(foreach t,test-transport test-malformed,\
  $(call test_program,virtio,$(t),tests/virtio/$(t).c $(VIRTIO_TEST_LIB)))
$(foreach t,test-fs test-dax bench-fs,\
  $(call test_program,virtio,$(t),tests/virtio/$(t).c $(VIRTIO_FS_TEST_LIB)))

.PHONY: check-virtio bench-virtio
check-virtio: $(call test_bins,virtio,$(VIRTIO_TESTS))
	$(RUN_TESTS)

bench-virtio: $(BUILD)/tests/virtio/bench-fs
	$<

CHECK_TARGETS += check-virtio
BENCH_TARGETS += bench-virtio
