/*
 * Reserved and unimplemented encodings raise illegal instruction, with
 * the instruction bits in mtval (16 of them for a compressed encoding):
 * the decoder must not be lenient about unused fields.
 */
#include "test.h"

#define ILLEGAL32(insn) EXPECT_TRAP(9f); .word insn; 9: CHECK(s8, 2); CHECK(s9, insn)
#define ILLEGAL16(insn) EXPECT_TRAP(9f); .half insn; 9: CHECK(s8, 2); CHECK(s9, insn)

    .text
    .globl main
    .option norvc
main:
    LI_D(fa1, 0x3ff0000000000000)
    li a0, 0
    /* integer: unused funct7/funct6/funct3 values, reserved W-form shifts */
    ILLEGAL32(0x0205151b)    /* slliw a0, a0, 32 (imm[5] set) */
    ILLEGAL32(0x0205551b)    /* srliw a0, a0, 32 */
    ILLEGAL32(0x4205551b)    /* sraiw a0, a0, 32 */
    ILLEGAL32(0x80051513)    /* slli with imm[11:6] = 0x20 */
    ILLEGAL32(0x80b50533)    /* OP with funct7 = 0x40 */
    ILLEGAL32(0x10b5553b)    /* OP-32 with funct7 = 0x08 */
    ILLEGAL32(0x02b5153b)    /* OP-32, funct7 = 1 (M), funct3 = 1 */
    ILLEGAL32(0x00057503)    /* LOAD with funct3 = 7 */
    ILLEGAL32(0x00a54023)    /* STORE with funct3 = 4 */
    ILLEGAL32(0x00a52063)    /* BRANCH with funct3 = 2 */
    ILLEGAL32(0x000510e7)    /* JALR with funct3 = 1 */
    ILLEGAL32(0x0000700b)    /* custom-0 opcode */
    /* FP: fields that must be zero, reserved funct3, the Q format */
    ILLEGAL32(0x5a158553)    /* fsqrt.d with rs2 = 1 */
    ILLEGAL32(0xe205a553)    /* fmv.x.d/fclass.d with funct3 = 2 */
    ILLEGAL32(0xe2159553)    /* fclass.d with rs2 = 1 */
    ILLEGAL32(0x22b5b553)    /* fsgnj.d with funct3 = 3 */
    ILLEGAL32(0x2ab5a553)    /* fmin.d with funct3 = 2 */
    ILLEGAL32(0xa2b5b553)    /* feq.d with funct3 = 3 */
    ILLEGAL32(0xc2458553)    /* fcvt.w.d with rs2 = 4 */
    ILLEGAL32(0x06b58543)    /* fmadd.q */
    /* A: an unused AMO funct5, and lr.d with rs2 != 0 */
    ILLEGAL32(0x28b5352f)    /* AMO funct5 = 0x05 */
    ILLEGAL32(0x10b5352f)    /* lr.d a0, (a0) with rs2 = 11 */
    /* compressed: reserved encodings of each quadrant */
    ILLEGAL16(0x0004)                   /* c.addi4spn with imm = 0 */
    ILLEGAL16(0x8000)                   /* quadrant 0, funct3 = 100 */
    ILLEGAL16(0x2001)                   /* c.addiw with rd = 0 */
    ILLEGAL16(0x6101)                   /* c.addi16sp with imm = 0 */
    ILLEGAL16(0x9c41)                   /* quadrant 1 reserved ALU op */
    ILLEGAL16(0x4002)                   /* c.lwsp with rd = 0 */
    ILLEGAL16(0x8002)                   /* c.jr with rs1 = 0 */
    CHECK(a0, 0)                        /* nothing executed for real */
    PASS
