/*
 * Immediate decoding with irregular bit patterns, so that a swapped or
 * dropped immediate bit shows: load/store offsets (I and S formats),
 * branch and jump distances (B and J formats, and the compressed CB/CJ
 * ones), and the scaled offsets of the compressed loads and stores.
 * Jumps cross zero-filled gaps: landing anywhere else is an illegal
 * instruction, an unexpected trap.
 */
#include "test.h"

/* The address `base + off`, computed without the instruction's own
   immediate decoding. */
#define ADDR(rd, base, off) li rd, off; add rd, rd, base

    .text
    .globl main
    .option norvc
main:
    la s0, buf + 2048
    li t0, 0x1122334455667788
    /* S-type stores, read back through plain addresses */
    sd t0, 0x5a8(s0)
    ADDR(t1, s0, 0x5a8)
    ld a0, 0(t1)
    CHECK(a0, 0x1122334455667788)
    sw t0, -0x2d4(s0)
    ADDR(t1, s0, -0x2d4)
    lwu a0, 0(t1)
    CHECK(a0, 0x55667788)
    sh t0, 0x3c6(s0)
    ADDR(t1, s0, 0x3c6)
    lhu a0, 0(t1)
    CHECK(a0, 0x7788)
    sb t0, -0x539(s0)
    ADDR(t1, s0, -0x539)
    lbu a0, 0(t1)
    CHECK(a0, 0x88)
    /* I-type loads at those offsets */
    ld a0, 0x5a8(s0)
    CHECK(a0, 0x1122334455667788)
    lw a0, -0x2d4(s0)
    CHECK(a0, 0x55667788)
    lh a0, 0x3c6(s0)
    CHECK(a0, 0x7788)
    lb a0, -0x539(s0)
    CHECK(a0, 0xffffffffffffff88)

    /* B-type: forward 0x8a6, backward over 0x6b2 bytes */
    li a0, 1
    beq a0, a0, 1f
    .fill (0x8a6 - 4) / 2, 2, 0
1:  j 3f
2:  j 4f
    .fill 0x6b2 / 2, 2, 0
3:  bne a0, zero, 2b
4:
    /* J-type: forward 0x12ab4, backward over 0x2d5a bytes */
    jal ra, 1f
    .fill (0x12ab4 - 4) / 2, 2, 0
1:  j 3f
2:  j 4f
    .fill 0x2d5a / 2, 2, 0
3:  jal zero, 2b
4:
    /* jalr with a negative irregular offset */
    la t0, 1f + 0x3a6
    jalr ra, -0x3a6(t0)
    .fill 0x40, 2, 0
1:

    /* compressed control transfer: CJ and CB offsets */
    .option rvc
    li a0, 0
    li a1, 1
    c.j 1f
    .fill (0x5a6 - 2) / 2, 2, 0
1:  c.beqz a0, 2f
    .fill (0xa6 - 2) / 2, 2, 0
2:  c.j 4f
3:  c.j 5f
    .fill 0x56 / 2, 2, 0
4:  c.bnez a1, 3b                   /* backward CB: -0x58 */
5:  c.j 7f
6:  c.j 8f
    .fill 0x3d0 / 2, 2, 0
7:  c.j 6b                          /* backward CJ: -0x3d2 */
8:  c.nop

    /* compressed loads and stores with irregular scaled offsets */
    la s0, buf
    c.mv s1, sp
    mv sp, s0
    li a2, 0x0123456789abcdef
    c.sdsp a2, 328(sp)
    ADDR(t1, s0, 328)
    ld a0, 0(t1)
    CHECK(a0, 0x0123456789abcdef)
    c.ldsp a3, 328(sp)
    CHECK(a3, 0x0123456789abcdef)
    c.swsp a2, 148(sp)
    ADDR(t1, s0, 148)
    lwu a0, 0(t1)
    CHECK(a0, 0x89abcdef)
    c.lwsp a3, 148(sp)
    CHECK(a3, 0xffffffff89abcdef)
    fmv.d.x fa0, a2
    c.fsdsp fa0, 424(sp)
    ADDR(t1, s0, 424)
    ld a0, 0(t1)
    CHECK(a0, 0x0123456789abcdef)
    c.fldsp fa1, 424(sp)
    fmv.x.d a0, fa1
    CHECK(a0, 0x0123456789abcdef)
    c.sd a2, 168(s0)
    ADDR(t1, s0, 168)
    ld a0, 0(t1)
    CHECK(a0, 0x0123456789abcdef)
    c.ld a3, 168(s0)
    CHECK(a3, 0x0123456789abcdef)
    c.sw a2, 76(s0)
    ADDR(t1, s0, 76)
    lwu a0, 0(t1)
    CHECK(a0, 0x89abcdef)
    c.lw a3, 76(s0)
    CHECK(a3, 0xffffffff89abcdef)
    c.fsd fa0, 104(s0)
    ADDR(t1, s0, 104)
    ld a0, 0(t1)
    CHECK(a0, 0x0123456789abcdef)
    c.fld fa2, 104(s0)
    fmv.x.d a0, fa2
    CHECK(a0, 0x0123456789abcdef)
    c.addi4spn a0, sp, 660
    sub a0, a0, sp
    CHECK(a0, 660)
    c.addi16sp sp, 336
    sub a0, sp, s0
    CHECK(a0, 336)
    c.addi16sp sp, -352
    sub a0, sp, s0
    CHECK(a0, -16)
    c.mv sp, s1

    /* compressed ALU immediates */
    c.li a0, -21
    CHECK(a0, -21)
    c.addi a0, -19
    CHECK(a0, -40)
    li a0, -1
    c.andi a0, -22
    CHECK(a0, -22)
    c.lui a0, 0x15
    CHECK(a0, 0x15000)
    c.lui a0, 0xfffea               /* -22 << 12 */
    CHECK(a0, 0xfffffffffffea000)
    li a0, 1
    c.slli a0, 45
    CHECK(a0, 0x200000000000)
    li a0, 0x8000000000000000
    c.srli a0, 37
    CHECK(a0, 0x4000000)
    li a0, 0x8000000000000000
    c.srai a0, 43
    CHECK(a0, 0xfffffffffff00000)
    PASS

    .data
    .align 12
buf:
    .fill 4096, 1, 0
