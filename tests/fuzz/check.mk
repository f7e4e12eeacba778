# Fuzzing the virtio-fs device through the MMIO transport (libFuzzer).
#   make check-fuzz       seeds, then a 30 s run (part of make check)
#   make fuzz             a longer run: FUZZ_TIME seconds (default 600)
#   make fuzz-corpus      regenerate tests/fuzz/corpus with make-corpus

FUZZ_CC := clang
FUZZ_FLAGS := -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=undefined -fno-omit-frame-pointer
# clang, unlike gcc, warns about partly positional initializers.
FUZZ_WARNINGS := $(WARNINGS) -Wno-missing-field-initializers
FUZZ_DEPS := $(BUILD)/.deps-fuzz
FUZZ_BIN := $(BUILD)/fuzz/fuzz-virtio
FUZZ_TIME ?= 600
# The device, the FUSE server (whatever fuse-*.c/fs-*.c the FUSE area adds
# to the emulator) and the driver-side test library. Without the server,
# the transport is fuzzed with the echo test device instead.
FUZZ_FUSE_SRCS := $(filter fuse-%.c fs-%.c host-window.c,$(SEMU_SRCS))
FUZZ_SRCS := tests/fuzz/fuzz-virtio.c tests/virtio/vq-driver.c
ifneq ($(FUZZ_FUSE_SRCS),)
FUZZ_SRCS += $(VIRTIO_SRCS) $(FUZZ_FUSE_SRCS)
else
FUZZ_SRCS += $(VIRTIO_CORE_SRCS) tests/virtio/echo-device.c
FUZZ_FLAGS += -DFUZZ_ECHO_DEVICE
endif

$(FUZZ_DEPS): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh test
	@touch $@

$(FUZZ_BIN): $(FUZZ_SRCS) tests/fuzz/fuzz-ops.h $(wildcard *.h) \
             tests/virtio/vq-driver.h $(FUZZ_DEPS) $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_FLAGS) $(FUZZ_WARNINGS) -o $@ $(FUZZ_SRCS)

$(BUILD)/fuzz/make-corpus: tests/fuzz/make-corpus.c tests/fuzz/fuzz-ops.h \
                           $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(WARNINGS) -o $@ $<

.PHONY: check-fuzz fuzz fuzz-corpus
check-fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_BIN) tests/fuzz/corpus 30 $(BUILD)/fuzz/check

fuzz: $(FUZZ_BIN)
	tests/fuzz/run.sh $(FUZZ_BIN) tests/fuzz/corpus $(FUZZ_TIME) \
	    $(BUILD)/fuzz/long

fuzz-corpus: $(BUILD)/fuzz/make-corpus
	rm -rf tests/fuzz/corpus
	$(BUILD)/fuzz/make-corpus tests/fuzz/corpus

CHECK_TARGETS += check-fuzz
