/*
 * RV64I: arithmetic, logic, shifts, W-forms, loads/stores, branches, jumps,
 * fences and hints.
 */
#include "test.h"

    .text
    .globl main
main:
    /* x0 stays zero whatever is written to it */
    li a0, 5
    addi x0, a0, 1
    CHECK(x0, 0)
    lui x0, 0x12345
    CHECK(x0, 0)
    add a1, x0, x0
    CHECK(a1, 0)

    /* fences and hints execute as no-ops */
    li a0, 7
    fence
    fence rw, w
    fence.tso
    .word 0x0100000f                /* pause */
    fence.i
    slli x0, a0, 3                  /* a hint: rd = x0 */
    CHECK(a0, 7)
    CHECK(x0, 0)

    /* add/sub/addi, 64-bit wrap */
    li a0, 0x7fffffffffffffff
    addi a1, a0, 1
    CHECK(a1, 0x8000000000000000)
    li a2, 3
    sub a3, a2, a0
    CHECK(a3, 0x8000000000000004)
    addi a4, a2, -2048
    CHECK(a4, -2045)
    add a5, a0, a0
    CHECK(a5, -2)

    /* lui / auipc with negative immediates sign-extend to 64 bits */
    lui a0, 0x80000
    CHECK(a0, 0xffffffff80000000)
    lui a0, 0xfffff
    CHECK(a0, -4096)
1:  auipc a0, 0xfffff
    la a1, 1b
    sub a0, a0, a1
    CHECK(a0, -4096)
2:  auipc a0, 0
    la a1, 2b
    CHECK_REG(a0, a1)

    /* slt/sltu/slti/sltiu */
    li a0, -1
    li a1, 1
    slt a2, a0, a1
    CHECK(a2, 1)
    sltu a2, a0, a1
    CHECK(a2, 0)
    slti a2, a0, 0
    CHECK(a2, 1)
    sltiu a2, a1, -1                /* imm sign-extends, then compares unsigned */
    CHECK(a2, 1)
    sltiu a2, zero, 1               /* seqz */
    CHECK(a2, 1)

    /* logic with sign-extended immediates */
    li a0, 0x00ff00ff00ff00ff
    xori a1, a0, -1
    CHECK(a1, 0xff00ff00ff00ff00)
    ori a1, a0, -2048
    CHECK(a1, 0xfffffffffffff8ff)
    andi a1, a0, -16
    CHECK(a1, 0x00ff00ff00ff00f0)
    li a2, 0x0f0f0f0f0f0f0f0f
    and a3, a0, a2
    CHECK(a3, 0x000f000f000f000f)
    or a3, a0, a2
    CHECK(a3, 0x0fff0fff0fff0fff)
    xor a3, a0, a2
    CHECK(a3, 0x0ff00ff00ff00ff0)

    /* 64-bit shifts, including by 63 and by register (low 6 bits only) */
    li a0, 0x8000000000000001
    slli a1, a0, 63
    CHECK(a1, 0x8000000000000000)
    srli a1, a0, 63
    CHECK(a1, 1)
    srai a1, a0, 63
    CHECK(a1, -1)
    li a2, 64 + 4                   /* only shamt[5:0] counts */
    sll a1, a0, a2
    CHECK(a1, 0x10)
    srl a1, a0, a2
    CHECK(a1, 0x0800000000000000)
    sra a1, a0, a2
    CHECK(a1, 0xf800000000000000)

    /* W-forms compute on 32 bits and sign-extend the result */
    li a0, 0x7fffffff
    addiw a1, a0, 1
    CHECK(a1, 0xffffffff80000000)
    li a0, 0x123456789
    addiw a1, a0, 0                 /* sext.w */
    CHECK(a1, 0x23456789)
    li a0, 0xffffffff00000001
    li a2, 2
    subw a1, a0, a2
    CHECK(a1, -1)
    addw a1, a0, a0
    CHECK(a1, 2)
    li a0, 1
    slliw a1, a0, 31
    CHECK(a1, 0xffffffff80000000)
    li a0, 0xffffffff80000000
    srliw a1, a0, 31
    CHECK(a1, 1)
    sraiw a1, a0, 31
    CHECK(a1, -1)
    li a0, 0x0000000180000000       /* bit 32 is ignored by W shifts */
    srliw a1, a0, 4
    CHECK(a1, 0x08000000)
    sraiw a1, a0, 4
    CHECK(a1, 0xfffffffff8000000)
    li a2, 32 + 1                   /* only shamt[4:0] counts */
    sllw a1, a0, a2
    CHECK(a1, 0)
    srlw a1, a0, a2
    CHECK(a1, 0x40000000)
    sraw a1, a0, a2
    CHECK(a1, 0xffffffffc0000000)
    li a0, 0x40000000
    sllw a1, a0, a2
    CHECK(a1, 0xffffffff80000000)

    /* loads sign- or zero-extend; stores write only their width */
    la s0, data
    lb a0, 0(s0)
    CHECK(a0, 0xfffffffffffffff0)
    lbu a0, 0(s0)
    CHECK(a0, 0xf0)
    lh a0, 0(s0)
    CHECK(a0, 0xffffffffffff80f0)
    lhu a0, 0(s0)
    CHECK(a0, 0x80f0)
    lw a0, 0(s0)
    CHECK(a0, 0xffffffff8aa180f0)
    lwu a0, 0(s0)
    CHECK(a0, 0x8aa180f0)
    ld a0, 0(s0)
    CHECK(a0, 0x123456788aa180f0)
    lb a0, 7(s0)
    CHECK(a0, 0x12)
    lh a0, -2(s0)                   /* negative offset */
    CHECK(a0, 0x7fff)
    li a1, 0x1122334455667788
    sd a1, 8(s0)
    li a2, 0xaa
    sb a2, 9(s0)
    li a2, 0xbbcc
    sh a2, 10(s0)
    ld a0, 8(s0)
    CHECK(a0, 0x11223344bbccaa88)
    li a2, 0xdeadbeefcafe
    sw a2, 12(s0)
    ld a0, 8(s0)
    CHECK(a0, 0xbeefcafebbccaa88)

    /* branches, taken and not taken */
    li a0, -1
    li a1, 1
    li s1, 0
    beq a0, a1, bad
    beq a0, a0, 1f
    j bad
