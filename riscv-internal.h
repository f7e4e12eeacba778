/*
 * Private state of one hart, shared by the riscv*.c files only.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "riscv.h"

#define PAGE_SHIFT     12
#define PAGE_SIZE      4096ull
#define PAGE_MASK      (~(PAGE_SIZE - 1))
#define SLOTS_PER_PAGE (PAGE_SIZE / 2) /* one decoded op per halfword */
/* Direct-mapped by virtual page: at 256, the kernel code a FUSE round trip
 * runs through (scheduler, workqueue, virtio, fuse) missed 13x as often. */
#define TLB_ENTRIES 1024
#define DCACHE_SETS 512 /* decoded pages: DCACHE_SETS x DCACHE_WAYS */
#define DCACHE_WAYS 4
#define NO_PAGE     1ull /* never a page address: empty cache or TLB slot */
/* smc_page_hot(): a write to code adds this; the translator leaves a page
 * to the interpreter while its heat is at least SMC_HEAT_INTERPRET. */
#define SMC_HEAT_PER_WRITE 32
#define SMC_HEAT_INTERPRET 64

/* mstatus bits */
#define MSTATUS_SIE  (1ull << 1)
#define MSTATUS_MIE  (1ull << 3)
#define MSTATUS_SPIE (1ull << 5)
#define MSTATUS_MPIE (1ull << 7)
#define MSTATUS_SPP  (1ull << 8)
#define MSTATUS_MPP  (3ull << 11)
#define MSTATUS_FS   (3ull << 13)
#define MSTATUS_MPRV (1ull << 17)
#define MSTATUS_SUM  (1ull << 18)
#define MSTATUS_MXR  (1ull << 19)
#define MSTATUS_TVM  (1ull << 20)
#define MSTATUS_TW   (1ull << 21)
#define MSTATUS_TSR  (1ull << 22)
#define MSTATUS_UXL  (3ull << 32)
#define MSTATUS_SXL  (3ull << 34)
#define MSTATUS_SD   (1ull << 63)
#define SSTATUS_VISIBLE                                                        \
    (MSTATUS_SIE | MSTATUS_SPIE | MSTATUS_SPP | MSTATUS_FS | MSTATUS_SUM |     \
     MSTATUS_MXR | MSTATUS_UXL | MSTATUS_SD)
#define MSTATUS_UXL_SXL_64 ((2ull << 32) | (2ull << 34))
#define MIP_SSIP           (1ull << IRQ_SSIP)
#define MIP_MSIP           (1ull << IRQ_MSIP)
#define MIP_STIP           (1ull << IRQ_STIP)
#define MIP_MTIP           (1ull << IRQ_MTIP)
#define MIP_SEIP           (1ull << IRQ_SEIP)
#define MIP_MEIP           (1ull << IRQ_MEIP)

#define MENVCFG_FIOM (1ull << 0)
#define MENVCFG_STCE (1ull << 63)

/* Exception causes */
enum {
    CAUSE_FETCH_MISALIGNED = 0,
    CAUSE_FETCH_ACCESS = 1,
    CAUSE_ILLEGAL = 2,
    CAUSE_BREAKPOINT = 3,
    CAUSE_LOAD_MISALIGNED = 4,
    CAUSE_LOAD_ACCESS = 5,
    CAUSE_STORE_MISALIGNED = 6,
    CAUSE_STORE_ACCESS = 7,
    CAUSE_ECALL_U = 8,
    CAUSE_ECALL_S = 9,
    CAUSE_ECALL_M = 11,
    CAUSE_FETCH_PAGE = 12,
    CAUSE_LOAD_PAGE = 13,
    CAUSE_STORE_PAGE = 15,
};
#define CAUSE_INTERRUPT (1ull << 63)

enum access { ACC_READ, ACC_WRITE, ACC_EXEC };

/*
 * A decoded instruction. `kind` selects the handler; `len` is the size in
 * halfword slots (1 or 2), so the next op in a page is `op + op->len`.
 * Register numbers are pre-mapped: a destination x0 becomes 32, a scratch
 * register nobody reads, so handlers never test for x0.
 */
struct op {
    uint16_t kind;
    uint8_t rd, rs1, rs2, rs3, rm, len;
    int32_t imm;
    uint32_t insn; /* raw bits: mtval of an illegal instruction */
};

