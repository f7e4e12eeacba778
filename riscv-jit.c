/*
 * The translator: guest RV64GC code to x86-64 host code.
 *
 * Design, with the interpreter (riscv.c) as the reference it must match:
 *
 * - Blocks are translated from the decoded ops of one guest physical page
 *   (riscv-mmu.c's decoded-page cache) and hang off that page: slot s of
 *   the page's jit_page table holds the block that starts at halfword s.
 *   Whatever drops a decoded page (a store to it, fence.i, eviction) drops
 *   its blocks with it, so self-modifying code needs nothing more.
 * - Generated code does not depend on the virtual address or privilege it
 *   was translated under: the page's virtual base lives in a register, and
 *   everything that depends on the mode (the data TLB, CSRs, FP state) is
 *   looked up when it runs. One translation serves every mapping of a page.
 * - A block runs straight through conditional branches (taken ones leave
 *   by a side exit) and ends at a jump, a page's end or 64 instructions.
 *   Exits to a target in the same page chain to its block through the
 *   page's table, or directly when it already existed; the warm in-page
 *   targets of a block's branches are translated just before it, so that
 *   most exits are direct (translate_targets). Jumps that leave
 *   the page (calls, returns) call one shared routine that looks in a
 *   jump cache per privilege, indexed by virtual pc and checked against
 *   the instruction TLB, then in the decoded-page cache; only a miss there
 *   returns to jit_run(). Jumps to a register (jalr) call one shared
 *   dispatch, which takes an in-page target from the page's table and
 *   hands the others to that lookup. Each such exit keeps its own
 *   indirect jump.
 * - Loads and stores check the same software TLB entries as the
 *   interpreter inline and call mmu_load/mmu_store on a miss, so MMIO,
 *   faults, PMP and page-crossing accesses behave as they do there. A
 *   run of loads and stores off one base register is checked once for
 *   its whole span (plan_group), and emitted a second time, out of line
 *   and access by access, for when that check fails.
 *   FP loads and stores are inline too. Everything else that is rare or
 *   long (CSRs, atomics, F and D arithmetic, system instructions) calls
 *   the interpreter's own handlers; after a call that may have changed
 *   translation, code or interrupts (refetch / irq_dirty), the block
 *   leaves, as the interpreter's loop does.
 * - Within a block, the guest registers it uses most also live in host
 *   registers, loaded at its entry. Integer ops, loads and stores write
 *   only the host register; h->x catches up (flush_dirty) before any other
 *   op and on every out-of-line path, which stores what was dirty where it
 *   branched off. So h->x is current wherever the block may leave or call
 *   C, and the common path has one store fewer per result.
 * - Retired instructions are counted per exit path (a constant add), so
 *   instret is exact at every helper call and every exit; the budget is
 *   checked before every chained jump, which bounds how long a guest loop
 *   runs without the machine taking an interrupt.
 * - A block is emitted once its start has been entered JIT_HOT times
 *   (most of what a boot runs, runs once, and the interpreter decodes it
 *   more cheaply), and emitted blocks become executable together at the
 *   next seal, one mprotect for a batch: the buffer is never writable and
 *   executable at once, and each mprotect costs ~100 us on some virtual
 *   machines. Pages whose code keeps being written are interpreted.
 * - The code buffer has a fixed size per hart and is flushed whole when
 *   full; memory stays bounded.
 * - A page-straddling instruction ends its block: translated behind a
 *   check that its upper half is still what it was (emit_cross), or left
 *   to the interpreter when it would be the block's first op.
 */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "riscv-internal.h"

#if defined(__x86_64__)

#include <sys/mman.h>
#include <unistd.h>

#include "jit-x86.h"

#ifndef MADV_COLLAPSE
#define MADV_COLLAPSE 25 /* Linux 6.1; glibc 2.36's headers lack it */
#endif

#define CODE_BUFFER_SIZE (32u << 20)
#define BLOCK_MAX_OPS    64
#define JIT_HOT          32 /* entries before a block is translated */
#define JIT_HEAT_ENTRIES 65536
/* The buffer's pages are made present this much at a time: one madvise
 * instead of a page fault per page (each ~15 us on some VMs). */
#define POPULATE_CHUNK (1u << 20)
/* Entries to emitted but unsealed blocks before they are sealed: each seal
 * is an mprotect, which costs ~100 us on some virtual machines. */
#define JIT_SEAL_WANTED 256
/* Room a block may take, checked before translating one. */
#define BLOCK_MAX_BYTES (2 * BLOCK_MAX_OPS * 256 + 1024) /* groups: twice */

/* Host registers the generated code keeps across a block. */
enum {
    R_HART = RBX,  /* struct hart * */
    R_TABLE = RBP, /* the current page's jit_page code table */
    R_RETIRED = R12,
    /* h->dtlb, the current mode's data TLB set. C code that changes it
     * sets refetch (write_mstatus, traps), so the block leaves and the
     * prologue loads it again; only emit_sstatus_sie sets it inline. */
    R_DTLB = R13,
    R_VBASE = R14, /* virtual address of the current page */
    R_GROUP = R15, /* the host page of the current access group */
};

/*
 * Guest registers in host registers. A block keeps the guest registers it
 * uses most in these as well as in h->x (store_x, flush_dirty): wherever
 * it may leave or call C, h->x is current, and a handler's call is
 * followed by a reload, since it may have written h->x. They are
 * caller-saved: the thunks save them around their calls into C.
 */
static const int cache_regs[] = {RDI, R9, R10, R11};
#define CACHE_REGS ((unsigned)(sizeof(cache_regs) / sizeof(cache_regs[0])))

/*
 * R_HART points HART_BIAS bytes into struct hart, so that a byte
 * displacement reaches its first 256 bytes: the data TLB, pc and
 * x[1..29] (3 bytes less in most loads and stores of them).
 */
#define HART_BIAS       128
#define HART_OFF(field) ((int32_t)offsetof(struct hart, field) - HART_BIAS)
#define X_OFF(r)        (HART_OFF(x) + 8 * (int32_t)(r))
#define F_OFF(r)        (HART_OFF(f) + 8 * (int32_t)(r))
/* Stack: the prologue's frame keeps rsp 16-byte aligned in blocks. */
#define FRAME_BYTES 24
/*
 * A thunk's frame below its return address: [rsp] a loaded value, [rsp+8]
 * the call's data word, then the cached registers saved around calls into
 * C. With the return address it keeps rsp 16-byte aligned for those calls.
 */
#define THUNK_SAVED 16
#define THUNK_FRAME (THUNK_SAVED + 8 * (int32_t)CACHE_REGS + 8)
_Static_assert((THUNK_FRAME + 8) % 16 == 0, "thunk frame alignment");
/* Room at the buffer's start for the prologue, epilogue and thunks. */
#define RUNTIME_BYTES 8192

_Static_assert(offsetof(struct hart, irq_dirty) ==
                   offsetof(struct hart, refetch) + 1,
               "one 16-bit compare tests refetch and irq_dirty");
_Static_assert(sizeof(struct tlb_entry) == 32, "TLB index scaling");
_Static_assert(sizeof(struct jump_entry) * JUMP_CACHE_WAYS == 64,
               "jump cache index scaling");
_Static_assert(offsetof(struct jit_page, code) == 0, "R_TABLE is the page");

typedef uint64_t (*jit_enter_fn)(struct hart *h, const void *code,
                                 uint64_t budget, uint64_t vbase, void **table);

/* A block emitted but not yet executable: published at the next seal. */
struct pending {
    struct dcache_page *d;
    uint64_t epoch; /* d->epoch when emitted: the page must be the same */
    unsigned slot;
    const uint8_t *code;
};
#define MAX_PENDING 256

/*
 * The buffer: [0, sealed) is read-execute and holds published blocks;
 * [sealed, size) is read-write, and blocks are emitted at `used` in it.
 */
struct jit {
    uint8_t *buf;
    size_t sealed, used;
    size_t collapsed; /* the buffer's start that collapse_sealed() did */
    jit_enter_fn enter;
    const uint8_t *leave; /* epilogue: returns R_RETIRED */
    /* Shared load and store paths (emit_access_thunk): loads by
     * [size log2][sign], stores by [size log2]. */
    const uint8_t *load_thunk[4][2], *store_thunk[4];
    const uint8_t *slow_thunk; /* emit_slow_thunk */
    const uint8_t *other_page; /* emit_other_page_lookup */
    const uint8_t *jump_reg;   /* emit_jump_reg */
    size_t prologue_bytes;
    struct pending pending[MAX_PENDING];
    unsigned npending;
    size_t populated; /* buffer bytes whose pages are already present */
    unsigned hot;     /* entries before a block is translated */
    /* Entries by physical pc, hashed: a collision only translates early. */
    uint8_t heat[JIT_HEAT_ENTRIES];
    unsigned pending_wanted; /* entries to pending blocks since the seal */
    uint64_t flushes, blocks, seals, bytes, ops;
};

/* Out-of-line paths of a block, emitted after its straight-line code. */
enum stub_kind { STUB_TAKEN, STUB_SLOW, STUB_ACCESS, STUB_GROUP };
struct stub {
    enum stub_kind kind;
    unsigned end;          /* STUB_GROUP: the slot after its last op */
    uint8_t *from, *from2; /* jcc displacements to point here (or NULL) */
    const uint8_t *resume; /* where a completed slow access continues */
    const uint8_t *thunk;  /* STUB_ACCESS: the shared load or store path */
    /* STUB_ACCESS: the host register a store's value is in, or a load's
     * value goes to (the thunk's is rdx); -1 for rdx itself. */
    int8_t value_reg;
    const struct op *op;
    unsigned slot, count; /* the op's slot; ops retired before it */
    uint32_t dirty;       /* the block's dirty registers where it branches */
};

struct block {
    struct emitter e;
    struct hart *h;
    struct dcache_page *d;
    unsigned start;
    const uint8_t *entry;
    const uint8_t *body; /* after the entry's loads of cached registers */
    /* An op's stubs, and a group's ops emitted again with theirs. */
    struct stub stubs[3 * BLOCK_MAX_OPS];
    unsigned nstubs;
    int8_t host[32]; /* the host register caching x[r], or -1 */
    /* Cached registers newer than h->x (store_x); stores may be
     * deferred while `defer` is set. */
    uint32_t dirty;
    bool defer;
    /* Emitting an access group's ops, which use R_GROUP (plan_group). */
    bool in_group;
    unsigned group_end, group_stub; /* its end slot, its STUB_GROUP */
};

bool hart_jit_supported(void)
{
    return true;
}

static size_t page_round_up(size_t n)
{
    size_t page = (size_t)sysconf(_SC_PAGESIZE);
    return (n + page - 1) & ~(page - 1);
}

static void protect(struct jit *j, size_t from, size_t to, int prot)
{
    if (to > from && mprotect(j->buf + from, to - from, prot) != 0) {
        perror("semu: mprotect of translated code");
        abort();
    }
}

static void emit_access_thunks(struct jit *j);

/* The entry trampoline and the shared exit, at the start of the buffer. */
static void emit_prologue(struct jit *j)
{
    struct emitter e = {j->buf, j->buf + RUNTIME_BYTES, false};
    j->enter = (jit_enter_fn)(void *)e.p;
    static const int saved[] = {RBX, RBP, R12, R13, R14, R15};
    for (unsigned i = 0; i < 6; i++)
        x86_push(&e, saved[i]);
    x86_alu_ri(&e, true, ALU_SUB, RSP, FRAME_BYTES);
    x86_lea(&e, R_HART, RDI, HART_BIAS);
    x86_store64(&e, R_HART, HART_OFF(jit_budget), RDX);
    x86_load64(&e, R_DTLB, R_HART, HART_OFF(dtlb));
    x86_mov_rr(&e, R_VBASE, RCX);
    x86_mov_rr(&e, R_TABLE, R8);
    x86_alu_rr(&e, false, ALU_XOR, R_RETIRED, R_RETIRED);
    x86_jmp_r(&e, RSI);
    j->leave = e.p;
    x86_mov_rr(&e, RAX, R_RETIRED);
    x86_alu_ri(&e, true, ALU_ADD, RSP, FRAME_BYTES);
    for (int i = 5; i >= 0; i--)
        x86_pop(&e, saved[i]);
    x86_ret(&e);
    j->prologue_bytes = (size_t)(e.p - j->buf);
}

bool jit_init(struct hart *h)
{
    struct jit *j = host_huge_alloc(sizeof(*j));
    if (!j)
        return false;
    void *buf = host_huge_map(CODE_BUFFER_SIZE);
    if (!buf) {
        host_huge_free(j, sizeof(*j));
        return false;
    }
    j->buf = buf;
    j->hot = h->env.jit_hot && h->env.jit_hot < 255 ? h->env.jit_hot : JIT_HOT;
    emit_prologue(j);
    emit_access_thunks(j);
    j->sealed = j->used = j->populated = j->prologue_bytes;
    protect(j, 0, j->sealed, PROT_READ | PROT_EXEC);
    if (h->env.jit_perf_map)
        fprintf(h->env.jit_perf_map, "%lx %zx semu-jit-runtime\n",
                (unsigned long)(uintptr_t)j->buf, j->prologue_bytes);
    h->jump_caches = host_huge_alloc(JUMP_CACHES_BYTES);
    if (!h->jump_caches) {
        host_huge_unmap(buf, CODE_BUFFER_SIZE);
        host_huge_free(j, sizeof(*j));
        return false;
    }
    h->jump_cache = h->jump_caches + h->priv * JUMP_CACHE_ENTRIES;
    h->jump_gen = 1; /* entries start at 0: invalid */
    h->jit = j;
    return true;
}

bool hart_jit_stats(const struct hart *h, struct hart_jit_stats *stats)
{
    const struct jit *j = h->jit;
    if (!j)
        return false;
    *stats = (struct hart_jit_stats){
        .blocks = j->blocks,
        .ops = j->ops,
        .bytes = j->bytes,
        .seals = j->seals,
        .flushes = j->flushes,
    };
    return true;
}

