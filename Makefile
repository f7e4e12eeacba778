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
LDLIBS += -lfdt -lm -pthread
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

# $(call link_pair,PLAIN,ASAN,SOURCES,LIBS): link PLAIN from the plain
# objects of SOURCES (.c files, or objects taken as they are) and ASAN from
# their $(SANITIZE) objects. Every program is built both ways.
define link_pair
$(1): $(patsubst %.c,$(BUILD)/obj/%.o,$(3))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) -o $$@ $$^ $(4)

$(2): $(patsubst %.c,$(BUILD)/asan/%.o,$(3))
	@mkdir -p $$(dir $$@)
	$$(CC) $$(CFLAGS) $$(SANITIZE) -o $$@ $$^ $(4)
endef

# $(call test_program,GROUP,NAME,SOURCES): a C test, build/tests/GROUP/NAME
# and build/tests/GROUP-asan/NAME, with the check library (tests/check.h).
TEST_SRCS := tests/check.c
define test_program
$(eval $(call link_pair,$(BUILD)/tests/$(1)/$(2),$(BUILD)/tests/$(1)-asan/$(2),\
                        $(3) tests/check.c,-lm))
$(eval TEST_SRCS += $(3))
endef
# $(call test_bins,GROUP,NAMES): the plain then the sanitizer binaries.
test_bins = $(2:%=$(BUILD)/tests/$(1)/%) $(2:%=$(BUILD)/tests/$(1)-asan/%)
# The recipe of a check target: run each test binary it depends on.
RUN_TESTS = @set -e; for t in $^; do echo "== $$t"; $$t; done

include $(sort $(wildcard mk/*.mk))
include $(sort $(wildcard tests/*/check.mk))

$(DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh build
	@touch $@

deps: $(DEPS_STAMP)

# What the tests need besides (cross compilers, QEMU, clang), for targets
# that run before check-deps or alone.
TEST_DEPS_STAMP := $(BUILD)/.deps-test
$(TEST_DEPS_STAMP): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh test
	@touch $@

.PHONY: check-deps
check-deps: $(DEPS_STAMP)
	@scripts/deps.sh all

$(BUILD)/obj/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -c -o $@ $<

$(BUILD)/asan/%.o: %.c $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) $(SANITIZE) -c -o $@ $<

# The emulator, and the same under AddressSanitizer and UBSan for the tests.
$(eval $(call link_pair,semu,$(BUILD)/semu-asan,\
                        $(SEMU_SRCS) $(SEMU_EXTRA_OBJS),$(LDLIBS)))

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

C_SRCS := $(sort $(SEMU_SRCS) $(TEST_SRCS))
-include $(C_SRCS:%.c=$(BUILD)/obj/%.d) $(C_SRCS:%.c=$(BUILD)/asan/%.d)
