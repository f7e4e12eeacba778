/*
 * Random guest programs for the differential test (jit-diff.h).
 *
 * The stream is made of items (an ALU op, a load through a base set up
 * just before, a forward branch, a counted loop, a self-modifying store,
 * a random 16- or 32-bit pattern, ...). Every run must reach the ecall at
 * its end, so control flow stays bounded: random patterns that jump or
 * touch CSRs are left out, branches only go forward, loops count down a
 * register (x31) nothing else writes, and the trap handlers always resume
 * the program (after the trapping instruction, or at ra after a fetch
 * fault, which only the fetch-fault item provokes).
 */
#include <string.h>

#include "jit-diff.h"

#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_U (1u << 4)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

#define MSTATUS_SUM (1ull << 18)
#define MSTATUS_MXR (1ull << 19)

#define ADDIW(rd, rs1, imm) enc_i(imm, rs1, 0, rd, 0x1b)
#define LHU(rd, rs1, imm)   enc_i(imm, rs1, 5, rd, 0x03)
#define ANDI(rd, rs1, imm)  enc_i(imm, rs1, 7, rd, 0x13)
#define BEQ(rs1, rs2, off)  enc_b(off, rs2, rs1, 0)
#define SRET                0x10200073u
#define EBREAK              0x00100073u
#define SFENCE_VMA(rs1)     (0x12000073u | (rs1) << 15)
#define FENCE               0x0ff0000fu
#define FENCE_I             0x0000100fu

/* The last instruction straddles from the last code page into the next. */
#define STUB (DIFF_CODE + DIFF_CODE_PAGES * 0x1000ull - 2)
/* Leave room for the largest item and the end. */
#define STREAM_END (DIFF_CODE + (DIFF_CODE_PAGES - 1) * 0x1000ull - 160)
#define MAX_FIXUPS 16

uint64_t diff_random(struct diff_rng *r)
{
    uint64_t x = r->state; /* xorshift64* */
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    r->state = x;
    return x * 0x2545f4914f6cdd1dull;
}

enum fixup_kind { FIX_B, FIX_JAL, FIX_CJ, FIX_CB, FIX_JALR, FIX_STORE };

/* A forward reference: patched to the cursor `items_left` items later. */
struct fixup {
    uint64_t at;
    enum fixup_kind kind;
    unsigned items_left;
};

struct gen {
    struct fixture *f;
    struct diff_rng rng;
    bool user; /* the stream runs in U, else in S */
    /* Self-modifying stores and fence.i: they drop translations, so only
     * some streams have them, and the others run translated for long. */
    bool smc;
    bool in_loop;
    struct fixup fix[MAX_FIXUPS];
    unsigned nfix;
};

static unsigned pick(struct gen *g, unsigned n)
{
    return (unsigned)(diff_random(&g->rng) % n);
}

static bool chance(struct gen *g, unsigned one_in)
{
    return pick(g, one_in) == 0;
}

static void emit32(struct gen *g, uint32_t insn)
{
    fx_emit(g->f, insn);
}

static void emit16(struct gen *g, uint16_t insn)
{
    fx_emit16(g->f, insn);
}

static uint32_t read32(struct gen *g, uint64_t at)
{
    uint32_t v;
    memcpy(&v, fx_ram(g->f, at), 4);
    return v;
}

static void write32(struct gen *g, uint64_t at, uint32_t v)
{
    memcpy(fx_ram(g->f, at), &v, 4);
}

/* A destination register: never x0 (so the op is not a hint) or x31. */
static unsigned rand_rd(struct gen *g)
{
    return 1 + pick(g, 30);
}

static unsigned rand_reg(struct gen *g)
{
    return pick(g, 32);
}

static uint64_t rand_value(struct gen *g)
{
    static const uint64_t edges[] = {
        0,
        1,
        2,
        UINT64_MAX,
        0x7fffffffffffffffull,
        0x8000000000000000ull,
        0x7fffffff,
        0x80000000,
        0xffffffff,
        0xffffffff80000000ull,
        0xffffffff7fffffffull,
        0x800,
        0x7ff,
        (uint64_t)-2048,
        31,
        32,
        63,
        64,
    };
    uint64_t r = diff_random(&g->rng);
    switch (pick(g, 4)) {
    case 0:
        return edges[r % (sizeof(edges) / sizeof(edges[0]))];
    case 1:
        return (uint64_t)(int64_t)(int32_t)r;
    case 2:
        return r & 0xfff;
    }
    return r;
}

static int32_t rand_imm12(struct gen *g)
{
    static const int32_t edges[] = {0, 1, -1, 2047, -2048, 0x7f0, -0x800 + 1};
    if (chance(g, 2))
        return edges[pick(g, sizeof(edges) / sizeof(edges[0]))];
    return (int32_t)pick(g, 4096) - 2048;
}

/* Any 64-bit value into rd, as an assembler's li does it. */
static void emit_li(struct gen *g, unsigned rd, uint64_t v)
{
    int64_t lo = (int64_t)((v & 0xfff) ^ 0x800) - 0x800;
    int64_t sv = (int64_t)v;
    if (sv >= INT32_MIN && sv <= INT32_MAX) {
        uint32_t hi20 = (uint32_t)((v - (uint64_t)lo) >> 12) & 0xfffff;
        if (!hi20) {
            emit32(g, ADDI(rd, ZERO, (int32_t)lo));
            return;
        }
        emit32(g, LUI(rd, hi20));
        if (lo)
            emit32(g, ADDIW(rd, rd, (int32_t)lo));
        return;
    }
    emit_li(g, rd, (uint64_t)((int64_t)(v - (uint64_t)lo) >> 12));
    emit32(g, SLLI(rd, rd, 12));
    if (lo)
        emit32(g, ADDI(rd, rd, (int32_t)lo));
}

/* Compressed immediates, scattered as the C extension lays them out. */
static uint16_t cj_imm(int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (uint16_t)(((u >> 11) & 1) << 12 | ((u >> 4) & 1) << 11 |
                      ((u >> 8) & 3) << 9 | ((u >> 10) & 1) << 8 |
                      ((u >> 6) & 1) << 7 | ((u >> 7) & 1) << 6 |
                      ((u >> 1) & 7) << 3 | ((u >> 5) & 1) << 2);
}

static uint16_t cb_imm(int32_t off)
{
    uint32_t u = (uint32_t)off;
    return (uint16_t)(((u >> 8) & 1) << 12 | ((u >> 3) & 3) << 10 |
                      ((u >> 6) & 3) << 5 | ((u >> 1) & 3) << 3 |
                      ((u >> 5) & 1) << 2);
}

static void patch(struct gen *g, const struct fixup *fx, uint64_t to);

