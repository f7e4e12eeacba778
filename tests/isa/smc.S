/*
 * Self-modifying code: after a store over an instruction that has already
 * run, fence.i makes the new instruction the one that executes (for both
 * a 32-bit and a 16-bit instruction, and for a whole new routine).
 */
#include "test.h"

    .text
    .globl main
main:
    .option norvc
    /* patch a 32-bit addi's immediate */
    li s1, 0
1:  jal ra, patched
    add s1, s1, a0
    la t0, patched
    lw t1, 0(t0)
    li t2, 0x000fffff               /* keep everything but imm[11:0] */
    and t1, t1, t2
    li t2, 100 << 20
    or t1, t1, t2
    sw t1, 0(t0)
    fence.i
    jal ra, patched
    CHECK(a0, 100)
    CHECK(s1, 1)

    /* patch a 16-bit c.li in place */
    jal ra, patched16
    CHECK(a0, 3)
    la t0, patched16
    li t1, 0x4000 | (10 << 7) | (9 << 2) | 1   /* c.li a0, 9 */
    sh t1, 0(t0)
    fence.i
    jal ra, patched16
    CHECK(a0, 9)

    /* copy a routine into a buffer that held other code, run it */
    la s0, buffer
    jalr ra, s0
    CHECK(a0, 5)
    la t0, routine
    lw t1, 0(t0)
    sw t1, 0(s0)
    lw t1, 4(t0)
    sw t1, 4(s0)
    fence.i
    jalr ra, s0
    CHECK(a0, 77)
    PASS

patched:
    addi a0, zero, 1
    ret
patched16:
    .option rvc
    c.li a0, 3
    ret
    .option norvc
routine:
    addi a0, zero, 77
    ret
    .align 3
buffer:
    addi a0, zero, 5
    ret
