/*
 * Returns, which a translator may predict from the call (a jump cache, a
 * return-address stack): each loop runs long enough for its code to be
 * translated, and calls a function in another page. A return must land
 * where the link register says, not where the call was made from; and
 * code written at the return address between the call and the return
 * runs as written.
 */
#include "test.h"

#define ADDI_A0(imm) (0x00000513 | ((imm) << 20))   /* addi a0, zero, imm */

    .text
    .option norvc
    .globl main
main:
    /* plain calls and returns, through ra and through t0 */
    li s1, 0
    li s2, 200
1:  call plain
    add s1, s1, a0
    jal t0, plain_t0
    add s1, s1, a0
    addi s2, s2, -1
    bnez s2, 1b
    CHECK(s1, 600)                  /* 200 * (1 + 2) */

    /* every other return skips the instruction after the call */
    li s1, 0                        /* returns that landed after the call */
    li s3, 0                        /* every return */
    li s2, 200
2:  andi a0, s2, 1
    call move_return
    addi s1, s1, 1
    addi s3, s3, 1
    addi s2, s2, -1
    bnez s2, 2b
    CHECK(s1, 100)
    CHECK(s3, 200)

    /* once the loop is translated, the callee rewrites the instruction
       it returns to, with fence.i */
    li s1, 0
    li s2, 1
3:  mv a1, s2
    call rewrite_return
    addi a0, zero, 0                /* from the 150th on: addi a0, zero, 7 */
    add s1, s1, a0
    addi s2, s2, 1
    li t0, 200
    ble s2, t0, 3b
    CHECK(s1, 357)                  /* 51 * 7 */
    PASS

    .align 12
plain:
    li a0, 1
    ret

plain_t0:
    li a0, 2
    jr t0

/* a0 odd: return one instruction further on */
move_return:
    slli a0, a0, 2
    add ra, ra, a0
    ret

/* a1 == 150: the instruction at ra becomes addi a0, zero, 7 */
rewrite_return:
    li t1, 150
    bne a1, t1, 1f
    li t1, ADDI_A0(7)
    sw t1, 0(ra)
    fence.i
1:  ret