static void add_fixup(struct gen *g, uint64_t at, enum fixup_kind kind,
                      unsigned skip_items)
{
    if (g->nfix == MAX_FIXUPS) { /* the oldest lands here instead */
        patch(g, &g->fix[0], g->f->cursor);
        memmove(g->fix, g->fix + 1, --g->nfix * sizeof(g->fix[0]));
    }
    g->fix[g->nfix++] = (struct fixup){at, kind, skip_items + 1};
}

static void patch(struct gen *g, const struct fixup *fx, uint64_t to)
{
    int64_t off = (int64_t)(to - fx->at);
    uint32_t old = read32(g, fx->at);
    switch (fx->kind) {
    case FIX_B:
        write32(g, fx->at,
                (old & 0x01fff07f) | (enc_b((int32_t)off, 0, 0, 0) & ~0x7fu));
        break;
    case FIX_JAL:
        write32(g, fx->at, (old & 0xfff) | (enc_j((int32_t)off, 0) & ~0xfffu));
        break;
    case FIX_CJ:
    case FIX_CB:
        break;
    case FIX_JALR: /* auipc at `at`, jalr after it */
        write32(g, fx->at + 4,
                (read32(g, fx->at + 4) & 0xfffff) | (uint32_t)off << 20);
        break;
    case FIX_STORE: /* auipc at `at`, add, then the store */
        write32(g, fx->at + 8,
                (read32(g, fx->at + 8) & 0x01fff07f) |
                    (enc_s((int32_t)off, 0, 0, 0, 0) & ~0x7fu));
        break;
    }
    if (fx->kind == FIX_CJ || fx->kind == FIX_CB) {
        uint16_t half;
        memcpy(&half, fx_ram(g->f, fx->at), 2);
        half = fx->kind == FIX_CJ
                   ? (uint16_t)((half & 0xe003) | cj_imm((int32_t)off))
                   : (uint16_t)((half & 0xe383) | cb_imm((int32_t)off));
        memcpy(fx_ram(g->f, fx->at), &half, 2);
    }
}

/* After an item: references whose target is here get patched. */
static void resolve(struct gen *g, bool all)
{
    unsigned kept = 0;
    for (unsigned i = 0; i < g->nfix; i++) {
        struct fixup *fx = &g->fix[i];
        if (fx->items_left > 0)
            fx->items_left--;
        /* c.beqz/c.bnez reach 256 bytes: land early rather than too far */
        bool near_limit = fx->kind == FIX_CB && g->f->cursor - fx->at > 120;
        if (all || fx->items_left == 0 || near_limit)
            patch(g, fx, g->f->cursor);
        else
            g->fix[kept++] = *fx;
    }
    g->nfix = kept;
}

/* --- items --------------------------------------------------------- */

static void item_alu_r(struct gen *g)
{
    static const struct {
        uint8_t f7, f3, opcode;
    } ops[] = {
        {0, 0, 0x33}, {0x20, 0, 0x33}, {0, 1, 0x33},    {0, 2, 0x33},
        {0, 3, 0x33}, {0, 4, 0x33},    {0, 5, 0x33},    {0x20, 5, 0x33},
        {0, 6, 0x33}, {0, 7, 0x33},    {1, 0, 0x33},    {1, 1, 0x33},
        {1, 2, 0x33}, {1, 3, 0x33},    {1, 4, 0x33},    {1, 5, 0x33},
        {1, 6, 0x33}, {1, 7, 0x33},    {0, 0, 0x3b},    {0x20, 0, 0x3b},
        {0, 1, 0x3b}, {0, 5, 0x3b},    {0x20, 5, 0x3b}, {1, 0, 0x3b},
        {1, 4, 0x3b}, {1, 5, 0x3b},    {1, 6, 0x3b},    {1, 7, 0x3b},
    };
    unsigned i = pick(g, sizeof(ops) / sizeof(ops[0]));
    emit32(g, enc_r(ops[i].f7, rand_reg(g), rand_reg(g), ops[i].f3, rand_rd(g),
                    ops[i].opcode));
}

static void item_alu_i(struct gen *g)
{
    unsigned rd = rand_rd(g), rs1 = rand_reg(g);
    switch (pick(g, 6)) {
    case 0: { /* addi slti sltiu xori ori andi */
        static const uint8_t f3[] = {0, 2, 3, 4, 6, 7};
        emit32(g, enc_i(rand_imm12(g), rs1, f3[pick(g, 6)], rd, 0x13));
        break;
    }
    case 1: /* slli srli srai */
        emit32(g, enc_i((int32_t)(pick(g, 64) | (chance(g, 2) ? 0x400 : 0)),
                        rs1, chance(g, 2) ? 1 : 5, rd, 0x13));
        break;
    case 2: /* addiw */
        emit32(g, ADDIW(rd, rs1, rand_imm12(g)));
        break;
    case 3: /* slliw srliw sraiw */
        emit32(g, enc_i((int32_t)(pick(g, 32) | (chance(g, 2) ? 0x400 : 0)),
                        rs1, chance(g, 2) ? 1 : 5, rd, 0x1b));
        break;
    case 4:
        emit32(g, LUI(rd, pick(g, 1 << 20)));
        break;
    default: /* auipc */
        emit32(g, pick(g, 1 << 20) << 12 | rd << 7 | 0x17);
        break;
    }
}

static void item_li(struct gen *g)
{
    emit_li(g, rand_rd(g), rand_value(g));
}

/* A random 32-bit pattern that neither jumps, touches CSRs nor writes x31. */
static void item_raw32(struct gen *g)
{
    static const uint8_t opcodes[] = {0x03, 0x07, 0x0f, 0x13, 0x1b, 0x23,
                                      0x27, 0x2f, 0x33, 0x37, 0x3b, 0x43,
                                      0x47, 0x4b, 0x4f, 0x53, 0x7f, 0x5b};
    for (;;) {
        uint32_t r = (uint32_t)diff_random(&g->rng);
        uint32_t insn = chance(g, 4)
                            ? (r | 3)
                            : (r & ~0x7fu) | opcodes[pick(g, sizeof(opcodes))];
        unsigned opcode = insn & 0x7f, rd = (insn >> 7) & 31;
        if (opcode == 0x63 || opcode == 0x67 || opcode == 0x6f ||
            opcode == 0x73 || opcode == 0x17 || rd == DIFF_COUNTER)
            continue;
        emit32(g, insn);
        return;
    }
}

/* A random 16-bit pattern, with the same exclusions. */
static void item_raw16(struct gen *g)
{
    for (;;) {
        uint16_t insn = (uint16_t)diff_random(&g->rng);
        unsigned quadrant = insn & 3, f3 = insn >> 13;
        unsigned rd = (insn >> 7) & 31, rs2 = (insn >> 2) & 31;
        if (quadrant == 3)
            continue;
        if (quadrant == 1 && f3 >= 5) /* c.j, c.beqz, c.bnez */
            continue;
        if (quadrant == 2 && f3 == 4 && rs2 == 0 && rd != 0) /* c.jr/jalr */
            continue;
        if (quadrant != 0 && rd == DIFF_COUNTER)
            continue;
        emit16(g, insn);
        return;
    }
}