void jit_free(struct hart *h)
{
    if (!h->jit)
        return;
    host_huge_unmap(h->jit->buf, CODE_BUFFER_SIZE);
    host_huge_free(h->jit, sizeof(*h->jit));
    host_huge_free(h->jump_caches, JUMP_CACHES_BYTES);
    h->jit = NULL;
    h->jump_caches = h->jump_cache = NULL;
}

/*
 * Each mprotect of a seal splits the huge page it cuts into small ones,
 * and the code then costs the host a TLB entry per 4 KiB: once a whole
 * huge page is sealed, have the host make it one again (Linux 6.1's
 * MADV_COLLAPSE; elsewhere this does nothing).
 */
static void collapse_sealed(struct jit *j)
{
    while (j->collapsed + HOST_HUGE_PAGE <= j->sealed) {
        madvise(j->buf + j->collapsed, HOST_HUGE_PAGE, MADV_COLLAPSE);
        j->collapsed += HOST_HUGE_PAGE;
    }
}

/*
 * Make the emitted blocks executable (one mprotect for all of them) and
 * publish those whose page still holds the code they were made from.
 */
static void jit_seal(struct hart *h)
{
    struct jit *j = h->jit;
    size_t end = page_round_up(j->used);
    if (end > CODE_BUFFER_SIZE)
        end = CODE_BUFFER_SIZE;
    protect(j, j->sealed, end, PROT_READ | PROT_EXEC);
    j->sealed = j->used = end;
    collapse_sealed(j);
    for (unsigned i = 0; i < j->npending; i++) {
        struct pending *p = &j->pending[i];
        if (p->d->epoch != p->epoch || !p->d->jit)
            continue; /* the page was dropped or refilled since */
        p->d->jit->code[p->slot] = (void *)p->code;
        p->d->jit->pending[p->slot] = false;
        p->d->jit->published = true;
    }
    j->npending = 0;
    j->pending_wanted = 0;
    j->seals++;
}

/* Forget every block: the buffer is full. No generated code is running. */
static void jit_flush(struct hart *h)
{
    struct jit *j = h->jit;
    for (int s = 0; s < DCACHE_SETS; s++)
        for (int w = 0; w < DCACHE_WAYS; w++)
            if (h->dcache[s][w].jit)
                memset(h->dcache[s][w].jit, 0, sizeof(struct jit_page));
    j->npending = 0;
    protect(j, j->prologue_bytes, j->sealed, PROT_READ | PROT_WRITE);
    j->sealed = j->used = j->prologue_bytes;
    j->collapsed = 0;
    j->flushes++;
    jump_cache_invalidate(h);
}

/* ---- helpers called from generated code ---------------------------- */

/*
 * The block at h->pc if it is translated and may be entered without the
 * loop's work (its page is in the instruction TLB and decoded); else
 * NULL, and the generated code leaves for jit_run().
 */
static const void *helper_lookup(struct hart *h)
{
    uint64_t pc = h->pc;
    struct dcache_page *d = code_page_cached(h, pc);
    if (!d || !d->jit)
        return NULL;
    const void *code = d->jit->code[(pc & ~PAGE_MASK) >> 1];
    if (!code)
        return NULL;
    h->jit_next_vbase = pc & PAGE_MASK;
    h->jit_next_page = d->jit;
    /* A stale entry for pc is replaced; else the older way goes. */
    struct jump_entry *set =
        &h->jump_cache[JUMP_CACHE_SET(pc) * JUMP_CACHE_WAYS];
    struct jump_entry *slot = &set[0];
    if (set[1].pc == pc)
        slot = &set[1];
    else if (set[0].pc != pc)
        set[1] = set[0];
    *slot = (struct jump_entry){.pc = pc,
                                .page_gen = d->ppage | h->jump_gen,
                                .code = code,
                                .page = d->jit};
    return code;
}

/* ---- code generation ------------------------------------------------ */

static int32_t slot_off(unsigned slot)
{
    return (int32_t)(2 * slot);
}

static void call_helper(struct emitter *e, const void *fn)
{
    x86_mov_imm(e, RAX, (uint64_t)(uintptr_t)fn);
    x86_call_r(e, RAX);
}

/* The host register caching x[r] in this block, or -1. */
static int host_of(const struct block *b, unsigned r)
{
    return r && r < 32 ? b->host[r] : -1;
}

/* reg = x[r] (x0 reads as zero: x[0] is never written). */
static void load_x(struct block *b, int reg, unsigned r)
{
    int h = host_of(b, r);
    if (r == 0)
        x86_alu_rr(&b->e, false, ALU_XOR, reg, reg);
    else if (h < 0)
        x86_load64(&b->e, reg, R_HART, X_OFF(r));
    else if (h != reg)
        x86_mov_rr(&b->e, reg, h);
}

/* x[r] as an operand register: its host register, or `scratch` loaded. */
static int operand_x(struct block *b, unsigned r, int scratch)
{
    int h = host_of(b, r);
    if (h >= 0)
        return h;
    load_x(b, scratch, r);
    return scratch;
}

/*
 * x[rd] = reg: in rd's host register, and in h->x now (write-through) or,
 * while b->defer is set and rd is cached, when the block next flushes.
 */
static void store_x(struct block *b, unsigned rd, int reg)
{
    if (rd == 32) /* writes to x0 were mapped to the scratch x[32] */
        return;
    int h = host_of(b, rd);
    if (h >= 0 && b->defer) {
        b->dirty |= 1u << rd;
    } else {
        x86_store64(&b->e, R_HART, X_OFF(rd), reg);
        b->dirty &= ~(1u << rd);
    }
    if (h >= 0 && h != reg)
        x86_mov_rr(&b->e, h, reg);
}

/* A jump's link: x[rd] = the page's base + next, computed in reg. */
static void store_link(struct block *b, unsigned rd, int32_t next, int reg)
{
    if (rd == 32) /* j, ret and other jumps that link nothing */
        return;
    x86_lea(&b->e, reg, R_VBASE, next);
    store_x(b, rd, reg);
}

/* Bring h->x up to date with the block's dirty cached registers. */
static void flush_dirty(struct block *b)
{
    for (unsigned r = 1; r < 32; r++)
        if (b->dirty & (1u << r))
            x86_store64(&b->e, R_HART, X_OFF(r), b->host[r]);
    b->dirty = 0;
}

/* alu reg, x[r] */
static void alu_x(struct block *b, bool w, enum x86_alu alu, int reg,
                  unsigned r)
{
    int h = host_of(b, r);
    if (r == 0)
        x86_alu_ri(&b->e, w, alu, reg, 0);
    else if (h >= 0)
        x86_alu_rr(&b->e, w, alu, reg, h);
    else
        x86_alu_rm(&b->e, w, alu, reg, R_HART, X_OFF(r));
}

/*
 * Where to compute x[rd]'s new value: rd's host register, unless x[rd] is
 * also an operand read after the computation starts (`read_later`); else
 * rax.
 */
static int result_reg(const struct block *b, unsigned rd, unsigned read_later)
{
    int h = host_of(b, rd);
    return h >= 0 && rd != read_later ? h : RAX;
}

/* Reload every cached register: a handler may have written h->x. */
static void reload_cached(struct block *b)
{
    for (unsigned r = 1; r < 32; r++)
        if (b->host[r] >= 0)
            x86_load64(&b->e, b->host[r], R_HART, X_OFF(r));
}

/* Leave the generated code; h->pc is already set. */
static void exit_keep_pc(struct block *b, unsigned retired)
{
    if (retired)
        x86_alu_ri(&b->e, true, ALU_ADD, R_RETIRED, (int32_t)retired);
    x86_jmp_to(&b->e, b->h->jit->leave);
}

/* Leave with h->pc = the page's base + byte offset. */
static void exit_at(struct block *b, int32_t offset, unsigned retired)
{
    x86_lea(&b->e, RAX, R_VBASE, offset);
    x86_store64(&b->e, R_HART, HART_OFF(pc), RAX);
    exit_keep_pc(b, retired);
}

/*
 * reg (holding a copy of a virtual address) = the byte offset of its
 * entry in a TLB table: (va >> PAGE_SHIFT) % TLB_ENTRIES * 32, in two ops.
 */
static void emit_tlb_offset(struct emitter *e, int reg)
{
    x86_shift_ri(e, true, SH_SHR, reg, PAGE_SHIFT - 5);
    x86_alu_ri(e, false, ALU_AND, reg, (TLB_ENTRIES - 1) << 5);
}

/*
 * Whether the instructions retired so far (R_RETIRED, up to date) have
 * used up this entry's budget: returns the jcc taken when they have.
 */
static uint8_t *emit_budget_check(struct emitter *e)
{
    x86_alu_rm(e, true, ALU_CMP, R_RETIRED, R_HART, HART_OFF(jit_budget));
    return x86_jcc(e, CC_AE);
}

/*
 * Whether the instruction TLB maps the page whose address is in rsi:
 * rdx = its entry's set (add the x table's offset), rsi clobbered; returns
 * the jcc taken when it does not.
 */
static uint8_t *emit_itlb_check(struct emitter *e)
{
    x86_mov_rr(e, RDX, RSI);
    emit_tlb_offset(e, RDX);
    x86_alu_rm(e, true, ALU_ADD, RDX, R_HART, HART_OFF(itlb));
    x86_alu_rm(e, true, ALU_CMP, RSI, RDX,
               (int32_t)(offsetof(struct tlb_set, x) +
                         offsetof(struct tlb_entry, tag)));
    return x86_jcc(e, CC_NE);
}

/*
 * The lookup of a block in another page, shared by every exit that needs
 * one (goto_other_page) and called from it with the pc in rax and
 * R_RETIRED up to date: returns the block's code in rcx, with R_TABLE and
 * R_VBASE set for it, or the epilogue (`leave`) with h->pc stored when the
 * generated code must be left (over budget, or no translated block there):
 * the exit jumps to rcx either way. Inline, these ~200
 * bytes per exit made a quarter of the generated code, and kernel code
 * missed the instruction cache; the call and return cost little, and
 * each exit keeps its own indirect jump (and its prediction).
 */
static void emit_other_page_lookup(struct emitter *e, const uint8_t *leave)
{
    uint8_t *over_budget = emit_budget_check(e);
    /* The jump cache first: a few loads, no call. */
    x86_mov_rr(e, RCX, RAX);
    x86_shift_ri(e, true, SH_SHR, RCX, 1);
    x86_mov_rr(e, RDX, RAX);
    x86_shift_ri(e, true, SH_SHR, RDX, 12);
    x86_alu_rr(e, false, ALU_XOR, RCX, RDX);
    x86_alu_ri(e, false, ALU_AND, RCX, JUMP_CACHE_SETS - 1);
    x86_shift_ri(e, false, SH_SHL, RCX, 6); /* 64 bytes a set */
    x86_alu_rm(e, true, ALU_ADD, RCX, R_HART, HART_OFF(jump_cache));
    /* The way without a branch: a third of the hits are in the second
     * way, and a branch on which one mispredicted often. */
    int32_t pc_off = (int32_t)offsetof(struct jump_entry, pc);
    x86_lea(e, RDX, RCX, (int32_t)sizeof(struct jump_entry));
    x86_alu_rm(e, true, ALU_CMP, RAX, RCX, pc_off);
    x86_cmov_rr(e, CC_NE, RCX, RDX);
    x86_alu_rm(e, true, ALU_CMP, RAX, RCX, pc_off);
    uint8_t *miss = x86_jcc(e, CC_NE);
    /* The instruction TLB must still map pc to the entry's page, and the
     * entry must be of the jump cache's generation: one compare. */
    x86_mov_rr(e, RSI, RAX);
    x86_alu_ri(e, true, ALU_AND, RSI, (int32_t)PAGE_MASK);
    uint8_t *unmapped = emit_itlb_check(e);
    int32_t x_off = (int32_t)offsetof(struct tlb_set, x);
    x86_load64(e, RSI, RDX, x_off + (int32_t)offsetof(struct tlb_entry, ppage));
    x86_alu_rm(e, true, ALU_OR, RSI, R_HART, HART_OFF(jump_gen));
    x86_alu_rm(e, true, ALU_CMP, RSI, RCX,
               (int32_t)offsetof(struct jump_entry, page_gen));
    uint8_t *stale = x86_jcc(e, CC_NE);
    x86_load64(e, R_TABLE, RCX, (int32_t)offsetof(struct jump_entry, page));
    x86_mov_rr(e, R_VBASE, RAX);
    x86_alu_ri(e, true, ALU_AND, R_VBASE, (int32_t)PAGE_MASK);
    x86_load64(e, RCX, RCX, (int32_t)offsetof(struct jump_entry, code));
    x86_ret(e);
    x86_patch(miss, e->p);
    x86_patch(unmapped, e->p);
    x86_patch(stale, e->p);
    x86_store64(e, R_HART, HART_OFF(pc), RAX);
    /* rsp is 8 off 16-byte alignment here, inside a call from a block. */
    x86_alu_ri(e, true, ALU_SUB, RSP, 8);
    x86_lea(e, RDI, R_HART, -HART_BIAS);
    call_helper(e, (const void *)helper_lookup);
    x86_alu_ri(e, true, ALU_ADD, RSP, 8);
    x86_mov_rr(e, RCX, RAX);
    x86_test_rr(e, RAX, RAX);
    uint8_t *none = x86_jcc(e, CC_E);
    x86_load64(e, R_VBASE, R_HART, HART_OFF(jit_next_vbase));
    x86_load64(e, R_TABLE, R_HART, HART_OFF(jit_next_page));
    x86_ret(e);
    x86_patch(over_budget, e->p);
    x86_store64(e, R_HART, HART_OFF(pc), RAX);
    x86_patch(none, e->p);
    x86_mov_imm(e, RCX, (uint64_t)(uintptr_t)leave);
    x86_ret(e);
}

