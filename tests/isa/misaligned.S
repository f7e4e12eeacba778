/*
 * Misaligned loads and stores complete transparently (in M and S mode, and
 * across an 8-byte boundary), FP ones too; a misaligned LR traps with an
 * address-misaligned or access-fault cause and the address in mtval.
 * (Misaligned AMOs and SC must trap as well, but QEMU 7.2, the reference
 * these tests are proven on, lets them through, so they are not checked.)
 */
#include "test.h"

    .text
    .globl main
main:
    la s0, buf
    li t0, 0x8877665544332211
    sd t0, 0(s0)
    li t0, 0xffeeddccbbaa9988
    sd t0, 8(s0)

    lh a0, 1(s0)
    CHECK(a0, 0x3322)
    lhu a0, 7(s0)                   /* straddles the two doublewords */
    CHECK(a0, 0x8888)
    lh a0, 7(s0)
    CHECK(a0, 0xffffffffffff8888)
    lw a0, 5(s0)
    CHECK(a0, 0xffffffff88887766)
    lwu a0, 3(s0)
    CHECK(a0, 0x77665544)
    ld a0, 3(s0)
    CHECK(a0, 0xaa99888877665544)
    ld a0, 7(s0)
    CHECK(a0, 0xeeddccbbaa998888)

    li t0, 0x0102030405060708
    sd t0, 9(s0)
    ld a0, 8(s0)
    CHECK(a0, 0x0203040506070888)
    ld a0, 16(s0)
    CHECK(a0, 0x01)
    li t0, 0xa1b2c3d4
    sw t0, 6(s0)
    ld a0, 0(s0)
    CHECK(a0, 0xc3d4665544332211)
    ld a0, 8(s0)
    CHECK(a0, 0x020304050607a1b2)
    li t0, 0xe5f6
    sh t0, 15(s0)
    ld a0, 8(s0)
    CHECK(a0, 0xf60304050607a1b2)
    ld a0, 16(s0)
    CHECK(a0, 0xe5)

    /* FP loads and stores */
    li t0, 0x400921fb54442d18
    sd t0, 24(s0)
    fld fa0, 25(s0)                 /* bytes 25..32 */
    fmv.x.d a0, fa0
    CHECK(a0, 0x00400921fb54442d)
    fsd fa0, 33(s0)
    ld a0, 34(s0)
    CHECK(a0, 0x0000400921fb5444)
    flw fa1, 27(s0)
    CHECK_S(fa1, 0x0921fb54)
    fsw fa1, 41(s0)
    lwu a0, 41(s0)
    CHECK(a0, 0x0921fb54)

    /* from S-mode as well */
    GO_MODE 1, 1f
1:  ld a0, 3(s0)
    CHECK(a0, 0x07a1b2c3d4665544)
    li t0, 0x1122
    sh t0, 1(s0)
    lhu a0, 1(s0)
    CHECK(a0, 0x1122)
    TO_M

    /* LR must be aligned */
    addi s1, s0, 2
    EXPECT_TRAP(1f)
    lr.w a0, (s1)
1:  addi a0, s8, -4                 /* 4 misaligned or 5 access fault */
    sltiu a0, a0, 2
    CHECK(a0, 1)
    CHECK_REG(s9, s1)
    PASS

    .data
    .align 3
buf:
    .fill 8, 8, 0
