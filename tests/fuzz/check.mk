# Fuzzing the virtio-fs device through the MMIO transport (libFuzzer).
#   make check-fuzz       seeds, then a 30 s run, with the device serving
#                         requests inside the notify and then on a share
#                         thread (FUZZ_SHARE_THREAD=1) (part of make check)
#   make fuzz             a longer run: FUZZ_TIME seconds (default 600);
#                         FUZZ_SHARE_THREAD=1 for the share thread
#   make fuzz-corpus      regenerate tests/fuzz/corpus with make-corpus

FUZZ_CC := clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# clang, unlike gcc, warns about partly positional initializers.
FUZZ_WARNINGS := $(WARNINGS) -Wno-missing-field-initializers
FUZZ_BIN := $(BUILD)/fuzz/fuzz-virtio
FUZZ_TIME ?= 600
# The device, the FUSE server (mk/fuse.mk) and the driver-side test library.
FUZZ_SRCS := tests/fuzz/fuzz-virtio.c tests/virtio/vq-driver.c \
             $(VIRTIO_SRCS) $(FUSE_SRCS)

$(FUZZ_BIN): $(FUZZ_SRCS) tests/fuzz/fuzz-ops.h $(wildcard *.h) \
             tests/virtio/vq-driver.h $(TEST_DEPS_STAMP) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(FUZZ_WARNINGS) -o $@ $(FUZZ_SRCS)

$(BUILD)/fuzz/make-corpus: tests/fuzz/make-corpus.c tests/fuzz/fuzz-ops.h \
                           $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARNINGS) -o $@ $<

.PHONY: check-fuzz fuzz fuzz-corpus
check-fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_BIN) tests/fuzz/corpus 30 $(BUILD)/fuzz/check
	FUZZ_SHARE_THREAD=1 tests/fuzz/run.sh $(FUZZ_BIN) tests/fuzz/corpus 30 \
	    $(BUILD)/fuzz/check-thread

fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_BIN) tests/fuzz/corpus $(FUZZ_TIME) \
	    $(BUILD)/fuzz/long

fuzz-corpus: $(BUILD)/fuzz/make-corpus
	rm -rf tests/fuzz/corpus
	$(BUILD)/fuzz/make-corpus tests/fuzz/corpus

CHECK_TARGETS += check-fuzz