/*
 * Continue at the pc in rax, in another page, with R_RETIRED up to date:
 * enter its block directly when the budget allows and it is translated.
 */
static void goto_other_page(struct block *b)
{
    struct emitter *e = &b->e;
    x86_call_to(e, b->h->jit->other_page);
    x86_jmp_r(e, RCX);
}

/*
 * The dispatch of a jump to a register (jalr), shared as the other-page
 * lookup is, and called the same way: pc in rax, R_RETIRED up to date;
 * returns in rcx the block to jump to, or the epilogue with h->pc
 * stored. A target in the current page goes through its table; another
 * page's, through the lookup. Inline, this was a jalr's 100 bytes, a
 * seventh of kernel code's main paths.
 */
static void emit_jump_reg(struct emitter *e, const uint8_t *other_page,
                          const uint8_t *leave)
{
    x86_mov_rr(e, RCX, RAX);
    x86_alu_ri(e, true, ALU_AND, RCX, (int32_t)PAGE_MASK);
    x86_alu_rr(e, true, ALU_CMP, RCX, R_VBASE);
    uint8_t *in_other_page = x86_jcc(e, CC_NE);
    uint8_t *over_budget = emit_budget_check(e);
    x86_mov_rr(e, RCX, RAX);
    x86_alu_ri(e, false, ALU_AND, RCX, (int32_t)(PAGE_SIZE - 2));
    x86_shift_ri(e, false, SH_SHL, RCX, 2); /* slot * 8 */
    x86_alu_rr(e, true, ALU_ADD, RCX, R_TABLE);
    x86_load64(e, RCX, RCX, 0);
    x86_test_rr(e, RCX, RCX);
    uint8_t *missing = x86_jcc(e, CC_E);
    x86_ret(e);
    x86_patch(over_budget, e->p);
    x86_patch(missing, e->p);
    x86_store64(e, R_HART, HART_OFF(pc), RAX);
    x86_mov_imm(e, RCX, (uint64_t)(uintptr_t)leave);
    x86_ret(e);
    /* The lookup returns to this routine's caller. */
    x86_patch(in_other_page, other_page);
}

/* Continue at the page's base + byte offset, outside this page. */
static void jump_other_page(struct block *b, int32_t offset, unsigned retired)
{
    if (retired)
        x86_alu_ri(&b->e, true, ALU_ADD, R_RETIRED, (int32_t)retired);
    x86_lea(&b->e, RAX, R_VBASE, offset);
    goto_other_page(b);
}

/*
 * A block of page d emitted but not yet sealed. A block may jump to it
 * directly: it is of the same page, so the seal publishes both or neither.
 */
static const uint8_t *pending_code(const struct jit *j,
                                   const struct dcache_page *d, unsigned slot)
{
    for (unsigned i = 0; i < j->npending; i++)
        if (j->pending[i].d == d && j->pending[i].slot == slot &&
            j->pending[i].epoch == d->epoch)
            return j->pending[i].code;
    return NULL;
}

/*
 * Continue at another slot of this page after `retired` more ops: jump
 * to its block if there is one and the budget allows, else leave.
 */
static void chain_to_slot(struct block *b, unsigned slot, unsigned retired)
{
    struct emitter *e = &b->e;
    if (retired)
        x86_alu_ri(e, true, ALU_ADD, R_RETIRED, (int32_t)retired);
    uint8_t *over_budget = emit_budget_check(e);
    const uint8_t *known = b->d->jit->code[slot];
    if (!known && b->d->jit->pending[slot])
        known = pending_code(b->h->jit, b->d, slot);
    if (slot == b->start) /* its cached registers are current: skip loads */
        known = b->body;
    if (known) {
        x86_jmp_to(e, known);
    } else {
        x86_load64(e, RAX, R_TABLE, 8 * (int32_t)slot);
        x86_test_rr(e, RAX, RAX);
        uint8_t *missing = x86_jcc(e, CC_E);
        x86_jmp_r(e, RAX);
        x86_patch(missing, e->p);
    }
    x86_patch(over_budget, e->p);
    exit_at(b, slot_off(slot), 0);
}

/* Continue at page offset `target` (bytes, may lie outside the page). */
static void jump_to_offset(struct block *b, int64_t target, unsigned retired)
{
    if (target >= 0 && target < (int64_t)PAGE_SIZE)
        chain_to_slot(b, (unsigned)(target / 2), retired);
    else
        jump_other_page(b, (int32_t)target, retired);
}

/*
 * The TLB check of a load or store of `size` bytes at rsi, in the table at
 * table_off of the current set (R_DTLB): on a hit, the entry is at
 * R_DTLB + rax + table_off; returns the jcc to the miss path.
 */
static uint8_t *emit_tlb_check(struct emitter *e, unsigned size,
                               int32_t table_off)
{
    x86_mov_rr(e, RAX, RSI);
    emit_tlb_offset(e, RAX);
    /* The last byte's page must be the entry's: a crossing access misses. */
    x86_lea(e, RCX, RSI, (int32_t)size - 1);
    x86_alu_ri(e, true, ALU_AND, RCX, (int32_t)PAGE_MASK);
    x86_alu_sib_disp(e, ALU_CMP, RCX, R_DTLB, RAX,
                     table_off + (int32_t)offsetof(struct tlb_entry, tag));
    return x86_jcc(e, CC_NE);
}

/* emit_tlb_check(), then the entry is at rax + table_off. */
static uint8_t *emit_tlb_entry(struct emitter *e, unsigned size,
                               int32_t table_off)
{
    uint8_t *miss = emit_tlb_check(e, size, table_off);
    x86_alu_rr(e, true, ALU_ADD, RAX, R_DTLB);
    return miss;
}

/* emit_tlb_check(), then rax = the host address's addend. */
static uint8_t *emit_tlb_lookup(struct emitter *e, unsigned size,
                                int32_t table_off)
{
    uint8_t *miss = emit_tlb_check(e, size, table_off);
    x86_load64_sib_disp(e, RAX, R_DTLB, RAX,
                        table_off +
                            (int32_t)offsetof(struct tlb_entry, addend));
    return miss;
}

/*
 * A load or store that misses the block's inline TLB check calls one
 * shared path per size (and sign) with the address in rsi (and a store's
 * value in rdx) and gets a load's value in rdx; the path checks the TLB
 * again, since it also serves as a complete access. The call is followed by
 * x86_nop_data() carrying what only the slow path needs, read through the
 * return address: the op's byte offset in the page, the ops the block retired
 * before it, its length and its destination register.
 */
#define ACCESS_OFFSET(d)   ((d)&0xfff)
#define ACCESS_COUNT_SHIFT 12 /* 7 bits: at most BLOCK_MAX_OPS */
#define ACCESS_WIDE_BIT    (1u << 19)
#define ACCESS_RD_SHIFT    20 /* 6 bits: 0..32 */

static uint32_t access_data(const struct op *op, unsigned slot, unsigned count)
{
    return (uint32_t)slot_off(slot) | count << ACCESS_COUNT_SHIFT |
           (op->len == 2 ? ACCESS_WIDE_BIT : 0) |
           (uint32_t)op->rd << ACCESS_RD_SHIFT;
}

/* r8d = the data word of the call whose return address is at [rsp+off]. */
static void load_access_data(struct emitter *e, int32_t ret_off)
{
    x86_load64(e, RAX, RSP, ret_off);
    op_rm(e, false, 0x8b, R8, RAX, X86_NOP_DATA_OFFSET);
}

/* rcx = bits [shift, shift + width) of r8d */
static void access_field(struct emitter *e, unsigned shift, unsigned width)
{
    rex(e, false, R8, 0, RCX, -1);
    emit8(e, 0x89);
    modrm_reg(e, R8, RCX); /* mov ecx, r8d */
    if (shift)
        x86_shift_ri(e, false, SH_SHR, RCX, shift);
    x86_alu_ri(e, false, ALU_AND, RCX, (int32_t)((1u << width) - 1));
}

static void emit_thunk_exits(struct emitter *e, uint8_t *trapped,
                             const uint8_t *leave);

/* Save the cached registers in the thunk's frame. */
static void save_cached(struct emitter *e)
{
    for (unsigned i = 0; i < CACHE_REGS; i++)
        x86_store64(e, RSP, THUNK_SAVED + 8 * (int32_t)i, cache_regs[i]);
}

/* Drop the frame and return to the block, restoring the cached registers
 * (the slow thunk need not: the block reloads them after handlers). */
static void thunk_return(struct emitter *e, bool restore)
{
    for (unsigned i = 0; restore && i < CACHE_REGS; i++)
        x86_load64(e, cache_regs[i], RSP, THUNK_SAVED + 8 * (int32_t)i);
    x86_alu_ri(e, true, ALU_ADD, RSP, THUNK_FRAME);
    x86_ret(e);
}
static void emit_next_pc(struct emitter *e);
static void emit_thunk_leave(struct emitter *e, unsigned retired,
                             const uint8_t *leave);

/*
 * In a thunk whose call retired its op and set only irq_dirty (r8 = the
 * data word): h->pc = after the op, and interrupts checked there, as the
 * interpreter's loop would. Returns the jcc taken when one was (h->pc is
 * then its handler).
 */
static uint8_t *emit_irq_check(struct emitter *e)
{
    emit_next_pc(e);
    x86_store8_imm(e, R_HART, HART_OFF(irq_dirty), 0);
    x86_lea(e, RDI, R_HART, -HART_BIAS);
    x86_mov_imm(e, RAX,
                (uint64_t)(uintptr_t)(const void *)hart_check_interrupts);
    x86_call_r(e, RAX);
    x86_extend(e, RAX, 1, false); /* a bool: only al is defined */
    x86_test_rr(e, RAX, RAX);
    return x86_jcc(e, CC_NE);
}

static void emit_access_thunk(struct emitter *e, bool load, unsigned size,
                              bool sign, const uint8_t *leave)
{
    int32_t table = (int32_t)(load ? offsetof(struct tlb_set, r)
                                   : offsetof(struct tlb_set, w));
    uint8_t *miss = emit_tlb_lookup(e, size, table);
    if (load)
        x86_load_sib(e, RDX, RAX, RSI, size, sign);
    else
        x86_store_sib(e, RAX, RSI, size, RDX);
    x86_ret(e);

    /* Slow path: [rsp] the value, [rsp+8] the data. */
    x86_patch(miss, e->p);
    x86_alu_ri(e, true, ALU_SUB, RSP, THUNK_FRAME);
    save_cached(e);
    load_access_data(e, THUNK_FRAME);
    x86_store64(e, RSP, 8, R8);
    access_field(e, 0, 12);
    x86_alu_rr(e, true, ALU_ADD, RCX, R_VBASE);
    x86_store64(e, R_HART, HART_OFF(pc), RCX);
    x86_lea(e, RDI, R_HART, -HART_BIAS);
    if (load) {
        x86_mov_rr(e, RCX, RSP);
    } else {
        x86_mov_rr(e, RCX, RDX);
    }
    x86_mov_imm(e, RDX, size);
    x86_mov_imm(e, RAX,
                (uint64_t)(uintptr_t)(load ? (const void *)mmu_load
                                           : (const void *)mmu_store));
    x86_call_r(e, RAX);
    x86_extend(e, RAX, 1, false); /* a bool: only al is defined */
    x86_test_rr(e, RAX, RAX);
    uint8_t *trapped = x86_jcc(e, CC_E);
    if (load) {
        x86_load64(e, RDX, RSP, 0);
        x86_extend(e, RDX, size, sign);
    }
    x86_cmp_mem16_zero(e, R_HART, HART_OFF(refetch));
    uint8_t *dirty = x86_jcc(e, CC_NE);
    thunk_return(e, true);

    /*
     * Changed code or interrupts: the op retired. When only interrupts may
     * have changed (a device's register was read or written), check them
     * here, as the interpreter's loop would, and go on if none is taken
     * (an interrupt raised while they are masked, as a virtqueue notify
     * does under its lock); else leave after the op.
     */
    x86_patch(dirty, e->p);
    x86_load64(e, R8, RSP, 8);
    if (load) { /* x[rd] = rdx */
        access_field(e, ACCESS_RD_SHIFT, 6);
        x86_shift_ri(e, false, SH_SHL, RCX, 3);
        x86_alu_rr(e, true, ALU_ADD, RCX, R_HART);
        x86_store64(e, RCX, HART_OFF(x), RDX);
    }
    x86_cmp_mem8(e, R_HART, HART_OFF(refetch), 0);
    uint8_t *refetch = x86_jcc(e, CC_NE);
    uint8_t *taken = emit_irq_check(e);
    if (load) {
        x86_load64(e, RDX, RSP, 0);
        x86_extend(e, RDX, size, sign);
    }
    thunk_return(e, true);
    x86_patch(taken, e->p); /* h->pc is the interrupt's handler */
    emit_thunk_leave(e, 1, leave);

    x86_patch(refetch, e->p);
    emit_thunk_exits(e, trapped, leave);
}

/* h->pc = the address after the op whose data word is in r8d. */
static void emit_next_pc(struct emitter *e)
{
    access_field(e, 0, 12);
    x86_alu_rr(e, true, ALU_ADD, RCX, R_VBASE);
    x86_store64(e, R_HART, HART_OFF(pc), RCX); /* pc = the op's */
    access_field(e, 19, 1);                    /* 1 if 32-bit */
    x86_alu_ri(e, true, ALU_ADD, RCX, 1);
    x86_alu_rr(e, true, ALU_ADD, RCX, RCX); /* its length in bytes */
    x86_alu_rm(e, true, ALU_ADD, RCX, R_HART, HART_OFF(pc));
    x86_store64(e, R_HART, HART_OFF(pc), RCX);
}

