/*
 * Instruction decoding: 32-bit and compressed encodings into struct op.
 *
 * Compressed instructions become the op of their 32-bit expansion, so the
 * interpreter has one handler per operation. Reserved encodings become
 * K_ILLEGAL with the raw bits kept for mtval.
 */
#include "riscv-internal.h"

static uint8_t dest(unsigned rd)
{
    return rd ? rd : 32;
}

static int32_t sext(uint32_t v, unsigned width)
{
    return (int32_t)(v << (32 - width)) >> (32 - width);
}

static void set_op(struct op *op, enum op_kind kind, unsigned rd, unsigned rs1,
                   unsigned rs2, int32_t imm)
{
    op->kind = kind;
    op->rd = dest(rd);
    op->rs1 = rs1;
    op->rs2 = rs2;
    op->imm = imm;
}

static void illegal(struct op *op)
{
    op->kind = K_ILLEGAL;
}

static const enum op_kind branch_kinds[8] = {
    K_BEQ, K_BNE, K_ILLEGAL, K_ILLEGAL, K_BLT, K_BGE, K_BLTU, K_BGEU,
};
static const enum op_kind load_kinds[8] = {
    K_LB, K_LH, K_LW, K_LD, K_LBU, K_LHU, K_LWU, K_ILLEGAL,
};
static const enum op_kind store_kinds[8] = {
    K_SB, K_SH, K_SW, K_SD, K_ILLEGAL, K_ILLEGAL, K_ILLEGAL, K_ILLEGAL,
};
static const enum op_kind alu_imm_kinds[8] = {
    K_ADDI, K_SLLI, K_SLTI, K_SLTIU, K_XORI, K_SRLI, K_ORI, K_ANDI,
};
static const enum op_kind alu_kinds[8] = {
    K_ADD, K_SLL, K_SLT, K_SLTU, K_XOR, K_SRL, K_OR, K_AND,
};
static const enum op_kind muldiv_kinds[8] = {
    K_MUL, K_MULH, K_MULHSU, K_MULHU, K_DIV, K_DIVU, K_REM, K_REMU,
};
static const enum op_kind muldivw_kinds[8] = {
    K_MULW, K_ILLEGAL, K_ILLEGAL, K_ILLEGAL, K_DIVW, K_DIVUW, K_REMW, K_REMUW,
};

static void decode_op_imm(struct op *op, uint32_t insn, unsigned rd,
                          unsigned f3, unsigned rs1)
{
    int32_t imm = (int32_t)insn >> 20;
    unsigned top6 = insn >> 26;
    if (f3 == 1 || f3 == 5) {
        unsigned shamt = (insn >> 20) & 63;
        if (f3 == 1 && top6 == 0)
            set_op(op, K_SLLI, rd, rs1, 0, shamt);
        else if (f3 == 5 && top6 == 0)
            set_op(op, K_SRLI, rd, rs1, 0, shamt);
        else if (f3 == 5 && top6 == 0x10)
            set_op(op, K_SRAI, rd, rs1, 0, shamt);
        else
            illegal(op);
        return;
    }
    set_op(op, alu_imm_kinds[f3], rd, rs1, 0, imm);
}

static void decode_op_imm32(struct op *op, uint32_t insn, unsigned rd,
                            unsigned f3, unsigned rs1)
{
    unsigned f7 = insn >> 25, shamt = (insn >> 20) & 31;
    if (f3 == 0)
        set_op(op, K_ADDIW, rd, rs1, 0, (int32_t)insn >> 20);
    else if (f3 == 1 && f7 == 0)
        set_op(op, K_SLLIW, rd, rs1, 0, shamt);
    else if (f3 == 5 && f7 == 0)
        set_op(op, K_SRLIW, rd, rs1, 0, shamt);
    else if (f3 == 5 && f7 == 0x20)
        set_op(op, K_SRAIW, rd, rs1, 0, shamt);
    else
        illegal(op);
}

static void decode_op(struct op *op, uint32_t insn, unsigned rd, unsigned f3,
                      unsigned rs1, unsigned rs2)
{
    unsigned f7 = insn >> 25;
    if (f7 == 0)
        set_op(op, alu_kinds[f3], rd, rs1, rs2, 0);
    else if (f7 == 1)
        set_op(op, muldiv_kinds[f3], rd, rs1, rs2, 0);
    else if (f7 == 0x20 && f3 == 0)
        set_op(op, K_SUB, rd, rs1, rs2, 0);
    else if (f7 == 0x20 && f3 == 5)
        set_op(op, K_SRA, rd, rs1, rs2, 0);
    else
        illegal(op);
}

