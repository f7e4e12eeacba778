/*
 * A small x86-64 instruction encoder for the translator (riscv-jit.c).
 *
 * Only the forms the translator uses. Every emit checks the buffer's end
 * and sets `full` instead of writing past it, so a translation that runs
 * out of room is simply thrown away.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

enum x86_reg {
    RAX,
    RCX,
    RDX,
    RBX,
    RSP,
    RBP,
    RSI,
    RDI,
    R8,
    R9,
    R10,
    R11,
    R12,
    R13,
    R14,
    R15,
};

/* Condition codes (the low nibble of Jcc and SETcc). */
enum x86_cond {
    CC_B = 0x2,
    CC_AE = 0x3,
    CC_E = 0x4,
    CC_NE = 0x5,
    CC_BE = 0x6,
    CC_A = 0x7,
    CC_L = 0xc,
    CC_GE = 0xd,
    CC_LE = 0xe,
    CC_G = 0xf,
};

/* Group-1 ALU operations: the /digit of 0x81 and the base of the r/m forms. */
enum x86_alu {
    ALU_ADD = 0,
    ALU_OR = 1,
    ALU_AND = 4,
    ALU_SUB = 5,
    ALU_XOR = 6,
    ALU_CMP = 7,
};

/* Group-2 shifts: the /digit of 0xC1 and 0xD3. */
enum x86_shift { SH_SHL = 4, SH_SHR = 5, SH_SAR = 7 };

struct emitter {
    uint8_t *p, *end;
    bool full;
};

static inline void emit8(struct emitter *e, unsigned v)
{
    if (e->p >= e->end) {
        e->full = true;
        return;
    }
    *e->p++ = (uint8_t)v;
}

static inline void emit32(struct emitter *e, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        emit8(e, (v >> (8 * i)) & 0xff);
}

static inline void emit64(struct emitter *e, uint64_t v)
{
    emit32(e, (uint32_t)v);
    emit32(e, (uint32_t)(v >> 32));
}

static inline bool fits8(int64_t v)
{
    return v >= -128 && v <= 127;
}

static inline bool fits32(int64_t v)
{
    return v >= INT32_MIN && v <= INT32_MAX;
}

/*
 * REX prefix. `byte_reg` is a register used as a byte operand, or -1: a
 * REX prefix makes 4-7 mean SPL/BPL/SIL/DIL rather than AH/CH/DH/BH.
 */
static inline void rex(struct emitter *e, bool w, int reg, int index, int base,
                       int byte_reg)
{
    unsigned r = (w ? 8 : 0) | ((reg & 8) ? 4 : 0) | ((index & 8) ? 2 : 0) |
                 ((base & 8) ? 1 : 0);
    if (r || byte_reg >= 4)
        emit8(e, 0x40 | r);
}

/* ModRM (+SIB, +displacement) for [base + disp]. */
static inline void modrm_mem(struct emitter *e, int reg, int base, int32_t disp)
{
    unsigned mod = (disp == 0 && (base & 7) != RBP) ? 0 : fits8(disp) ? 1 : 2;
    emit8(e, (mod << 6) | ((reg & 7) << 3) | (base & 7));
    if ((base & 7) == RSP)
        emit8(e, 0x24);
    if (mod == 1)
        emit8(e, (uint8_t)disp);
    else if (mod == 2)
        emit32(e, (uint32_t)disp);
}

/* ModRM + SIB for [base + index + disp] (scale 1), as modrm_mem. */
static inline void modrm_sib(struct emitter *e, int reg, int base, int index,
                             int32_t disp)
{
    unsigned mod = (disp == 0 && (base & 7) != RBP) ? 0 : fits8(disp) ? 1 : 2;
    emit8(e, (mod << 6) | ((reg & 7) << 3) | 4);
    emit8(e, ((index & 7) << 3) | (base & 7));
    if (mod == 1)
        emit8(e, (uint8_t)disp);
    else if (mod == 2)
        emit32(e, (uint32_t)disp);
}

static inline void modrm_reg(struct emitter *e, int reg, int rm)
{
    emit8(e, 0xc0 | ((reg & 7) << 3) | (rm & 7));
}