/*
 * The exits of a thunk called from a block, with the data word in r8 and
 * [rsp+8]: here, leave after the op (it retired and changed code or
 * interrupts); at `trapped`, leave without retiring it (h->pc is the trap
 * handler).
 */
static void emit_thunk_exits(struct emitter *e, uint8_t *trapped,
                             const uint8_t *leave)
{
    emit_next_pc(e);
    emit_thunk_leave(e, 1, leave);

    /* Trapped: h->pc is the handler; the op did not retire. */
    x86_patch(trapped, e->p);
    emit_thunk_leave(e, 0, leave);
}

/*
 * Leave the block from a thunk: the ops before this one and `retired`
 * (1 if it retired) count; the thunk's frame and return address go.
 */
static void emit_thunk_leave(struct emitter *e, unsigned retired,
                             const uint8_t *leave)
{
    x86_load64(e, R8, RSP, 8);
    access_field(e, ACCESS_COUNT_SHIFT, 7);
    x86_alu_rr(e, true, ALU_ADD, R_RETIRED, RCX);
    if (retired)
        x86_alu_ri(e, true, ALU_ADD, R_RETIRED, (int32_t)retired);
    x86_alu_ri(e, true, ALU_ADD, RSP, THUNK_FRAME + 8);
    x86_jmp_to(e, leave);
}

/*
 * The path to the interpreter's handler for an op (CSRs, atomics, F/D,
 * system): called with the op in rsi and followed by x86_nop_data(). It
 * returns when the op retired and the block may go on.
 */
static void emit_slow_thunk(struct emitter *e, const uint8_t *leave)
{
    x86_alu_ri(e, true, ALU_SUB, RSP, THUNK_FRAME);
    load_access_data(e, THUNK_FRAME);
    x86_store64(e, RSP, 8, R8);
    access_field(e, 0, 12);
    x86_alu_rr(e, true, ALU_ADD, RCX, R_VBASE);
    x86_store64(e, R_HART, HART_OFF(pc), RCX);
    access_field(e, ACCESS_COUNT_SHIFT, 7);
    x86_alu_rr(e, true, ALU_ADD, RCX, R_RETIRED);
    x86_store64(e, R_HART, HART_OFF(run_retired), RCX);
    x86_lea(e, RDI, R_HART, -HART_BIAS);
    x86_mov_imm(e, RAX, (uint64_t)(uintptr_t)(const void *)hart_exec_slow);
    x86_call_r(e, RAX);
    x86_alu_ri(e, false, ALU_CMP, RAX, EXEC_NEXT);
    uint8_t *not_next = x86_jcc(e, CC_NE);
    x86_cmp_mem16_zero(e, R_HART, HART_OFF(refetch));
    uint8_t *dirty = x86_jcc(e, CC_NE);
    thunk_return(e, false);

    x86_patch(not_next, e->p);
    x86_alu_ri(e, false, ALU_CMP, RAX, EXEC_REDIRECT);
    uint8_t *trapped = x86_jcc(e, CC_NE);
    /* Redirected: it retired, and h->pc is where to go on. */
    emit_thunk_leave(e, 1, leave);

    /*
     * Only interrupts may have changed (a CSR write unmasked one): check
     * them here, as the interpreter's loop would, and go on if none is
     * taken, instead of leaving the block.
     */
    x86_patch(dirty, e->p);
    x86_load64(e, R8, RSP, 8);
    x86_cmp_mem8(e, R_HART, HART_OFF(refetch), 0);
    uint8_t *refetch = x86_jcc(e, CC_NE);
    uint8_t *taken = emit_irq_check(e);
    thunk_return(e, false);
    x86_patch(taken, e->p); /* h->pc is the interrupt's handler */
    emit_thunk_leave(e, 1, leave);

    x86_patch(refetch, e->p);
    emit_thunk_exits(e, trapped, leave);
}

static void emit_access_thunks(struct jit *j)
{
    struct emitter e = {j->buf + j->prologue_bytes, j->buf + RUNTIME_BYTES,
                        false};
    j->slow_thunk = e.p;
    emit_slow_thunk(&e, j->leave);
    j->other_page = e.p;
    emit_other_page_lookup(&e, j->leave);
    j->jump_reg = e.p;
    emit_jump_reg(&e, j->other_page, j->leave);
    for (unsigned log2 = 0; log2 < 4; log2++) {
        for (unsigned sign = 0; sign < 2; sign++) {
            j->load_thunk[log2][sign] = e.p;
            emit_access_thunk(&e, true, 1u << log2, sign, j->leave);
        }
        j->store_thunk[log2] = e.p;
        emit_access_thunk(&e, false, 1u << log2, false, j->leave);
    }
    if (e.full) {
        fprintf(stderr, "semu: translator runtime too big\n");
        abort();
    }
    j->prologue_bytes = page_round_up((size_t)(e.p - j->buf));
}

/* rsi = x[base] + offset */
static void emit_base_offset(struct block *b, unsigned base, int32_t offset)
{
    int h = host_of(b, base);
    if (h >= 0) {
        x86_lea(&b->e, RSI, h, offset);
        return;
    }
    load_x(b, RSI, base);
    if (offset)
        x86_alu_ri(&b->e, true, ALU_ADD, RSI, offset);
}

/* rsi = x[rs1] + imm: a load's or store's address */
static void emit_address(struct block *b, const struct op *op)
{
    emit_base_offset(b, op->rs1, op->imm);
}

static bool is_load_kind(unsigned kind)
{
    return kind >= K_LB && kind <= K_LWU;
}

static bool is_store_kind(unsigned kind)
{
    return kind >= K_SB && kind <= K_SD;
}

static const struct {
    unsigned size;
    bool sign;
} load_shapes[] = {
    [K_LB] = {1, true},   [K_LH] = {2, true},   [K_LW] = {4, true},
    [K_LD] = {8, false},  [K_LBU] = {1, false}, [K_LHU] = {2, false},
    [K_LWU] = {4, false},
};

static unsigned store_size(unsigned kind)
{
    return kind == K_SB ? 1 : kind == K_SH ? 2 : kind == K_SW ? 4 : 8;
}

static void add_stub(struct block *b, enum stub_kind kind, uint8_t *from,
                     const struct op *op, unsigned slot, unsigned count)
{
    b->stubs[b->nstubs++] = (struct stub){.kind = kind,
                                          .from = from,
                                          .op = op,
                                          .slot = slot,
                                          .count = count,
                                          .dirty = b->dirty};
}

/*
 * An op run inline whose rare cases (the jccs `from` and `from2`, either
 * may be NULL) go to the interpreter's handler out of line and come back
 * here, after the op's inline code.
 */
static void add_slow_stub(struct block *b, uint8_t *from, uint8_t *from2,
                          const struct op *op, unsigned slot, unsigned count)
{
    add_stub(b, STUB_SLOW, from, op, slot, count);
    b->stubs[b->nstubs - 1].from2 = from2;
    b->stubs[b->nstubs - 1].resume = b->e.p;
}

static unsigned size_log2(unsigned size)
{
    return size == 1 ? 0 : size == 2 ? 1 : size == 4 ? 2 : 3;
}

/*
 * A load or store checks the TLB inline; a miss goes out of line to the
 * shared thunk (which looks again, then takes the slow path) and comes
 * back to `resume`. `value`: the host register the store's value is in,
 * or the load's goes to.
 */
static void add_access_stub(struct block *b, uint8_t *miss,
                            const uint8_t *thunk, int value,
                            const struct op *op, unsigned slot, unsigned count)
{
    add_stub(b, STUB_ACCESS, miss, op, slot, count);
    b->stubs[b->nstubs - 1].thunk = thunk;
    b->stubs[b->nstubs - 1].resume = b->e.p;
    b->stubs[b->nstubs - 1].value_reg = (int8_t)(value == RDX ? -1 : value);
}

static void emit_load(struct block *b, const struct op *op, unsigned kind,
                      unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    unsigned size = load_shapes[kind].size;
    bool sign = load_shapes[kind].sign;
    /* Straight into rd's host register, if it has one. */
    int dst = host_of(b, op->rd);
    if (dst < 0)
        dst = RDX;
    if (b->in_group) { /* the group's first op checked the TLB */
        x86_load_sib_disp(e, dst, R_GROUP, operand_x(b, op->rs1, RSI), op->imm,
                          size, sign);
        store_x(b, op->rd, dst);
        return;
    }
    emit_address(b, op);
    uint8_t *miss =
        emit_tlb_lookup(e, size, (int32_t)offsetof(struct tlb_set, r));
    x86_load_sib(e, dst, RAX, RSI, size, sign);
    add_access_stub(b, miss, b->h->jit->load_thunk[size_log2(size)][sign], dst,
                    op, slot, count);
    store_x(b, op->rd, dst);
}

static void emit_store(struct block *b, const struct op *op, unsigned kind,
                       unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    unsigned size = store_size(kind);
    /* Straight from rs2's host register, if it has one. */
    int value = operand_x(b, op->rs2, RDX);
    if (b->in_group) { /* the group's first op checked the TLB */
        x86_store_sib_disp(e, R_GROUP, operand_x(b, op->rs1, RSI), op->imm,
                           size, value);
        return;
    }
    emit_address(b, op);
    uint8_t *miss =
        emit_tlb_lookup(e, size, (int32_t)offsetof(struct tlb_set, w));
    x86_store_sib(e, RAX, RSI, size, value);
    add_access_stub(b, miss, b->h->jit->store_thunk[size_log2(size)], value, op,
                    slot, count);
}

static void emit_slow_call(struct block *b, const struct op *op, unsigned slot,
                           unsigned count);
static bool emit_op(struct block *b, const struct op *op, unsigned slot,
                    unsigned count);

static void emit_stub(struct block *b, const struct stub *s)
{
    struct emitter *e = &b->e;
    x86_patch(s->from, e->p);
    x86_patch(s->from2, e->p);
    /* Every stub may leave or call C: h->x first. A group's ops again
     * write through, and reach its end with nothing dirty. */
    b->dirty = s->dirty;
    flush_dirty(b);
    if (s->kind == STUB_SLOW) {
        emit_slow_call(b, s->op, s->slot, s->count);
        x86_jmp_to(e, s->resume);
        return;
    }
    if (s->kind == STUB_ACCESS) {
        bool load = is_load_kind(s->op->kind & (K_WIDE - 1));
        if (s->value_reg >= 0 && !load)
            x86_mov_rr(e, RDX, s->value_reg);
        x86_call_to(e, s->thunk);
        x86_nop_data(e, access_data(s->op, s->slot, s->count));
        if (s->value_reg >= 0 && load)
            x86_mov_rr(e, s->value_reg, RDX);
        x86_jmp_to(e, s->resume);
        return;
    }
    if (s->kind == STUB_GROUP) { /* its ops again, each checking for itself */
        unsigned slot = s->slot, count = s->count;
        while (slot < s->end) {
            const struct op *op = &b->d->ops[slot];
            emit_op(b, op, slot, count);
            slot += op->len;
            count++;
        }
        x86_jmp_to(e, s->resume);
        return;
    }
    /* STUB_TAKEN: a conditional branch's taken side. */
    jump_to_offset(b, slot_off(s->slot) + s->op->imm, s->count + 1);
}

/*
 * Call the interpreter's handler for op; on return, continue after it
 * unless it redirected, trapped or changed what the block assumes.
 */
static void emit_slow_call(struct block *b, const struct op *op, unsigned slot,
                           unsigned count)
{
    struct emitter *e = &b->e;
    x86_mov_imm(e, RSI, (uint64_t)(uintptr_t)op);
    x86_call_to(e, b->h->jit->slow_thunk);
    x86_nop_data(e, access_data(op, slot, count));
    reload_cached(b);
}

/* The jcc taken when the FPU is off (mstatus.FS 0): to the handler,
 * which raises the illegal instruction. */
static uint8_t *emit_fpu_off_check(struct emitter *e)
{
    x86_test_mem32(e, R_HART, HART_OFF(mstatus), (uint32_t)MSTATUS_FS);
    return x86_jcc(e, CC_E);
}

/*
 * FP loads and stores: inline while the FPU is on and the TLB hits, else
 * the interpreter's handler (which also raises the illegal instruction).
 */
static void emit_fp_mem(struct block *b, const struct op *op, unsigned kind,
                        unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    bool load = kind == K_FLW || kind == K_FLD;
    unsigned size = kind == K_FLW || kind == K_FSW ? 4 : 8;
    uint8_t *fpu_off = emit_fpu_off_check(e);
    emit_address(b, op);
    if (!load)
        x86_load64(e, RDX, R_HART, F_OFF(op->rs2));
    uint8_t *miss =
        emit_tlb_lookup(e, size,
                        (int32_t)(load ? offsetof(struct tlb_set, r)
                                       : offsetof(struct tlb_set, w)));
    if (load) {
        x86_load_sib(e, RDX, RAX, RSI, size, false);
        if (size == 4) { /* NaN-box the single */
            x86_mov_imm(e, RCX, 0xffffffff00000000ull);
            x86_alu_rr(e, true, ALU_OR, RDX, RCX);
        }
        x86_store64(e, R_HART, F_OFF(op->rd), RDX);
        x86_or_mem32(e, R_HART, HART_OFF(mstatus), (uint32_t)MSTATUS_FS);
    } else {
        x86_store_sib(e, RAX, RSI, size, RDX);
    }
    add_slow_stub(b, miss, fpu_off, op, slot, count);
}

/*
 * The F/D ops that round nothing and raise no flag: those that only move
 * bits (fmv.x.w/d, fmv.w/d.x, fsgnj/fsgnjn/fsgnjx.d: a third of a
 * userland workload's calls to the handlers, printf's and awk's number
 * handling), comparisons (feq/flt/fle.d) of numbers, and conversions of
 * integers a double holds exactly (fcvt.d.w/wu/l/lu). Inline while the
 * FPU is on; with it off, for a comparison with a NaN (which may raise
 * NV), or for a conversion that would round, the handler.
 */