/* An address in the data pages: aligned, unaligned or straddling. */
static uint64_t data_addr(struct gen *g, unsigned size)
{
    uint64_t page = DIFF_DATA + pick(g, DIFF_DATA_PAGES) * 0x1000ull;
    switch (pick(g, 4)) {
    case 0:
        return page + 0x1000 - 1 - pick(g, 7); /* straddles the next page */
    case 1:
        return page + pick(g, 0x1000 - 8); /* any alignment */
    }
    return page + (pick(g, 0x1000) & ~(uint64_t)(size - 1));
}

static void item_mem(struct gen *g)
{
    static const uint8_t sizes[] = {1, 2, 4, 8, 1, 2, 4};
    unsigned base = rand_rd(g), kind = pick(g, 5);
    if (kind <= 1) { /* integer load or store, base + imm */
        unsigned f3 = kind == 0 ? pick(g, 7) : pick(g, 4);
        int32_t imm = (int32_t)pick(g, 64) - 32;
        emit_li(g, base, data_addr(g, sizes[f3]) - (uint64_t)(int64_t)imm);
        if (kind == 0)
            emit32(g, enc_i(imm, base, f3, rand_rd(g), 0x03));
        else
            emit32(g, enc_s(imm, rand_reg(g), base, f3, 0x23));
    } else if (kind == 2) { /* FP load or store */
        unsigned f3 = 2 + pick(g, 2);
        emit_li(g, base, data_addr(g, f3 == 2 ? 4 : 8));
        if (chance(g, 2))
            emit32(g, enc_i(0, base, f3, pick(g, 32), 0x07));
        else
            emit32(g, enc_s(0, pick(g, 32), base, f3, 0x27));
    } else if (kind == 3) { /* c.lw c.ld c.sw c.sd c.fld c.fsd */
        static const uint8_t f3s[] = {1, 2, 3, 5, 6, 7};
        unsigned f3 = f3s[pick(g, 6)], rb = 8 + pick(g, 8);
        bool word = f3 == 2 || f3 == 6;
        unsigned off = word ? pick(g, 32) * 4 : pick(g, 32) * 8;
        emit_li(g, rb, data_addr(g, word ? 4 : 8) - off);
        uint16_t imm =
            word ? (uint16_t)(((off >> 3) & 7) << 10 | ((off >> 2) & 1) << 6 |
                              ((off >> 6) & 1) << 5)
                 : (uint16_t)(((off >> 3) & 7) << 10 | ((off >> 6) & 3) << 5);
        emit16(g, (uint16_t)(f3 << 13 | imm | (rb - 8) << 7 | pick(g, 8) << 2));
    } else { /* c.lwsp c.ldsp c.fldsp c.swsp c.sdsp c.fsdsp */
        static const uint8_t f3s[] = {1, 2, 3, 5, 6, 7};
        unsigned f3 = f3s[pick(g, 6)];
        bool word = f3 == 2 || f3 == 6;
        unsigned off = word ? pick(g, 64) * 4 : pick(g, 64) * 8;
        emit_li(g, SP, data_addr(g, word ? 4 : 8) - off);
        uint16_t imm;
        unsigned reg = f3 == 1 || f3 == 5 ? pick(g, 32) : rand_rd(g);
        if (f3 < 4)
            imm =
                word
                    ? (uint16_t)(((off >> 5) & 1) << 12 |
                                 ((off >> 2) & 7) << 4 | ((off >> 6) & 3) << 2)
                    : (uint16_t)(((off >> 5) & 1) << 12 |
                                 ((off >> 3) & 3) << 5 | ((off >> 6) & 7) << 2);
        else
            imm = word ? (uint16_t)(((off >> 2) & 15) << 9 | ((off >> 6) & 3)
                                                                 << 7)
                       : (uint16_t)(((off >> 3) & 7) << 10 | ((off >> 6) & 7)
                                                                 << 7);
        /* Loads name rd in bits 11:7, stores rs2 in bits 6:2. */
        emit16(g,
               (uint16_t)(f3 << 13 | imm | 2 | (f3 < 4 ? reg << 7 : reg << 2)));
    }
}

static void item_mmio(struct gen *g)
{
    unsigned base = rand_rd(g), f3 = pick(g, 4);
    /* Offsets past 0xf00 make the device refuse (an access fault). */
    uint64_t off = pick(g, DIFF_MMIO_SIZE) & ~(chance(g, 8) ? 0ull : 7ull);
    emit_li(g, base, DIFF_MMIO_VA + off);
    if (chance(g, 2))
        emit32(g, enc_i(0, base, f3 | (f3 < 3 && chance(g, 2) ? 4 : 0),
                        rand_rd(g), 0x03));
    else
        emit32(g, enc_s(0, rand_reg(g), base, f3, 0x23));
}

/*
 * A run of loads, or of stores, off one base register, with ALU ops
 * between them (which may write the base, as may a load): what the
 * translator checks as one group. Around a data address (which may lie
 * near a page's end, or in a page this mode may not access) or in the
 * test device.
 */
static void item_mem_run(struct gen *g)
{
    unsigned base = rand_rd(g), n = 2 + pick(g, 5);
    bool store = chance(g, 2), mixed = chance(g, 3);
    if (chance(g, 6))
        emit_li(g, base, DIFF_MMIO_VA + 64 + (pick(g, 64) & ~7u));
    else
        emit_li(g, base, data_addr(g, 8));
    for (unsigned i = 0; i < n; i++) {
        int32_t imm = (int32_t)pick(g, 64) - 32;
        if (mixed) /* loads and stores: one group, checked for writing */
            store = chance(g, 2);
        if (store)
            emit32(g, enc_s(imm, rand_reg(g), base, pick(g, 4), 0x23));
        else
            emit32(g, enc_i(imm, base, pick(g, 7), rand_rd(g), 0x03));
        if (chance(g, 4))
            item_alu_i(g);
    }
}

static void item_csr_read(struct gen *g)
{
    static const uint16_t csrs[] = {
        0xc00, 0xc01, 0xc02, 0xc02, 0xc00, 0x001, 0x002, 0x003,
        0x100, 0x104, 0x105, 0x106, 0x140, 0x141, 0x142, 0x143,
        0x144, 0x180, 0x10a, 0x14d, 0x300, 0xb02, 0xf14, 0xc03,
    };
    unsigned csr = csrs[pick(g, sizeof(csrs) / sizeof(csrs[0]))];
    /* csrrs/csrrc with x0, csrrsi/csrrci with 0: reads only */
    static const uint8_t f3s[] = {2, 3, 6, 7};
    emit32(g, enc_i((int32_t)csr, 0, f3s[pick(g, 4)], rand_rd(g), 0x73));
}

