# CPU unit tests: the hart (riscv*.c) on a bare machine with the real bus,
# built plain and with ASan+UBSan, and the differential test of the
# translator against the interpreter (jit-diff.c).
#   make check-cpu    both builds, and jit-diff on 460 seeds
#   make fuzz-jit     jit-diff for FUZZ_TIME seconds, plain then under
#                     ASan+UBSan (make fuzz runs it)
#   make bench-cpu    guest instructions per second on an integer loop

CPU_TEST_SRCS := tests/cpu/cpu-tests.c tests/cpu/fixture.c \
                 tests/cpu/test-priv.c tests/cpu/test-mmu.c \
                 tests/cpu/test-fpu.c tests/cpu/test-random.c \
                 tests/cpu/test-window.c
CPU_TEST_DEPS := $(CPU_SRCS) bus.c host-window.c
CPU_TEST_OBJS := $(CPU_TEST_SRCS:%.c=$(BUILD)/obj/%.o) \
                 $(CPU_TEST_DEPS:%.c=$(BUILD)/obj/%.o)
CPU_TEST_ASAN_OBJS := $(CPU_TEST_SRCS:%.c=$(BUILD)/asan/%.o) \
                      $(CPU_TEST_DEPS:%.c=$(BUILD)/asan/%.o)

$(BUILD)/cpu-tests: $(CPU_TEST_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ -lm

$(BUILD)/cpu-tests-asan: $(CPU_TEST_ASAN_OBJS)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ -lm

JIT_DIFF_SRCS := tests/cpu/jit-diff.c tests/cpu/jit-diff-gen.c \
                 tests/cpu/fixture.c
JIT_DIFF_OBJS := $(JIT_DIFF_SRCS:%.c=$(BUILD)/obj/%.o) \
                 $(CPU_TEST_DEPS:%.c=$(BUILD)/obj/%.o)
JIT_DIFF_ASAN_OBJS := $(JIT_DIFF_SRCS:%.c=$(BUILD)/asan/%.o) \
                      $(CPU_TEST_DEPS:%.c=$(BUILD)/asan/%.o)

$(BUILD)/jit-diff: $(JIT_DIFF_OBJS)
	$(CC) $(CFLAGS) -o $@ $^ -lm

$(BUILD)/jit-diff-asan: $(JIT_DIFF_ASAN_OBJS)
	$(CC) $(CFLAGS) $(SANITIZE) -o $@ $^ -lm

.PHONY: check-cpu bench-cpu fuzz-jit
check-cpu: $(BUILD)/cpu-tests $(BUILD)/cpu-tests-asan $(BUILD)/jit-diff \
           $(BUILD)/jit-diff-asan
	$(BUILD)/cpu-tests
	$(BUILD)/cpu-tests-asan
	$(BUILD)/jit-diff -n 400
	$(BUILD)/jit-diff-asan -s 1000001 -n 60

# Half the time plain (about 100 times the seeds), half under the sanitizers.
fuzz-jit: $(BUILD)/jit-diff $(BUILD)/jit-diff-asan
	$(BUILD)/jit-diff -t $$(( $(FUZZ_TIME) / 2 ))
	$(BUILD)/jit-diff-asan -t $$(( ($(FUZZ_TIME) + 1) / 2 ))

CHECK_TARGETS += check-cpu

# A bare-metal loop of 5 integer instructions, 2*10^8 times.
$(BUILD)/bench/cpu-loop.bin: tests/cpu/bench-loop.S
	@mkdir -p $(dir $@)
	riscv64-linux-gnu-gcc -march=rv64gc -mabi=lp64d -nostdlib -static \
	    -Wl,-Ttext=0x80000000,--build-id=none -o $(@:.bin=.elf) $<
	riscv64-linux-gnu-objcopy -O binary -j .text $(@:.bin=.elf) $@

bench-cpu: semu $(BUILD)/bench/cpu-loop.bin
	tests/cpu/bench.sh ./semu $(BUILD)/bench/cpu-loop.bin

BENCH_TARGETS += bench-cpu

fuzz: fuzz-jit