/* op reg, qword [base + index + disp] with a one-byte opcode. */
static inline void op_sib_disp(struct emitter *e, unsigned opcode, int reg,
                               int base, int index, int32_t disp)
{
    rex(e, true, reg, index, base, -1);
    emit8(e, opcode);
    modrm_sib(e, reg, base, index, disp);
}

/* alu reg, qword [base + index + disp] */
static inline void x86_alu_sib_disp(struct emitter *e, enum x86_alu op, int reg,
                                    int base, int index, int32_t disp)
{
    op_sib_disp(e, (unsigned)op << 3 | 3, reg, base, index, disp);
}

/* mov reg, qword [base + index + disp] */
static inline void x86_load64_sib_disp(struct emitter *e, int reg, int base,
                                       int index, int32_t disp)
{
    op_sib_disp(e, 0x8b, reg, base, index, disp);
}

/* op reg, [base + disp] with a one-byte opcode. */
static inline void op_rm(struct emitter *e, bool w, unsigned opcode, int reg,
                         int base, int32_t disp)
{
    rex(e, w, reg, 0, base, -1);
    emit8(e, opcode);
    modrm_mem(e, reg, base, disp);
}

/* mov reg, qword [base + disp] */
static inline void x86_load64(struct emitter *e, int reg, int base,
                              int32_t disp)
{
    op_rm(e, true, 0x8b, reg, base, disp);
}

/* mov reg32, dword [base + disp] (zero-extends) */
static inline void x86_load32(struct emitter *e, int reg, int base,
                              int32_t disp)
{
    op_rm(e, false, 0x8b, reg, base, disp);
}

/* mov dword [base + disp], reg32 */
static inline void x86_store32(struct emitter *e, int base, int32_t disp,
                               int reg)
{
    op_rm(e, false, 0x89, reg, base, disp);
}

/* mov qword [base + disp], reg */
static inline void x86_store64(struct emitter *e, int base, int32_t disp,
                               int reg)
{
    op_rm(e, true, 0x89, reg, base, disp);
}

/* lea reg, [base + disp] */
static inline void x86_lea(struct emitter *e, int reg, int base, int32_t disp)
{
    op_rm(e, true, 0x8d, reg, base, disp);
}

/* mov dst, src (64-bit) */
static inline void x86_mov_rr(struct emitter *e, int dst, int src)
{
    rex(e, true, src, 0, dst, -1);
    emit8(e, 0x89);
    modrm_reg(e, src, dst);
}

/* mov reg, imm: the shortest form that gives the 64-bit value. */
static inline void x86_mov_imm(struct emitter *e, int reg, uint64_t imm)
{
    if (imm <= UINT32_MAX) { /* mov r32, imm32 zero-extends */
        rex(e, false, 0, 0, reg, -1);
        emit8(e, 0xb8 + (reg & 7));
        emit32(e, (uint32_t)imm);
    } else if (fits32((int64_t)imm)) { /* mov r/m64, simm32 */
        rex(e, true, 0, 0, reg, -1);
        emit8(e, 0xc7);
        modrm_reg(e, 0, reg);
        emit32(e, (uint32_t)imm);
    } else {
        rex(e, true, 0, 0, reg, -1);
        emit8(e, 0xb8 + (reg & 7));
        emit64(e, imm);
    }
}

/* alu dst, src; w selects 64- or 32-bit operands. */
static inline void x86_alu_rr(struct emitter *e, bool w, enum x86_alu op,
                              int dst, int src)
{
    rex(e, w, src, 0, dst, -1);
    emit8(e, op * 8 + 1);
    modrm_reg(e, src, dst);
}

/* alu reg, [base + disp] */
static inline void x86_alu_rm(struct emitter *e, bool w, enum x86_alu op,
                              int reg, int base, int32_t disp)
{
    op_rm(e, w, op * 8 + 3, reg, base, disp);
}