/*
 * Writes the handlers do not depend on: FP status, SUM and MXR; sepc,
 * scause and stval (a trap sets them before the S handler reads them).
 * Not sscratch: a branch may land between a write and its undoing.
 */
static void item_csr_write(struct gen *g)
{
    unsigned rd = rand_rd(g);
    if (chance(g, 4)) {
        unsigned csr = 0x141 + pick(g, 3), f3 = 1 + pick(g, 3);
        if (chance(g, 2))
            emit32(g, enc_i((int32_t)csr, rand_reg(g), f3, rd, 0x73));
        else
            emit32(g, enc_i((int32_t)csr, pick(g, 32), f3 + 4, rd, 0x73));
        if (chance(g, 2)) /* what the write left */
            emit32(g, enc_i((int32_t)csr, ZERO, 2, rand_rd(g), 0x73));
        return;
    }
    if (chance(g, 3)) {
        unsigned t = rand_rd(g), base = rand_rd(g);
        /* Sometimes one load before and one after, from one address: a
         * TLB entry the one before made under the old SUM or MXR must not
         * serve the one after (user pages, the code page). */
        bool around = chance(g, 2) && t != base && rd != base;
        if (around) {
            emit_li(g, base,
                    chance(g, 4) ? g->f->cursor & ~7ull : data_addr(g, 8));
            emit32(g, enc_i(0, base, 3, t, 0x03));
        }
        if (rd != t && chance(g, 3)) { /* csrrw: sstatus with SUM toggled */
            emit32(g, enc_i(0x100, ZERO, 2, t, 0x73)); /* csrr */
            emit32(g, (uint32_t)(MSTATUS_SUM >> 12) << 12 | rd << 7 | 0x37);
            emit32(g, enc_r(0, rd, t, 4, t, 0x33)); /* xor */
            emit32(g, enc_i(0x100, t, 1, rd, 0x73));
        } else {
            emit_li(g, t, chance(g, 2) ? MSTATUS_SUM : MSTATUS_MXR);
            emit32(g, enc_i(0x100, t, chance(g, 2) ? 2 : 3, rd, 0x73));
        }
        if (around)
            emit32(g, enc_i(0, base, 3, t, 0x03));
        return;
    }
    unsigned csr = 1 + pick(g, 3), f3 = 1 + pick(g, 3);
    /* Sometimes FS clean first, and sstatus read after: a write to an FP
     * CSR must make it dirty. */
    bool clean = chance(g, 4);
    if (clean) {
        unsigned t = rand_rd(g);
        emit_li(g, t, 0x2000); /* FS dirty (3) -> clean (2) */
        emit32(g, enc_i(0x100, t, 3, ZERO, 0x73));
    }
    if (chance(g, 2))
        emit32(g, enc_i((int32_t)csr, rand_reg(g), f3, rd, 0x73));
    else
        emit32(g, enc_i((int32_t)csr, pick(g, 32), f3 + 4, rd, 0x73));
    if (clean)
        emit32(g, enc_i(0x100, ZERO, 2, rand_rd(g), 0x73));
}

/*
 * Interrupt masking as Linux does it (csrrci/csrrsi/csrrs on sstatus.SIE,
 * sometimes with other bits), and a software interrupt made pending
 * through sip, which unmasking SIE then delivers.
 */
static void item_sie(struct gen *g)
{
    unsigned rd = chance(g, 2) ? 0 : rand_rd(g), f3 = 2 + pick(g, 2);
    switch (pick(g, 4)) {
    case 0: /* csrrsi / csrrci with SIE, or SIE and SPIE */
        emit32(g, enc_i(0x100, chance(g, 4) ? 0x22 : 2, f3 + 4, rd, 0x73));
        break;
    case 1: { /* csrrs / csrrc with a register holding SIE, maybe more */
        unsigned t = rand_rd(g);
        emit_li(g, t, chance(g, 4) ? 2 | MSTATUS_SUM : 2);
        emit32(g, enc_i(0x100, t, f3, rd, 0x73));
        break;
    }
    case 2: /* csrrs / csrrc with a random register */
        emit32(g, enc_i(0x100, rand_reg(g), f3, rd, 0x73));
        break;
    default: /* csrsi sip, SSIP */
        emit32(g, enc_i(0x144, 2, 6, rd, 0x73));
        break;
    }
}

static void item_trap(struct gen *g)
{
    static const uint32_t traps[] = {
        ECALL,
        EBREAK,
        MRET,
        0xffffffff,
        0x00000000,
        0x7c002573, /* csrr a0, 0x7c0: no such CSR */
        0x30200073 | 1 << 20,
        0x0000002f | 7 << 12,
    };
    if (chance(g, 4))
        emit16(g, 0x9002); /* c.ebreak */
    else
        emit32(g, traps[pick(g, sizeof(traps) / sizeof(traps[0]))]);
}

static void item_branch(struct gen *g)
{
    unsigned skip = pick(g, 4);
    uint64_t at = g->f->cursor;
    switch (pick(g, 6)) {
    case 0:
    case 1: {
        static const uint8_t f3s[] = {0, 1, 4, 5, 6, 7};
        emit32(g, enc_b(0, rand_reg(g), rand_reg(g), f3s[pick(g, 6)]));
        add_fixup(g, at, FIX_B, skip);
        break;
    }
    case 2:
        emit32(g, enc_j(0, chance(g, 2) ? 0 : rand_rd(g)));
        add_fixup(g, at, FIX_JAL, skip);
        break;
    case 3:
        emit16(g, 0xa001); /* c.j */
        add_fixup(g, at, FIX_CJ, skip);
        break;
    case 4: /* c.beqz, c.bnez */
        emit16(g,
               (uint16_t)((chance(g, 2) ? 0xc001 : 0xe001) | pick(g, 8) << 7));
        add_fixup(g, at, FIX_CB, skip);
        break;
    default: { /* auipc + jalr */
        unsigned rb = rand_rd(g);
        emit32(g, rb << 7 | 0x17);
        emit32(g, JALR(chance(g, 2) ? 0 : rand_rd(g), rb, 0));
        add_fixup(g, at, FIX_JALR, skip);
        break;
    }
    }
}

/* A new 32-bit instruction for a self-modifying store: safe to run. */
static uint32_t smc_insn(struct gen *g)
{
    uint32_t insn;
    do {
        insn = chance(g, 2) ? ADDI(rand_rd(g), rand_reg(g), rand_imm12(g))
                            : enc_r(chance(g, 2) ? 1 : 0, rand_reg(g),
                                    rand_reg(g), pick(g, 8), rand_rd(g), 0x33);
    } while ((insn & 0x7f) != 0x13 && (insn & 0x7f) != 0x33);
    return insn;
}

