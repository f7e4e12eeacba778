/*
 * Sv39 translation: hardware A/D updates, loads crossing pages, faults
 * with the right cause and stval, misaligned superpages, instructions
 * straddling pages.
 */
#include <string.h>

#include "fixture.h"
#include "riscv-internal.h"
#include "tests/check.h"
#include "tests.h"

#define PTE_R (1u << 1)
#define PTE_W (1u << 2)
#define PTE_X (1u << 3)
#define PTE_G (1u << 5)
#define PTE_A (1u << 6)
#define PTE_D (1u << 7)

#define S_CODE (RAM_BASE + 0x4000)
#define DATA0  (RAM_BASE + 0x10000)
#define DATA1  (RAM_BASE + 0x11000)

/* M-mode prologue at RAM_BASE; S code at S_CODE, identity-mapped. */
static void setup_s(struct fixture *f)
{
    fx_init(f, NULL);
    fx_install_handler(f);
    fx_enter_s(f, S_CODE);
    fx_map(f, S_CODE, S_CODE, PTE_R | PTE_X);
    fx_org(f, S_CODE);
}

static void test_ad_bits_and_split_load(void)
{
    struct fixture f;
    setup_s(&f);
    fx_map(&f, DATA0, DATA0, PTE_R | PTE_W);
    fx_map(&f, DATA1, DATA1, PTE_R | PTE_W);
    uint8_t *bytes = fx_ram(&f, DATA0 + 0xffc);
    for (int i = 0; i < 8; i++)
        bytes[i] = 0x11 * (i + 1);
    hart_set_reg(f.harts[0], A3, DATA0 + 0xffc);
    hart_set_reg(f.harts[0], A5, DATA1 + 0x10);
    hart_set_reg(f.harts[0], A4, 0xabcdef);
    fx_emit(&f, LD(A2, A3, 0));
    fx_emit(&f, SD(A4, A5, 0));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("no trap", fx_reg(&f, T3), 0);
    CHECK_EQ("load across a page boundary", fx_reg(&f, A2),
             0x8877665544332211ull);
    CHECK_EQ("store through the mapping", *(uint64_t *)fx_ram(&f, DATA1 + 0x10),
             0xabcdef);
    CHECK_EQ("A set on the read page", *fx_pte(&f, DATA0) & PTE_A, PTE_A);
    CHECK_EQ("D clear on the read page", *fx_pte(&f, DATA0) & PTE_D, 0);
    CHECK_EQ("A and D set on the written page",
             *fx_pte(&f, DATA1) & (PTE_A | PTE_D), PTE_A | PTE_D);
    fx_free(&f);
}

static void test_page_faults(void)
{
    static const struct {
        uint32_t pte_flags; /* of DATA0; 0 = unmapped */
        bool store;
        uint64_t cause;
    } cases[] = {
        {0, false, 13},
        {0, true, 15},
        {PTE_R, true, 15},                 /* read-only */
        {PTE_X, false, 13},                /* execute-only, MXR off */
        {PTE_R | PTE_W | 0x10, false, 13}, /* U page from S, SUM off */
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct fixture f;
        setup_s(&f);
        if (cases[i].pte_flags)
            fx_map(&f, DATA0, DATA0, cases[i].pte_flags);
        hart_set_reg(f.harts[0], A3, DATA0 + 0x24);
        uint64_t at = f.cursor;
        fx_emit(&f, cases[i].store ? SD(A4, A3, 0) : LD(A2, A3, 0));
        fx_emit(&f, SPIN);
        fx_run(&f, 0, 200);
        CHECK_EQ("page fault cause", fx_reg(&f, T3), cases[i].cause);
        CHECK_EQ("stval is the faulting address", fx_reg(&f, T4), DATA0 + 0x24);
        CHECK_EQ("epc is the access", fx_reg(&f, T5), at);
        fx_free(&f);
    }
}

static void test_misaligned_superpage(void)
{
    struct fixture f;
    setup_s(&f);
    /* A 2 MiB leaf at level 1 whose PPN is only 4 KiB aligned. */
    uint64_t va = 0x40000000;
    uint64_t *l1 = fx_pte(&f, va); /* builds the level-1 table */
    (void)l1;
    uint64_t *root = fx_ram(&f, FX_PT_BASE + ((va >> 30) & 511) * 8);
    uint64_t *level1 = fx_ram(&f, (*root >> 10) << 12);
    *level1 = ((RAM_BASE + 0x1000) >> 12) << 10 | PTE_R | PTE_W | 1;
    hart_set_reg(f.harts[0], A3, va + 0x123);
    fx_emit(&f, LD(A2, A3, 0));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("misaligned superpage: load page fault", fx_reg(&f, T3), 13);
    CHECK_EQ("misaligned superpage: stval", fx_reg(&f, T4), va + 0x123);
    fx_free(&f);
}

