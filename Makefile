# semu: a RISC-V (RV64GC) system emulator with an in-emulator virtio-fs.
#
#   make          build ./semu
#   make images   build the guest kernel and root file system (build/)
#   make run      boot Linux with ./shared shared as tag "myfs"
#   make check    every test (installs what it needs, builds images)
#   make bench    benchmarks, side by side with QEMU
#   make clean    remove build outputs (the image cache stays)

CC ?= cc
CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Werror
CPPFLAGS += -MMD -MP -I.
LDLIBS += -lfdt -lm
SANITIZE := -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=undefined

BUILD := build
DEPS_STAMP := $(BUILD)/.deps-build

# The emulator's sources; each area adds its own files here.
SEMU_SRCS :=

# Extra objects the binary links (generated sources, e.g. the DTB blob).
SEMU_EXTRA_OBJS :=

# Tests register their make targets here (see tests/*/check.mk). The
# first installs every package the tests use (QEMU, clang, python3, ...).
CHECK_TARGETS := check-deps
BENCH_TARGETS :=

.PHONY: all images run check bench clean format check-format deps
all: semu

FORMAT_FILES = $(filter-out tests/isa/%.h,$(shell git ls-files '*.c' '*.h'))
# Every tracked C file must be clang-format clean (.clang-format); the
# ISA tests' headers are assembler macros, which clang-format would mangle.
CHECK_TARGETS += check-format
check-format: $(DEPS_STAMP)
	@clang-format --dry-run --Werror $(FORMAT_FILES)
	@echo "check-format: $(words $(FORMAT_FILES)) files clean"

# The sources keep their layers (README, "Design"): no include circle, no
# device that sees the FUSE API, few includes that point upward.
CHECK_TARGETS += check-layers
.PHONY: check-layers
check-layers: $(DEPS_STAMP)
	@python3 scripts/layers.py --check

include $(sort $(wildcard mk/*.mk))
include $(sort $(wildcard tests/*/check.mk))

SEMU_OBJS := $(SEMU_SRCS:%.c=$(BUILD)/obj/%.o)
SEMU_ASAN_OBJS := $(SEMU_SRCS:%.c=$(BUILD)/asan/%.o)

$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh build
	@touch $@

deps: $(DEPS_STAMP)

.PHONY: check-deps
check-deps: $(DEPS_STAMP)
	@scripts/deps.sh all

$(BUILD)/obj/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SANITIZE) -c -o $@ $<

semu: $(SEMU_OBJS) $(SEMU_EXTRA_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

# The same emulator under AddressSanitizer and UBSan, for the tests.
$(BUILD)/semu-asan: $(SEMU_ASAN_OBJS) $(SEMU_EXTRA_OBJS)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ $(LDLIBS)

images:
	scripts/build-image.sh

run: semu images
	@mkdir -p shared
	./semu -k $(BUILD)/Image -s shared

check: $(CHECK_TARGETS)
	@echo "make check: all test groups passed ($(CHECK_TARGETS))"

bench: $(BENCH_TARGETS)

format:
	clang-format -i $(FORMAT_FILES)


clean:
	rm -rf $(BUILD) semu

-include $(SEMU_OBJS:.o=.d) $(SEMU_ASAN_OBJS:.o=.d)