/*
 * rA = the writable alias of the auipc here; store rV at off(rA), where
 * off is patched in later (FIX_STORE). Returns the auipc's address.
 */
static uint64_t emit_smc_store(struct gen *g, unsigned ra, unsigned rv)
{
    unsigned rt = rand_rd(g);
    while (rt == ra || rt == rv)
        rt = rand_rd(g);
    emit_li(g, ra, DIFF_CODE_ALIAS - DIFF_CODE);
    uint64_t at = g->f->cursor;
    emit32(g, rt << 7 | 0x17); /* auipc rt, 0 */
    emit32(g, ADD(ra, ra, rt));
    emit32(g, enc_s(0, rv, ra, chance(g, 8) ? 1 : 2, 0x23)); /* sw or sh */
    return at;
}

static void item_smc_ahead(struct gen *g)
{
    unsigned ra = rand_rd(g), rv = rand_rd(g);
    while (rv == ra)
        rv = rand_rd(g);
    emit_li(g, rv, smc_insn(g));
    uint64_t at = emit_smc_store(g, ra, rv);
    emit32(g, ADDI(ra, ZERO, 0)); /* forget the writable alias */
    if (chance(g, 2))
        emit32(g, FENCE_I);
    for (unsigned n = pick(g, 3); n > 0; n--)
        item_alu_r(g);
    struct fixup fx = {at, FIX_STORE, 0};
    patch(g, &fx, g->f->cursor);
    emit32(g, ADDI(rand_rd(g), rand_reg(g), rand_imm12(g)));
}

/* In a loop: rewrite an instruction that already ran, from the counter. */
static void item_smc_behind(struct gen *g)
{
    uint64_t target = g->f->cursor;
    unsigned rd = rand_rd(g), ra = rand_rd(g), rv = rand_rd(g);
    while (rv == ra)
        rv = rand_rd(g);
    emit32(g, ADDI(rd, rd, 1));
    item_alu_r(g);
    emit_li(g, rv, ADDI(rd, rd, 0));
    emit32(g, SLLI(ra, DIFF_COUNTER, 20)); /* imm = the counter */
    emit32(g, ADD(rv, rv, ra));
    /* emit_smc_store overwrites ra */
    uint64_t at = emit_smc_store(g, ra, rv);
    struct fixup fx = {at, FIX_STORE, 0};
    /* patch() measures from the auipc: the target lies behind it */
    patch(g, &fx, target);
    emit32(g, ADDI(ra, ZERO, 0));
    if (chance(g, 2))
        emit32(g, FENCE_I);
}

/* The register keeps the bad address: never a writable one. */
static void item_fetch_fault(struct gen *g)
{
    if (chance(g, 2)) {
        emit32(g, JAL(RA, (int32_t)(STUB - g->f->cursor)));
        return;
    }
    static const uint64_t bad[] = {
        0x40000000,
        DIFF_CODE + 0x1000 * (DIFF_CODE_PAGES + 1),
        DIFF_MMIO_VA,
        0x8000000000ull,
        0x8000000000000000ull,
        DIFF_MMIO_VA + 0x2000,
    };
    unsigned r = rand_rd(g);
    emit_li(g, r, bad[pick(g, sizeof(bad) / sizeof(bad[0]))]);
    emit32(g, JALR(RA, r, 0));
}

static void item_amo(struct gen *g)
{
    static const uint8_t f5s[] = {0x00, 0x01, 0x04, 0x08, 0x0c,
                                  0x10, 0x14, 0x18, 0x1c};
    unsigned base = rand_rd(g), f3 = 2 + pick(g, 2), size = f3 == 2 ? 4 : 8;
    uint64_t addr =
        chance(g, 8) ? DIFF_MMIO_VA + 8 * pick(g, 16) : data_addr(g, size);
    if (!chance(g, 8))
        addr &= ~(uint64_t)(size - 1);
    emit_li(g, base, addr);
    unsigned aqrl = pick(g, 4);
    if (chance(g, 3)) { /* lr, maybe something between, sc */
        unsigned seen = rand_rd(g);
        emit32(g, enc_r(0x02 << 2 | aqrl, 0, base, f3, seen, 0x2f));
        if (chance(g, 2))
            item_alu_r(g);
        if (chance(g, 3))
            item_mem(g);
        if (chance(g, 4)) { /* another address, maybe with the same value */
            emit_li(g, base, data_addr(g, size) & ~(uint64_t)(size - 1));
            if (chance(g, 2))
                emit32(g, enc_s(0, seen, base, f3, 0x23));
        }
        emit32(g, enc_r(0x03 << 2 | aqrl, rand_reg(g), base, f3, rand_rd(g),
                        0x2f));
        if (chance(g, 3)) /* the reservation is gone: this one fails */
            emit32(g, enc_r(0x03 << 2 | aqrl, rand_reg(g), base, f3, rand_rd(g),
                            0x2f));
        return;
    }
    unsigned rd = chance(g, 3) ? 0 : rand_rd(g);
    emit32(g, enc_r((unsigned)f5s[pick(g, sizeof(f5s))] << 2 | aqrl,
                    rand_reg(g), base, f3, rd, 0x2f));
    /* Keep the old value in memory (all 64 bits of the register), where
     * the end state sees it even if rd is overwritten later. */
    if (rd && chance(g, 2))
        emit32(g, enc_s(0, rd, base, 3, 0x23)); /* sd rd, 0(base) */
}

static void item_fp_value(struct gen *g)
{
    static const uint64_t values[] = {
        0x7ff8000000000000ull,
        0x7ff4000000000000ull,
        0x7ff0000000000000ull,
        0x8000000000000000ull,
        1,
        0x3ff0000000000000ull,
        0xffffffff7fc00000ull,
        0xffffffff3f800000ull,
        0x3f800000,
        0x4340000000000000ull,
        0xc3e0000000000000ull,
        0xffffffff7f800001ull,
        0x41dfffffffc00000ull,
        0xffffffff4f000000ull,
    };
    unsigned r = rand_rd(g);
    if (chance(g, 4))
        emit_li(g, r, diff_random(&g->rng));
    else
        emit_li(g, r, values[pick(g, sizeof(values) / sizeof(values[0]))]);
    /* fmv.d.x or fmv.w.x */
    emit32(g, enc_r(chance(g, 3) ? 0x78 : 0x79, 0, r, 0, pick(g, 32), 0x53));
}