static void test_non_canonical_address(void)
{
    struct fixture f;
    setup_s(&f);
    hart_set_reg(f.harts[0], A3, 0x0000008000000000ull); /* bit 39 set */
    fx_emit(&f, LD(A2, A3, 0));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("non-canonical address: load page fault", fx_reg(&f, T3), 13);
    fx_free(&f);
}

/* A 32-bit instruction whose upper half is on the next page. */
static void test_straddling_instruction(bool second_page_mapped)
{
    struct fixture f;
    setup_s(&f);
    uint64_t page = S_CODE + 0x1000, at = page + 0xffe;
    fx_map(&f, page, page, PTE_R | PTE_X);
    if (second_page_mapped)
        fx_map(&f, page + 0x1000, page + 0x1000, PTE_R | PTE_X);
    fx_la(&f, T0, at);
    fx_emit(&f, JALR(ZERO, T0, 0));
    fx_org(&f, at);
    fx_emit(&f, ADDI(A0, ZERO, 5));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    if (second_page_mapped) {
        CHECK_EQ("straddling instruction ran", fx_reg(&f, A0), 5);
        CHECK_EQ("then the next one", hart_pc(f.harts[0]), at + 4);
    } else {
        CHECK_EQ("straddling fetch: page fault", fx_reg(&f, T3), 12);
        CHECK_EQ("stval: the unmapped half", fx_reg(&f, T4), page + 0x1000);
        CHECK_EQ("epc: the instruction", fx_reg(&f, T5), at);
    }
    fx_free(&f);
}

/* Guest address of a host pointer into the fixture's RAM. */
static uint64_t fx_addr(struct fixture *f, const void *p)
{
    return RAM_BASE + (uint64_t)((const uint8_t *)p -
                                 (const uint8_t *)fx_ram(f, RAM_BASE));
}

#define SFENCE_VMA(rs1, rs2) (0x12000073u | (rs2) << 20 | (rs1) << 15)
#define SH(rs2, rs1, imm)    enc_s(imm, rs2, rs1, 1, 0x23)
#define S2                   18

/*
 * A loop over a straddling instruction, run often enough to be translated
 * (hot after 4 entries) and sealed (256 entries); then again after the
 * page holding its upper half is remapped to a copy with another half;
 * then again after that half is rewritten through a writable alias (no
 * fence.i: the interpreter sees the new half at once, so the translator
 * must too). Each pass adds the straddling addi's immediate to a0 300
 * times: 3, then 7, then 5.
 */
