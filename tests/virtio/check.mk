# virtio tests without a guest: the transport and virtqueues driven through
# virtio_mmio_read/write by tests/virtio/vq-driver.c, each test built plain
# and with $(SANITIZE).
#   make check-virtio

VIRTIO_TEST_LIB := tests/virtio/vq-driver.c tests/virtio/echo-device.c
VIRTIO_TESTS := test-transport test-malformed
VIRTIO_TEST_BINS := $(VIRTIO_TESTS:%=$(BUILD)/tests/virtio/%) \
                    $(VIRTIO_TESTS:%=$(BUILD)/tests/virtio-asan/%)

# Objects each test links besides its own: library, transport, queues.
virtio_test_objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,\
                     $(VIRTIO_TEST_LIB) $(VIRTIO_CORE_SRCS))

$(BUILD)/tests/virtio/%: $(BUILD)/obj/tests/virtio/%.o \
                         $(call virtio_test_objs,obj)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/virtio-asan/%: $(BUILD)/asan/tests/virtio/%.o \
                              $(call virtio_test_objs,asan)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^

# virtio-fs end to end: also links the device and the FUSE server
# (FUSE_SRCS from mk/fuse.mk).
ifneq ($(FUSE_SRCS),)
VIRTIO_FS_TEST_SRCS := tests/virtio/vq-driver.c $(VIRTIO_SRCS) $(FUSE_SRCS)
VIRTIO_TEST_BINS += $(BUILD)/tests/virtio/test-fs \
                    $(BUILD)/tests/virtio-asan/test-fs

$(BUILD)/tests/virtio/test-fs: $(BUILD)/obj/tests/virtio/test-fs.o \
                               $(VIRTIO_FS_TEST_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/virtio-asan/test-fs: $(BUILD)/asan/tests/virtio/test-fs.o \
                                    $(VIRTIO_FS_TEST_SRCS:%.c=$(BUILD)/asan/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^

# DAX: shared-memory registers and SETUPMAPPING/REMOVEMAPPING into a window.
VIRTIO_TEST_BINS += $(BUILD)/tests/virtio/test-dax \
                    $(BUILD)/tests/virtio-asan/test-dax

$(BUILD)/tests/virtio/test-dax: $(BUILD)/obj/tests/virtio/test-dax.o \
                                $(VIRTIO_FS_TEST_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/virtio-asan/test-dax: $(BUILD)/asan/tests/virtio/test-dax.o \
                                     $(VIRTIO_FS_TEST_SRCS:%.c=$(BUILD)/asan/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^

# The device path's speed, for make bench.
$(BUILD)/tests/virtio/bench-fs: $(BUILD)/obj/tests/virtio/bench-fs.o \
                                $(VIRTIO_FS_TEST_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

.PHONY: bench-virtio
bench-virtio: $(BUILD)/tests/virtio/bench-fs
	$<
BENCH_TARGETS += bench-virtio
endif

# Keep test objects between runs (make would delete them as intermediate).
.SECONDARY: $(foreach t,$(VIRTIO_TESTS) test-fs test-dax bench-fs $(basename $(notdir $(VIRTIO_TEST_LIB))),\
              $(BUILD)/obj/tests/virtio/$(t).o $(BUILD)/asan/tests/virtio/$(t).o)

.PHONY: check-virtio
check-virtio: $(VIRTIO_TEST_BINS)
	@set -e; for t in $^; do echo "== $$t"; $$t; done

CHECK_TARGETS += check-virtio

-include $(wildcard $(BUILD)/obj/tests/virtio/*.d $(BUILD)/asan/tests/virtio/*.d)
