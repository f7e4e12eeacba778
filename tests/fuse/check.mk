# FUSE server tests without a guest: hand-made requests over split iovecs
# straight into fuse_server_handle, on temp shares. Each test is built
# plain and with $(SANITIZE).
#   make check-fuse     the tests
#   make bench-fuse     host-side time per LOOKUP and GETATTR

FUSE_TESTS := test-ops test-security test-dirs test-data test-budget \
              test-mapped
FUSE_TEST_LIB := tests/fuse/harness.c
FUSE_TEST_BINS := $(FUSE_TESTS:%=$(BUILD)/tests/fuse/%) \
                  $(FUSE_TESTS:%=$(BUILD)/tests/fuse-asan/%)

fuse_test_objs = $(patsubst %.c,$(BUILD)/$(1)/%.o,$(FUSE_TEST_LIB) $(FUSE_SRCS))

$(BUILD)/tests/fuse/%: $(BUILD)/obj/tests/fuse/%.o $(call fuse_test_objs,obj)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/fuse-asan/%: $(BUILD)/asan/tests/fuse/%.o \
                            $(call fuse_test_objs,asan)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^

$(BUILD)/bench-fuse: $(BUILD)/obj/tests/fuse/bench-fuse.o \
                     $(call fuse_test_objs,obj)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

# Through real virtqueues, when the virtio area and its driver-side test
# library are in the tree.
ifneq ($(wildcard tests/virtio/vq-driver.c),)
ifneq ($(VIRTIO_SRCS),)
FUSE_VQ_SRCS := tests/virtio/vq-driver.c $(VIRTIO_SRCS)
FUSE_TEST_BINS += $(BUILD)/tests/fuse/test-virtqueue \
                  $(BUILD)/tests/fuse-asan/test-virtqueue

$(BUILD)/tests/fuse/test-virtqueue: $(BUILD)/obj/tests/fuse/test-virtqueue.o \
        $(call fuse_test_objs,obj) $(FUSE_VQ_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^

$(BUILD)/tests/fuse-asan/test-virtqueue: \
        $(BUILD)/asan/tests/fuse/test-virtqueue.o \
        $(call fuse_test_objs,asan) $(FUSE_VQ_SRCS:%.c=$(BUILD)/asan/%.o)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^
endif
endif

.SECONDARY: $(foreach t,$(FUSE_TESTS) harness bench-fuse test-virtqueue,\
              $(BUILD)/obj/tests/fuse/$(t).o $(BUILD)/asan/tests/fuse/$(t).o)

.PHONY: check-fuse bench-fuse
check-fuse: $(FUSE_TEST_BINS)
	@set -e; for t in $^; do echo "== $$t"; $$t; done

bench-fuse: $(BUILD)/bench-fuse
	$(BUILD)/bench-fuse

CHECK_TARGETS += check-fuse
BENCH_TARGETS += bench-fuse

-include $(wildcard $(BUILD)/obj/tests/fuse/*.d $(BUILD)/asan/tests/fuse/*.d)
