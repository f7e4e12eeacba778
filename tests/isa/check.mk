# ISA tests: bare-metal RV64GC programs run with --bios, one per area.
#   make check-isa        every test on ./semu and on build/semu-asan
#   make check-isa-qemu   the same tests on QEMU virt (proves the tests)

ISA_TESTS := $(filter-out crt,$(basename $(notdir $(wildcard tests/isa/*.S))))
ISA_BINS := $(sort $(ISA_TESTS:%=$(BUILD)/isa/%.bin))
ISA_CC := riscv64-linux-gnu-gcc
ISA_CFLAGS := -march=rv64gc -mabi=lp64d -nostdlib -static -fno-pie -no-pie \
              -Wl,--build-id=none,--no-warn-rwx-segments \
              -T tests/isa/link.ld -Itests/isa
ISA_DEPS := $(BUILD)/.deps-isa
ISA_QEMU := qemu-system-riscv64 -M virt -m 256M -nographic -bios

$(ISA_DEPS): scripts/deps.sh
	@mkdir -p $(BUILD)
	scripts/deps.sh test
	@touch $@

$(BUILD)/isa/%.elf: tests/isa/%.S tests/isa/crt.S tests/isa/test.h \
                    tests/isa/link.ld tests/isa/check.mk $(ISA_DEPS)
	@mkdir -p $(dir $@)
	$(ISA_CC) $(ISA_CFLAGS) -o $@ tests/isa/crt.S $<

$(BUILD)/isa/%.bin: $(BUILD)/isa/%.elf
	riscv64-linux-gnu-objcopy -O binary $< $@

.PRECIOUS: $(BUILD)/isa/%.elf
.PHONY: check-isa check-isa-qemu isa-tests
isa-tests: $(ISA_BINS)

check-isa: semu $(BUILD)/semu-asan $(ISA_BINS)
	tests/isa/run.sh -e "./semu --bios" -s "-c 2" \
	    -e "$(BUILD)/semu-asan --bios" -s "-c 2" $(ISA_BINS)

check-isa-qemu: $(ISA_BINS)
	tests/isa/run.sh -e "$(ISA_QEMU)" -s "-smp 2" $(ISA_BINS)

CHECK_TARGETS += check-isa