static void test_straddling_loop(bool jit)
{
    struct fixture f;
    fx_init_jit(&f, NULL, jit, false);
    fx_install_handler(&f);
    fx_enter_s(&f, S_CODE);
    uint64_t page = S_CODE + 0x1000, next = page + 0x1000, copy = page + 0x2000,
             alias = 0x40000000, top = page + 0xffa;
    fx_map(&f, S_CODE, S_CODE, PTE_R | PTE_X);
    fx_map(&f, page, page, PTE_R | PTE_X);
    fx_map(&f, next, next, PTE_R | PTE_X);
    fx_map(&f, alias, copy, PTE_R | PTE_W);
    uint64_t *pte = fx_pte(&f, next);
    uint64_t pte_addr = fx_addr(&f, pte);
    fx_map(&f, pte_addr & ~0xfffull, pte_addr & ~0xfffull, PTE_R | PTE_W);
    uint64_t copy_pte = (*pte & 0x3ff) | (copy >> 12) << 10;

    fx_org(&f, S_CODE); /* s2 counts the passes done */
    fx_emit(&f, ADDI(S2, ZERO, 0));
    fx_emit(&f, ADDI(A0, ZERO, 0));
    uint64_t pass = f.cursor;
    fx_emit(&f, SFENCE_VMA(ZERO, ZERO));
    fx_emit(&f, ADDI(S1, ZERO, 300));
    fx_la(&f, T0, top);
    fx_emit(&f, JALR(ZERO, T0, 0));
    uint64_t after = f.cursor; /* s2 += 1 was done */
    fx_emit(&f, ADDI(T1, ZERO, 1));
    uint64_t not_first = f.cursor;
    fx_emit(&f, 0); /* bne s2, t1, second */
    fx_la(&f, T1, pte_addr);
    fx_la(&f, T2, copy_pte);
    fx_emit(&f, SD(T2, T1, 0));
    fx_emit(&f, JAL(ZERO, (int32_t)(pass - f.cursor)));
    uint64_t second = f.cursor;
    fx_emit(&f, ADDI(T1, ZERO, 2));
    uint64_t not_second = f.cursor;
    fx_emit(&f, 0); /* bne s2, t1, spin */
    fx_la(&f, T1, alias);
    fx_emit(&f, ADDI(T2, ZERO, (int32_t)(ADDI(A0, A0, 5) >> 16)));
    fx_emit(&f, SH(T2, T1, 0));
    fx_emit(&f, JAL(ZERO, (int32_t)(pass - f.cursor)));
    uint64_t spin = f.cursor;
    fx_emit(&f, SPIN);
    uint32_t bne[] = {BNE(S2, T1, (int32_t)(second - not_first)),
                      BNE(S2, T1, (int32_t)(spin - not_second))};
    memcpy(fx_ram(&f, not_first), &bne[0], 4);
    memcpy(fx_ram(&f, not_second), &bne[1], 4);

    fx_org(&f, top);
    fx_emit(&f, ADDI(A1, A1, 1));
    fx_emit(&f, ADDI(A0, A0, 3)); /* straddles into `next` */
    fx_emit(&f, ADDI(S1, S1, -1));
    fx_emit(&f, BNE(S1, ZERO, (int32_t)(top - f.cursor)));
    fx_emit(&f, ADDI(S2, S2, 1));
    fx_emit(&f, JAL(ZERO, (int32_t)(after - f.cursor)));
    memcpy(fx_ram(&f, copy), fx_ram(&f, next), 0x1000);
    uint16_t high7 = (uint16_t)(ADDI(A0, A0, 7) >> 16);
    memcpy(fx_ram(&f, copy), &high7, 2);

    fx_run(&f, 0, 100000);
    CHECK_EQ("straddling loop: the passes", fx_reg(&f, S2), 3);
    CHECK_EQ("straddling loop: iterations", fx_reg(&f, A1), 900);
    CHECK_EQ("straddling loop: 300 x (3, then 7 remapped, then 5 rewritten)",
             fx_reg(&f, A0), 300 * (3 + 7 + 5));
    CHECK_EQ("straddling loop: ends at the spin", hart_pc(f.harts[0]), spin);
    fx_free(&f);
}

/*
 * sfence.vma of one address drops that page's translation (the code below
 * remaps a page it has just loaded from, through a mapping of its own page
 * table), and for a superpage the whole superpage's: the fence names one
 * address of a 2 MiB leaf and the reload uses another.
 */
static void test_sfence_one_address(bool superpage)
{
    struct fixture f;
    setup_s(&f);
    /* The fixture has 4 MiB of RAM: the superpage moves to RAM_BASE, and
     * the word used is one nothing else occupies there. */
    uint64_t off = superpage ? 0x80000 : 0;
    uint64_t va = superpage ? 0x40000000 : 0x50000000, use = va + off;
    uint64_t old_pa = RAM_BASE + 0x200000;
    uint64_t new_pa = superpage ? RAM_BASE : RAM_BASE + 0x80000;
    uint64_t *pte;
    if (superpage) {
        (void)fx_pte(&f, va); /* builds the level-1 table */
        uint64_t *root = fx_ram(&f, FX_PT_BASE + ((va >> 30) & 511) * 8);
        pte = fx_ram(&f, (*root >> 10) << 12);
        *pte = (old_pa >> 12) << 10 | PTE_R | PTE_W | 1;
    } else {
        fx_map(&f, va, old_pa, PTE_R | PTE_W);
        pte = fx_pte(&f, va);
    }
    uint64_t table = fx_addr(&f, pte) & ~0xfffull;
    fx_map(&f, table, table, PTE_R | PTE_W);
    *(uint64_t *)fx_ram(&f, old_pa + off) = 111;
    *(uint64_t *)fx_ram(&f, new_pa + off) = 222;
    hart_set_reg(f.harts[0], A3, use);
    hart_set_reg(f.harts[0], A4, (new_pa >> 12) << 10 | (*pte & 0x3ff));
    hart_set_reg(f.harts[0], A5, fx_addr(&f, pte));
    hart_set_reg(f.harts[0], A6, superpage ? va + 0x5000 : use);
    fx_emit(&f, LD(A1, A3, 0));
    fx_emit(&f, SD(A4, A5, 0));
    fx_emit(&f, SFENCE_VMA(A6, ZERO));
    fx_emit(&f, LD(A2, A3, 0));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("sfence.vma va: no trap", fx_reg(&f, T3), 0);
    CHECK_EQ("sfence.vma va: old mapping", fx_reg(&f, A1), 111);
    CHECK_EQ("sfence.vma va: new mapping", fx_reg(&f, A2), 222);
    fx_free(&f);
}

