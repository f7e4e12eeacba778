/*
 * When FP instructions must trap: reserved rounding modes (static rm 5 or
 * 6, or dyn while frm holds 5..7) and mstatus.FS = Off. Also FS becoming
 * Dirty, with mstatus.SD, once FP state is written.
 */
#include "test.h"

/* fadd.s fa0, fa1, fa2 and fmadd.d fa0, fa1, fa2, fa3 with a given rm */
#define FADD_S(rm)  ((12 << 20) | (11 << 15) | ((rm) << 12) | (10 << 7) | 0x53)
#define FMADD_D(rm) ((13 << 27) | (1 << 25) | (12 << 20) | (11 << 15) | \
                     ((rm) << 12) | (10 << 7) | 0x43)
#define FLW_FA0     ((0 << 20) | (9 << 15) | (2 << 12) | (10 << 7) | 0x07)
#define FMV_X_W     ((0x70 << 25) | (11 << 15) | (10 << 7) | 0x53)
#define CSRR_FFLAGS ((1 << 20) | (2 << 12) | (10 << 7) | 0x73)

/* Execute the instruction word and expect an illegal-instruction trap. */
#define ILLEGAL(insn) EXPECT_TRAP(9f); .word insn; 9: CHECK(s8, 2); CHECK(s9, insn)

    .text
    .globl main
main:
    .option norvc
    LI_S(fa1, 0x3f800000)
    LI_S(fa2, 0x40000000)
    LI_D(fa3, 0)

    /* static rm 5 and 6 are reserved */
    ILLEGAL(FADD_S(5))
    ILLEGAL(FADD_S(6))
    ILLEGAL(FMADD_D(5))
    /* rm 0..4 and dyn with a valid frm execute */
    fsrmi 0
    .word FADD_S(4)
    CHECK_S(fa0, 0x40400000)
    .word FADD_S(7)
    CHECK_S(fa0, 0x40400000)

    /* dyn with frm 5, 6 or 7 is illegal */
    fsrmi 5
    ILLEGAL(FADD_S(7))
    fsrmi 6
    ILLEGAL(FMADD_D(7))
    fsrmi 7
    ILLEGAL(FADD_S(7))
    /* ...but a static rm, or an instruction that never rounds, is fine */
    .word FADD_S(0)
    CHECK_S(fa0, 0x40400000)
    fmin.s fa0, fa1, fa2
    CHECK_S(fa0, 0x3f800000)
    fsrmi 0

    /* FS = Off: every FP instruction and FP CSR access is illegal */
    li t0, MSTATUS_FS
    csrc mstatus, t0
    csrr a0, mstatus
    srli a0, a0, 13
    andi a0, a0, 3
    CHECK(a0, 0)
    la s1, fdata
    ILLEGAL(FADD_S(0))
    ILLEGAL(FLW_FA0)
    ILLEGAL(FMV_X_W)
    ILLEGAL(CSRR_FFLAGS)

    /* FS = Initial: usable; writing FP state makes it Dirty and sets SD */
    li t0, 1 << 13
    csrs mstatus, t0
    csrr a0, mstatus
    srli a0, a0, 63
    CHECK(a0, 0)
    .word FADD_S(0)
    csrr a0, mstatus
    srli a1, a0, 13
    andi a1, a1, 3
    CHECK(a1, 3)
    srli a0, a0, 63
    CHECK(a0, 1)
    CHECK_S(fa0, 0x40400000)
    PASS

    .data
    .align 2
fdata:
    .word 0x3f800000