static void decode_op32(struct op *op, uint32_t insn, unsigned rd, unsigned f3,
                        unsigned rs1, unsigned rs2)
{
    unsigned f7 = insn >> 25;
    enum op_kind kind = K_ILLEGAL;
    if (f7 == 1)
        kind = muldivw_kinds[f3];
    else if (f7 == 0 && f3 == 0)
        kind = K_ADDW;
    else if (f7 == 0 && f3 == 1)
        kind = K_SLLW;
    else if (f7 == 0 && f3 == 5)
        kind = K_SRLW;
    else if (f7 == 0x20 && f3 == 0)
        kind = K_SUBW;
    else if (f7 == 0x20 && f3 == 5)
        kind = K_SRAW;
    if (kind == K_ILLEGAL)
        illegal(op);
    else
        set_op(op, kind, rd, rs1, rs2, 0);
}

static void decode_system(struct op *op, uint32_t insn, unsigned rd,
                          unsigned f3, unsigned rs1)
{
    if (f3 != 0 && f3 != 4) {
        set_op(op, K_CSR, rd, rs1, 0, insn >> 20);
        op->rm = f3;
        return;
    }
    if (f3 == 4)
        return illegal(op);
    if (insn == 0x00000073)
        op->kind = K_ECALL;
    else if (insn == 0x00100073)
        op->kind = K_EBREAK;
    else if (insn == 0x30200073)
        op->kind = K_MRET;
    else if (insn == 0x10200073)
        op->kind = K_SRET;
    else if (insn == 0x10500073)
        op->kind = K_WFI;
    else if ((insn >> 25) == 0x09 && rd == 0)
        set_op(op, K_SFENCE_VMA, 0, rs1, (insn >> 20) & 31, 0);
    else
        illegal(op);
}

static void decode_amo(struct op *op, uint32_t insn, unsigned rd, unsigned f3,
                       unsigned rs1, unsigned rs2)
{
    static const bool valid_funct5[32] = {
        [0x00] = 1, [0x01] = 1, [0x02] = 1, [0x03] = 1, [0x04] = 1, [0x08] = 1,
        [0x0c] = 1, [0x10] = 1, [0x14] = 1, [0x18] = 1, [0x1c] = 1,
    };
    unsigned funct5 = insn >> 27;
    if ((f3 != 2 && f3 != 3) || !valid_funct5[funct5] ||
        (funct5 == 2 && rs2 != 0))
        return illegal(op);
    set_op(op, K_AMO, rd, rs1, rs2, 0);
}

static void decode_insn32(struct op *op, uint32_t insn)
{
    unsigned rd = (insn >> 7) & 31, f3 = (insn >> 12) & 7;
    unsigned rs1 = (insn >> 15) & 31, rs2 = (insn >> 20) & 31;
    int32_t imm_i = (int32_t)insn >> 20;
    int32_t imm_s = sext((insn >> 25) << 5 | rd, 12);
    int32_t imm_b = sext((insn >> 31) << 12 | ((insn << 4) & 0x800) |
                             ((insn >> 20) & 0x7e0) | ((insn >> 7) & 0x1e),
                         13);
    int32_t imm_j = sext((insn >> 31) << 20 | (insn & 0xff000) |
                             ((insn >> 9) & 0x800) | ((insn >> 20) & 0x7fe),
                         21);

    *op = (struct op){.kind = K_ILLEGAL, .len = 2, .insn = insn};
    op->rs3 = insn >> 27;
    op->rm = f3;
    switch (insn & 0x7f) {
    case 0x37: /* LUI */
        return set_op(op, K_LI, rd, 0, 0, (int32_t)(insn & 0xfffff000));
    case 0x17:
        return set_op(op, K_AUIPC, rd, 0, 0, (int32_t)(insn & 0xfffff000));
    case 0x6f:
        return set_op(op, K_JAL, rd, 0, 0, imm_j);
    case 0x67:
        if (f3 != 0)
            return illegal(op);
        return set_op(op, K_JALR, rd, rs1, 0, imm_i);
    case 0x63:
        return set_op(op, branch_kinds[f3], 0, rs1, rs2, imm_b);
    case 0x03:
        return set_op(op, load_kinds[f3], rd, rs1, 0, imm_i);
    case 0x23:
        return set_op(op, store_kinds[f3], 0, rs1, rs2, imm_s);
    case 0x13:
        return decode_op_imm(op, insn, rd, f3, rs1);
    case 0x1b:
        return decode_op_imm32(op, insn, rd, f3, rs1);
    case 0x33:
        return decode_op(op, insn, rd, f3, rs1, rs2);
    case 0x3b:
        return decode_op32(op, insn, rd, f3, rs1, rs2);
    case 0x0f:
        if (f3 == 0)
            op->kind = K_NOP; /* FENCE: one hart at a time is ordered */
        else if (f3 == 1)
            op->kind = K_FENCE_I;
        return;
    case 0x73:
        return decode_system(op, insn, rd, f3, rs1);
    case 0x2f:
        return decode_amo(op, insn, rd, f3, rs1, rs2);
    case 0x07:
        if (f3 == 2 || f3 == 3)
            set_op(op, f3 == 2 ? K_FLW : K_FLD, 0, rs1, 0, imm_i);
        op->rd = rd; /* an f register: x0 mapping does not apply */
        return;
    case 0x27:
        if (f3 == 2 || f3 == 3)
            set_op(op, f3 == 2 ? K_FSW : K_FSD, 0, rs1, rs2, imm_s);
        return;
    case 0x43:
    case 0x47:
    case 0x4b:
    case 0x4f:
    case 0x53:
        /* Validated when executed: the fields depend on the operation. */
        set_op(op, K_FP, 0, rs1, rs2, 0);
        op->rd = rd;
        return;
    }
}