/*
 * A satp write to another ASID drops the old address space's
 * translations but keeps the global ones (what spares Linux's kernel a
 * TLB refill on every process switch). Both pages are remapped in memory
 * before the switch, with no fence: the global one still reads through
 * its kept translation (allowed: the fence was never made), the other
 * through the new one.
 */
static void test_switch_keeps_global(void)
{
    struct fixture f;
    setup_s(&f);
    uint64_t va_global = 0x50000000, va_own = 0x50001000;
    uint64_t old_pa = RAM_BASE + 0x200000, new_pa = RAM_BASE + 0x201000;
    fx_map(&f, va_global, old_pa, PTE_R | PTE_W | PTE_G);
    fx_map(&f, va_own, old_pa, PTE_R | PTE_W);
    uint64_t table = fx_addr(&f, fx_pte(&f, va_global)) & ~0xfffull;
    fx_map(&f, table, table, PTE_R | PTE_W);
    *(uint64_t *)fx_ram(&f, old_pa) = 111;
    *(uint64_t *)fx_ram(&f, new_pa) = 222;
    struct hart *h = f.harts[0];
    hart_set_reg(h, A3, va_global);
    hart_set_reg(h, A4, va_own);
    hart_set_reg(h, A5, fx_addr(&f, fx_pte(&f, va_global)));
    hart_set_reg(h, A6, fx_addr(&f, fx_pte(&f, va_own)));
    hart_set_reg(h, A7, (new_pa >> 12) << 10 | PTE_R | PTE_W | 1);
    hart_set_reg(h, T1, fx_satp(&f) | 5ull << 44); /* ASID 5 */
    fx_emit(&f, LD(A1, A3, 0));
    fx_emit(&f, LD(A2, A4, 0));
    fx_emit(&f, SD(A7, A5, 0));
    fx_emit(&f, SD(A7, A6, 0));
    fx_emit(&f, CSRW(CSR_SATP, T1));
    fx_emit(&f, LD(S0, A3, 0));
    fx_emit(&f, LD(S1, A4, 0));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("ASID switch: no trap", fx_reg(&f, T3), 0);
    CHECK_EQ("ASID switch: both read the old page before",
             fx_reg(&f, A1) + fx_reg(&f, A2), 222);
    CHECK_EQ("ASID switch: the global translation is kept", fx_reg(&f, S0),
             111);
    CHECK_EQ("ASID switch: the other one is walked again", fx_reg(&f, S1), 222);
    fx_free(&f);
}

/* With PMP implemented but no entry active, S-mode may not fetch. */
static void test_pmp_closed_by_default(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_install_handler(&f);
    fx_enter_s_no_pmp(&f, S_CODE);
    fx_map(&f, S_CODE, S_CODE, PTE_R | PTE_X);
    fx_org(&f, S_CODE);
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    CHECK_EQ("no PMP entry: S-mode fetch access fault", fx_reg(&f, T3), 1);
    CHECK_EQ("no PMP entry: stval", fx_reg(&f, T4), S_CODE);
    fx_free(&f);
}

#define FENCE_I            0x0000100fu
#define BEQ(rs1, rs2, off) enc_b(off, rs2, rs1, 0)

/* Run until the guest's done word (at `words` + 8) reaches n. */
static bool run_until(struct fixture *f, uint64_t words, uint64_t n)
{
    for (int i = 0; i < 200; i++) {
        uint64_t done;
        memcpy(&done, fx_ram(f, words + 8), 8);
        if (done == n)
            return true;
        fx_run(f, 0, 20000);
    }
    return false;
}

static void host_write32(struct fixture *f, uint64_t addr, uint32_t v)
{
    memcpy(fx_ram(f, addr), &v, 4);
}