/* alu reg, simm32 (sign-extended to the operand size) */
static inline void x86_alu_ri(struct emitter *e, bool w, enum x86_alu op,
                              int reg, int32_t imm)
{
    rex(e, w, 0, 0, reg, -1);
    if (fits8(imm)) {
        emit8(e, 0x83);
        modrm_reg(e, op, reg);
        emit8(e, (uint8_t)imm);
    } else {
        emit8(e, 0x81);
        modrm_reg(e, op, reg);
        emit32(e, (uint32_t)imm);
    }
}

/* opcode /digit [base + disp] without REX.W: the immediate comes next. */
static inline void op_mem_digit(struct emitter *e, unsigned opcode,
                                unsigned digit, int base, int32_t disp)
{
    rex(e, false, 0, 0, base, -1);
    emit8(e, opcode);
    modrm_mem(e, (int)digit, base, disp);
}

/* cmp word [base + disp], 0 */
static inline void x86_cmp_mem16_zero(struct emitter *e, int base, int32_t disp)
{
    emit8(e, 0x66);
    op_mem_digit(e, 0x83, ALU_CMP, base, disp);
    emit8(e, 0);
}

/* mov byte [base + disp], imm8 */
static inline void x86_store8_imm(struct emitter *e, int base, int32_t disp,
                                  uint8_t imm)
{
    op_mem_digit(e, 0xc6, 0, base, disp);
    emit8(e, imm);
}

/* cmp byte [base + disp], imm8 */
static inline void x86_cmp_mem8(struct emitter *e, int base, int32_t disp,
                                uint8_t imm)
{
    op_mem_digit(e, 0x80, ALU_CMP, base, disp);
    emit8(e, imm);
}

/* cmp dword [base + disp], imm8 (sign-extended) */
static inline void x86_cmp_mem32_imm(struct emitter *e, int base, int32_t disp,
                                     int8_t imm)
{
    op_mem_digit(e, 0x83, ALU_CMP, base, disp);
    emit8(e, (uint8_t)imm);
}

/* test dword [base + disp], imm32 */
static inline void x86_test_mem32(struct emitter *e, int base, int32_t disp,
                                  uint32_t imm)
{
    op_mem_digit(e, 0xf7, 0, base, disp);
    emit32(e, imm);
}

/* or dword [base + disp], imm32 */
static inline void x86_or_mem32(struct emitter *e, int base, int32_t disp,
                                uint32_t imm)
{
    op_mem_digit(e, 0x81, ALU_OR, base, disp);
    emit32(e, imm);
}

static inline void x86_test_rr(struct emitter *e, int a, int b)
{
    rex(e, true, b, 0, a, -1);
    emit8(e, 0x85);
    modrm_reg(e, b, a);
}

/* shift reg, imm8 */
static inline void x86_shift_ri(struct emitter *e, bool w, enum x86_shift op,
                                int reg, unsigned imm)
{
    rex(e, w, 0, 0, reg, -1);
    emit8(e, 0xc1);
    modrm_reg(e, op, reg);
    emit8(e, imm);
}

/* shift reg, cl (the CPU masks the count to 5 or 6 bits, as RISC-V does) */
static inline void x86_shift_cl(struct emitter *e, bool w, enum x86_shift op,
                                int reg)
{
    rex(e, w, 0, 0, reg, -1);
    emit8(e, 0xd3);
    modrm_reg(e, op, reg);
}

/* imul reg, [base + disp] */
static inline void x86_imul_rm(struct emitter *e, bool w, int reg, int base,
                               int32_t disp)
{
    rex(e, w, reg, 0, base, -1);
    emit8(e, 0x0f);
    emit8(e, 0xaf);
    modrm_mem(e, reg, base, disp);
}

/* imul dst, src */
static inline void x86_imul_rr(struct emitter *e, bool w, int dst, int src)
{
    rex(e, w, dst, 0, src, -1);
    emit8(e, 0x0f);
    emit8(e, 0xaf);
    modrm_reg(e, dst, src);
}

/* mul/imul qword [base + disp]: rdx:rax = rax * m (digit 4: unsigned, 5:
 * signed) */
static inline void x86_mul_wide_m(struct emitter *e, unsigned digit, int base,
                                  int32_t disp)
{
    rex(e, true, 0, 0, base, -1);
    emit8(e, 0xf7);
    modrm_mem(e, digit, base, disp);
}

