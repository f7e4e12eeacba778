# platform: the machine around the CPU (bus, devices, built-in SBI, device
# tree, boot loader) and the command line.
PLATFORM_SRCS := main.c machine.c bus.c uart.c terminal.c plic.c aclint.c \
                 finisher.c rtc.c sbi.c fdt.c loader.c profile.c
SEMU_SRCS += $(PLATFORM_SRCS)

# minimal.dts goes through the C preprocessor (for memlayout.h's numbers,
# as Linux builds its .dts files), is compiled by dtc and linked in as
# minimal_dtb[]. -E simple_bus_reg: a node name that disagrees with its
# reg is an error.
MINIMAL_DTB := $(BUILD)/minimal.dtb
MINIMAL_DTB_OBJ := $(BUILD)/obj/minimal-dtb.o
SEMU_EXTRA_OBJS += $(MINIMAL_DTB_OBJ)

$(MINIMAL_DTB): minimal.dts memlayout.h $(DEPS_STAMP)
	@mkdir -p $(dir $@)
	$(CC) -E -nostdinc -undef -x assembler-with-cpp -I. -o $@.dts $<
	dtc -q -E simple_bus_reg -I dts -O dtb -o $@ $@.dts

$(MINIMAL_DTB_OBJ): $(MINIMAL_DTB) mk/platform.mk
	@mkdir -p $(dir $@)
	printf '%s\n' '.section .rodata' '.balign 8' '.global minimal_dtb' \
	    'minimal_dtb:' '.incbin "$<"' \
	    '.section .note.GNU-stack,"",%progbits' | \
	    $(CC) -c -x assembler -o $@ -

.PHONY: bench-boot
bench-boot: semu images
	scripts/bench-boot.sh ./semu

BENCH_TARGETS += bench-boot