/*
 * Handler kinds. The fast ones run inline in the interpreter loop, each
 * with two handlers: `K_x` for a compressed instruction and
 * `K_x + K_WIDE` for a 32-bit one, so stepping to the next op is a
 * constant add rather than a load of the length. A fast handler that
 * cannot finish (TLB miss, FP off) passes the op to exec_slow(), which
 * then sees the K_WIDE bit.
 */
// clang-format off
#define FAST_OPS(X)                                                            \
    X(LI) X(AUIPC) X(JAL) X(JALR) X(BEQ) X(BNE) X(BLT) X(BGE) X(BLTU)          \
    X(BGEU) X(LB) X(LH) X(LW) X(LD) X(LBU) X(LHU) X(LWU) X(SB) X(SH) X(SW)     \
    X(SD) X(ADDI) X(SLTI) X(SLTIU) X(XORI) X(ORI) X(ANDI) X(SLLI) X(SRLI)      \
    X(SRAI) X(ADD) X(SUB) X(SLL) X(SLT) X(SLTU) X(XOR) X(SRL) X(SRA) X(OR)     \
    X(AND) X(ADDIW) X(SLLIW) X(SRLIW) X(SRAIW) X(ADDW) X(SUBW) X(SLLW)         \
    X(SRLW) X(SRAW) X(MUL) X(MULH) X(MULHSU) X(MULHU) X(DIV) X(DIVU) X(REM)    \
    X(REMU) X(MULW) X(DIVW) X(DIVUW) X(REMW) X(REMUW) X(NOP) X(FLW)         \
    X(FLD) X(FSW) X(FSD)
// clang-format on

enum op_kind {
    K_DECODE = 0, /* not decoded yet: decode, then run */
    K_REFETCH,    /* leave the page: translate pc again */
    K_CROSS,      /* a 32-bit instruction straddling two pages */
#define FAST_KIND(name) K_##name,
    FAST_OPS(FAST_KIND)
#undef FAST_KIND
    /* Everything below goes through exec_slow() with the state synced. */
    K_SLOW_FIRST,
    K_ILLEGAL = K_SLOW_FIRST,
    K_ECALL,
    K_EBREAK,
    K_MRET,
    K_SRET,
    K_WFI,
    K_SFENCE_VMA,
    K_FENCE_I,
    K_CSR,
    K_AMO,
    K_FP,
    K_KIND_COUNT,
};
#define K_WIDE     128
#define K_HANDLERS (2 * K_WIDE)
_Static_assert(K_KIND_COUNT <= K_WIDE, "op kinds overflow K_WIDE");

struct dcache_page;
struct tlb_entry {
    uint64_t tag;     /* virtual page, or NO_PAGE */
    uintptr_t addend; /* host address = guest virtual address + addend */
    uint64_t ppage;   /* guest physical page */
    /* Instruction entries: the page's decoded ops, checked before use
     * (the page may since have been dropped or decoded again). */
    struct dcache_page *code;
};

/* One set of TLBs per (privilege, SUM) combination: see tlb_data_set(). */
struct tlb_set {
    struct tlb_entry r[TLB_ENTRIES], w[TLB_ENTRIES], x[TLB_ENTRIES];
};
enum { TLB_SET_U, TLB_SET_S, TLB_SET_S_SUM, TLB_SET_M, TLB_SETS };
_Static_assert(sizeof(struct tlb_set) ==
                   3 * TLB_ENTRIES * sizeof(struct tlb_entry),
               "a hart's TLB entries form one array");
_Static_assert(TLB_SETS * 3 * TLB_ENTRIES <= UINT16_MAX + 1,
               "a TLB entry's index fits hart.tlb_own");

/* What the translator keeps per decoded page, by starting slot. */
struct jit_page {
    void *code[SLOTS_PER_PAGE];   /* the block's host code, or NULL */
    bool pending[SLOTS_PER_PAGE]; /* emitted, executable at the next seal */
    bool published;               /* code[] has held a block */
    /* The page-straddling instruction at its end as blocks translated it,
     * with the upper half they check for (riscv-jit.c emit_cross). */
    bool cross_valid;
    uint16_t cross_high;
    struct op cross;
};