/* Group-3 operations on a register: neg (3), div (6), idiv (7). */
static inline void x86_group3_r(struct emitter *e, bool w, unsigned digit,
                                int reg)
{
    rex(e, w, 0, 0, reg, -1);
    emit8(e, 0xf7);
    modrm_reg(e, digit, reg);
}

/* cqo (w) or cdq: sign-extend rax/eax into rdx/edx */
static inline void x86_sign_extend_rdx(struct emitter *e, bool w)
{
    if (w)
        emit8(e, 0x48);
    emit8(e, 0x99);
}

/* movsxd dst, src32 */
static inline void x86_movsxd(struct emitter *e, int dst, int src)
{
    rex(e, true, dst, 0, src, -1);
    emit8(e, 0x63);
    modrm_reg(e, dst, src);
}

/* An SSE op reg, rm on registers: prefix (0x66 or 0xf2), 0f, opcode. */
static inline void sse_op_rr(struct emitter *e, unsigned prefix, bool w,
                             unsigned opcode, int reg, int rm)
{
    emit8(e, prefix);
    rex(e, w, reg, 0, rm, -1);
    emit8(e, 0x0f);
    emit8(e, opcode);
    modrm_reg(e, reg, rm);
}

/* movq xmm, r64 */
static inline void x86_movq_xmm_r(struct emitter *e, int xmm, int reg)
{
    sse_op_rr(e, 0x66, true, 0x6e, xmm, reg);
}

/* movq r64, xmm */
static inline void x86_movq_r_xmm(struct emitter *e, int reg, int xmm)
{
    sse_op_rr(e, 0x66, true, 0x7e, xmm, reg);
}

/* cvtsi2sd xmm, r64 */
static inline void x86_cvtsi2sd(struct emitter *e, int xmm, int reg)
{
    sse_op_rr(e, 0xf2, true, 0x2a, xmm, reg);
}

/* ucomisd xmm_a, xmm_b: ZF, PF, CF as for unsigned a - b */
static inline void x86_ucomisd(struct emitter *e, int xmm_a, int xmm_b)
{
    sse_op_rr(e, 0x66, false, 0x2e, xmm_a, xmm_b);
}

/* cmovcc dst, src (64-bit) */
static inline void x86_cmov_rr(struct emitter *e, enum x86_cond cc, int dst,
                               int src)
{
    rex(e, true, dst, 0, src, -1);
    emit8(e, 0x0f);
    emit8(e, 0x40 + cc);
    modrm_reg(e, dst, src);
}

/* setcc reg8; then movzx reg32, reg8 */
static inline void x86_setcc_zx(struct emitter *e, enum x86_cond cc, int reg)
{
    rex(e, false, 0, 0, reg, reg);
    emit8(e, 0x0f);
    emit8(e, 0x90 + cc);
    modrm_reg(e, 0, reg);
    rex(e, false, reg, 0, reg, reg);
    emit8(e, 0x0f);
    emit8(e, 0xb6);
    modrm_reg(e, reg, reg);
}

/*
 * Load `size` bytes from [base + index + disp] into reg, sign- or
 * zero-extended to 64 bits.
 */
static inline void x86_load_sib_disp(struct emitter *e, int reg, int base,
                                     int index, int32_t disp, unsigned size,
                                     bool sign)
{
    switch (size) {
    case 1:
    case 2:
        rex(e, sign, reg, index, base, -1);
        emit8(e, 0x0f);
        emit8(e, (sign ? 0xbe : 0xb6) + (size == 2));
        break;
    case 4:
        rex(e, sign, reg, index, base, -1);
        emit8(e, sign ? 0x63 : 0x8b);
        break;
    default:
        rex(e, true, reg, index, base, -1);
        emit8(e, 0x8b);
        break;
    }
    modrm_sib(e, reg, base, index, disp);
}

/* Load `size` bytes from [base + index] (x86_load_sib_disp). */
static inline void x86_load_sib(struct emitter *e, int reg, int base, int index,
                                unsigned size, bool sign)
{
    x86_load_sib_disp(e, reg, base, index, 0, size, sign);
}

