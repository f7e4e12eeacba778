/*
 * C extension: every RV64C instruction form, written with explicit c.*
 * mnemonics so each is really a 16-bit encoding, and reserved compressed
 * encodings raising illegal instruction with the 16 bits in mtval.
 */
#include "test.h"

    .text
    .globl main
    .option rvc
main:
    /* CI: c.li, c.addi, c.addiw, c.lui (6-bit signed immediates) */
    c.li a0, -32
    CHECK(a0, -32)
    c.li a1, 31
    c.addi a1, -1
    CHECK(a1, 30)
    c.addi a0, 31
    CHECK(a0, -1)
    li a2, 0x7fffffff
    c.addiw a2, 1
    CHECK(a2, 0xffffffff80000000)
    li a2, 0x1234567880000000
    c.addiw a2, 0                   /* sext.w */
    CHECK(a2, 0xffffffff80000000)
    c.lui a3, 0xfffe0               /* nzimm = -32 << 12 */
    CHECK(a3, 0xfffffffffffe0000)
    c.lui a3, 0x1f
    CHECK(a3, 0x1f000)
    c.nop

    /* shifts with 6-bit shamt, and c.andi */
    li a0, 0x8000000000000081
    c.mv a1, a0
    c.srai a1, 32
    CHECK(a1, 0xffffffff80000000)
    c.mv a1, a0
    c.srli a1, 63
    CHECK(a1, 1)
    c.mv a1, a0
    c.srli a1, 33
    CHECK(a1, 0x40000000)
    c.mv a1, a0
    c.slli a1, 56
    CHECK(a1, 0x8100000000000000)
    c.mv a1, a0
    c.andi a1, -2
    CHECK(a1, 0x8000000000000080)
    c.mv a1, a0
    c.andi a1, 0x1f
    CHECK(a1, 1)

    /* CA and CR register-register forms */
    li a0, 0x00ff00ff00ff00ff
    li a1, 0x0f0f0f0f0f0f0f0f
    c.mv a2, a0
    c.and a2, a1
    CHECK(a2, 0x000f000f000f000f)
    c.mv a2, a0
    c.or a2, a1
    CHECK(a2, 0x0fff0fff0fff0fff)
    c.mv a2, a0
    c.xor a2, a1
    CHECK(a2, 0x0ff00ff00ff00ff0)
    c.mv a2, a0
    c.sub a2, a1
    CHECK(a2, 0xf1eff1eff1eff1f0)
    c.mv a2, a0
    c.add a2, a1
    CHECK(a2, 0x100e100e100e100e)
    li a0, 0x7fffffff
    li a1, 1
    c.mv a2, a0
    c.addw a2, a1
    CHECK(a2, 0xffffffff80000000)
    li a0, 0x100000000
    c.subw a0, a1                   /* 0 - 1 in 32 bits */
    CHECK(a0, -1)

    /* stack-pointer forms */
    c.mv s1, sp
    c.addi16sp sp, -512
    sub a0, s1, sp
    CHECK(a0, 512)
    c.addi16sp sp, 496
    sub a0, s1, sp
    CHECK(a0, 16)
    c.addi16sp sp, -496
    c.addi4spn a0, sp, 1020
    sub a0, a0, sp
    CHECK(a0, 1020)
    li a1, 0x1122334455667788
    c.sdsp a1, 504(sp)
    c.ldsp a2, 504(sp)
    CHECK(a2, 0x1122334455667788)
    li a1, 0xcafef00d
    c.swsp a1, 252(sp)
    c.lwsp a2, 252(sp)              /* sign-extends */
    CHECK(a2, 0xffffffffcafef00d)
    ld a2, 248(sp)
    srli a2, a2, 32
    CHECK(a2, 0xcafef00d)
    LI_D(fa0, 0x400921fb54442d18)
    c.fsdsp fa0, 16(sp)
    c.fldsp fa1, 16(sp)
    CHECK_D(fa1, 0x400921fb54442d18)
    ld a2, 16(sp)
    CHECK(a2, 0x400921fb54442d18)
    c.addi16sp sp, 496
    c.addi16sp sp, 16
    CHECK_REG(sp, s1)

    /* CL/CS: loads and stores through x8..x15 with scaled offsets */
    la s0, data
    li a1, 0x8877665544332211
    c.sd a1, 248(s0)
    c.ld a2, 248(s0)
    CHECK(a2, 0x8877665544332211)
    c.sw a1, 124(s0)
    c.lw a3, 124(s0)
    CHECK(a3, 0x44332211)
    li a1, 0x80000000
    c.sw a1, 4(s0)
    c.lw a3, 4(s0)
    CHECK(a3, 0xffffffff80000000)
    LI_D(fa0, 0xc00921fb54442d18)
    c.fsd fa0, 8(s0)
    c.fld fa2, 8(s0)
    CHECK_D(fa2, 0xc00921fb54442d18)
    ld a2, 8(s0)
    CHECK(a2, 0xc00921fb54442d18)

    /* control transfer: c.j, c.jr, c.jalr (links pc + 2), c.beqz, c.bnez */
    li s1, 0
    c.j 1f
    c.li s1, 1
1:  CHECK(s1, 0)
    la a5, 2f
    c.jr a5
    c.li s1, 1
2:  CHECK(s1, 0)
    la a5, 3f
4:  c.jalr a5
    c.li s1, 1
3:  la a4, 4b
    addi a4, a4, 2
    CHECK_REG(ra, a4)
    CHECK(s1, 0)
    la ra, 8f                       /* c.jalr ra: old ra is the target */
5:  c.jalr ra
    c.li s1, 1
8:  la a4, 5b
    addi a4, a4, 2
    CHECK_REG(ra, a4)
    CHECK(s1, 0)
    li a0, 0
    li a1, 5
    c.bnez a0, 9f
    c.beqz a1, 9f
    c.beqz a0, 5f
    j 9f
5:  c.bnez a1, 6f
9:  c.li s1, 1
6:  CHECK(s1, 0)
    li a0, 3                        /* a backward c.bnez loop */
7:  c.addi a0, -1
    c.bnez a0, 7b
    CHECK(a0, 0)

    /* c.ebreak: breakpoint exception at its address */
    EXPECT_TRAP(1f)
2:  c.ebreak
1:  CHECK(s8, 3)
    la a0, 2b
    CHECK_REG(s10, a0)

    /* reserved encodings: all-zero, c.lui with 0, c.ldsp with rd = 0 */
    EXPECT_TRAP(1f)
2:  .half 0x0000
1:  CHECK(s8, 2)
    CHECK(s9, 0)
    la a0, 2b
    CHECK_REG(s10, a0)
    EXPECT_TRAP(1f)
2:  .half 0x6501
    .half 0xffff                    /* must not leak into mtval */
1:  CHECK(s8, 2)
    CHECK(s9, 0x6501)
    la a0, 2b
    CHECK_REG(s10, a0)
    EXPECT_TRAP(1f)
    .half 0x6002
    nop
1:  CHECK(s8, 2)
    CHECK(s9, 0x6002)
    PASS

    .data
    .align 3
data:
    .fill 64, 8, 0
