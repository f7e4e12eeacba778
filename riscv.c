/*
 * The RV64GC hart: public interface and the interpreter loop.
 *
 * Design, chosen for speed without a JIT (about 730 M instructions/s on
 * an integer loop, `make bench-cpu`):
 *
 * - Decoded-instruction cache per guest physical page (riscv-mmu.c). Each
 *   4 KiB page has 2048 op slots, one per halfword, decoded lazily the
 *   first time control reaches them; a slot past the end holds a
 *   "refetch" op. Inside a page, falling through is `op += len` and an
 *   in-page branch target is resolved when the branch is decoded, so pc
 *   is never kept: it is computed from the op's position when needed.
 *   Leaving the page goes back to fetch, which translates the new pc
 *   (instruction TLB) and looks up its decoded page.
 * - Direct-threaded dispatch with GCC's computed goto. Every fast handler
 *   exists twice, for 16- and 32-bit instructions, so stepping to the
 *   next op is a constant add, and ends in its own indirect jump, which
 *   the host predicts well (mk/cpu.mk stops GCC from merging them).
 * - Software TLB (riscv-mmu.c) per privilege, with host addends for RAM
 *   pages: a hit is a compare and a memcpy. Anything else (MMIO, page
 *   crossing, misses, faults) takes the slow path with h->pc synced, and
 *   only there are the page walk and the PMP (riscv-pmp.c) consulted.
 *   A full flush empties every entry (rare); sfence.vma of one address
 *   (Linux's fence after a page fault) drops only that page's entries
 *   unless a superpage may cover it, and of an address space only its
 *   own entries.
 * - Decoded pages live in a 4-way LRU cache; an instruction TLB entry
 *   points at its page's decoded ops, so entering a page is two compares.
 * - Stores to a page with decoded ops go through the slow path (such
 *   pages never get write TLB entries), which drops the decoded ops, so
 *   self-modifying code works even without fence.i; fence.i drops them
 *   all, again by a generation bump.
 * - Interrupts are checked on entry to hart_run and whenever something
 *   that can change them happened (CSR writes that may unmask one, xret,
 *   hart_set_irq(), a slow memory access), at the next fetch: never per
 *   instruction.
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
    struct hart *h = host_huge_alloc(sizeof(*h));
    if (!h)
        return NULL;
    h->env = *env;
    h->hartid = hartid;
    mmu_init(h);
    if (env->jit && hart_jit_supported() && !jit_init(h))
        fprintf(stderr, "semu: hart %u: no translator, interpreting\n", hartid);
    hart_reset(h, env->ram->base, PRIV_M);
    return h;
}

void hart_free(struct hart *hart)
{
    if (!hart)
        return;
    jit_free(hart);
    mmu_free(hart);
    host_huge_free(hart, sizeof(*hart));
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
    h->satp = h->mcounteren = 0;
    /*
     * The reset value is unspecified. Linux writes scounteren only from
     * its PMU driver, and glibc's vDSO reads time from U-mode, so let U
     * read cycle, time and instret, as QEMU does.
     */
    h->scounteren = 0x7;
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
        h->pmpaddr[0] = (1ull << 54) - 1;  /* one entry: all of memory */
        h->pmpcfg[0] = 0x1f;               /* NAPOT, RWX */
    }
    pmp_changed(h);
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