static void item_fp_op(struct gen *g)
{
    static const uint8_t rms[] = {0, 1, 2, 3, 4, 7, 7, 7, 5};
    unsigned fmt = pick(g, 2), rm = rms[pick(g, sizeof(rms))];
    unsigned rd = rand_rd(g), rs1 = pick(g, 32), rs2 = pick(g, 32);
    switch (pick(g, 10)) {
    case 0: /* fadd fsub fmul fdiv */
    case 1:
        emit32(g, enc_r(pick(g, 4) << 2 | fmt, rs2, rs1, rm, rd, 0x53));
        break;
    case 2: /* fsqrt */
        emit32(g, enc_r(0x2c | fmt, 0, rs1, rm, rd, 0x53));
        break;
    case 3: /* fsgnj[n|x], fmin, fmax */
        emit32(g, enc_r((chance(g, 2) ? 0x10 : 0x14) | fmt, rs2, rs1,
                        pick(g, 3), rd, 0x53));
        break;
    case 4: /* fcvt.s.d, fcvt.d.s */
        emit32(g, enc_r(0x20 | fmt, fmt ? 0 : 1, rs1, rm, rd, 0x53));
        break;
    case 5: /* feq flt fle */
        emit32(g, enc_r(0x50 | fmt, rs2, rs1, pick(g, 3), rd, 0x53));
        break;
    case 6: { /* fcvt.{w,wu,l,lu}.fmt and back */
        bool to_fp = chance(g, 2);
        unsigned src = chance(g, 2) ? rs1 : rand_reg(g);
        if (to_fp && src != 0 && src != DIFF_COUNTER && chance(g, 2)) {
            /* integers where a double's 53 bits end, exact or not */
            static const uint64_t edges[] = {
                (1ull << 53) - 1, 1ull << 53,       (1ull << 53) + 1,
                (1ull << 54) + 3, (1ull << 62) + 5, -(1ull << 53) - 1,
                1ull << 63,       UINT64_MAX,       0x80000001u,
            };
            emit_li(g, src, edges[pick(g, sizeof(edges) / sizeof(edges[0]))]);
        }
        emit32(g, enc_r((to_fp ? 0x68 : 0x60) | fmt, pick(g, 4), src, rm, rd,
                        0x53));
        break;
    }
    case 7: /* fmv.x.fmt, fclass */
        emit32(g, enc_r(0x70 | fmt, 0, rs1, pick(g, 2), rd, 0x53));
        break;
    default: /* fmadd fmsub fnmsub fnmadd */
        emit32(g, enc_r(pick(g, 32) << 2 | fmt, rs2, rs1, rm, rd,
                        0x43 + 4 * pick(g, 4)));
        break;
    }
}

static void item_fence(struct gen *g)
{
    switch (pick(g, 5)) {
    case 0:
        emit32(g, FENCE);
        break;
    case 1:
        emit32(g, g->smc ? FENCE_I : FENCE);
        break;
    case 2:
        emit32(g, SFENCE_VMA(0));
        break;
    case 3: {
        unsigned r = rand_rd(g);
        emit_li(g, r, data_addr(g, 1));
        emit32(g, SFENCE_VMA(r));
        break;
    }
    default:
        emit16(g, 0x0001); /* c.nop: shifts the alignment */
        break;
    }
}

static void item(struct gen *g, unsigned depth);

/*
 * A call and its return through a link register (ra or t0), which a
 * translator may predict from the call; the callee may move its return
 * address on by one instruction, which a prediction must notice.
 *   jal L, callee   (or auipc L + jalr L, L)
 *   j over          the usual return
 *   addi r, r, 1    the moved one
 *   j over
 *   callee: a few addi on other registers; maybe L += 4 when bit 2 of
 *           instret is set (so that both returns are taken)
 *   jalr x0, 0(L) or c.jr L
 * over:
 */
static void item_call(struct gen *g)
{
    unsigned link = chance(g, 4) ? 5 : RA, mark = rand_rd(g);
    if (chance(g, 2)) {
        emit32(g, JAL(link, 16));
    } else {
        emit32(g, link << 7 | 0x17); /* auipc L, 0 */
        emit32(g, JALR(link, link, 20));
    }
    uint64_t usual = g->f->cursor;
    emit32(g, JAL(ZERO, 0));
    emit32(g, ADDI(mark, mark, 1));
    uint64_t moved = g->f->cursor;
    emit32(g, JAL(ZERO, 0));
    for (unsigned n = pick(g, 4); n > 0; n--) {
        unsigned r = rand_rd(g);
        if (r != link)
            emit32(g, ADDI(r, r, rand_imm12(g)));
    }
    if (chance(g, 2)) { /* moved when bit 2 of instret is set */
        unsigned t = rand_rd(g);
        if (t != link) {
            emit32(g, 0xc0202073u | t << 7); /* rdinstret t */
            emit32(g, ANDI(t, t, 4));
            emit32(g, ADD(link, link, t));
        }
    }
    if (chance(g, 2))
        emit32(g, JALR(ZERO, link, 0));
    else
        emit16(g, (uint16_t)(0x8002 | link << 7)); /* c.jr L */
    write32(g, usual, JAL(ZERO, (int32_t)(g->f->cursor - usual)));
    write32(g, moved, JAL(ZERO, (int32_t)(g->f->cursor - moved)));
}

/*
 * A jump to a register that lands two bytes after another block's start:
 * a translator's dispatch must take the target's own slot (one that
 * rounded down to 4 bytes would run c.addi M again).
 *   auipc B, 0              (4-byte aligned, so that T is not)
 *   addi C, x0, 2
 *   jal x0, L               a block starts at L
 * L: c.addi M, 1
 * T: addi C, C, -1
 *   beq C, x0, out
 *   jalr x0, T-A(B)         back to T, once
 * out:
 */
static void item_jalr_near(struct gen *g)
{
    unsigned b = rand_rd(g), c = rand_rd(g), m = rand_rd(g);
    while (c == b)
        c = rand_rd(g);
    while (m == b || m == c)
        m = rand_rd(g);
    if (g->f->cursor & 2)
        emit16(g, 0x0001); /* c.nop */
    emit32(g, b << 7 | 0x17);
    emit32(g, ADDI(c, ZERO, 2));
    emit32(g, JAL(ZERO, 4));
    emit16(g, (uint16_t)(0x0005 | m << 7)); /* c.addi M, 1 */
    emit32(g, ADDI(c, c, -1));
    emit32(g, BEQ(c, ZERO, 8));
    emit32(g, JALR(ZERO, b, 14));
}

/* A counted loop of 1-12 iterations over a few items. */
static void item_loop(struct gen *g)
{
    resolve(g, true); /* nothing may jump into the loop */
    emit_li(g, DIFF_COUNTER, 1 + pick(g, 12));
    uint64_t top = g->f->cursor;
    g->in_loop = true;
    for (unsigned n = 2 + pick(g, 8); n > 0; n--)
        item(g, 1);
    resolve(g, true);
    g->in_loop = false;
    emit32(g, ADDI(DIFF_COUNTER, DIFF_COUNTER, -1));
    emit32(g, BNE(DIFF_COUNTER, ZERO, (int32_t)(top - g->f->cursor)));
}

