# CPU unit tests: the hart (riscv*.c) on a bare machine with the real bus,
# built plain and with ASan+UBSan, and the differential test of the
# translator against the interpreter (jit-diff.c).
#   make check-cpu    both builds, and jit-diff on 460 seeds
#   make fuzz-jit     jit-diff for FUZZ_TIME seconds, plain then under
#                     ASan+UBSan (make fuzz runs it)
#   make bench-cpu    guest instructions per second on an integer loop

CPU_TEST_LIB := tests/cpu/fixture.c $(CPU_SRCS) bus.c host-window.c
JIT_DIFF := $(BUILD)/tests/cpu/jit-diff
JIT_DIFF_ASAN := $(BUILD)/tests/cpu-asan/jit-diff

$(call test_program,cpu,cpu-tests,tests/cpu/cpu-tests.c \
       tests/cpu/test-priv.c tests/cpu/test-mmu.c tests/cpu/test-fpu.c \
       tests/cpu/test-random.c tests/cpu/test-window.c $(CPU_TEST_LIB))
$(call test_program,cpu,jit-diff,tests/cpu/jit-diff.c \
       tests/cpu/jit-diff-gen.c $(CPU_TEST_LIB))

.PHONY: check-cpu bench-cpu fuzz-jit
# jit-diff, order-only: it runs with its own arguments, not in $(RUN_TESTS).
check-cpu: $(call test_bins,cpu,cpu-tests) | $(JIT_DIFF) $(JIT_DIFF_ASAN)
	$(RUN_TESTS)
	$(JIT_DIFF) -n 400
	$(JIT_DIFF_ASAN) -s 1000001 -n 60

# Half the time plain (about 100 times the seeds), half under the sanitizers.
fuzz-jit: $(JIT_DIFF) $(JIT_DIFF_ASAN)
	$(JIT_DIFF) -t $$(( $(FUZZ_TIME) / 2 ))
	$(JIT_DIFF_ASAN) -t $$(( ($(FUZZ_TIME) + 1) / 2 ))

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