/*
 * The translator's jump cache, one per privilege: a virtual pc's block.
 * An entry is valid while the instruction TLB still maps pc to its page
 * and it was made in the current hart.jump_gen, which dropping blocks or
 * decoded pages that had blocks bumps (jump_cache_invalidate); the two
 * are one word, the page's address or'ed with the generation, which
 * wraps at JUMP_GEN_LIMIT by clearing every entry. Two ways per set, the
 * newest first: two hot return addresses of the kernel that shared one
 * entry of a direct-mapped cache missed it about 3,600 times each in
 * 6,000 file creates. A set is one 64-byte line: the table is probed on
 * every jump out of a page, and its misses were the costliest loads of
 * kernel code.
 */
#define JUMP_CACHE_SETS    2048
#define JUMP_CACHE_WAYS    2
#define JUMP_CACHE_ENTRIES (JUMP_CACHE_SETS * JUMP_CACHE_WAYS)
/* pc's set: halfword offset mixed with the page number. */
#define JUMP_CACHE_SET(pc) ((((pc) >> 1) ^ ((pc) >> 12)) % JUMP_CACHE_SETS)
#define JUMP_GEN_LIMIT     4096 /* within the page offset bits */
_Static_assert(JUMP_GEN_LIMIT <= PAGE_SIZE, "jump_gen fits beside the page");
struct jump_entry {
    uint64_t pc;
    uint64_t page_gen; /* physical page | jump_gen */
    const void *code;
    struct jit_page *page;
};
/* One jump cache per privilege, in one array (hart.jump_caches). */
#define JUMP_CACHES_BYTES                                                      \
    ((PRIV_M + 1) * JUMP_CACHE_ENTRIES * sizeof(struct jump_entry))

struct dcache_page {
    uint64_t ppage; /* NO_PAGE when empty */
    uint64_t gen;   /* current only while equal to hart.dcache_gen */
    uint8_t *host;
    struct op *ops; /* SLOTS_PER_PAGE + 1 (a K_REFETCH sentinel), then
                     * the page's bytes as decoded (page_snapshot) */
    /* Translated blocks (riscv-jit.c), or NULL; cleared whenever ops are. */
    struct jit_page *jit;
    uint64_t epoch; /* new each time the slot is filled with a page */
    uint64_t used;  /* hart.dcache_clock at the last entry: LRU eviction */
};

/*
 * After a decoded page's ops array: a copy of the page's bytes when it
 * was filled, then a byte set once a slot was decoded from bytes that
 * differ from the copy (written behind the hart's back: by a device or
 * another hart). fence.i makes every decoded page stale, but one whose
 * bytes still equal its copy, and whose ops all came from it, keeps its
 * ops and translations (dcache_lookup).
 */
static inline uint8_t *page_snapshot(struct op *ops)
{
    return (uint8_t *)(ops + SLOTS_PER_PAGE + 1);
}
#define SNAPSHOT_DIVERGED PAGE_SIZE /* the byte's index */
/* Then room for the page's jit_page, zero until the translator uses it. */
#define JIT_SPACE_OFFSET                                                       \
    (((SLOTS_PER_PAGE + 1) * sizeof(struct op) + PAGE_SIZE + 1 + 63) &         \
     ~(size_t)63)
#define DCACHE_ALLOC_BYTES (JIT_SPACE_OFFSET + sizeof(struct jit_page))
static inline struct jit_page *page_jit_space(struct op *ops)
{
    return (struct jit_page *)((uint8_t *)ops + JIT_SPACE_OFFSET);
}

struct hart {
    /* First what generated code uses most, so that it lies within a byte
     * displacement of the translator's hart pointer (riscv-jit.c). */
    struct tlb_set *dtlb; /* the data TLB set the current mode uses */
    uint64_t pc;
    uint64_t x[33]; /* x[32] swallows writes to x0 */
    uint64_t f[32];
    enum priv_mode priv;
    struct hart_env env;
    unsigned hartid;

    /* CSRs */
    uint64_t mstatus; /* without SD; computed on read */
    uint64_t medeleg, mideleg, mie;
    uint64_t mip;       /* software-visible bits (SSIP, STIP, SEIP...) */
    uint64_t mip_lines; /* external wires: MSIP, MTIP, MEIP, SEIP */
    uint64_t mtvec, stvec, mscratch, sscratch, mepc, sepc;
    uint64_t mcause, scause, mtval, stval, satp;
    uint64_t mcounteren, scounteren, menvcfg, senvcfg, mcountinhibit;
    uint64_t stimecmp;
    uint64_t pmpcfg[16], pmpaddr[64];
    unsigned pmp_entries; /* 1 + the highest active PMP entry */
    /* Entry 0 grants every mode everything in [0, pmp_open_end), as
     * firmware sets it; 0 when not. */
    uint64_t pmp_open_end;
    uint64_t cycle_offset, instret;
    uint64_t run_retired; /* retired so far inside the current hart_run */
    uint64_t jit_budget;  /* generated code leaves at this many retired */
    uint32_t fflags, frm;