/*
 * Code written behind the hart's back (as a device would: the host here)
 * is seen after fence.i, though fence.i keeps the decoded ops and blocks
 * of pages whose bytes did not change. Also when the new bytes were
 * decoded before fence.i and then changed back: the page still holds ops
 * decoded from the bytes in between, so it must be decoded again.
 */
static void test_fence_i_behind_the_hart(bool jit)
{
    struct fixture f;
    fx_init_jit(&f, NULL, jit, false);
    fx_install_handler(&f);
    uint64_t func = RAM_BASE + 0x8000, other = RAM_BASE + 0x9000,
             later = other + 0x100, words = RAM_BASE + 0xa000;
    /* words: +0 the host's step, +8 the guest's */

    fx_la(&f, S1, words);
    fx_emit(&f, ADDI(S2, ZERO, 300)); /* 300 calls: hot and sealed */
    uint64_t loop1 = f.cursor;
    fx_la(&f, T0, func);
    fx_emit(&f, JALR(RA, T0, 0));
    fx_emit(&f, ADDI(S2, S2, -1));
    fx_emit(&f, BNE(S2, ZERO, (int32_t)(loop1 - f.cursor)));
    fx_la(&f, T0, other); /* `other` is decoded, `later` not yet */
    fx_emit(&f, JALR(RA, T0, 0));
    for (int step = 1; step <= 4; step++) {
        fx_emit(&f, ADDI(T1, ZERO, step));
        fx_emit(&f, SD(T1, S1, 8));
        if (step == 4)
            break;
        uint64_t wait = f.cursor;
        fx_emit(&f, LD(T2, S1, 0));
        fx_emit(&f, BNE(T2, T1, (int32_t)(wait - f.cursor)));
        if (step == 1) { /* func now adds 2 */
            fx_emit(&f, FENCE_I);
            fx_emit(&f, ADDI(S2, ZERO, 300));
            uint64_t loop2 = f.cursor;
            fx_la(&f, T0, func);
            fx_emit(&f, JALR(RA, T0, 0));
            fx_emit(&f, ADDI(S2, S2, -1));
            fx_emit(&f, BNE(S2, ZERO, (int32_t)(loop2 - f.cursor)));
            fx_la(&f, T0, other); /* current again before `later` changes */
            fx_emit(&f, JALR(RA, T0, 0));
        } else { /* later adds 7 (no fence.i yet), then 5 again */
            if (step == 3)
                fx_emit(&f, FENCE_I);
            fx_la(&f, T0, later);
            fx_emit(&f, JALR(RA, T0, 0));
        }
    }
    uint64_t spin = f.cursor;
    fx_emit(&f, SPIN);
    fx_org(&f, func);
    fx_emit(&f, ADDI(A0, A0, 1));
    fx_emit(&f, JALR(ZERO, RA, 0));
    fx_org(&f, other);
    fx_emit(&f, ADDI(A1, A1, 1));
    fx_emit(&f, JALR(ZERO, RA, 0));
    fx_org(&f, later);
    fx_emit(&f, ADDI(A2, A2, 5));
    fx_emit(&f, JALR(ZERO, RA, 0));

    bool ran = run_until(&f, words, 1);
    host_write32(&f, func, ADDI(A0, A0, 2));
    host_write32(&f, words, 1);
    ran = ran && run_until(&f, words, 2);
    host_write32(&f, later, ADDI(A2, A2, 7));
    host_write32(&f, words, 2);
    ran = ran && run_until(&f, words, 3);
    host_write32(&f, later, ADDI(A2, A2, 5));
    host_write32(&f, words, 3);
    ran = ran && run_until(&f, words, 4);
    CHECK_EQ("fence.i behind the hart: every step ran", ran, true);
    CHECK_EQ("fence.i: the rewritten function, 300 x 1 then 300 x 2",
             fx_reg(&f, A0), 900);
    CHECK_EQ("fence.i: the bytes in between, then the ones restored",
             fx_reg(&f, A2), 7 + 5);
    CHECK_EQ("fence.i behind the hart: ends at the spin", hart_pc(f.harts[0]),
             spin);
    fx_free(&f);
}

/*
 * host_huge_alloc() and host_huge_map(): what the hart's tables and the
 * code buffer live in.
 * Zeroed like calloc, 2 MiB aligned so that the host can back it with
 * huge pages, and all of it usable.
 */