int hart_exec_slow(struct hart *h, const struct op *op)
{
    switch (op->kind & (K_WIDE - 1)) {
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

/* Division as RISC-V defines it: no traps, fixed results for x/0. */
static uint64_t div64(int64_t a, int64_t b)
{
    if (b == 0)
        return UINT64_MAX;
    if (a == INT64_MIN && b == -1)
        return (uint64_t)a;
    return (uint64_t)(a / b);
}

static uint64_t rem64(int64_t a, int64_t b)
{
    if (b == 0)
        return (uint64_t)a;
    if (a == INT64_MIN && b == -1)
        return 0;
    return (uint64_t)(a % b);
}

/* fetch_page() when the page is in the instruction TLB and decoded. */
static inline struct op *fetch_page_cached(struct hart *h, uint8_t **host)
{
    struct dcache_page *d = code_page_cached(h, h->pc);
    if (!d)
        return NULL;
    *host = d->host;
    return d->ops;
}

static bool is_jump_kind(unsigned kind)
{
    kind &= K_WIDE - 1;
    return kind == K_JAL || (kind >= K_BEQ && kind <= K_BGEU);
}

void decode_slot(struct op *op, unsigned slot, const uint8_t *page)
{
    const uint8_t *p = page + 2 * slot;
    uint16_t low = p[0] | p[1] << 8;
    unsigned bytes = (low & 3) != 3 || slot == SLOTS_PER_PAGE - 1 ? 2 : 4;
    uint8_t *snapshot = page_snapshot(op - slot);
    if (memcmp(p, snapshot + 2 * slot, bytes) != 0)
        snapshot[SNAPSHOT_DIVERGED] = 1;
    if ((low & 3) != 3) {
        decode_compressed(op, low);
    } else if (slot == SLOTS_PER_PAGE - 1) {
        /* The upper half is on the next page: decode it on each visit. */
        *op = (struct op){.kind = K_CROSS, .len = 2};
        return;
    } else {
        decode_insn(op, low | (uint32_t)(p[2] | p[3] << 8) << 16);
    }
    /* A jump that stays in this page can step to its op directly. */
    int64_t target = (int64_t)slot + op->imm / 2;
    if (is_jump_kind(op->kind) && target >= 0 &&
        target < (int64_t)SLOTS_PER_PAGE)
        op->rs3 = 1;
}

uint64_t interp_run(struct hart *h, uint64_t budget)
{
#define HANDLER_PAIR(name)                                                     \
    [K_##name] = &&do_##name##_1, [K_##name + K_WIDE] = &&do_##name##_2,
    static const void *const handlers[K_HANDLERS] = {
        [K_DECODE] = &&do_decode,
        [K_REFETCH] = &&do_refetch,
        [K_CROSS] = &&do_cross,
        FAST_OPS(HANDLER_PAIR)[K_SLOW_FIRST... K_KIND_COUNT - 1] = &&do_slow,
    };
#undef HANDLER_PAIR
    uint64_t *const x = h->x;
    uint64_t retired = 0, stalls = 0;
    struct op *ops = NULL, *op = NULL;
    uint64_t vbase = 0, page_tag = NO_PAGE, target = 0;
    uint8_t *page_host = NULL;
    struct tlb_set *dtlb = NULL;

#define PC()       (vbase + (uint64_t)(op - ops) * 2)
#define DISPATCH() goto *handlers[op->kind]
#define NEXT(len)                                                              \
    do {                                                                       \
        retired++;                                                             \
        op += (len);                                                           \
        DISPATCH();                                                            \
    } while (0)
#define JUMP(to)                                                               \
    do {                                                                       \
        retired++;                                                             \
        target = (to);                                                         \
        goto jump;                                                             \
    } while (0)
/* Taken branch or jal: in-page targets were resolved when decoded. */
#define TAKEN()                                                                \
    do {                                                                       \
        retired++;                                                             \
        if (likely(op->rs3) && likely(retired < budget)) {                     \
            op += op->imm / 2;                                                 \
            DISPATCH();                                                        \
        }                                                                      \
        target = PC() + IMM;                                                   \
        goto jump;                                                             \
    } while (0)
/* Two copies of a handler: L is the length in slots (1 or 2). */
#define HANDLER(name, ...)                                                     \
    do_##name##_1:                                                             \
    {                                                                          \
        enum { L = 1 };                                                        \
        __VA_ARGS__                                                            \
    }                                                                          \
    do_##name##_2:                                                             \
    {                                                                          \
        enum { L = 2 };                                                        \
        __VA_ARGS__                                                            \
    }
#define RD                 x[op->rd]
#define RS1                x[op->rs1]
#define RS2                x[op->rs2]
#define IMM                ((int64_t)op->imm)
#define ALU(name, expr)    HANDLER(name, RD = (expr); NEXT(L);)
#define BRANCH(name, cond) HANDLER(name, if (cond) TAKEN(); NEXT(L);)
#define TLB_HIT(e, va, size)                                                   \
    likely((e)->tag == ((va)&PAGE_MASK) &&                                     \
           ((va) & ~PAGE_MASK) <= PAGE_SIZE - (size))
#define LOAD(name, type, size)                                                 \
    HANDLER(                                                                   \
        name, uint64_t va = RS1 + IMM;                                         \
        const struct tlb_entry *e =                                            \
            &dtlb->r[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        type v; if (TLB_HIT(e, va, size)) {                                    \
            memcpy(&v, (void *)(uintptr_t)(va + e->addend), size);             \
            RD = (uint64_t)(int64_t)v;                                         \
            NEXT(L);                                                           \
        } uint64_t raw;                                                        \
        h->pc = PC(); if (!mmu_load(h, va, size, &raw)) goto trapped;          \
        v = (type)raw; RD = (uint64_t)(int64_t)v; goto slow_done;)
#define STORE(name, size)                                                      \
    HANDLER(                                                                   \
        name, uint64_t va = RS1 + IMM; uint64_t v = RS2;                       \
        const struct tlb_entry *e =                                            \
            &dtlb->w[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        if (TLB_HIT(e, va, size)) {                                            \
            memcpy((void *)(uintptr_t)(va + e->addend), &v, size);             \
            NEXT(L);                                                           \
        } h->pc = PC();                                                        \
        if (!mmu_store(h, va, size, v)) goto trapped; goto slow_done;)
/* FP loads and stores: fast only with the FPU on and a TLB hit. */
#define FP_LOAD(name, type, size, box)                                         \
    HANDLER(                                                                   \
        name, uint64_t va = RS1 + IMM;                                         \
        const struct tlb_entry *e =                                            \
            &dtlb->r[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        if (likely(h->mstatus & MSTATUS_FS) && TLB_HIT(e, va, size)) {         \
            type v;                                                            \
            memcpy(&v, (void *)(uintptr_t)(va + e->addend), size);             \
            h->f[op->rd] = (box) | v;                                          \
            h->mstatus |= MSTATUS_FS;                                          \
            NEXT(L);                                                           \
        } goto do_slow;)
#define FP_STORE(name, size)                                                   \
    HANDLER(                                                                   \
        name, uint64_t va = RS1 + IMM;                                         \
        const struct tlb_entry *e =                                            \
            &dtlb->w[(va >> PAGE_SHIFT) % TLB_ENTRIES];                        \
        if (likely(h->mstatus & MSTATUS_FS) && TLB_HIT(e, va, size)) {         \
            memcpy((void *)(uintptr_t)(va + e->addend), &h->f[op->rs2], size); \
            NEXT(L);                                                           \
        } goto do_slow;)

fetch:
    if (h->irq_dirty) {
        h->irq_dirty = false;
        hart_check_interrupts(h);
    }
    h->refetch = false;
    if (retired + stalls >= budget || h->stop)
        goto out;
    ops = fetch_page_cached(h, &page_host);
    if (!ops)
        ops = fetch_page(h, &page_host);
    if (!ops) {
        stalls++;
        goto fetch;
    }
    vbase = page_tag = h->pc & PAGE_MASK;
    dtlb = h->dtlb;
    op = ops + ((h->pc & ~PAGE_MASK) >> 1);
    DISPATCH();

jump: /* retired already counts the jump */
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
    NEXT(op->len);

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
    switch (hart_exec_slow(h, op)) {
    case EXEC_NEXT:
        goto slow_done;
    case EXEC_REDIRECT:
        retired++;
        goto fetch;
    default:
        goto trapped;
    }

    ALU(LI, IMM)
    ALU(AUIPC, PC() + IMM)
    HANDLER(NOP, NEXT(L);)
    HANDLER(JAL, RD = PC() + 2 * L; TAKEN();)
    HANDLER(JALR, uint64_t to = (RS1 + IMM) & ~1ull; RD = PC() + 2 * L;
            JUMP(to);)
    BRANCH(BEQ, RS1 == RS2)
    BRANCH(BNE, RS1 != RS2)
    BRANCH(BLT, (int64_t)RS1 < (int64_t)RS2)
    BRANCH(BGE, (int64_t)RS1 >= (int64_t)RS2)
    BRANCH(BLTU, RS1 < RS2)
    BRANCH(BGEU, RS1 >= RS2)
    LOAD(LB, int8_t, 1)
    LOAD(LH, int16_t, 2)
    LOAD(LW, int32_t, 4)
    LOAD(LD, int64_t, 8)
    LOAD(LBU, uint8_t, 1)
    LOAD(LHU, uint16_t, 2)
    LOAD(LWU, uint32_t, 4)
    STORE(SB, 1)
    STORE(SH, 2)
    STORE(SW, 4)
    STORE(SD, 8)
    FP_LOAD(FLW, uint32_t, 4, 0xffffffff00000000ull)
    FP_LOAD(FLD, uint64_t, 8, 0)
    FP_STORE(FSW, 4)
    FP_STORE(FSD, 8)
    ALU(ADDI, RS1 + IMM)
    ALU(SLTI, (int64_t)RS1 < IMM)
    ALU(SLTIU, RS1 < (uint64_t)IMM)
    ALU(XORI, RS1 ^ IMM)
    ALU(ORI, RS1 | IMM)
    ALU(ANDI, RS1 & IMM)
    ALU(SLLI, RS1 << op->imm)
    ALU(SRLI, RS1 >> op->imm)
    ALU(SRAI, (uint64_t)((int64_t)RS1 >> op->imm))
    ALU(ADD, RS1 + RS2)
    ALU(SUB, RS1 - RS2)
    ALU(SLL, RS1 << (RS2 & 63))
    ALU(SLT, (int64_t)RS1 < (int64_t)RS2)
    ALU(SLTU, RS1 < RS2)
    ALU(XOR, RS1 ^ RS2)
    ALU(SRL, RS1 >> (RS2 & 63))
    ALU(SRA, (uint64_t)((int64_t)RS1 >> (RS2 & 63)))
    ALU(OR, RS1 | RS2)
    ALU(AND, RS1 & RS2)
    ALU(ADDIW, (int64_t)(int32_t)(RS1 + IMM))
    ALU(SLLIW, (int64_t)(int32_t)((uint32_t)RS1 << op->imm))
    ALU(SRLIW, (int64_t)(int32_t)((uint32_t)RS1 >> op->imm))
    ALU(SRAIW, (int64_t)((int32_t)RS1 >> op->imm))
    ALU(ADDW, (int64_t)(int32_t)(RS1 + RS2))
    ALU(SUBW, (int64_t)(int32_t)(RS1 - RS2))
    ALU(SLLW, (int64_t)(int32_t)((uint32_t)RS1 << (RS2 & 31)))
    ALU(SRLW, (int64_t)(int32_t)((uint32_t)RS1 >> (RS2 & 31)))
    ALU(SRAW, (int64_t)((int32_t)RS1 >> (RS2 & 31)))
    ALU(MUL, RS1 * RS2)
    ALU(MULH, (uint64_t)(((__int128)(int64_t)RS1 * (int64_t)RS2) >> 64))
    ALU(MULHSU, (uint64_t)(((__int128)(int64_t)RS1 * (__int128)RS2) >> 64))
    ALU(MULHU,
        (uint64_t)(((unsigned __int128)RS1 * (unsigned __int128)RS2) >> 64))
    ALU(DIV, div64(RS1, RS2))
    ALU(DIVU, RS2 == 0 ? UINT64_MAX : RS1 / RS2)
    ALU(REM, rem64(RS1, RS2))
    ALU(REMU, RS2 == 0 ? RS1 : RS1 % RS2)
    ALU(MULW, (int64_t)(int32_t)(RS1 * RS2))
    ALU(DIVW, (uint64_t)(int32_t)div64((int32_t)RS1, (int32_t)RS2))
    ALU(DIVUW, (uint32_t)RS2 == 0
                   ? UINT64_MAX
                   : (uint64_t)(int32_t)((uint32_t)RS1 / (uint32_t)RS2))
    ALU(REMW, (uint64_t)(int32_t)rem64((int32_t)RS1, (int32_t)RS2))
    ALU(REMUW, (uint32_t)RS2 == 0
                   ? (uint64_t)(int32_t)RS1
                   : (uint64_t)(int32_t)((uint32_t)RS1 % (uint32_t)RS2))

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
    return h->jit ? jit_run(h, budget) : interp_run(h, budget);
}
