# Boot tests: bare-metal device and SBI guests, then Linux on semu with the
# built-in SBI (1 and 4 harts), with Debian's OpenSBI, and under ASan; the
# main ones also with --jit off.
BOOT_GUESTS := $(BUILD)/boot/devices-guest.bin $(BUILD)/boot/sbi-guest.bin \
               $(BUILD)/boot/stop-guest.bin $(BUILD)/boot/user.dtb
# devices-guest runs as firmware (M-mode, --bios); the others as kernels.
boot_ld = tests/boot/$(if $(filter devices-guest,$1),bios,kernel)-guest.ld
BOOT_CC := riscv64-linux-gnu-gcc
BOOT_CFLAGS := -march=rv64gc -mabi=lp64d -nostdlib -static -fno-pie -no-pie \
               -Wl,--build-id=none,--no-warn-rwx-segments

$(BUILD)/boot/%.elf: tests/boot/%.S tests/boot/bios-guest.ld \
                     tests/boot/kernel-guest.ld $(TEST_DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(BOOT_CC) $(BOOT_CFLAGS) -T $(call boot_ld,$*) -o $@ $<

$(BUILD)/boot/%.bin: $(BUILD)/boot/%.elf
	riscv64-linux-gnu-objcopy -O binary $< $@

$(BUILD)/boot/user.dtb: tests/boot/user.dts $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	dtc -q -I dts -O dtb -o $@ $<

.PRECIOUS: $(BUILD)/boot/%.elf
.PHONY: check-boot
check-boot: semu $(BUILD)/semu-asan images $(BOOT_GUESTS)
	tests/boot/run.sh ./semu $(BUILD)/semu-asan

CHECK_TARGETS += check-boot