static void test_host_huge_alloc(void)
{
    size_t size = 3 * HOST_HUGE_PAGE + 4096;
    uint8_t *p = host_huge_alloc(size);
    CHECK_EQ("host_huge_alloc: memory", p != NULL, 1);
    if (!p)
        return;
    CHECK_EQ("host_huge_alloc: 2 MiB aligned", (uintptr_t)p % HOST_HUGE_PAGE,
             0);
    size_t nonzero = 0;
    for (size_t i = 0; i < size; i += 512)
        nonzero += p[i] != 0;
    CHECK_EQ("host_huge_alloc: zeroed", nonzero + (p[size - 1] != 0), 0);
    memset(p, 0xa5, size);
    CHECK_EQ("host_huge_alloc: its last byte is writable", p[size - 1], 0xa5);
    host_huge_free(p, size);
    p = host_huge_map(size);
    CHECK_EQ("host_huge_map: 2 MiB aligned",
             p ? (uintptr_t)p % HOST_HUGE_PAGE : 1, 0);
    CHECK_EQ("host_huge_map: zeroed", p ? p[0] | p[size - 1] : 1, 0);
    host_huge_unmap(p, size);
}

/*
 * A translated run of a store and a load off one base checks the TLB
 * once, in the write table, and then reads through the write entry too.
 * A PMP entry may allow writes but not reads (R=0 W=1, reserved but
 * accepted): the load there must still fault. The loop is translated on a
 * normal page first; a plain store to the write-only page (allowed) comes
 * before the loop runs there.
 */
static void test_group_reads_need_read_permission(bool jit)
{
    struct fixture f;
    fx_init_jit(&f, NULL, jit, true);
    fx_install_handler(&f);
    /* PMP 0: DATA0's page, write only; PMP 1: everything. */
    fx_la(&f, T0, (DATA0 >> 2) | 0x1ff);
    fx_emit(&f, CSRW(CSR_PMPADDR0, T0));
    fx_emit(&f, ADDI(T0, ZERO, -1));
    fx_emit(&f, CSRW(CSR_PMPADDR0 + 1, T0));
    fx_la(&f, T0, 0x1f1a); /* NAPOT|RWX, NAPOT|W */
    fx_emit(&f, CSRW(CSR_PMPCFG0, T0));
    fx_enter_s_no_pmp(&f, S_CODE);
    fx_map(&f, S_CODE, S_CODE, PTE_R | PTE_X);
    fx_map(&f, DATA0, DATA0, PTE_R | PTE_W);
    fx_map(&f, DATA1, DATA1, PTE_R | PTE_W);
    fx_org(&f, S_CODE);
    struct hart *h = f.harts[0];
    hart_set_reg(h, A3, DATA1);
    hart_set_reg(h, A4, 7);
    hart_set_reg(h, A5, 100);
    hart_set_reg(h, A6, DATA0);
    uint64_t loop = f.cursor;
    fx_emit(&f, SD(A4, A3, 0));
    fx_emit(&f, LD(A2, A3, 8));
    fx_emit(&f, ADDI(A5, A5, -1));
    fx_emit(&f, BNE(A5, ZERO, (int32_t)(loop - f.cursor)));
    fx_emit(&f, BNE(A3, A6, 12)); /* done on DATA0: stop */
    fx_emit(&f, SPIN);
    fx_emit(&f, SPIN);
    fx_emit(&f, SD(A4, A6, 0)); /* a store there, alone: allowed */
    fx_emit(&f, ADDI(A3, A6, 0));
    fx_emit(&f, ADDI(A5, ZERO, 100));
    fx_emit(&f, JAL(ZERO, (int32_t)(loop - f.cursor)));
    fx_run(&f, 0, 5000);
    CHECK_EQ(jit ? "group on a write-only PMP page: load access fault (jit)"
                 : "group on a write-only PMP page: load access fault",
             fx_reg(&f, T3), 5);
    CHECK_EQ("group on a write-only PMP page: at the load's address",
             fx_reg(&f, T4), DATA0 + 8);
    fx_free(&f);
}

void test_mmu(void)
{
    test_group_reads_need_read_permission(true);
    test_group_reads_need_read_permission(false);
    test_host_huge_alloc();
    test_pmp_closed_by_default();
    test_ad_bits_and_split_load();
    test_page_faults();
    test_misaligned_superpage();
    test_non_canonical_address();
    test_straddling_instruction(true);
    test_straddling_instruction(false);
    test_straddling_loop(false);
    test_straddling_loop(true);
    test_fence_i_behind_the_hart(false);
    test_fence_i_behind_the_hart(true);
    test_sfence_one_address(false);
    test_sfence_one_address(true);
    test_switch_keeps_global();
}