void decode_insn(struct op *op, uint32_t insn)
{
    decode_insn32(op, insn);
    /* rs3 of a jump marks an in-page target (decode_slot sets it). */
    if (op->kind == K_JAL || (op->kind >= K_BEQ && op->kind <= K_BGEU))
        op->rs3 = 0;
    if (op->kind > K_CROSS && op->kind < K_SLOW_FIRST)
        op->kind += K_WIDE;
}

/* Compressed register fields name x8..x15. */
static unsigned creg(uint16_t insn, unsigned shift)
{
    return 8 + ((insn >> shift) & 7);
}

static uint32_t bits(uint32_t v, unsigned hi, unsigned lo)
{
    return (v >> lo) & ((1u << (hi - lo + 1)) - 1);
}

static void decode_c0(struct op *op, uint16_t c)
{
    unsigned rdp = creg(c, 2), rs1p = creg(c, 7);
    /* offsets of C.LW/C.SW and C.LD/C.SD (also FLD/FSD) */
    int32_t w_off =
        bits(c, 12, 10) << 3 | bits(c, 6, 6) << 2 | bits(c, 5, 5) << 6;
    int32_t d_off = bits(c, 12, 10) << 3 | bits(c, 6, 5) << 6;
    switch (c >> 13) {
    case 0: { /* C.ADDI4SPN */
        int32_t imm = bits(c, 12, 11) << 4 | bits(c, 10, 7) << 6 |
                      bits(c, 6, 6) << 2 | bits(c, 5, 5) << 3;
        if (imm == 0)
            return illegal(op);
        return set_op(op, K_ADDI, rdp, 2, 0, imm);
    }
    case 1:
        set_op(op, K_FLD, 0, rs1p, 0, d_off);
        op->rd = rdp;
        return;
    case 2:
        return set_op(op, K_LW, rdp, rs1p, 0, w_off);
    case 3:
        return set_op(op, K_LD, rdp, rs1p, 0, d_off);
    case 5:
        return set_op(op, K_FSD, 0, rs1p, rdp, d_off);
    case 6:
        return set_op(op, K_SW, 0, rs1p, rdp, w_off);
    case 7:
        return set_op(op, K_SD, 0, rs1p, rdp, d_off);
    }
    illegal(op); /* funct3 4 is reserved */
}

static void decode_c1_arith(struct op *op, uint16_t c)
{
    unsigned rd = creg(c, 7), rs2 = creg(c, 2);
    int32_t imm6 = sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
    unsigned shamt = bits(c, 12, 12) << 5 | bits(c, 6, 2);
    switch (bits(c, 11, 10)) {
    case 0:
        return set_op(op, K_SRLI, rd, rd, 0, shamt);
    case 1:
        return set_op(op, K_SRAI, rd, rd, 0, shamt);
    case 2:
        return set_op(op, K_ANDI, rd, rd, 0, imm6);
    }
    static const enum op_kind kinds[8] = {
        K_SUB, K_XOR, K_OR, K_AND, K_SUBW, K_ADDW, K_ILLEGAL, K_ILLEGAL,
    };
    enum op_kind kind = kinds[bits(c, 12, 12) << 2 | bits(c, 6, 5)];
    if (kind == K_ILLEGAL)
        return illegal(op);
    set_op(op, kind, rd, rd, rs2, 0);
}