static void item(struct gen *g, unsigned depth)
{
    unsigned r = pick(g, 100);
    if (r < 12)
        item_alu_r(g);
    else if (r < 14)
        item_call(g);
    else if (r < 15)
        item_jalr_near(g);
    else if (r < 26)
        item_alu_i(g);
    else if (r < 32)
        item_li(g);
    else if (r < 38)
        item_raw32(g);
    else if (r < 46)
        item_raw16(g);
    else if (r < 53)
        item_mem(g);
    else if (r < 58)
        item_mem_run(g);
    else if (r < 61)
        item_mmio(g);
    else if (r < 65)
        item_csr_read(g);
    else if (r < 66)
        item_csr_write(g);
    else if (r < 67)
        item_sie(g);
    else if (r < 70)
        item_trap(g);
    else if (r < 77)
        item_branch(g);
    else if (r < 79 && depth == 0)
        item_loop(g);
    else if (r < 81 && !g->smc)
        item_alu_r(g);
    else if (r < 81)
        g->in_loop ? item_smc_behind(g) : item_smc_ahead(g);
    else if (r < 82)
        item_fetch_fault(g);
    else if (r < 86)
        item_amo(g);
    else if (r < 89)
        item_fp_value(g);
    else if (r < 97)
        item_fp_op(g);
    else
        item_fence(g);
    resolve(g, false);
}

/* --- handlers and setup -------------------------------------------- */

/*
 * The trap handlers log (cause, tval, epc, status) in a 64-entry ring
 * after their save area, then resume: at ra after a fetch fault, else
 * after the trapping instruction. The M handler, at the ecall that ends
 * the stream, starts it again until DIFF_PASSES_LEFT runs out, then waits.
 */
static void emit_handler(struct gen *g, bool machine, uint64_t end)
{
    struct fixture *f = g->f;
    unsigned scratch = machine ? 0x340 : 0x140, cause = machine ? 0x342 : 0x142;
    unsigned tval = cause + 1, epc = cause - 1,
             status = machine ? 0x300 : 0x100;
    fx_emit(f, CSRRW(SP, scratch, SP));
    fx_emit(f, SD(T0, SP, 0));
    fx_emit(f, SD(T1, SP, 8));
    fx_emit(f, SD(T2, SP, 16));
    fx_emit(f, LD(T1, SP, 24));
    fx_emit(f, ADDI(T2, T1, 1));
    fx_emit(f, SD(T2, SP, 24));
    fx_emit(f, ANDI(T1, T1, 63));
    fx_emit(f, SLLI(T1, T1, 5));
    fx_emit(f, ADD(T1, T1, SP));
    fx_emit(f, CSRR(T0, cause));
    fx_emit(f, SD(T0, T1, 64));
    fx_emit(f, CSRR(T2, tval));
    fx_emit(f, SD(T2, T1, 72));
    fx_emit(f, CSRR(T2, status));
    fx_emit(f, SD(T2, T1, 88));
    fx_emit(f, CSRR(T2, epc));
    fx_emit(f, SD(T2, T1, 80));
    /* interrupts (only SSIP is ever enabled): clear it, resume at epc */
    uint64_t to_interrupt = f->cursor;
    fx_emit(f, enc_b(0, ZERO, T0, 4)); /* blt t0, zero */
    uint64_t to_final = 0;
    if (machine) {
        emit_li(g, T1, end);
        to_final = f->cursor;
        fx_emit(f, BEQ(T2, T1, 0));
    }
    /* fetch faults (causes 0, 1, 12) resume at ra */
    uint64_t to_fetch[3];
    fx_emit(f, ADDI(T1, ZERO, 1));
    to_fetch[0] = f->cursor;
    fx_emit(f, BEQ(T0, ZERO, 0));
    to_fetch[1] = f->cursor;
    fx_emit(f, BEQ(T0, T1, 0));
    fx_emit(f, ADDI(T1, ZERO, 12));
    to_fetch[2] = f->cursor;
    fx_emit(f, BEQ(T0, T1, 0));
    if (!machine) { /* read the instruction even from U or X-only pages */
        emit_li(g, T1, MSTATUS_SUM | MSTATUS_MXR);
        fx_emit(f, CSRRS(T0, 0x100, T1));
    }
    fx_emit(f, LHU(T1, T2, 0));
    if (!machine)
        fx_emit(f, CSRW(0x100, T0));
    fx_emit(f, ANDI(T1, T1, 3));
    fx_emit(f, ADDI(T2, T2, 2));
    fx_emit(f, ADDI(T1, T1, -3));
    fx_emit(f, BNE(T1, ZERO, 8));
    fx_emit(f, ADDI(T2, T2, 2));
    fx_emit(f, CSRW(epc, T2));
    fx_emit(f, JAL(ZERO, 8));
    uint64_t fetch = f->cursor;
    fx_emit(f, CSRW(epc, RA));
    uint64_t restore = f->cursor;
    fx_emit(f, LD(T0, SP, 0));
    fx_emit(f, LD(T1, SP, 8));
    fx_emit(f, LD(T2, SP, 16));
    fx_emit(f, CSRRW(SP, scratch, SP));
    fx_emit(f, machine ? MRET : SRET);
    for (int i = 0; i < 3; i++) {
        struct fixup fx = {to_fetch[i], FIX_B, 0};
        patch(g, &fx, fetch);
    }
    uint64_t interrupt = f->cursor;
    fx_emit(f, enc_i(machine ? 0x344 : 0x144, 2, 7, ZERO, 0x73)); /* csrci */
    fx_emit(f, JAL(ZERO, (int32_t)(restore - f->cursor)));
    struct fixup to_irq = {to_interrupt, FIX_B, 0};
    patch(g, &to_irq, interrupt);
    if (machine) { /* the end: run the stream again, or stop */
        struct fixup fx = {to_final, FIX_B, 0};
        patch(g, &fx, f->cursor);
        fx_emit(f, LD(T1, SP, DIFF_PASSES_LEFT));
        fx_emit(f, ADDI(T1, T1, -1));
        fx_emit(f, SD(T1, SP, DIFF_PASSES_LEFT));
        uint64_t to_stop = f->cursor;
        fx_emit(f, BEQ(T1, ZERO, 0));
        emit_li(g, T1, DIFF_CODE);
        fx_emit(f, CSRW(epc, T1));
        fx_emit(f, JAL(ZERO, (int32_t)(restore - f->cursor)));
        /* wait with every interrupt disabled */
        fx = (struct fixup){to_stop, FIX_B, 0};
        patch(g, &fx, f->cursor);
        fx_emit(f, CSRW(CSR_MIE, ZERO));
        fx_emit(f, WFI);
        fx_emit(f, JAL(ZERO, -4));
    }
}