1:  bne a0, a0, bad
    bne a0, a1, 1f
    j bad
1:  blt a1, a0, bad
    blt a0, a1, 1f
    j bad
1:  bge a0, a1, bad
    bge a1, a0, 1f
    j bad
1:  bge a0, a0, 1f
    j bad
1:  bltu a0, a1, bad
    bltu a1, a0, 1f
    j bad
1:  bgeu a1, a0, bad
    bgeu a0, a1, 1f
    j bad
1:  bgeu a1, a1, 1f
    j bad
1:  li s1, 1
bad:
    CHECK(s1, 1)

    /* a backward branch loop */
    li a0, 0
    li a1, 10
1:  addi a0, a0, 3
    addi a1, a1, -1
    bnez a1, 1b
    CHECK(a0, 30)

    /* jal links pc + 4 */
    .option push
    .option norvc
    jal ra, 1f
2:  j 3f
1:  la a0, 2b
    CHECK_REG(ra, a0)
    /* jalr: target = (rs1 + imm) & ~1, and rd == rs1 reads rs1 first */
    la a1, 4f
    addi a1, a1, -7                 /* odd: bit 0 must be cleared */
    jalr a2, 8(a1)
5:  j bad2
4:  la a0, 5b
    CHECK_REG(a2, a0)
    la a1, 6f
    jalr a1, 0(a1)
7:  j bad2
6:  la a0, 7b
    CHECK_REG(a1, a0)
    .option pop
3:  PASS
bad2:
    li s1, 0
    CHECK(s1, 1)

    .data
    .align 3
    .half 0x7fff
data:
    .dword 0x123456788aa180f0
    .dword 0