static bool is_fp_inline(const struct op *op)
{
    uint32_t insn = op->insn;
    unsigned fmt = (insn >> 25) & 3, funct5 = insn >> 27, f3 = (insn >> 12) & 7;
    if ((insn & 0x7f) != 0x53 || fmt > 1)
        return false;
    if (funct5 == 0x04 || funct5 == 0x14)
        return fmt == 1 && f3 <= 2;
    if (funct5 == 0x1a) /* fcvt.d.w/wu/l/lu with a valid or dynamic rm */
        return fmt == 1 && ((insn >> 20) & 31) <= 3 && f3 != 5 && f3 != 6;
    return (funct5 == 0x1c || funct5 == 0x1e) && f3 == 0 &&
           ((insn >> 20) & 31) == 0;
}

static void emit_fp_inline(struct block *b, const struct op *op, unsigned slot,
                           unsigned count)
{
    struct emitter *e = &b->e;
    unsigned funct5 = op->insn >> 27, f3 = (op->insn >> 12) & 7;
    bool dbl = ((op->insn >> 25) & 3) == 1;
    uint8_t *fpu_off = emit_fpu_off_check(e), *nan = NULL, *nan2 = NULL;
    if (funct5 == 0x14) { /* fle, flt, feq.d of two numbers (no NaN) */
        x86_load64(e, RAX, R_HART, F_OFF(op->rs1));
        x86_load64(e, RCX, R_HART, F_OFF(op->rs2));
        /* A NaN, which may raise NV, goes to the handler. */
        x86_mov_imm(e, RSI, 0xffe0000000000000ull); /* infinity << 1 */
        uint8_t **nans[] = {&nan, &nan2};
        for (int i = 0; i < 2; i++) {
            x86_mov_rr(e, RDX, i ? RCX : RAX);
            x86_alu_rr(e, true, ALU_ADD, RDX, RDX); /* drop the sign */
            x86_alu_rr(e, true, ALU_CMP, RDX, RSI);
            *nans[i] = x86_jcc(e, CC_A);
        }
        x86_movq_xmm_r(e, 0, RAX);
        x86_movq_xmm_r(e, 1, RCX);
        x86_ucomisd(e, 0, 1);
        static const enum x86_cond conds[] = {CC_BE, CC_B, CC_E};
        x86_setcc_zx(e, conds[f3], RAX);
        store_x(b, op->rd ? op->rd : 32, RAX);
    } else if (funct5 == 0x1a) { /* an integer converted exactly */
        /* No rounding happens, but a dynamic rm must still be valid. */
        if (f3 == 7) {
            x86_cmp_mem32_imm(e, R_HART, HART_OFF(frm), 4);
            nan = x86_jcc(e, CC_A);
        }
        unsigned type = (op->insn >> 20) & 31; /* w, wu, l, lu */
        load_x(b, RAX, op->rs1);
        if (type == 0) {
            x86_movsxd(e, RAX, RAX);
        } else if (type == 1) {
            x86_extend(e, RAX, 4, false);
        } else { /* beyond 2^53 it may round: the handler */
            x86_mov_rr(e, RDX, RAX);
            if (type == 2) {
                x86_mov_imm(e, RCX, 1ull << 53);
                x86_alu_rr(e, true, ALU_ADD, RDX, RCX);
            }
            x86_mov_imm(e, RCX, type == 2 ? 1ull << 54 : 1ull << 53);
            x86_alu_rr(e, true, ALU_CMP, RDX, RCX);
            nan2 = x86_jcc(e, CC_A);
        }
        x86_cvtsi2sd(e, 0, RAX);
        x86_movq_r_xmm(e, RAX, 0);
        x86_store64(e, R_HART, F_OFF(op->rd), RAX);
        x86_or_mem32(e, R_HART, HART_OFF(mstatus), (uint32_t)MSTATUS_FS);
    } else if (funct5 == 0x1c) {
        /* x[rd] = the bits, a single's sign-extended */
        x86_load64(e, RAX, R_HART, F_OFF(op->rs1));
        if (!dbl)
            x86_movsxd(e, RAX, RAX);
        store_x(b, op->rd ? op->rd : 32, RAX); /* rd is raw here */
    } else {
        if (funct5 == 0x1e) { /* f[rd] = x[rs1], a single NaN-boxed */
            load_x(b, RAX, op->rs1);
            if (!dbl) {
                x86_extend(e, RAX, 4, false);
                x86_mov_imm(e, RCX, 0xffffffff00000000ull);
                x86_alu_rr(e, true, ALU_OR, RAX, RCX);
            }
        } else { /* rs1's magnitude, a sign from rs2's */
            x86_load64(e, RAX, R_HART, F_OFF(op->rs1));
            x86_load64(e, RCX, R_HART, F_OFF(op->rs2));
            if (f3 == 1)
                x86_group3_r(e, true, 2, RCX); /* not: the opposite sign */
            x86_mov_imm(e, RDX, 1ull << 63);
            x86_alu_rr(e, true, ALU_AND, RCX, RDX);
            if (f3 != 2) {                     /* fsgnjx: xor the signs */
                x86_group3_r(e, true, 2, RDX); /* not */
                x86_alu_rr(e, true, ALU_AND, RAX, RDX);
            }
            x86_alu_rr(e, true, f3 == 2 ? ALU_XOR : ALU_OR, RAX, RCX);
        }
        x86_store64(e, R_HART, F_OFF(op->rd), RAX);
        x86_or_mem32(e, R_HART, HART_OFF(mstatus), (uint32_t)MSTATUS_FS);
    }
    add_slow_stub(b, fpu_off, nan, op, slot, count);
    if (nan2)
        add_slow_stub(b, nan2, NULL, op, slot, count);
}

/* rcx = what a CSR op writes (csrrw, csrrs, csrrc, or their immediate
 * forms), given the CSR's old value in rax. */
static void emit_csr_new_value(struct block *b, const struct op *op)
{
    struct emitter *e = &b->e;
    unsigned f3 = op->rm;
    if (f3 & 4)
        x86_mov_imm(e, RCX, op->rs1);
    else
        load_x(b, RCX, op->rs1);
    if ((f3 & 3) == 2) {
        x86_alu_rr(e, true, ALU_OR, RCX, RAX);
    } else if ((f3 & 3) == 3) {
        x86_group3_r(e, true, 2, RCX); /* not */
        x86_alu_rr(e, true, ALU_AND, RCX, RAX);
    }
}

/*
 * The FP CSRs (fflags, frm, fcsr), which glibc's fenv functions read and
 * write around printf's rounding: as exec_csr() does them, inline while
 * the FPU is on; with it off, the handler raises the illegal instruction.
 */
static bool is_fp_csr_op(const struct op *op)
{
    unsigned csr = (unsigned)op->imm & 0xfff;
    return csr >= 0x001 && csr <= 0x003 && (op->rm & 3) != 0;
}

static void emit_fp_csr(struct block *b, const struct op *op, unsigned slot,
                        unsigned count)
{
    struct emitter *e = &b->e;
    unsigned csr = (unsigned)op->imm & 0xfff, f3 = op->rm;
    bool writes = (f3 & 3) == 1 || op->rs1 != 0;
    uint8_t *fpu_off = emit_fpu_off_check(e);
    /* rax = the old value (the fields hold only their bits) */
    x86_load32(e, RAX, R_HART, csr == 0x001 ? HART_OFF(fflags) : HART_OFF(frm));
    if (csr == 0x003) {
        x86_shift_ri(e, false, SH_SHL, RAX, 5);
        x86_alu_rm(e, false, ALU_OR, RAX, R_HART, HART_OFF(fflags));
    }
    if (writes) {
        emit_csr_new_value(b, op);
        if (csr != 0x002) {
            x86_mov_rr(e, RDX, RCX);
            x86_alu_ri(e, false, ALU_AND, RDX, 0x1f);
            x86_store32(e, R_HART, HART_OFF(fflags), RDX);
        }
        if (csr != 0x001) {
            if (csr == 0x003)
                x86_shift_ri(e, true, SH_SHR, RCX, 5);
            x86_alu_ri(e, false, ALU_AND, RCX, 7);
            x86_store32(e, R_HART, HART_OFF(frm), RCX);
        }
        x86_or_mem32(e, R_HART, HART_OFF(mstatus), (uint32_t)MSTATUS_FS);
    }
    store_x(b, op->rd, RAX);
    add_slow_stub(b, fpu_off, NULL, op, slot, count);
}

/* x[rd] = reg, sign-extended from 32 bits for a W op (w false). */
static void store_result(struct block *b, const struct op *op, bool w, int reg)
{
    if (!w)
        x86_movsxd(&b->e, reg, reg);
    store_x(b, op->rd, reg);
}

/* add, or, xor: x op 0 is x (li and mv are addi and add with x0). */
static bool zero_is_identity(enum x86_alu alu)
{
    return alu == ALU_ADD || alu == ALU_OR || alu == ALU_XOR;
}

static void emit_alu_imm(struct block *b, const struct op *op, bool w,
                         enum x86_alu alu)
{
    int dst = result_reg(b, op->rd, 0);
    if (op->rs1 == 0 && zero_is_identity(alu)) {
        x86_mov_imm(&b->e, dst, (uint64_t)(int64_t)op->imm);
        store_x(b, op->rd, dst);
        return;
    }
    load_x(b, dst, op->rs1);
    if (op->imm != 0 || !zero_is_identity(alu))
        x86_alu_ri(&b->e, w, alu, dst, op->imm);
    store_result(b, op, w, dst);
}

static void emit_alu_reg(struct block *b, const struct op *op, bool w,
                         enum x86_alu alu)
{
    int dst = result_reg(b, op->rd, op->rs2);
    if (op->rs1 == 0 && zero_is_identity(alu)) {
        load_x(b, dst, op->rs2);
        store_result(b, op, w, dst);
        return;
    }
    load_x(b, dst, op->rs1);
    alu_x(b, w, alu, dst, op->rs2);
    store_result(b, op, w, dst);
}

static void emit_shift_imm(struct block *b, const struct op *op, bool w,
                           enum x86_shift sh)
{
    int dst = result_reg(b, op->rd, 0);
    load_x(b, dst, op->rs1);
    x86_shift_ri(&b->e, w, sh, dst, (unsigned)op->imm);
    store_result(b, op, w, dst);
}

static void emit_shift_reg(struct block *b, const struct op *op, bool w,
                           enum x86_shift sh)
{
    load_x(b, RCX, op->rs2);
    int dst = result_reg(b, op->rd, 0);
    load_x(b, dst, op->rs1);
    x86_shift_cl(&b->e, w, sh, dst);
    store_result(b, op, w, dst);
}

static void emit_set(struct block *b, const struct op *op, bool imm,
                     enum x86_cond cc)
{
    int a = operand_x(b, op->rs1, RAX);
    if (imm)
        x86_alu_ri(&b->e, true, ALU_CMP, a, op->imm);
    else
        alu_x(b, true, ALU_CMP, a, op->rs2);
    int dst = result_reg(b, op->rd, 0);
    x86_setcc_zx(&b->e, cc, dst);
    store_x(b, op->rd, dst);
}

/* rdx:rax = x[rs1] * x[rs2], signed (digit 5) or unsigned (digit 4). */
static void emit_mul_wide(struct block *b, const struct op *op, unsigned digit)
{
    int h = host_of(b, op->rs2);
    load_x(b, RAX, op->rs1);
    if (op->rs2 == 0)
        x86_alu_rr(&b->e, false, ALU_XOR, RDX, RDX);
    else if (h >= 0)
        x86_group3_r(&b->e, true, digit, h);
    else
        x86_mul_wide_m(&b->e, digit, R_HART, X_OFF(op->rs2));
}

/*
 * Division as RISC-V defines it, where x86 would fault: x / 0 gives all
 * ones (quotient) or x (remainder); INT_MIN / -1 gives INT_MIN and 0.
 * w: 64-bit, else the W form on the low 32 bits, sign-extended.
 */
static void emit_div(struct block *b, const struct op *op, bool w, bool sign,
                     bool rem)
{
    struct emitter *e = &b->e;
    load_x(b, RAX, op->rs1);
    load_x(b, RCX, op->rs2);
    x86_alu_rr(e, w, ALU_OR, RCX, RCX); /* W forms: the low 32 bits */
    uint8_t *by_zero = x86_jcc(e, CC_E);
    uint8_t *by_minus_one = NULL;
    if (sign) {
        x86_alu_ri(e, w, ALU_CMP, RCX, -1);
        by_minus_one = x86_jcc(e, CC_E);
        x86_sign_extend_rdx(e, w);
        x86_group3_r(e, w, 7, RCX); /* idiv */
    } else {
        x86_alu_rr(e, false, ALU_XOR, RDX, RDX);
        x86_group3_r(e, w, 6, RCX); /* div */
    }
    if (rem)
        x86_mov_rr(e, RAX, RDX);
    uint8_t *done = x86_jmp(e);
    x86_patch(by_zero, e->p); /* quotient all ones, remainder the dividend */
    if (!rem)
        x86_mov_imm(e, RAX, UINT64_MAX);
    uint8_t *done_zero = x86_jmp(e);
    if (by_minus_one) { /* quotient -x (INT_MIN stays), remainder 0 */
        x86_patch(by_minus_one, e->p);
        if (rem)
            x86_alu_rr(e, false, ALU_XOR, RAX, RAX);
        else
            x86_group3_r(e, w, 3, RAX); /* neg */
    }
    x86_patch(done, e->p);
    x86_patch(done_zero, e->p);
    store_result(b, op, w, RAX);
}