/* Store the low `size` bytes of reg to [base + index + disp]. */
static inline void x86_store_sib_disp(struct emitter *e, int base, int index,
                                      int32_t disp, unsigned size, int reg)
{
    if (size == 2)
        emit8(e, 0x66);
    rex(e, size == 8, reg, index, base, size == 1 ? reg : -1);
    emit8(e, size == 1 ? 0x88 : 0x89);
    modrm_sib(e, reg, base, index, disp);
}

/* Store the low `size` bytes of reg to [base + index]. */
static inline void x86_store_sib(struct emitter *e, int base, int index,
                                 unsigned size, int reg)
{
    x86_store_sib_disp(e, base, index, 0, size, reg);
}

/* Sign- or zero-extend the low `size` bytes of reg in place. */
static inline void x86_extend(struct emitter *e, int reg, unsigned size,
                              bool sign)
{
    if (size == 8)
        return;
    if (size == 4) {
        if (sign) {
            x86_movsxd(e, reg, reg);
        } else { /* mov r32, r32 zero-extends */
            rex(e, false, reg, 0, reg, -1);
            emit8(e, 0x89);
            modrm_reg(e, reg, reg);
        }
        return;
    }
    rex(e, sign, reg, 0, reg, reg);
    emit8(e, 0x0f);
    emit8(e, (sign ? 0xbe : 0xb6) + (size == 2));
    modrm_reg(e, reg, reg);
}

static inline void x86_push(struct emitter *e, int reg)
{
    rex(e, false, 0, 0, reg, -1);
    emit8(e, 0x50 + (reg & 7));
}

static inline void x86_pop(struct emitter *e, int reg)
{
    rex(e, false, 0, 0, reg, -1);
    emit8(e, 0x58 + (reg & 7));
}

static inline void x86_ret(struct emitter *e)
{
    emit8(e, 0xc3);
}

/* call reg / jmp reg */
static inline void x86_call_r(struct emitter *e, int reg)
{
    rex(e, false, 0, 0, reg, -1);
    emit8(e, 0xff);
    modrm_reg(e, 2, reg);
}

static inline void x86_jmp_r(struct emitter *e, int reg)
{
    rex(e, false, 0, 0, reg, -1);
    emit8(e, 0xff);
    modrm_reg(e, 4, reg);
}

/*
 * Jumps with a 32-bit displacement. The return value is where the
 * displacement sits, for x86_patch() once the target is known; NULL when
 * the buffer is full.
 */
static inline uint8_t *x86_jmp(struct emitter *e)
{
    emit8(e, 0xe9);
    uint8_t *at = e->p;
    emit32(e, 0);
    return e->full ? NULL : at;
}

static inline uint8_t *x86_jcc(struct emitter *e, enum x86_cond cc)
{
    emit8(e, 0x0f);
    emit8(e, 0x80 + cc);
    uint8_t *at = e->p;
    emit32(e, 0);
    return e->full ? NULL : at;
}

/* call rel32 to a known target */
static inline void x86_call_to(struct emitter *e, const uint8_t *target)
{
    emit8(e, 0xe8);
    uint8_t *at = e->p;
    emit32(e, 0);
    if (!e->full) {
        int32_t rel = (int32_t)(target - (at + 4));
        memcpy(at, &rel, 4);
    }
}

/*
 * nop dword [rax + imm32]: does nothing, and carries imm32 at 3 bytes in,
 * where a callee can read it through its return address.
 */
#define X86_NOP_DATA_OFFSET 3
static inline void x86_nop_data(struct emitter *e, uint32_t data)
{
    emit8(e, 0x0f);
    emit8(e, 0x1f);
    emit8(e, 0x80);
    emit32(e, data);
}

/* Point the displacement at `at` to `target`. */
static inline void x86_patch(uint8_t *at, const uint8_t *target)
{
    if (!at)
        return;
    int32_t rel = (int32_t)(target - (at + 4));
    memcpy(at, &rel, 4);
}

/* jmp to a known target. */
static inline void x86_jmp_to(struct emitter *e, const uint8_t *target)
{
    x86_patch(x86_jmp(e), target);
}
