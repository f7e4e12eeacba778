/*
 * A tiny RV64 assembler for the CPU unit tests: one function per
 * instruction format, macros for the instructions the tests use.
 */
#pragma once

#include <stdint.h>

static inline uint32_t enc_r(unsigned f7, unsigned rs2, unsigned rs1,
                             unsigned f3, unsigned rd, unsigned opcode)
{
    return f7 << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 | rd << 7 | opcode;
}

static inline uint32_t enc_i(int32_t imm, unsigned rs1, unsigned f3,
                             unsigned rd, unsigned opcode)
{
    return ((uint32_t)imm & 0xfff) << 20 | rs1 << 15 | f3 << 12 | rd << 7 |
           opcode;
}

static inline uint32_t enc_s(int32_t imm, unsigned rs2, unsigned rs1,
                             unsigned f3, unsigned opcode)
{
    uint32_t u = (uint32_t)imm;
    return ((u >> 5) & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | f3 << 12 |
           (u & 0x1f) << 7 | opcode;
}

static inline uint32_t enc_b(int32_t off, unsigned rs2, unsigned rs1,
                             unsigned f3)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 12) & 1) << 31 | ((u >> 5) & 0x3f) << 25 | rs2 << 20 |
           rs1 << 15 | f3 << 12 | ((u >> 1) & 0xf) << 8 | ((u >> 11) & 1) << 7 |
           0x63;
}

static inline uint32_t enc_j(int32_t off, unsigned rd)
{
    uint32_t u = (uint32_t)off;
    return ((u >> 20) & 1) << 31 | ((u >> 1) & 0x3ff) << 21 |
           ((u >> 11) & 1) << 20 | ((u >> 12) & 0xff) << 12 | rd << 7 | 0x6f;
}

/* Registers by ABI name. */
enum {
    ZERO = 0,
    RA = 1,
    SP = 2,
    T0 = 5,
    T1 = 6,
    T2 = 7,
    S0 = 8,
    S1 = 9,
    A0 = 10,
    A1 = 11,
    A2 = 12,
    A3 = 13,
    A4 = 14,
    A5 = 15,
    A6 = 16,
    A7 = 17,
};

#define ADDI(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x13)
#define LUI(rd, imm20)      ((uint32_t)(imm20) << 12 | (rd) << 7 | 0x37)
#define SLLI(rd, rs1, sh)   enc_i(sh, rs1, 1, rd, 0x13)
#define ADD(rd, rs1, rs2)   enc_r(0, rs2, rs1, 0, rd, 0x33)
#define LB(rd, rs1, imm)    enc_i(imm, rs1, 0, rd, 0x03)
#define LW(rd, rs1, imm)    enc_i(imm, rs1, 2, rd, 0x03)
#define LD(rd, rs1, imm)    enc_i(imm, rs1, 3, rd, 0x03)
#define SW(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 2, 0x23)
#define SD(rs2, rs1, imm)   enc_s(imm, rs2, rs1, 3, 0x23)
#define JAL(rd, off)        enc_j(off, rd)
#define JALR(rd, rs1, imm)  enc_i(imm, rs1, 0, rd, 0x67)
#define BNE(rs1, rs2, off)  enc_b(off, rs2, rs1, 1)
#define SPIN                JAL(ZERO, 0) /* j . */
#define ECALL               0x00000073u
#define MRET                0x30200073u
#define WFI                 0x10500073u
#define CSRRW(rd, csr, rs1) enc_i(csr, rs1, 1, rd, 0x73)
#define CSRRS(rd, csr, rs1) enc_i(csr, rs1, 2, rd, 0x73)
#define CSRR(rd, csr)       CSRRS(rd, csr, ZERO)
#define CSRW(csr, rs1)      CSRRW(ZERO, csr, rs1)
#define LR_D(rd, rs1)       enc_r(0x02 << 2, 0, rs1, 3, rd, 0x2f)
#define SC_D(rd, rs2, rs1)  enc_r(0x03 << 2, rs2, rs1, 3, rd, 0x2f)

/* F and D: fmt 0 = S, 1 = D. */
#define FP_OP(f5, fmt, rs2, rs1, rm, rd)                                       \
    enc_r((f5) << 2 | (fmt), rs2, rs1, rm, rd, 0x53)
#define FMV_D_X(fd, rs1) FP_OP(0x1e, 1, 0, rs1, 0, fd)
#define FMV_X_D(rd, fs1) FP_OP(0x1c, 1, 0, fs1, 0, rd)

enum {
    CSR_FFLAGS = 0x001,
    CSR_MSTATUS = 0x300,
    CSR_MIE = 0x304,
    CSR_MTVEC = 0x305,
    CSR_MEPC = 0x341,
    CSR_MCAUSE = 0x342,
    CSR_MTVAL = 0x343,
    CSR_SATP = 0x180,
    CSR_PMPCFG0 = 0x3a0,
    CSR_PMPADDR0 = 0x3b0,
    CSR_MCYCLE = 0xb00,
    CSR_MINSTRET = 0xb02,
};
