/*
 * Code written where it is about to run or already ran, as a translator
 * sees it: a store over the very next instructions of the running block,
 * then fence.i; a loop that rewrites an instruction it has already run,
 * every iteration, with fence.i and without (the store alone is seen by
 * the next iteration, on QEMU too; a store ahead in the running block
 * without fence.i is not, on QEMU: semu's own guarantee for that is
 * checked by tests/cpu); an instruction straddling two pages rewritten in
 * its second page; and, with Sv39 in S-mode, code written through one
 * virtual page and run through another that maps the same physical page.
 */
#include "test.h"
#include "vm.h"

#define ADDI_A0(imm) (0x00000513 | ((imm) << 20))   /* addi a0, zero, imm */

    .text
    .option norvc
    .globl main
main:
    /* the next instruction but one, in the running block, with fence.i */
    la t0, 1f
    li t1, ADDI_A0(42)
    li a0, 0
    sw t1, 0(t0)
    fence.i
1:  addi a0, zero, 1
    CHECK(a0, 42)

    /* a loop rewriting an instruction it already ran, with fence.i */
    li s1, 0
    li s2, 1
2:
patch_a:
    addi a0, zero, 0
    add s1, s1, a0
    addi t0, s2, 1                  /* the next iteration adds s2 + 1 */
    slli t0, t0, 20
    li t1, ADDI_A0(0)
    or t1, t1, t0
    la t2, patch_a
    sw t1, 0(t2)
    fence.i
    addi s2, s2, 1
    li t0, 5
    ble s2, t0, 2b
    CHECK(s1, 14)                   /* 0 + 2 + 3 + 4 + 5 */

    /* ... and without fence.i */
    li s1, 0
    li s2, 1
2:
patch_b:
    addi a0, zero, 0
    add s1, s1, a0
    addi t0, s2, 1
    slli t0, t0, 20
    li t1, ADDI_A0(0)
    or t1, t1, t0
    la t2, patch_b
    sw t1, 0(t2)
    addi s2, s2, 1
    li t0, 5
    ble s2, t0, 2b
    CHECK(s1, 14)

    /* an instruction across a page boundary: rewrite its upper half */
    la s1, straddle
    jalr s1
    CHECK(a0, 5)
    li t0, ADDI_A0(0x123) >> 16
    sh t0, 2(s1)                    /* in the second page */
    fence.i
    jalr s1
    CHECK(a0, 0x123)

    /* S, Sv39: write via the identity map, run via VA_CODE */
    VM_ENTER_S s_code
s_code:
    li s1, VA_CODE
    jalr s1
    li t0, 42
    bne a0, t0, s_fail
    la t0, code_page                /* the same physical page */
    li t1, ADDI_A0(99)
    sw t1, 0(t0)
    fence.i
    jalr s1
    li t0, 99
    bne a0, t0, s_fail
    TO_M
    csrw satp, zero
    PASS
s_fail:
    TO_M
    CHECK(a0, -1)                   /* reports what S saw */

    /* addi a0, zero, 5 over the end of one page and the start of the
       next, then ret */
    .align 12
    .fill 0xffe / 4, 4, 0x00000013  /* nops */
    .half 0x0013
straddle:
    .half ADDI_A0(5) & 0xffff
    .half ADDI_A0(5) >> 16
    ret
    .align 12

    VM_DATA
