/*
 * The RV64GC hart: public interface and the interpreter loop.
 *
 * Design, chosen for speed without a JIT:
 *
 * - Decoded-instruction cache per guest physical page (riscv-mmu.c). Each
 *   4 KiB page has 2048 op slots, one per halfword, decoded lazily the
 *   first time control reaches them. A slot past the end holds a
 *   "refetch" op. Inside a page, falling through is `op += op->len` and a
 *   branch to the same page is an index, so pc is never kept: it is
 *   computed from the op's position when needed. Leaving the page goes
 *   back to fetch, which translates the new pc (instruction TLB) and looks
 *   up its decoded page.
 * - Direct-threaded dispatch with GCC's computed goto: every handler ends
 *   in its own indirect jump, which the host predicts well.
 * - Software TLB (riscv-mmu.c) per privilege, with host addends for RAM
 *   pages: a hit is a compare and a memcpy. Anything else (MMIO, page
 *   crossing, faults) takes the slow path with h->pc synced.
 * - Stores to a page with decoded ops go through the slow path (such
 *   pages never get write TLB entries), which drops the decoded ops, so
 *   self-modifying code works; fence.i drops them all.
 * - Interrupts are checked on entry to hart_run and whenever something
 *   that can change them happened (CSR writes, xret, hart_set_irq(), a
 *   slow memory access), at the next fetch: never per instruction.
 *   The budget is checked on jumps and page changes, so a run may
 *   overshoot it by at most one page of straight-line code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riscv-internal.h"

#define likely(x)   __builtin_expect(!!(x), 1)
#define unlikely(x) __builtin_expect(!!(x), 0)

struct hart *hart_new(const struct hart_env *env, unsigned hartid)
{
    struct hart *h = calloc(1, sizeof(*h));
    if (!h)
        return NULL;
    h->env = *env;
    h->hartid = hartid;
    mmu_init(h);
    hart_reset(h, env->ram->base, PRIV_M);
    return h;
}

void hart_free(struct hart *hart)
{
    if (!hart)
        return;
    mmu_free(hart);
    free(hart);
}

void hart_reset(struct hart *h, uint64_t pc, enum priv_mode mode)
{
    memset(h->x, 0, sizeof(h->x));
    memset(h->f, 0, sizeof(h->f));
    h->pc = pc;
    h->priv = mode;
    h->mstatus = h->medeleg = h->mideleg = h->mie = h->mip = 0;
    h->mtvec = h->stvec = h->mscratch = h->sscratch = 0;
    h->mepc = h->sepc = h->mcause = h->scause = h->mtval = h->stval = 0;
    h->satp = h->mcounteren = h->scounteren = 0;
    h->menvcfg = h->senvcfg = h->mcountinhibit = 0;
    h->stimecmp = UINT64_MAX;
    memset(h->pmpcfg, 0, sizeof(h->pmpcfg));
    memset(h->pmpaddr, 0, sizeof(h->pmpaddr));
    h->fflags = h->frm = 0;
    h->lr_valid = false;
    h->waiting = false;
    if (mode != PRIV_M) {
        /*
         * Started below M by the built-in SBI: set up what M-mode
         * firmware would have. Every trap but ecall-from-S goes to S,
         * and S may use the counters and Sstc.
         */
        h->medeleg = 0xb1ff;
        h->mideleg = (1u << IRQ_SSIP) | (1u << IRQ_STIP) | (1u << IRQ_SEIP);
        h->mcounteren = 0xffffffff;
        h->menvcfg = MENVCFG_STCE;
        h->mstatus = (uint64_t)mode << 11; /* MPP */
    }
    hart_mode_changed(h);
    tlb_flush(h);
    dcache_flush(h);
}

unsigned hart_id(const struct hart *hart)
{
    return hart->hartid;
}

uint64_t hart_reg(const struct hart *hart, unsigned x)
{
    return x < 32 ? hart->x[x] : 0;
}

void hart_set_reg(struct hart *hart, unsigned x, uint64_t value)
{
    if (x > 0 && x < 32)
        hart->x[x] = value;
}