    /* LR/SC reservation: physical address and the value LR saw. */
    bool lr_valid;
    uint64_t lr_addr, lr_value;

    /* Address translation caches. */
    struct tlb_set tlb[TLB_SETS];
    struct tlb_set *itlb; /* the set current mode fetches with */

    /* Superpage translations made since the last full TLB flush lie in
     * [super_lo, super_hi]: sfence.vma of an address there flushes all. */
    uint64_t super_lo, super_hi;
    /* The TLB entries (by index in h->tlb) filled from non-global
     * mappings since the last change of address space, listed once each
     * (tlb_listed marks them): what such a change drops; the global
     * ones stay. And the last walk's page, and whether it was global. */
    uint16_t tlb_own[TLB_SETS * 3 * TLB_ENTRIES];
    unsigned n_tlb_own;
    bool tlb_listed[TLB_SETS * 3 * TLB_ENTRIES];
    uint64_t walk_page;
    bool walk_global;

    /* Decoded instruction cache, per guest physical page. */
    struct dcache_page dcache[DCACHE_SETS][DCACHE_WAYS];
    uint64_t dcache_gen, dcache_clock, dcache_epoch;
    /* Where decoded pages' ops come from (riscv-mmu.c dcache_pool_take). */
    uint8_t *dcache_pool;
    size_t dcache_pool_used;
    /* Per RAM page, then per window page (code_page_index()). */
    uint8_t *code_page; /* 1 when decoded ops exist */
    uint8_t *smc_heat;  /* how often its code was written */
    uint64_t ram_pages;
    struct op cross_ops[3]; /* a decoded page-straddling instruction */

    struct jit *jit; /* the translator's state; NULL: interpret */
    /* Where the translator's lookup found the next block's page. */
    uint64_t jit_next_vbase;
    struct jit_page *jit_next_page;
    struct jump_entry *jump_caches; /* [PRIV_M + 1][JUMP_CACHE_ENTRIES] */
    struct jump_entry *jump_cache;  /* the current privilege's */
    uint64_t jump_gen;

    /* Run-loop signals. */
    bool waiting;    /* in WFI */
    bool stop;       /* leave hart_run now */
    bool refetch;    /* decoded code or translation changed */
    bool irq_dirty;  /* mip/mie/mstatus changed: check interrupts */
    bool stip_timer; /* Sstc: mtime >= stimecmp */
};

/* Every jump-cache entry made so far stops being valid. */
static inline void jump_cache_invalidate(struct hart *h)
{
    if (++h->jump_gen < JUMP_GEN_LIMIT)
        return;
    if (h->jump_caches)
        memset(h->jump_caches, 0, JUMP_CACHES_BYTES);
    h->jump_gen = 1; /* entries start at 0: invalid */
}

/* riscv-csr.c: traps, interrupts, CSRs, privileged instructions */
void hart_trap(struct hart *h, uint64_t cause, uint64_t tval);
bool hart_check_interrupts(struct hart *h);
uint64_t hart_pending_irqs(const struct hart *h);
void hart_update_timer(struct hart *h);
void hart_mode_changed(struct hart *h);
int exec_csr(struct hart *h, const struct op *op);
int exec_system(struct hart *h, const struct op *op);

/* riscv.c: the interpreter, also the translator's fallback */
uint64_t interp_run(struct hart *h, uint64_t budget);
int hart_exec_slow(struct hart *h, const struct op *op);
void decode_slot(struct op *op, unsigned slot, const uint8_t *page);

/* riscv-jit.c: the translator */
bool jit_init(struct hart *h);
void jit_free(struct hart *h);
uint64_t jit_run(struct hart *h, uint64_t budget);

