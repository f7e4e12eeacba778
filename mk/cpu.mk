# The RV64GC hart.
CPU_SRCS := riscv.c riscv-decode.c riscv-mmu.c riscv-csr.c riscv-amo.c \
            riscv-fpu.c riscv-pmp.c riscv-jit.c
SEMU_SRCS += $(CPU_SRCS)

# The FPU changes the host rounding mode and reads its exception flags.
$(BUILD)/obj/riscv-fpu.o $(BUILD)/asan/riscv-fpu.o: \
    CFLAGS += -frounding-math -fsignaling-nans

# Keep one indirect jump per handler (threaded dispatch): stop GCC from
# merging the handlers' identical tails into one shared jump.
$(BUILD)/obj/riscv.o $(BUILD)/asan/riscv.o: \
    CFLAGS += -fno-gcse -fno-crossjumping