static unsigned data_pte(struct gen *g)
{
    static const unsigned flags[] = {
        PTE_R | PTE_W | PTE_A | PTE_D,
        PTE_R | PTE_W | PTE_A | PTE_D,
        PTE_R | PTE_W | PTE_A | PTE_D,
        PTE_R | PTE_W, /* A and D set by the hart */
        PTE_R | PTE_W | PTE_A,
        PTE_R | PTE_A,
        PTE_R,
        PTE_X | PTE_A, /* readable with MXR only */
        PTE_R | PTE_X | PTE_A,
        PTE_W | PTE_A | PTE_D, /* reserved: W without R */
        0,                     /* unmapped */
    };
    unsigned pte = flags[pick(g, sizeof(flags) / sizeof(flags[0]))];
    if (pte && (g->user ? !chance(g, 4) : chance(g, 4)))
        pte |= PTE_U;
    return pte;
}

static void map_pages(struct gen *g)
{
    struct fixture *f = g->f;
    unsigned u = g->user ? PTE_U : 0;
    fx_map(f, DIFF_S_HANDLER, DIFF_S_HANDLER, PTE_R | PTE_X | PTE_A);
    fx_map(f, DIFF_S_SAVE, DIFF_S_SAVE, PTE_R | PTE_W | PTE_A | PTE_D);
    for (unsigned i = 0; i <= DIFF_CODE_PAGES; i++) {
        uint64_t page = DIFF_CODE + i * 0x1000ull;
        fx_map(f, page + (DIFF_CODE_ALIAS - DIFF_CODE), page,
               PTE_R | PTE_W | PTE_A | PTE_D | u);
        if (i < DIFF_CODE_PAGES)
            fx_map(f, page, page,
                   (chance(g, 4) ? 0 : PTE_R) | PTE_X | PTE_A | u);
    }
    /* The page after the stub: unmapped, not executable, or the other
     * privilege's: fetching its half of the stub faults. */
    uint64_t after = DIFF_CODE + DIFF_CODE_PAGES * 0x1000ull;
    switch (pick(g, 3)) {
    case 1:
        fx_map(f, after, after, PTE_R | PTE_W | PTE_A | PTE_D | u);
        break;
    case 2:
        fx_map(f, after, after, PTE_R | PTE_X | PTE_A | (u ^ PTE_U));
        break;
    }
    for (unsigned i = 0; i < DIFF_DATA_PAGES; i++) {
        uint64_t page = DIFF_DATA + i * 0x1000ull;
        unsigned pte = data_pte(g);
        if (pte)
            fx_map(f, page, page, pte);
        for (unsigned b = 0; b < 0x1000; b += 8) {
            uint64_t v = diff_random(&g->rng);
            memcpy(fx_ram(f, page + b), &v, 8);
        }
    }
    fx_map(f, DIFF_MMIO_VA, DIFF_MMIO_PA,
           PTE_R | PTE_W | PTE_A | PTE_D | (chance(g, 8) ? u ^ PTE_U : u));
}

static void emit_prologue(struct gen *g, uint64_t medeleg, uint64_t mstatus)
{
    struct fixture *f = g->f;
    fx_org(f, RAM_BASE);
    fx_la(f, T0, DIFF_M_HANDLER);
    fx_emit(f, CSRW(CSR_MTVEC, T0));
    fx_la(f, T0, DIFF_M_SAVE);
    fx_emit(f, CSRW(0x340, T0));
    fx_la(f, T0, DIFF_S_HANDLER);
    fx_emit(f, CSRW(0x105, T0));
    fx_la(f, T0, DIFF_S_SAVE);
    fx_emit(f, CSRW(0x140, T0));
    emit_li(g, T0, medeleg);
    fx_emit(f, CSRW(0x302, T0));
    emit_li(g, T0, chance(g, 2) ? 2 : 0);
    fx_emit(f, CSRW(0x303, T0)); /* mideleg: SSIP, or none */
    emit_li(g, T0, chance(g, 4) ? 0 : 2);
    fx_emit(f, CSRW(0x304, T0)); /* mie: SSIE, mostly */
    fx_emit(f, ADDI(T0, ZERO, 7));
    fx_emit(f, CSRW(0x306, T0)); /* mcounteren */
    fx_emit(f, CSRW(0x106, T0)); /* scounteren */
    fx_emit(f, ADDI(T0, ZERO, -1));
    fx_emit(f, CSRW(CSR_PMPADDR0, T0));
    fx_emit(f, ADDI(T0, ZERO, 0x1f));
    fx_emit(f, CSRW(CSR_PMPCFG0, T0));
    emit_li(g, T0, fx_satp(f));
    fx_emit(f, CSRW(CSR_SATP, T0));
    emit_li(g, T0, mstatus);
    fx_emit(f, CSRW(CSR_MSTATUS, T0));
    fx_la(f, T0, DIFF_CODE);
    fx_emit(f, CSRW(CSR_MEPC, T0));
    fx_emit(f, MRET);
}

void diff_build_guest(struct fixture *f, uint64_t seed, unsigned max_items)
{
    struct gen g = {.f = f, .rng = {seed * 0x9e3779b97f4a7c15ull + 7}};
    g.user = chance(&g, 3);
    g.smc = chance(&g, 3);
    /* Every exception but ecall may go to S. */
    uint64_t medeleg = diff_random(&g.rng) & 0xb0ff & ~0x300ull;
    static const uint64_t fs[] = {0, 1, 2, 3, 3, 3};
    uint64_t mstatus = (g.user ? 0 : 1ull) << 11 |
                       fs[pick(&g, sizeof(fs) / sizeof(fs[0]))] << 13 |
                       (chance(&g, 2) ? MSTATUS_SUM : 0) |
                       (chance(&g, 4) ? MSTATUS_MXR : 0);
    map_pages(&g);
    unsigned items = 20 + pick(&g, 1200);
    uint64_t passes = DIFF_MIN_PASSES + pick(&g, 4);
    memcpy(fx_ram(f, DIFF_M_SAVE + DIFF_PASSES_LEFT), &passes, 8);
    if (items > max_items)
        items = max_items;
    for (unsigned x = 1; x < 32; x++) {
        uint64_t v = chance(&g, 2) ? data_addr(&g, 8) : rand_value(&g);
        hart_set_reg(f->harts[0], x, v);
    }

    /* The stub: a 32-bit instruction whose upper half cannot be fetched. */
    fx_org(f, STUB);
    fx_emit(f, ADDI(T0, T0, 1));
    fx_emit(f, JALR(ZERO, RA, 0));

    fx_org(f, DIFF_CODE);
    for (unsigned n = 0; n < items && f->cursor < STREAM_END; n++)
        item(&g, 0);
    resolve(&g, true);
    uint64_t end = f->cursor;
    fx_emit(f, ECALL);

    fx_org(f, DIFF_M_HANDLER);
    emit_handler(&g, true, end);
    fx_org(f, DIFF_S_HANDLER);
    emit_handler(&g, false, 0);
    emit_prologue(&g, medeleg, mstatus);
}