/* riscv-mmu.c: translation, TLB, slow loads and stores, decode cache */
int mmu_translate(struct hart *h, uint64_t va, enum access acc, uint64_t *pa);
bool mmu_load(struct hart *h, uint64_t va, unsigned size, uint64_t *val);
bool mmu_store(struct hart *h, uint64_t va, unsigned size, uint64_t val);
uint8_t *mmu_atomic_fill(struct hart *h, uint64_t va, uint64_t pa,
                         enum access acc);
bool mmu_phys_read(struct hart *h, uint64_t pa, unsigned size, uint64_t *val);
bool mmu_phys_write(struct hart *h, uint64_t pa, unsigned size, uint64_t val);
void tlb_flush(struct hart *h);
void tlb_flush_address_space(struct hart *h);
void tlb_flush_page(struct hart *h, uint64_t va);
struct op *fetch_page(struct hart *h, uint8_t **host);
struct dcache_page *fetch_code(struct hart *h);
bool smc_page_hot(struct hart *h, uint64_t ppage);
bool fetch_cross(struct hart *h);
void dcache_flush(struct hart *h);
void mmu_init(struct hart *h);
void mmu_free(struct hart *h);

/*
 * Zeroed host memory for what the guest's every instruction may touch at
 * random (the hart with its TLBs, jump caches, decoded pages, translated
 * code): 2 MiB aligned and on transparent huge pages where the host has
 * them, so that it costs few host TLB entries. NULL when out of memory.
 * host_huge_map() is always a mapping of its own (mprotect may change
 * it); host_huge_alloc() comes from the heap under ASan, whose checks then
 * cover it.
 */
void *host_huge_map(size_t size);
void host_huge_unmap(void *p, size_t size);
void *host_huge_alloc(size_t size);
void host_huge_free(void *p, size_t size);
#define HOST_HUGE_PAGE (2u << 20)

/* riscv-pmp.c */
bool pmp_allows(const struct hart *h, uint64_t pa, uint64_t size,
                enum access acc, enum priv_mode priv);
void pmp_changed(struct hart *h);
bool pmp_locked(const struct hart *h, unsigned i);

/* riscv-amo.c */
int exec_amo(struct hart *h, const struct op *op);

/* riscv-decode.c */
void decode_insn(struct op *op, uint32_t insn);
void decode_compressed(struct op *op, uint16_t insn);

/* riscv-fpu.c */
int exec_fp(struct hart *h, const struct op *op);
int exec_fp_mem(struct hart *h, const struct op *op);

/*
 * Results of the slow handlers, which run with h->pc at the instruction:
 * NEXT: retired, fall through to the next op; REDIRECT: retired, continue
 * at h->pc; TRAP: an exception was raised, continue at h->pc.
 */
enum { EXEC_NEXT, EXEC_REDIRECT, EXEC_TRAP };

/* table's entry for va's page while it holds a translation of it, else
 * NULL. */
static inline struct tlb_entry *tlb_hit(struct tlb_entry *table, uint64_t va)
{
    struct tlb_entry *e = &table[(va >> PAGE_SHIFT) % TLB_ENTRIES];
    return e->tag == (va & PAGE_MASK) ? e : NULL;
}

/*
 * The decoded page at pc when the instruction TLB maps pc and the page is
 * decoded and current (the fast path of every fetch), else NULL. Marks
 * the page used.
 */
static inline struct dcache_page *code_page_cached(struct hart *h, uint64_t pc)
{
    const struct tlb_entry *e = tlb_hit(h->itlb->x, pc);
    if (!e)
        return NULL;
    struct dcache_page *d = e->code;
    if (!d || d->ppage != e->ppage || d->gen != h->dcache_gen)
        return NULL;
    d->used = ++h->dcache_clock;
    return d;
}

static inline int tlb_set_index(enum priv_mode priv, uint64_t mstatus)
{
    if (priv == PRIV_M)
        return TLB_SET_M;
    if (priv == PRIV_U)
        return TLB_SET_U;
    return (mstatus & MSTATUS_SUM) ? TLB_SET_S_SUM : TLB_SET_S;
}

/* Privilege used for loads and stores (MPRV applies MPP in M-mode). */
static inline enum priv_mode data_priv(const struct hart *h)
{
    if (h->priv == PRIV_M && (h->mstatus & MSTATUS_MPRV))
        return (enum priv_mode)((h->mstatus >> 11) & 3);
    return h->priv;
}

static inline uint64_t pc_next(const struct op *op, uint64_t pc)
{
    return pc + 2 * op->len;
}
