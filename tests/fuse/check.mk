# FUSE server tests without a guest: hand-made requests over split iovecs
# straight into fuse_server_handle, on temp shares. Each test is built
# plain and with $(SANITIZE).
#   make check-fuse     the tests
#   make bench-fuse     host-side time per LOOKUP and GETATTR

FUSE_TESTS := test-ops test-security test-dirs test-data test-budget \
              test-mapped
FUSE_TEST_LIB := tests/fuse/harness.c $(FUSE_SRCS)
FUSE_TEST_BINS := $(patsubst %,$(BUILD)/tests/fuse/%,$(FUSE_TESTS) test-virtqueue) \
                  $(patsubst %,$(BUILD)/tests/fuse-asan/%,$(FUSE_TESTS) test-virtqueue)

$(foreach t,$(FUSE_TESTS) bench-fuse,\
  $(call test_program,fuse,$(t),tests/fuse/$(t).c $(FUSE_TEST_LIB)))
# Through real virtqueues: also the device and its driver-side test library.
$(call test_program,fuse,test-virtqueue,tests/fuse/test-virtqueue.c \
       $(FUSE_TEST_LIB) tests/virtio/vq-driver.c $(VIRTIO_SRCS))

.PHONY: check-fuse bench-fuse
check-fuse: $(FUSE_TEST_BINS)
	@set -e; for t in $^; do echo "== $$t"; $$t; done

bench-fuse: $(BUILD)/tests/fuse/bench-fuse
	$<

CHECK_TARGETS += check-fuse
BENCH_TARGETS += bench-fuse