static const enum x86_cond branch_conds[] = {
    [K_BEQ] = CC_E,  [K_BNE] = CC_NE, [K_BLT] = CC_L,
    [K_BGE] = CC_GE, [K_BLTU] = CC_B, [K_BGEU] = CC_AE,
};
/* The condition with the operands swapped: a < b as b > a. */
static const enum x86_cond swapped_conds[] = {
    [CC_E] = CC_E,   [CC_NE] = CC_NE, [CC_L] = CC_G,
    [CC_GE] = CC_LE, [CC_B] = CC_A,   [CC_AE] = CC_BE,
};

/*
 * AMOs that Linux uses for counters and bit flags (add, swap, xor, or,
 * and) run inline on an aligned write-TLB hit, as exec_amo()'s own fast
 * path does; anything else (misaligned, a miss, MMIO) goes to exec_amo().
 */
/* An A-extension op's access size: 4 (.w), 8 (.d), or 0 (reserved). */
static unsigned amo_size(const struct op *op)
{
    unsigned f3 = (op->insn >> 12) & 7;
    return f3 == 2 ? 4 : f3 == 3 ? 8 : 0;
}

static bool is_inline_amo(const struct op *op)
{
    unsigned funct5 = op->insn >> 27;
    return amo_size(op) && (funct5 == 0x00 || funct5 == 0x01 ||
                            funct5 == 0x04 || funct5 == 0x08 || funct5 == 0x0c);
}

static bool is_lr_sc(const struct op *op)
{
    unsigned funct5 = op->insn >> 27;
    return amo_size(op) && (funct5 == 0x02 || funct5 == 0x03);
}

/* rsi = x[rs1]; returns the jcc taken when it is not size-aligned. */
static uint8_t *emit_amo_address(struct block *b, const struct op *op,
                                 unsigned size)
{
    struct emitter *e = &b->e;
    load_x(b, RSI, op->rs1);
    x86_mov_rr(e, RCX, RSI);
    x86_alu_ri(e, false, ALU_AND, RCX, (int32_t)size - 1);
    return x86_jcc(e, CC_NE);
}

static void emit_amo(struct block *b, const struct op *op, unsigned slot,
                     unsigned count)
{
    struct emitter *e = &b->e;
    unsigned funct5 = op->insn >> 27, size = amo_size(op);
    uint8_t *misaligned = emit_amo_address(b, op, size);
    uint8_t *miss =
        emit_tlb_lookup(e, size, (int32_t)offsetof(struct tlb_set, w));
    load_x(b, RDX, op->rs2);
    x86_load_sib(e, RCX, RAX, RSI, size, true); /* old, sign-extended */
    static const enum x86_alu alu[] = {
        [0x00] = ALU_ADD, [0x04] = ALU_XOR, [0x08] = ALU_OR, [0x0c] = ALU_AND};
    if (funct5 != 0x01) /* swap stores rs2 as it is */
        x86_alu_rr(e, true, alu[funct5], RDX, RCX);
    x86_store_sib(e, RAX, RSI, size, RDX);
    store_x(b, op->rd, RCX);
    add_slow_stub(b, misaligned, miss, op, slot, count);
}

/*
 * LR on an aligned read-TLB hit and SC on a write-TLB hit, as exec_amo()
 * does them: LR takes the reservation (physical address and value); SC
 * stores only if it is held for that address and memory still holds that
 * value, and always drops it.
 */
static void emit_lr_sc(struct block *b, const struct op *op, unsigned slot,
                       unsigned count)
{
    struct emitter *e = &b->e;
    bool sc = (op->insn >> 27) == 0x03;
    unsigned size = amo_size(op);
    /* LR only reads: the read TLB, as exec_amo() uses. */
    int32_t table = (int32_t)(sc ? offsetof(struct tlb_set, w)
                                 : offsetof(struct tlb_set, r));
    uint8_t *misaligned = emit_amo_address(b, op, size);
    uint8_t *miss = emit_tlb_entry(e, size, table);
    x86_load64(e, RCX, RAX, table + (int32_t)offsetof(struct tlb_entry, ppage));
    x86_load64(e, RAX, RAX,
               table + (int32_t)offsetof(struct tlb_entry, addend));
    x86_mov_rr(e, RDX, RSI);
    x86_alu_ri(e, false, ALU_AND, RDX, (int32_t)(PAGE_SIZE - 1));
    x86_alu_rr(e, true, ALU_OR, RCX, RDX);      /* the physical address */
    x86_load_sib(e, RDX, RAX, RSI, size, true); /* the value, as LR sees it */
    if (!sc) {
        x86_store8_imm(e, R_HART, HART_OFF(lr_valid), 1);
        x86_store64(e, R_HART, HART_OFF(lr_addr), RCX);
        x86_store64(e, R_HART, HART_OFF(lr_value), RDX);
        store_x(b, op->rd, RDX);
    } else {
        load_x(b, R8, op->rs2);
        x86_cmp_mem8(e, R_HART, HART_OFF(lr_valid), 0);
        uint8_t *not_held = x86_jcc(e, CC_E);
        x86_alu_rm(e, true, ALU_CMP, RCX, R_HART, HART_OFF(lr_addr));
        uint8_t *other_address = x86_jcc(e, CC_NE);
        x86_alu_rm(e, true, ALU_CMP, RDX, R_HART, HART_OFF(lr_value));
        uint8_t *changed = x86_jcc(e, CC_NE);
        x86_store_sib(e, RAX, RSI, size, R8);
        x86_alu_rr(e, false, ALU_XOR, RDX, RDX); /* rd = 0: stored */
        uint8_t *stored = x86_jmp(e);
        x86_patch(not_held, e->p);
        x86_patch(other_address, e->p);
        x86_patch(changed, e->p);
        x86_mov_imm(e, RDX, 1);
        x86_patch(stored, e->p);
        x86_store8_imm(e, R_HART, HART_OFF(lr_valid), 0);
        store_x(b, op->rd, RDX);
    }
    add_slow_stub(b, misaligned, miss, op, slot, count);
}

/*
 * sstatus set or cleared (csrrs/csrrc, csrrsi/csrrci) by bits among SIE
 * and SUM: Linux toggles SIE around critical sections and SUM around
 * every access to user memory. Either stays in the block; a change of SUM
 * only points h->dtlb at the other S-mode TLB set, which every access
 * reads when it runs. Anything else, U mode, SUM outside S mode, or a
 * source register with other bits takes the interpreter's handler.
 */
#define SSTATUS_INLINE_BITS (MSTATUS_SIE | MSTATUS_SUM)

static bool is_sstatus_sie_op(const struct op *op)
{
    unsigned f3 = op->rm;
    if ((op->imm & 0xfff) != 0x100 || (f3 & 3) < 2)
        return false; /* not sstatus, or a plain write */
    return !(f3 & 4) || (op->rs1 & ~MSTATUS_SIE) == 0;
}

/* rax = sstatus as csrr reads it (clobbers rcx, rdx) */
static void emit_read_sstatus(struct emitter *e)
{
    x86_load64(e, RAX, R_HART, HART_OFF(mstatus));
    x86_mov_rr(e, RCX, RAX);
    x86_alu_ri(e, false, ALU_AND, RCX, (int32_t)MSTATUS_FS);
    x86_alu_ri(e, false, ALU_CMP, RCX, (int32_t)MSTATUS_FS);
    x86_setcc_zx(e, CC_E, RCX);
    x86_shift_ri(e, true, SH_SHL, RCX, 63); /* SD */
    x86_alu_rr(e, true, ALU_OR, RAX, RCX);
    x86_mov_imm(e, RDX, MSTATUS_UXL_SXL_64);
    x86_alu_rr(e, true, ALU_OR, RAX, RDX);
    x86_mov_imm(e, RDX, SSTATUS_VISIBLE);
    x86_alu_rr(e, true, ALU_AND, RAX, RDX);
}

static void emit_sstatus_sie(struct block *b, const struct op *op,
                             unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    bool imm = op->rm & 4, set = (op->rm & 3) == 2;
    x86_cmp_mem8(e, R_HART, HART_OFF(priv), PRIV_U);
    uint8_t *user = x86_jcc(e, CC_E);
    uint8_t *other_bits = NULL;
    if (imm) {
        x86_mov_imm(e, RSI, op->rs1);
    } else {
        /* SUM only in S-mode: in M-mode the data TLB set also depends on
         * MPRV and MPP. */
        load_x(b, RSI, op->rs1);
        x86_mov_imm(e, RAX, ~SSTATUS_INLINE_BITS);
        x86_cmp_mem8(e, R_HART, HART_OFF(priv), PRIV_S);
        uint8_t *in_s = x86_jcc(e, CC_E);
        x86_mov_imm(e, RAX, ~MSTATUS_SIE);
        x86_patch(in_s, e->p);
        x86_test_rr(e, RSI, RAX);
        other_bits = x86_jcc(e, CC_NE);
    }
    if (op->rd != 32) {
        emit_read_sstatus(e);
        store_x(b, op->rd, RAX);
    }
    x86_load64(e, RCX, R_HART, HART_OFF(mstatus));
    x86_mov_rr(e, RDX, RCX);
    if (set) {
        x86_alu_rr(e, true, ALU_OR, RDX, RSI);
    } else {
        x86_mov_rr(e, RAX, RSI);
        x86_group3_r(e, true, 2, RAX); /* not */
        x86_alu_rr(e, true, ALU_AND, RDX, RAX);
    }
    x86_store64(e, R_HART, HART_OFF(mstatus), RDX);
    if (!imm) { /* S-mode here when SUM is among the bits */
        int32_t set_bytes = (int32_t)sizeof(struct tlb_set);
        x86_mov_imm(e, R8, MSTATUS_SUM);
        x86_alu_rr(e, true, ALU_AND, R8, RSI);
        uint8_t *keep = x86_jcc(e, CC_E);
        x86_lea(e, RAX, R_HART, HART_OFF(tlb) + TLB_SET_S * set_bytes);
        x86_alu_rr(e, true, ALU_AND, R8, RDX);
        uint8_t *sum_clear = x86_jcc(e, CC_E);
        x86_lea(e, RAX, R_HART, HART_OFF(tlb) + TLB_SET_S_SUM * set_bytes);
        x86_patch(sum_clear, e->p);
        x86_store64(e, R_HART, HART_OFF(dtlb), RAX);
        x86_mov_rr(e, R_DTLB, RAX);
        x86_patch(keep, e->p);
    }
    if (!set) {
        add_slow_stub(b, user, other_bits, op, slot, count);
        return;
    }
    /*
     * SIE went from 0 to 1: if any interrupt is pending and enabled, leave
     * after this op with irq_dirty, so the loop takes it as the
     * interpreter would; else nothing can be taken and the block goes on.
     */
    x86_group3_r(e, true, 2, RCX); /* not */
    x86_alu_rr(e, true, ALU_AND, RCX, RDX);
    x86_alu_ri(e, false, ALU_AND, RCX, (int32_t)MSTATUS_SIE);
    uint8_t *not_enabled = x86_jcc(e, CC_E);
    x86_load64(e, RAX, R_HART, HART_OFF(mip));
    x86_alu_rm(e, true, ALU_OR, RAX, R_HART, HART_OFF(mip_lines));
    x86_cmp_mem8(e, R_HART, HART_OFF(stip_timer), 0);
    x86_setcc_zx(e, CC_NE, RCX);
    x86_shift_ri(e, true, SH_SHL, RCX, IRQ_STIP);
    x86_alu_rr(e, true, ALU_OR, RAX, RCX);
    x86_alu_rm(e, true, ALU_AND, RAX, R_HART, HART_OFF(mie));
    uint8_t *none_pending = x86_jcc(e, CC_E);
    x86_store8_imm(e, R_HART, HART_OFF(irq_dirty), 1);
    exit_at(b, slot_off(slot + op->len), count + 1);
    x86_patch(not_enabled, e->p);
    x86_patch(none_pending, e->p);
    add_slow_stub(b, user, other_bits, op, slot, count);
}

/*
 * sscratch, sepc, scause and stval: plain fields, which Linux reads and
 * writes on every trap's entry and exit.
 */
static int32_t s_plain_csr_offset(unsigned csr)
{
    switch (csr) {
    case 0x140:
        return HART_OFF(sscratch);
    case 0x141:
        return HART_OFF(sepc);
    case 0x142:
        return HART_OFF(scause);
    case 0x143:
        return HART_OFF(stval);
    }
    return INT32_MIN;
}

static bool is_s_plain_csr_op(const struct op *op)
{
    return (op->rm & 3) != 0 &&
           s_plain_csr_offset(op->imm & 0xfff) != INT32_MIN;
}

static void emit_s_plain_csr(struct block *b, const struct op *op,
                             unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    unsigned csr = (unsigned)op->imm & 0xfff, f3 = op->rm;
    int32_t field = s_plain_csr_offset(csr);
    bool writes = (f3 & 3) == 1 || op->rs1 != 0;
    x86_cmp_mem8(e, R_HART, HART_OFF(priv), PRIV_S);
    uint8_t *user = x86_jcc(e, CC_B); /* U-mode: illegal */
    x86_load64(e, RAX, R_HART, field);
    if (writes) {
        emit_csr_new_value(b, op);
        if (csr == 0x141)
            x86_alu_ri(e, true, ALU_AND, RCX, -2); /* sepc[0] is 0 */
        x86_store64(e, R_HART, field, RCX);
    }
    store_x(b, op->rd, RAX);
    add_slow_stub(b, user, NULL, op, slot, count);
}

/* The integer ops that are one x86 ALU, shift or compare: how to emit each
 * (w false: a W op, its result sign-extended from 32 bits). */