uint64_t hart_pc(const struct hart *hart)
{
    return hart->pc;
}

void hart_set_irq(struct hart *h, unsigned irq, bool level)
{
    if (irq >= 64)
        return;
    uint64_t bit = 1ull << irq;
    /* SSIP and STIP are software-writable bits the built-in SBI sets;
     * the others are wires that software cannot clear. */
    uint64_t *where =
        (irq == IRQ_SSIP || irq == IRQ_STIP) ? &h->mip : &h->mip_lines;
    if (level)
        *where |= bit;
    else
        *where &= ~bit;
    h->irq_dirty = true;
}

void hart_irq_set_level(void *hart, unsigned irq, bool level)
{
    hart_set_irq(hart, irq, level);
}

void hart_flush_tlb(struct hart *hart)
{
    tlb_flush(hart);
}

void hart_flush_icache(struct hart *hart)
{
    dcache_flush(hart);
}

void hart_yield(struct hart *hart)
{
    hart->stop = true;
}

bool hart_waiting(const struct hart *h)
{
    if (!h->waiting)
        return false;
    uint64_t pending = hart_pending_irqs(h);
    if ((h->menvcfg & MENVCFG_STCE) && h->env.read_mtime &&
        h->env.read_mtime(h->env.opaque) >= h->stimecmp)
        pending |= 1ull << IRQ_STIP;
    return !(pending & h->mie);
}

uint64_t hart_next_timer(const struct hart *h)
{
    return (h->menvcfg & MENVCFG_STCE) ? h->stimecmp : UINT64_MAX;
}

uint64_t hart_instret(const struct hart *hart)
{
    return hart->instret + hart->run_retired;
}

static int exec_slow(struct hart *h, const struct op *op)
{
    switch (op->kind) {
    case K_CSR:
        return exec_csr(h, op);
    case K_AMO:
        return exec_amo(h, op);
    case K_FLW:
    case K_FLD:
    case K_FSW:
    case K_FSD:
        return exec_fp_mem(h, op);
    case K_FP:
        return exec_fp(h, op);
    }
    return exec_system(h, op);
}

static void decode_slot(struct op *op, unsigned slot, const uint8_t *page)
{
    const uint8_t *p = page + 2 * slot;
    uint16_t low = p[0] | p[1] << 8;
    if ((low & 3) != 3) {
        decode_compressed(op, low);
    } else if (slot == SLOTS_PER_PAGE - 1) {
        /* The upper half is on the next page: decode it on each visit. */
        *op = (struct op){.kind = K_CROSS, .len = 2};
    } else {
        decode_insn(op, low | (uint32_t)(p[2] | p[3] << 8) << 16);
    }
}