static void decode_c1(struct op *op, uint16_t c)
{
    unsigned rd = bits(c, 11, 7);
    int32_t imm6 = sext(bits(c, 12, 12) << 5 | bits(c, 6, 2), 6);
    int32_t j_off = sext(bits(c, 12, 12) << 11 | bits(c, 11, 11) << 4 |
                             bits(c, 10, 9) << 8 | bits(c, 8, 8) << 10 |
                             bits(c, 7, 7) << 6 | bits(c, 6, 6) << 7 |
                             bits(c, 5, 3) << 1 | bits(c, 2, 2) << 5,
                         12);
    int32_t b_off =
        sext(bits(c, 12, 12) << 8 | bits(c, 11, 10) << 3 | bits(c, 6, 5) << 6 |
                 bits(c, 4, 3) << 1 | bits(c, 2, 2) << 5,
             9);
    switch (c >> 13) {
    case 0: /* C.ADDI (C.NOP and hints included) */
        return set_op(op, K_ADDI, rd, rd, 0, imm6);
    case 1: /* C.ADDIW */
        if (rd == 0)
            return illegal(op);
        return set_op(op, K_ADDIW, rd, rd, 0, imm6);
    case 2: /* C.LI */
        return set_op(op, K_ADDI, rd, 0, 0, imm6);
    case 3:
        if (rd == 2) { /* C.ADDI16SP */
            int32_t imm = sext(bits(c, 12, 12) << 9 | bits(c, 6, 6) << 4 |
                                   bits(c, 5, 5) << 6 | bits(c, 4, 3) << 7 |
                                   bits(c, 2, 2) << 5,
                               10);
            if (imm == 0)
                return illegal(op);
            return set_op(op, K_ADDI, 2, 2, 0, imm);
        }
        if (imm6 == 0)
            return illegal(op); /* C.LUI with nzimm 0 is reserved */
        return set_op(op, K_LI, rd, 0, 0, imm6 * 4096);
    case 4:
        return decode_c1_arith(op, c);
    case 5:
        return set_op(op, K_JAL, 0, 0, 0, j_off);
    case 6:
        return set_op(op, K_BEQ, 0, creg(c, 7), 0, b_off);
    case 7:
        return set_op(op, K_BNE, 0, creg(c, 7), 0, b_off);
    }
}

static void decode_c2(struct op *op, uint16_t c)
{
    unsigned rd = bits(c, 11, 7), rs2 = bits(c, 6, 2);
    int32_t lw_off =
        bits(c, 12, 12) << 5 | bits(c, 6, 4) << 2 | bits(c, 3, 2) << 6;
    int32_t ld_off =
        bits(c, 12, 12) << 5 | bits(c, 6, 5) << 3 | bits(c, 4, 2) << 6;
    int32_t sw_off = bits(c, 12, 9) << 2 | bits(c, 8, 7) << 6;
    int32_t sd_off = bits(c, 12, 10) << 3 | bits(c, 9, 7) << 6;
    switch (c >> 13) {
    case 0: /* C.SLLI */
        return set_op(op, K_SLLI, rd, rd, 0,
                      bits(c, 12, 12) << 5 | bits(c, 6, 2));
    case 1:
        set_op(op, K_FLD, 0, 2, 0, ld_off);
        op->rd = rd;
        return;
    case 2:
        if (rd == 0)
            return illegal(op);
        return set_op(op, K_LW, rd, 2, 0, lw_off);
    case 3:
        if (rd == 0)
            return illegal(op);
        return set_op(op, K_LD, rd, 2, 0, ld_off);
    case 4:
        if (bits(c, 12, 12) == 0) {
            if (rs2 != 0) /* C.MV */
                return set_op(op, K_ADD, rd, 0, rs2, 0);
            if (rd == 0)
                return illegal(op);
            return set_op(op, K_JALR, 0, rd, 0, 0); /* C.JR */
        }
        if (rs2 != 0) /* C.ADD */
            return set_op(op, K_ADD, rd, rd, rs2, 0);
        if (rd == 0) {
            op->kind = K_EBREAK;
            return;
        }
        return set_op(op, K_JALR, 1, rd, 0, 0); /* C.JALR */
    case 5:
        return set_op(op, K_FSD, 0, 2, rs2, sd_off);
    case 6:
        return set_op(op, K_SW, 0, 2, rs2, sw_off);
    case 7:
        return set_op(op, K_SD, 0, 2, rs2, sd_off);
    }
}

void decode_compressed(struct op *op, uint16_t c)
{
    *op = (struct op){.kind = K_ILLEGAL, .len = 1, .insn = c};
    switch (c & 3) {
    case 0:
        return decode_c0(op, c);
    case 1:
        return decode_c1(op, c);
    case 2:
        return decode_c2(op, c);
    }
}