enum simple_shape {
    SIMPLE_ALU_IMM = 1,
    SIMPLE_ALU_REG,
    SIMPLE_SHIFT_IMM,
    SIMPLE_SHIFT_REG,
    SIMPLE_SET_IMM,
    SIMPLE_SET_REG
};
static const struct {
    uint8_t shape;
    bool w;
    uint8_t x86; /* enum x86_alu, x86_shift or x86_cond */
} simple_ops[K_WIDE] = {
    [K_ADDI] = {SIMPLE_ALU_IMM, true, ALU_ADD},
    [K_XORI] = {SIMPLE_ALU_IMM, true, ALU_XOR},
    [K_ORI] = {SIMPLE_ALU_IMM, true, ALU_OR},
    [K_ANDI] = {SIMPLE_ALU_IMM, true, ALU_AND},
    [K_ADDIW] = {SIMPLE_ALU_IMM, false, ALU_ADD},
    [K_ADD] = {SIMPLE_ALU_REG, true, ALU_ADD},
    [K_SUB] = {SIMPLE_ALU_REG, true, ALU_SUB},
    [K_XOR] = {SIMPLE_ALU_REG, true, ALU_XOR},
    [K_OR] = {SIMPLE_ALU_REG, true, ALU_OR},
    [K_AND] = {SIMPLE_ALU_REG, true, ALU_AND},
    [K_ADDW] = {SIMPLE_ALU_REG, false, ALU_ADD},
    [K_SUBW] = {SIMPLE_ALU_REG, false, ALU_SUB},
    [K_SLLI] = {SIMPLE_SHIFT_IMM, true, SH_SHL},
    [K_SRLI] = {SIMPLE_SHIFT_IMM, true, SH_SHR},
    [K_SRAI] = {SIMPLE_SHIFT_IMM, true, SH_SAR},
    [K_SLLIW] = {SIMPLE_SHIFT_IMM, false, SH_SHL},
    [K_SRLIW] = {SIMPLE_SHIFT_IMM, false, SH_SHR},
    [K_SRAIW] = {SIMPLE_SHIFT_IMM, false, SH_SAR},
    [K_SLL] = {SIMPLE_SHIFT_REG, true, SH_SHL},
    [K_SRL] = {SIMPLE_SHIFT_REG, true, SH_SHR},
    [K_SRA] = {SIMPLE_SHIFT_REG, true, SH_SAR},
    [K_SLLW] = {SIMPLE_SHIFT_REG, false, SH_SHL},
    [K_SRLW] = {SIMPLE_SHIFT_REG, false, SH_SHR},
    [K_SRAW] = {SIMPLE_SHIFT_REG, false, SH_SAR},
    [K_SLTI] = {SIMPLE_SET_IMM, true, CC_L},
    [K_SLTIU] = {SIMPLE_SET_IMM, true, CC_B},
    [K_SLT] = {SIMPLE_SET_REG, true, CC_L},
    [K_SLTU] = {SIMPLE_SET_REG, true, CC_B},
};

/* Emit a simple_ops op; false if kind is not one. */
static bool emit_simple(struct block *b, const struct op *op, unsigned kind)
{
    if (kind >= K_WIDE)
        return false;
    bool w = simple_ops[kind].w;
    unsigned x86 = simple_ops[kind].x86;
    switch (simple_ops[kind].shape) {
    case SIMPLE_ALU_IMM:
        emit_alu_imm(b, op, w, (enum x86_alu)x86);
        return true;
    case SIMPLE_ALU_REG:
        emit_alu_reg(b, op, w, (enum x86_alu)x86);
        return true;
    case SIMPLE_SHIFT_IMM:
        emit_shift_imm(b, op, w, (enum x86_shift)x86);
        return true;
    case SIMPLE_SHIFT_REG:
        emit_shift_reg(b, op, w, (enum x86_shift)x86);
        return true;
    case SIMPLE_SET_IMM:
    case SIMPLE_SET_REG:
        emit_set(b, op, simple_ops[kind].shape == SIMPLE_SET_IMM,
                 (enum x86_cond)x86);
        return true;
    }
    return false;
}

/*
 * The handlers' kinds (atomics, F/D, CSRs) that run inline in the cases
 * Linux and libc use most; the rest of each kind calls the handler.
 */
static const struct {
    unsigned kind;
    bool (*applies)(const struct op *op);
    void (*emit)(struct block *b, const struct op *op, unsigned slot,
                 unsigned count);
} inline_cases[] = {
    {K_AMO, is_inline_amo, emit_amo},
    {K_AMO, is_lr_sc, emit_lr_sc},
    {K_FP, is_fp_inline, emit_fp_inline},
    {K_CSR, is_fp_csr_op, emit_fp_csr},
    {K_CSR, is_sstatus_sie_op, emit_sstatus_sie},
    {K_CSR, is_s_plain_csr_op, emit_s_plain_csr},
};

/*
 * Emit one op; `count` ops of the block precede it. Returns false when
 * the block ends with it (every path has left or chained).
 */
static bool emit_op(struct block *b, const struct op *op, unsigned slot,
                    unsigned count)
{
    struct emitter *e = &b->e;
    unsigned kind = op->kind & (K_WIDE - 1);
    int32_t next = slot_off(slot + op->len);
    if (emit_simple(b, op, kind))
        return true;
    switch (kind) {
    case K_NOP:
        return true;
    case K_LI: {
        int dst = result_reg(b, op->rd, 0);
        x86_mov_imm(e, dst, (uint64_t)(int64_t)op->imm);
        store_x(b, op->rd, dst);
        return true;
    }
    case K_AUIPC: {
        int dst = result_reg(b, op->rd, 0);
        int64_t offset = (int64_t)slot_off(slot) + op->imm;
        if (offset == (int32_t)offset) {
            x86_lea(e, dst, R_VBASE, (int32_t)offset);
        } else {
            x86_lea(e, dst, R_VBASE, slot_off(slot));
            x86_alu_ri(e, true, ALU_ADD, dst, op->imm);
        }
        store_x(b, op->rd, dst);
        return true;
    }
    case K_JAL:
        store_link(b, op->rd, next, RAX);
        jump_to_offset(b, (int64_t)slot_off(slot) + op->imm, count + 1);
        return false;
    case K_JALR: {
        load_x(b, RAX, op->rs1);
        if (op->imm)
            x86_alu_ri(e, true, ALU_ADD, RAX, op->imm);
        x86_alu_ri(e, true, ALU_AND, RAX, -2);
        store_link(b, op->rd, next, RCX);
        x86_alu_ri(e, true, ALU_ADD, R_RETIRED, (int32_t)count + 1);
        x86_call_to(e, b->h->jit->jump_reg);
        x86_jmp_r(e, RCX);
        return false;
    }
    case K_BEQ:
    case K_BNE:
    case K_BLT:
    case K_BGE:
    case K_BLTU:
    case K_BGEU: {
        enum x86_cond cc = branch_conds[kind];
        if (op->rs1 == 0 && op->rs2 != 0) { /* 0 < x as x > 0: no zeroing */
            x86_alu_ri(e, true, ALU_CMP, operand_x(b, op->rs2, RAX), 0);
            cc = swapped_conds[cc];
        } else {
            alu_x(b, true, ALU_CMP, operand_x(b, op->rs1, RAX), op->rs2);
        }
        add_stub(b, STUB_TAKEN, x86_jcc(e, cc), op, slot, count);
        return true;
    }
    case K_LB:
    case K_LH:
    case K_LW:
    case K_LD:
    case K_LBU:
    case K_LHU:
    case K_LWU:
        emit_load(b, op, kind, slot, count);
        return true;
    case K_SB:
    case K_SH:
    case K_SW:
    case K_SD:
        emit_store(b, op, kind, slot, count);
        return true;
    case K_MUL:
    case K_MULW: {
        int dst = result_reg(b, op->rd, op->rs2), h = host_of(b, op->rs2);
        load_x(b, dst, op->rs1);
        if (h >= 0)
            x86_imul_rr(e, kind == K_MUL, dst, h);
        else
            x86_imul_rm(e, kind == K_MUL, dst, R_HART, X_OFF(op->rs2));
        store_result(b, op, kind == K_MUL, dst);
        return true;
    }
    case K_MULH:
    case K_MULHU:
        emit_mul_wide(b, op, kind == K_MULH ? 5 : 4);
        store_x(b, op->rd, RDX);
        return true;
    case K_MULHSU:
        /* mulhsu = mulhu - (rs1 < 0 ? rs2 : 0) */
        emit_mul_wide(b, op, 4);
        load_x(b, RSI, op->rs1);
        x86_shift_ri(e, true, SH_SAR, RSI, 63);
        alu_x(b, true, ALU_AND, RSI, op->rs2);
        x86_alu_rr(e, true, ALU_SUB, RDX, RSI);
        store_x(b, op->rd, RDX);
        return true;
    case K_DIV:
    case K_DIVU:
    case K_REM:
    case K_REMU:
    case K_DIVW:
    case K_DIVUW:
    case K_REMW:
    case K_REMUW:
        emit_div(b, op, kind <= K_REMU,
                 kind == K_DIV || kind == K_REM || kind == K_DIVW ||
                     kind == K_REMW,
                 kind == K_REM || kind == K_REMU || kind == K_REMW ||
                     kind == K_REMUW);
        return true;
    case K_FLW:
    case K_FLD:
    case K_FSW:
    case K_FSD:
        emit_fp_mem(b, op, kind, slot, count);
        return true;
    }
    for (unsigned i = 0; i < sizeof(inline_cases) / sizeof(inline_cases[0]);
         i++)
        if (kind == inline_cases[i].kind && inline_cases[i].applies(op)) {
            inline_cases[i].emit(b, op, slot, count);
            return true;
        }
    /* CSRs, atomics, FP, system, illegal. */
    emit_slow_call(b, op, slot, count);
    if (kind == K_CSR || kind == K_AMO || kind == K_FP)
        return true;
    /* System instructions redirect or trap; end the block all the same. */
    exit_at(b, next, count + 1);
    return false;
}

/*
 * The integer registers op reads (as a mask) and writes (its result, 0 for
 * none), for choosing what a block caches and what its entry loads. Every
 * register an op's inline code may read must be in the mask, or a cached
 * register first read there would be read unloaded: what is not known
 * counts as reading rs1 and rs2 (a needless load at worst). Handler calls
 * reload whatever they write.
 */
static uint32_t op_reads(const struct op *op, unsigned kind, unsigned *writes)
{
    uint32_t rs1 = 1u << op->rs1, rs2 = 1u << op->rs2;
    *writes = op->rd;
    if (kind < K_WIDE && simple_ops[kind].shape) {
        unsigned shape = simple_ops[kind].shape;
        bool imm = shape == SIMPLE_ALU_IMM || shape == SIMPLE_SHIFT_IMM ||
                   shape == SIMPLE_SET_IMM;
        return imm ? rs1 : rs1 | rs2;
    }
    if (kind == K_JALR || is_load_kind(kind))
        return rs1;
    if ((kind >= K_BEQ && kind <= K_BGEU) || is_store_kind(kind)) {
        *writes = 0;
        return rs1 | rs2;
    }
    switch (kind) {
    case K_LI:
    case K_AUIPC:
    case K_JAL:
        return 0;
    case K_FLW:
    case K_FLD:
    case K_FSW:
    case K_FSD:
        *writes = 0;
        return rs1;
    case K_CSR:
        return op->rm & 4 ? 0 : rs1; /* csrr*i: rs1 is an immediate */
    }
    if ((kind >= K_MUL && kind <= K_REMUW) || kind == K_AMO)
        return rs1 | rs2;
    *writes = 0; /* F/D (fmv.d.x, fcvt.d.l read x[rs1]), system, ... */
    return rs1 | rs2;
}

/* Whether the block goes on after op (as far as choosing registers goes). */
static bool op_continues(unsigned kind)
{
    return kind != K_JAL && kind != K_JALR &&
           (kind < K_SLOW_FIRST || kind == K_CSR || kind == K_AMO ||
            kind == K_FP);
}

/*
 * Choose the guest registers the block at `start` caches: those it reads
 * or writes at least twice, the most used first. Those read before they
 * are written are loaded at its entry.
 */
static void choose_cached(struct block *b)
{
    unsigned uses[33] = {0}, slot = b->start;
    uint32_t live_in = 0, written = 0;
    for (unsigned n = 0; n < BLOCK_MAX_OPS; n++) {
        struct op *op = &b->d->ops[slot];
        if (op->kind == K_DECODE)
            decode_slot(op, slot, b->d->host);
        unsigned kind = op->kind & (K_WIDE - 1), rd;
        if (kind == K_REFETCH || kind == K_CROSS)
            break;
        uint32_t reads = op_reads(op, kind, &rd);
        live_in |= reads & ~written;
        for (unsigned r = 1; r < 32; r++)
            uses[r] += (reads >> r) & 1;
        if (rd > 0 && rd < 32) {
            uses[rd]++;
            written |= 1u << rd;
        }
        if (!op_continues(kind))
            break;
        slot += op->len;
    }
    memset(b->host, -1, sizeof(b->host));
    for (unsigned i = 0; i < CACHE_REGS; i++) {
        unsigned best = 0;
        for (unsigned r = 1; r < 32; r++)
            if (b->host[r] < 0 && uses[r] >= 2 && uses[r] > uses[best])
                best = r;
        if (!best)
            break;
        b->host[best] = (int8_t)cache_regs[i];
        if (live_in & (1u << best))
            x86_load64(&b->e, cache_regs[i], R_HART, X_OFF(best));
    }
}

/*
 * Access groups. A run of loads and stores off one base register that no
 * op of the run writes (but its last, a load), with only inline ALU ops
 * and branches between them, and whose bytes span at most GROUP_SPAN: a
 * function's saves and restores on the stack, a structure's fields read
 * and written. The run's first op checks the TLB once for the whole span,
 * in the write table if the run stores (a page the write TLB maps is
 * readable too: W without R is reserved, in PTEs and in PMP); when it
 * hits in one page, the run's accesses use that page's host address
 * (R_GROUP) without a check of their own, and none of them can fault.
 * Otherwise the run goes out of line: its ops emitted again as usual,
 * each with its own check and slow path, so faults stay precise.
 */