static uint64_t run_loop(struct hart *h, uint64_t budget)
{
    static const void *const handlers[K_KIND_COUNT] = {
        [K_DECODE] = &&do_decode,
        [K_REFETCH] = &&do_refetch,
        [K_LI] = &&do_li,
        [K_AUIPC] = &&do_auipc,
        [K_JAL] = &&do_jal,
        [K_JALR] = &&do_jalr,
        [K_BEQ] = &&do_beq,
        [K_BNE] = &&do_bne,
        [K_BLT] = &&do_blt,
        [K_BGE] = &&do_bge,
        [K_BLTU] = &&do_bltu,
        [K_BGEU] = &&do_bgeu,
        [K_LB] = &&do_lb,
        [K_LH] = &&do_lh,
        [K_LW] = &&do_lw,
        [K_LD] = &&do_ld,
        [K_LBU] = &&do_lbu,
        [K_LHU] = &&do_lhu,
        [K_LWU] = &&do_lwu,
        [K_SB] = &&do_sb,
        [K_SH] = &&do_sh,
        [K_SW] = &&do_sw,
        [K_SD] = &&do_sd,
        [K_ADDI] = &&do_addi,
        [K_SLTI] = &&do_slti,
        [K_SLTIU] = &&do_sltiu,
        [K_XORI] = &&do_xori,
        [K_ORI] = &&do_ori,
        [K_ANDI] = &&do_andi,
        [K_SLLI] = &&do_slli,
        [K_SRLI] = &&do_srli,
        [K_SRAI] = &&do_srai,
        [K_ADD] = &&do_add,
        [K_SUB] = &&do_sub,
        [K_SLL] = &&do_sll,
        [K_SLT] = &&do_slt,
        [K_SLTU] = &&do_sltu,
        [K_XOR] = &&do_xor,
        [K_SRL] = &&do_srl,
        [K_SRA] = &&do_sra,
        [K_OR] = &&do_or,
        [K_AND] = &&do_and,
        [K_ADDIW] = &&do_addiw,
        [K_SLLIW] = &&do_slliw,
        [K_SRLIW] = &&do_srliw,
        [K_SRAIW] = &&do_sraiw,
        [K_ADDW] = &&do_addw,
        [K_SUBW] = &&do_subw,
        [K_SLLW] = &&do_sllw,
        [K_SRLW] = &&do_srlw,
        [K_SRAW] = &&do_sraw,
        [K_MUL] = &&do_mul,
        [K_MULH] = &&do_mulh,
        [K_MULHSU] = &&do_mulhsu,
        [K_MULHU] = &&do_mulhu,
        [K_DIV] = &&do_div,
        [K_DIVU] = &&do_divu,
        [K_REM] = &&do_rem,
        [K_REMU] = &&do_remu,
        [K_MULW] = &&do_mulw,
        [K_DIVW] = &&do_divw,
        [K_DIVUW] = &&do_divuw,
        [K_REMW] = &&do_remw,
        [K_REMUW] = &&do_remuw,
        [K_NOP] = &&do_nop,
        [K_CROSS] = &&do_cross,
        [K_SLOW_FIRST... K_KIND_COUNT - 1] = &&do_slow,
    };
    uint64_t *const x = h->x;
    uint64_t retired = 0, stalls = 0;
    struct op *ops = NULL, *op = NULL;
    uint64_t vbase = 0, page_tag = NO_PAGE, target = 0, gen = 0;
    uint8_t *page_host = NULL;
    struct tlb_set *dtlb = NULL;

#define PC()       (vbase + (uint64_t)(op - ops) * 2)
#define DISPATCH() goto *handlers[op->kind]
#define NEXT()                                                                 \
    do {                                                                       \
        retired++;                                                             \
        op += op->len;                                                         \
        DISPATCH();                                                            \
    } while (0)
#define JUMP(to)                                                               \
    do {                                                                       \
        target = (to);                                                         \
        goto jump;                                                             \
    } while (0)
#define RD  x[op->rd]
#define RS1 x[op->rs1]
#define RS2 x[op->rs2]
#define IMM ((int64_t)op->imm)
#define ALU(name, expr)                                                        \
    do_##name : RD = (expr);                                                   \
    NEXT();
#define BRANCH(name, cond)                                                     \
    do_##name : if (cond) JUMP(PC() + IMM);                                    \
    NEXT();
#define TLB_HIT(e, va, size)                                                   \
    likely((e)->tag == (((va)&PAGE_MASK) | gen) &&                             \
           ((va) & ~PAGE_MASK) <= PAGE_SIZE - (size))
#define LOAD(name, type, size)                                                 \
    do_##name:                                                                 \
    {                                                                          \
        uint64_t va = RS1 + IMM;                                               \
        const struct tlb_entry *e =                                            \
            &dtlb->r[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        type v;                                                                \
        if (TLB_HIT(e, va, size)) {                                            \
            memcpy(&v, (void *)(uintptr_t)(va + e->addend), size);             \
            RD = (uint64_t)(int64_t)v;                                         \
            NEXT();                                                            \
        }                                                                      \
        uint64_t raw;                                                          \
        h->pc = PC();                                                          \
        if (!mmu_load(h, va, size, &raw))                                      \
            goto trapped;                                                      \
        v = (type)raw;                                                         \
        RD = (uint64_t)(int64_t)v;                                             \
        goto slow_done;                                                        \
    }
#define STORE(name, size)                                                      \
    do_##name:                                                                 \
    {                                                                          \
        uint64_t va = RS1 + IMM, v = RS2;                                      \
        const struct tlb_entry *e =                                            \
            &dtlb->w[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        if (TLB_HIT(e, va, size)) {                                            \
            memcpy((void *)(uintptr_t)(va + e->addend), &v, size);             \
            NEXT();                                                            \
        }                                                                      \
        h->pc = PC();                                                          \
        if (!mmu_store(h, va, size, v))                                        \
            goto trapped;                                                      \
        goto slow_done;                                                        \
    }

fetch:
    if (h->irq_dirty) {
        h->irq_dirty = false;
        hart_check_interrupts(h);
    }
    h->refetch = false;
    if (retired + stalls >= budget || h->stop)
        goto out;
    ops = fetch_page(h, &page_host);
    if (!ops) {
        stalls++;
        goto fetch;
    }
    vbase = page_tag = h->pc & PAGE_MASK;
    gen = h->tlb_gen;
    dtlb = h->dtlb;
    op = ops + ((h->pc & ~PAGE_MASK) >> 1);
    DISPATCH();

jump:
    retired++;
    if ((target & PAGE_MASK) == page_tag && likely(retired < budget)) {
        op = ops + ((target & ~PAGE_MASK) >> 1);
        DISPATCH();
    }
    h->pc = target;
    goto fetch;

trapped: /* an exception was raised; h->pc is the handler */
    stalls++;
    goto fetch;

slow_done: /* a slow access completed: it may have changed code or irqs */
    if (unlikely(h->refetch || h->irq_dirty)) {
        retired++;
        h->pc = PC() + 2 * op->len;
        goto fetch;
    }
    NEXT();

do_decode:
    decode_slot(op, op - ops, page_host);
    DISPATCH();

do_refetch:
    h->pc = PC();
    goto fetch;

do_cross:
    h->pc = PC();
    if (!fetch_cross(h))
        goto trapped;
    ops = op = h->cross_ops;
    vbase = h->pc;
    page_tag = NO_PAGE;
    DISPATCH();

do_slow:
    h->pc = PC();
    h->run_retired = retired;
    switch (exec_slow(h, op)) {
    case EXEC_NEXT:
        goto slow_done;
    case EXEC_REDIRECT:
        retired++;
        goto fetch;
    default:
        goto trapped;
    }

    ALU(li, IMM)
    ALU(auipc, PC() + IMM)
do_nop:
    NEXT();
do_jal:
    RD = PC() + 2 * op->len;
    JUMP(PC() + IMM);
do_jalr : {
    uint64_t to = (RS1 + IMM) & ~1ull;
    RD = PC() + 2 * op->len;
    JUMP(to);
}
    BRANCH(beq, RS1 == RS2)
    BRANCH(bne, RS1 != RS2)
    BRANCH(blt, (int64_t)RS1 < (int64_t)RS2)
    BRANCH(bge, (int64_t)RS1 >= (int64_t)RS2)
    BRANCH(bltu, RS1 < RS2)
    BRANCH(bgeu, RS1 >= RS2)
    LOAD(lb, int8_t, 1)
    LOAD(lh, int16_t, 2)
    LOAD(lw, int32_t, 4)
    LOAD(ld, int64_t, 8)
    LOAD(lbu, uint8_t, 1)
    LOAD(lhu, uint16_t, 2)
    LOAD(lwu, uint32_t, 4)
    STORE(sb, 1)
    STORE(sh, 2)
    STORE(sw, 4)
    STORE(sd, 8)
    ALU(addi, RS1 + IMM)
    ALU(slti, (int64_t)RS1 < IMM)
    ALU(sltiu, RS1 < (uint64_t)IMM)
    ALU(xori, RS1 ^ IMM)
    ALU(ori, RS1 | IMM)
    ALU(andi, RS1 & IMM)
    ALU(slli, RS1 << op->imm)
    ALU(srli, RS1 >> op->imm)
    ALU(srai, (uint64_t)((int64_t)RS1 >> op->imm))
    ALU(add, RS1 + RS2)
    ALU(sub, RS1 - RS2)
    ALU(sll, RS1 << (RS2 & 63))
    ALU(slt, (int64_t)RS1 < (int64_t)RS2)
    ALU(sltu, RS1 < RS2)
    ALU(xor, RS1 ^ RS2)
    ALU(srl, RS1 >> (RS2 & 63))
    ALU(sra, (uint64_t)((int64_t)RS1 >> (RS2 & 63)))
    ALU(or, RS1 | RS2)
    ALU(and, RS1 & RS2)
    ALU(addiw, (int64_t)(int32_t)(RS1 + IMM))
    ALU(slliw, (int64_t)(int32_t)((uint32_t)RS1 << op->imm))
    ALU(srliw, (int64_t)(int32_t)((uint32_t)RS1 >> op->imm))
    ALU(sraiw, (int64_t)((int32_t)RS1 >> op->imm))
    ALU(addw, (int64_t)(int32_t)(RS1 + RS2))
    ALU(subw, (int64_t)(int32_t)(RS1 - RS2))
    ALU(sllw, (int64_t)(int32_t)((uint32_t)RS1 << (RS2 & 31)))
    ALU(srlw, (int64_t)(int32_t)((uint32_t)RS1 >> (RS2 & 31)))
    ALU(sraw, (int64_t)((int32_t)RS1 >> (RS2 & 31)))
    ALU(mul, RS1 * RS2)
    ALU(mulh, (uint64_t)(((__int128)(int64_t)RS1 * (int64_t)RS2) >> 64))
    ALU(mulhsu, (uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64))
    ALU(mulhu,
        (uint64_t)(((unsigned __int128)RS1 * (unsigned __int128)RS2) >> 64))
    ALU(div, RS2 == 0 ? UINT64_MAX
             : ((int64_t)RS1 == INT64_MIN && (int64_t)RS2 == -1)
                 ? RS1
                 : (uint64_t)((int64_t)RS1 / (int64_t)RS2))
    ALU(divu, RS2 == 0 ? UINT64_MAX : RS1 / RS2)
    ALU(rem, RS2 == 0 ? RS1
             : ((int64_t)RS1 == INT64_MIN && (int64_t)RS2 == -1)
                 ? 0
                 : (uint64_t)((int64_t)RS1 % (int64_t)RS2))
    ALU(remu, RS2 == 0 ? RS1 : RS1 % RS2)
    ALU(mulw, (int64_t)(int32_t)(RS1 * RS2))
    ALU(divw, (int32_t)RS2 == 0 ? UINT64_MAX
              : ((int32_t)RS1 == INT32_MIN && (int32_t)RS2 == -1)
                  ? (uint64_t)(int64_t)INT32_MIN
                  : (uint64_t)(int64_t)((int32_t)RS1 / (int32_t)RS2))
    ALU(divuw, (uint32_t)RS2 == 0 ? UINT64_MAX
                                  : (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 /
                                                                 (uint32_t)RS2))
    ALU(remw, (int32_t)RS2 == 0 ? (uint64_t)(int64_t)(int32_t)RS1
              : ((int32_t)RS1 == INT32_MIN && (int32_t)RS2 == -1)
                  ? 0
                  : (uint64_t)(int64_t)((int32_t)RS1 % (int32_t)RS2))
    ALU(remuw, (uint32_t)RS2 == 0 ? (uint64_t)(int64_t)(int32_t)RS1
                                  : (uint64_t)(int64_t)(int32_t)((uint32_t)RS1 %
                                                                 (uint32_t)RS2))

out:
    h->instret += retired;
    h->run_retired = 0;
    return retired;
}

uint64_t hart_run(struct hart *h, uint64_t budget)
{
    hart_update_timer(h);
    if (h->waiting) {
        if (!(hart_pending_irqs(h) & h->mie))
            return 0;
        h->waiting = false;
    }
    h->stop = false;
    h->irq_dirty = true;
    return run_loop(h, budget);
}