#define GROUP_SPAN 2048

struct group {
    unsigned end, base; /* the slot after its last access; the base */
    int32_t lo, hi;     /* its bytes: base + [lo, hi) */
    bool store;
};

/* Ops that may lie between a group's accesses: inline, calling nothing,
 * not ending the block. */
static bool group_filler(unsigned kind)
{
    return (kind < K_WIDE && simple_ops[kind].shape) || kind == K_LI ||
           kind == K_AUIPC || kind == K_NOP ||
           (kind >= K_BEQ && kind <= K_BGEU) ||
           (kind >= K_MUL && kind <= K_REMUW);
}

/*
 * Ops whose writes to cached registers may stay in the host registers
 * (store_x): they call nothing and leave only through stubs, which flush
 * (emit_stub). Before any other op the block flushes.
 */
static bool defers_stores(unsigned kind)
{
    return group_filler(kind) || is_load_kind(kind) || is_store_kind(kind);
}

/* The group that starts with the op at slot, `count` ops into the block. */
static bool plan_group(struct block *b, unsigned slot, unsigned count,
                       struct group *g)
{
    const struct op *op = &b->d->ops[slot];
    unsigned kind = op->kind & (K_WIDE - 1), accesses = 0;
    *g = (struct group){.base = op->rs1, .lo = INT32_MAX, .hi = INT32_MIN};
    if (g->base == 0 || (!is_store_kind(kind) && !is_load_kind(kind)))
        return false;
    for (; count < BLOCK_MAX_OPS; count++) {
        struct op *o = &b->d->ops[slot];
        if (o->kind == K_DECODE)
            decode_slot(o, slot, b->d->host);
        kind = o->kind & (K_WIDE - 1);
        bool store = is_store_kind(kind);
        if ((store || is_load_kind(kind)) && o->rs1 == g->base) {
            int32_t size =
                (int32_t)(store ? store_size(kind) : load_shapes[kind].size);
            int32_t lo = o->imm < g->lo ? o->imm : g->lo;
            int32_t hi = o->imm + size > g->hi ? o->imm + size : g->hi;
            if (hi - lo > GROUP_SPAN)
                break;
            g->lo = lo;
            g->hi = hi;
            g->end = slot + o->len;
            g->store |= store;
            accesses++;
            if (!store && o->rd == g->base)
                break; /* the base changes after it */
        } else if (!group_filler(kind) || o->rd == g->base) {
            break;
        }
        slot += o->len;
    }
    return accesses >= 2;
}

/*
 * A group's check, before its first op: R_GROUP = the host address's
 * addend for its span, or out of line to the ops emitted one by one.
 */
static void emit_group_head(struct block *b, const struct group *g,
                            unsigned slot, unsigned count)
{
    struct emitter *e = &b->e;
    emit_base_offset(b, g->base, g->lo);
    int32_t table = (int32_t)(g->store ? offsetof(struct tlb_set, w)
                                       : offsetof(struct tlb_set, r));
    uint8_t *miss = emit_tlb_lookup(e, (unsigned)(g->hi - g->lo), table);
    x86_mov_rr(e, R_GROUP, RAX);
    b->group_stub = b->nstubs;
    add_stub(b, STUB_GROUP, miss, &b->d->ops[slot], slot, count);
    b->stubs[b->group_stub].end = g->end;
    b->in_group = true;
    b->group_end = g->end;
}

/* Make the buffer's pages up to `end` present, a chunk at a time. */
static void populate(struct jit *j, size_t end)
{
#ifdef MADV_POPULATE_WRITE
    while (j->populated < end && j->populated < CODE_BUFFER_SIZE) {
        size_t len = CODE_BUFFER_SIZE - j->populated;
        if (len > POPULATE_CHUNK)
            len = POPULATE_CHUNK;
        /* Only the open (read-write) part is populated; a failure just
         * leaves the pages to fault in one by one. */
        madvise(j->buf + j->populated, len, MADV_POPULATE_WRITE);
        j->populated += len;
    }
#else
    (void)j;
    (void)end;
#endif
}

/*
 * The 32-bit instruction at the page's last halfword, whose upper half
 * lies on the next virtual page, as the next op of a block (never its
 * first: a block that left before its first op would not progress). It
 * is translated as it reads now, behind a check each time it runs that
 * the next page is still in the instruction TLB (mapped executable in
 * this mode) and still holds that upper half; else the block leaves and
 * the interpreter runs it. The lower half is this page's, so a store to
 * it drops the block. Handlers get a pointer to the op, which lives in
 * the page's jit_page: every block of the page uses the same one, and a
 * different upper half is not translated. Returns false when it cannot
 * be translated now.
 */
static bool emit_cross(struct block *b, unsigned slot, unsigned count)
{
    struct hart *h = b->h;
    struct jit_page *jp = b->d->jit;
    uint64_t next = (h->pc & PAGE_MASK) + PAGE_SIZE;
    const struct tlb_entry *te = tlb_hit(h->itlb->x, next);
    if (!te)
        return false;
    uint16_t high, low;
    memcpy(&high, (const uint8_t *)(uintptr_t)(te->addend + next), 2);
    if (jp->cross_valid && jp->cross_high != high)
        return false;
    if (!jp->cross_valid) {
        /* The lower half as the page's ops were decoded (see
         * page_snapshot): what fence.i compares against. */
        memcpy(&low, b->d->host + PAGE_SIZE - 2, 2);
        if (memcmp(&low, page_snapshot(b->d->ops) + PAGE_SIZE - 2, 2) != 0)
            return false;
        decode_insn(&jp->cross, low | (uint32_t)high << 16);
        jp->cross_high = high;
        jp->cross_valid = true;
    }

    struct emitter *e = &b->e;
    x86_lea(e, RSI, R_VBASE, PAGE_SIZE);
    uint8_t *unmapped = emit_itlb_check(e);
    x86_load64(e, RAX, RDX,
               (int32_t)(offsetof(struct tlb_set, x) +
                         offsetof(struct tlb_entry, addend)));
    x86_lea(e, RSI, R_VBASE, PAGE_SIZE);
    x86_load_sib(e, RAX, RAX, RSI, 2, false);
    x86_alu_ri(e, false, ALU_CMP, RAX, high);
    uint8_t *changed = x86_jcc(e, CC_NE);
    if (emit_op(b, &jp->cross, slot, count))
        jump_other_page(b, slot_off(slot + 2), count + 1);
    x86_patch(unmapped, e->p);
    x86_patch(changed, e->p);
    exit_at(b, slot_off(slot), count);
    return true;
}

static void translate(struct hart *h, struct dcache_page *d, unsigned start);

static uint8_t *heat_of(struct jit *j, const struct dcache_page *d,
                        unsigned slot)
{
    return &j->heat[((d->ppage >> PAGE_SHIFT) * SLOTS_PER_PAGE + slot) %
                    JIT_HEAT_ENTRIES];
}

/*
 * Before the block at `start` is emitted: the blocks that its branches and
 * jal reach in this page, where the interpreter has begun a block at all,
 * so that its exits to them are direct jumps. A side exit's target tends
 * to become hot just after its source, and an exit to a block that did not
 * exist yet loads the page's table every time it is taken.
 */
static void translate_targets(struct hart *h, struct dcache_page *d,
                              unsigned start)
{
    unsigned slot = start;
    if (!d->jit)
        d->jit = page_jit_space(d->ops);
    for (unsigned n = 0; n < BLOCK_MAX_OPS; n++) {
        struct op *op = &d->ops[slot];
        if (op->kind == K_DECODE)
            decode_slot(op, slot, d->host);
        unsigned kind = op->kind & (K_WIDE - 1);
        if (kind == K_REFETCH || kind == K_CROSS)
            break;
        int64_t target = (int64_t)slot_off(slot) + op->imm;
        if (((kind >= K_BEQ && kind <= K_BGEU) || kind == K_JAL) &&
            target >= 0 && target < (int64_t)PAGE_SIZE) {
            unsigned t = (unsigned)target / 2;
            if (t != start && !d->jit->code[t] && !d->jit->pending[t] &&
                *heat_of(h->jit, d, t))
                translate(h, d, t);
        }
        if (!op_continues(kind))
            break;
        slot += op->len;
    }
}

/*
 * Emit the block at `start` of decoded page d, to be published at the
 * next seal. Nothing is emitted when its first op is one the interpreter
 * must run (a page-straddling instruction) or memory is short.
 */
static void translate(struct hart *h, struct dcache_page *d, unsigned start)
{
    struct jit *j = h->jit;
    struct op *first = &d->ops[start];
    if (first->kind == K_DECODE)
        decode_slot(first, start, d->host);
    if (first->kind == K_CROSS)
        return;
    if (!d->jit)
        d->jit = page_jit_space(d->ops);
    if (j->npending == MAX_PENDING)
        jit_seal(h);
    if (j->used + BLOCK_MAX_BYTES > CODE_BUFFER_SIZE)
        jit_flush(h);
    populate(j, j->used + BLOCK_MAX_BYTES);

    struct block *b = &(struct block){
        .e = {j->buf + j->used, j->buf + j->used + BLOCK_MAX_BYTES, false},
        .h = h,
        .d = d,
        .start = start,
    };
    b->entry = b->e.p;
    choose_cached(b);
    b->body = b->e.p;
    unsigned slot = start, count = 0;
    for (;;) {
        struct op *op = &d->ops[slot];
        if (op->kind == K_DECODE)
            decode_slot(op, slot, d->host);
        unsigned kind = op->kind & (K_WIDE - 1);
        b->defer = defers_stores(kind);
        if (!b->defer)
            flush_dirty(b);
        if (op->kind == K_REFETCH) { /* the page ends */
            jump_other_page(b, slot_off(slot), count);
            break;
        }
        if (count == BLOCK_MAX_OPS) {
            flush_dirty(b);
            chain_to_slot(b, slot, count);
            break;
        }
        if (op->kind == K_CROSS) { /* the block ends with it */
            if (count == 0 || !emit_cross(b, slot, count))
                exit_at(b, slot_off(slot), count);
            break;
        }
        struct group g;
        if (!b->in_group && plan_group(b, slot, count, &g))
            emit_group_head(b, &g, slot, count);
        if (!emit_op(b, op, slot, count))
            break;
        slot += op->len;
        count++;
        if (b->in_group && slot == b->group_end) {
            b->in_group = false;
            b->stubs[b->group_stub].resume = b->e.p;
        }
    }
    b->defer = false;
    for (unsigned i = 0; i < b->nstubs; i++)
        emit_stub(b, &b->stubs[i]);
    if (b->e.full)
        return;
    j->used = ((size_t)(b->e.p - j->buf) + 15) & ~(size_t)15;
    j->blocks++;
    if (h->env.jit_perf_map)
        fprintf(h->env.jit_perf_map, "%lx %tx guest-%llx\n",
                (unsigned long)(uintptr_t)b->entry, b->e.p - b->entry,
                (unsigned long long)((h->pc & PAGE_MASK) + slot_off(start)));
    j->bytes += (size_t)(b->e.p - b->entry);
    j->ops += count;
    j->pending[j->npending++] = (struct pending){
        .d = d, .epoch = d->epoch, .slot = start, .code = b->entry};
    d->jit->pending[start] = true;
}

/*
 * The block to run at h->pc in page d, or NULL to interpret. Code is
 * translated once it has been entered JIT_HOT times: most code a boot
 * runs, runs once, and the interpreter decodes it more cheaply.
 */
static const uint8_t *block_at(struct hart *h, struct dcache_page *d)
{
    struct jit *j = h->jit;
    unsigned slot = (h->pc & ~PAGE_MASK) >> 1;
    bool eager = h->env.jit_eager;
    if (d->jit && d->jit->code[slot])
        return d->jit->code[slot];
    if (d->jit && d->jit->pending[slot]) {
        /* Wanted again before the seal: seal once enough are wanted. */
        if (++j->pending_wanted < JIT_SEAL_WANTED && !eager)
            return NULL;
        jit_seal(h);
        return d->jit->code[slot];
    }
    uint8_t *heat = heat_of(j, d, slot);
    unsigned hot = eager ? 1 : j->hot;
    if (*heat < hot)
        ++*heat;
    if (*heat >= hot && !smc_page_hot(h, d->ppage)) {
        translate_targets(h, d, slot);
        translate(h, d, slot); /* nothing, if its first op straddles */
        *heat = 0;
    }
    return NULL;
}

uint64_t jit_run(struct hart *h, uint64_t budget)
{
    uint64_t retired = 0, stalls = 0;
    for (;;) {
        if (h->irq_dirty) {
            h->irq_dirty = false;
            hart_check_interrupts(h);
        }
        h->refetch = false;
        if (retired + stalls >= budget || h->stop)
            break;
        struct dcache_page *d = fetch_code(h);
        if (!d) {
            stalls++; /* a fetch fault: h->pc is its handler */
            continue;
        }
        const uint8_t *code = block_at(h, d);
        uint64_t n;
        if (code) {
            n = h->jit->enter(h, code, budget - retired - stalls,
                              h->pc & PAGE_MASK, d->jit->code);
            h->instret += n;
            h->run_retired = 0;
        } else {
            n = interp_run(h, 1);
        }
        retired += n;
        if (n == 0)
            stalls++; /* the first op trapped */
    }
    return retired;
}

#else /* not x86-64: interpret only */

bool hart_jit_supported(void)
{
    return false;
}

bool jit_init(struct hart *h)
{
    (void)h;
    return false;
}

bool hart_jit_stats(const struct hart *h, struct hart_jit_stats *stats)
{
    (void)h;
    (void)stats;
    return false;
}

void jit_free(struct hart *h)
{
    (void)h;
}

uint64_t jit_run(struct hart *h, uint64_t budget)
{
    return interp_run(h, budget);
}

#endif
