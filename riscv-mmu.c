/*
 * Address translation (Sv39, Sv48), the software TLB, loads and stores
 * that miss it, and the per-physical-page cache of decoded instructions.
 *
 * TLB entries map one 4 KiB virtual page to its host address in guest
 * RAM or in a mapped page of a host window (DAX, host-window.h); MMIO and
 * unmapped window pages are never cached and always take the slow path,
 * where an unmapped window page is an access fault. A tag is the page's
 * address alone, so that a hit is one compare in generated code; a full
 * flush empties every entry, and the common flushes (one page, one
 * address space) only the entries they concern.
 *
 * Decoded pages, of RAM or a window, are tracked in code_page[]: a store
 * that reaches such a page drops its decoded ops. The fast store path
 * cannot see that, so a write TLB entry is never created for a page
 * holding decoded code.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "riscv-internal.h"

#define PTE_V (1ull << 0)
#define PTE_R (1ull << 1)
#define PTE_W (1ull << 2)
#define PTE_X (1ull << 3)
#define PTE_U (1ull << 4)
#define PTE_G (1ull << 5)
#define PTE_A (1ull << 6)
#define PTE_D (1ull << 7)

#define PPN_MASK ((1ull << 44) - 1)

_Static_assert(HOST_WINDOW_PAGE == PAGE_SIZE, "window pages are CPU pages");

static const uint8_t page_fault_cause[] = {
    [ACC_READ] = CAUSE_LOAD_PAGE,
    [ACC_WRITE] = CAUSE_STORE_PAGE,
    [ACC_EXEC] = CAUSE_FETCH_PAGE,
};
static const uint8_t access_fault_cause[] = {
    [ACC_READ] = CAUSE_LOAD_ACCESS,
    [ACC_WRITE] = CAUSE_STORE_ACCESS,
    [ACC_EXEC] = CAUSE_FETCH_ACCESS,
};

/*
 * Every entry empty. A tag is compared whole, with no generation to bump
 * (one instruction and one load less in every translated access), so
 * this writes all 12,288 tags: ~10 us, and Linux flushes everything
 * rarely (a boot does it ~20 times; the per-page and per-address-space
 * flushes below touch only their own entries).
 */
void tlb_flush(struct hart *h)
{
    struct tlb_entry *entries = &h->tlb[0].r[0];
    for (size_t i = 0; i < TLB_SETS * 3 * TLB_ENTRIES; i++)
        entries[i].tag = NO_PAGE;
    h->refetch = true;
    memset(h->tlb_listed, 0, sizeof(h->tlb_listed));
    h->n_tlb_own = 0;
    h->super_lo = UINT64_MAX;
    h->super_hi = 0;
}

/*
 * Another address space (a satp write, or sfence.vma of an ASID): drop the
 * translations of the old one but keep the global ones, which every
 * address space shares (Linux maps the kernel global, and with ASIDs it
 * switches satp without a fence). Only the current address space's
 * entries are ever held, so nothing needs an ASID tag, and those are the
 * ones listed since the last change: a process touches far fewer pages
 * between switches than the kernel keeps global. The superpage range
 * stays: kept entries may lie in it.
 */
void tlb_flush_address_space(struct hart *h)
{
    struct tlb_entry *entries = &h->tlb[0].r[0];
    for (unsigned k = 0; k < h->n_tlb_own; k++) {
        entries[h->tlb_own[k]].tag = NO_PAGE;
        h->tlb_listed[h->tlb_own[k]] = false;
    }
    h->n_tlb_own = 0;
    h->refetch = true;
}

/*
 * sfence.vma of one address, which Linux issues after nearly every page
 * fault: dropping only that page keeps the rest of the TLB (a full flush
 * cost about 40 refills each time). Entries hold 4 KiB pieces, so one
 * superpage translation may sit in many of them; for an address that may
 * lie in a superpage, flush everything.
 */
void tlb_flush_page(struct hart *h, uint64_t va)
{
    if (va >= h->super_lo && va <= h->super_hi) {
        tlb_flush(h);
        return;
    }
    uint64_t page = va & PAGE_MASK;
    unsigned i = (va >> PAGE_SHIFT) % TLB_ENTRIES;
    for (int s = 0; s < TLB_SETS; s++) {
        struct tlb_entry *e[] = {&h->tlb[s].r[i], &h->tlb[s].w[i],
                                 &h->tlb[s].x[i]};
        for (int k = 0; k < 3; k++)
            if (e[k]->tag == page)
                e[k]->tag = NO_PAGE;
    }
    h->refetch = true;
}

static bool leaf_allows(const struct hart *h, uint64_t pte, enum access acc,
                        enum priv_mode priv)
{
    if (priv == PRIV_U && !(pte & PTE_U))
        return false;
    if (priv == PRIV_S && (pte & PTE_U) &&
        (acc == ACC_EXEC || !(h->mstatus & MSTATUS_SUM)))
        return false;
    switch (acc) {
    case ACC_READ:
        return (pte & PTE_R) || ((h->mstatus & MSTATUS_MXR) && (pte & PTE_X));
    case ACC_WRITE:
        return pte & PTE_W;
    case ACC_EXEC:
        return pte & PTE_X;
    }
    return false;
}

/* Returns 0 and the physical address, or the exception cause. */
int mmu_translate(struct hart *h, uint64_t va, enum access acc, uint64_t *pa)
{
    enum priv_mode priv = acc == ACC_EXEC ? h->priv : data_priv(h);
    unsigned mode = h->satp >> 60;
    bool global = false; /* a G bit anywhere on the way makes it global */
    h->walk_global = false;
    if (priv == PRIV_M || mode == 0) {
        *pa = va;
        return 0;
    }
    int levels = mode == 8 ? 3 : 4;
    unsigned va_bits = 12 + 9 * levels;
    /* The unused upper bits must copy the top valid bit. */
    if ((uint64_t)((int64_t)(va << (64 - va_bits)) >> (64 - va_bits)) != va)
        return page_fault_cause[acc];

    uint64_t table = (h->satp & PPN_MASK) << 12;
    for (int level = levels - 1; level >= 0; level--) {
        unsigned shift = 12 + 9 * level;
        uint64_t pte_addr = table + ((va >> shift) & 511) * 8;
        uint8_t *slot = guest_ram_ptr(h->env.ram, pte_addr, 8);
        /* The walk's own reads are S-mode accesses for the PMP. */
        if (!slot || !pmp_allows(h, pte_addr, 8, ACC_READ, PRIV_S))
            return access_fault_cause[acc];
        uint64_t pte;
        memcpy(&pte, slot, 8);
        /* Bits 63:54 are reserved or belong to Svpbmt/Svnapot: absent. */
        if (!(pte & PTE_V) || ((pte & PTE_W) && !(pte & PTE_R)) || (pte >> 54))
            return page_fault_cause[acc];
        uint64_t ppn = (pte >> 10) & PPN_MASK;
        global |= (pte & PTE_G) != 0;
        if (!(pte & (PTE_R | PTE_X))) {
            table = ppn << 12;
            continue;
        }
        if (!leaf_allows(h, pte, acc, priv))
            return page_fault_cause[acc];
        uint64_t offset_mask = (1ull << shift) - 1;
        if ((ppn << 12) & offset_mask)
            return page_fault_cause[acc]; /* misaligned superpage */
        /* Hardware A/D update, as QEMU does. */
        uint64_t updated = pte | PTE_A | (acc == ACC_WRITE ? PTE_D : 0);
        if (updated != pte)
            memcpy(slot, &updated, 8);
        if (level > 0) {
            uint64_t lo = va & ~offset_mask, hi = va | offset_mask;
            if (lo < h->super_lo)
                h->super_lo = lo;
            if (hi > h->super_hi)
                h->super_hi = hi;
        }
        *pa = (ppn << 12) | (va & offset_mask);
        h->walk_page = va & PAGE_MASK;
        h->walk_global = global;
        return 0;
    }
    return page_fault_cause[acc];
}

/*
 * The host address of a RAM page, or of a window page mapped for acc
 * (a store needs a writable mapping); NULL for MMIO and unmapped pages.
 */
static uint8_t *host_page(const struct hart *h, uint64_t ppage, enum access acc)
{
    const struct guest_ram *ram = h->env.ram;
    uint8_t *p = guest_ram_ptr(ram, ppage, PAGE_SIZE);
    for (unsigned i = 0; !p && i < ram->nwindows; i++)
        p = host_window_page(ram->windows[i], ppage, acc == ACC_WRITE);
    return p;
}

/* As host_page() for size bytes at pa, within one page or RAM. */
static uint8_t *host_ptr(const struct hart *h, uint64_t pa, unsigned size,
                         enum access acc)
{
    uint8_t *p = guest_ram_ptr(h->env.ram, pa, size);
    if (p || (pa & ~PAGE_MASK) + size > PAGE_SIZE)
        return p;
    p = host_page(h, pa & PAGE_MASK, acc);
    return p ? p + (pa & ~PAGE_MASK) : NULL;
}

/* code_page[] holds RAM's pages, then each window's in turn. */
static int64_t code_page_index(const struct hart *h, uint64_t ppage)
{
    const struct guest_ram *ram = h->env.ram;
    if (ppage >= ram->base && (ppage - ram->base) >> PAGE_SHIFT < h->ram_pages)
        return (ppage - ram->base) >> PAGE_SHIFT;
    uint64_t first = h->ram_pages;
    for (unsigned i = 0; i < ram->nwindows; i++) {
        const struct host_window *w = ram->windows[i];
        if (ppage >= w->base && ppage - w->base < w->size)
            return first + ((ppage - w->base) >> PAGE_SHIFT);
        first += w->size >> PAGE_SHIFT;
    }
    return -1;
}

static void tlb_fill(struct hart *h, struct tlb_entry *table, uint64_t va,
                     uint64_t ppage, uint8_t *host)
{
    struct tlb_entry *e = &table[(va >> PAGE_SHIFT) % TLB_ENTRIES];
    size_t i = (size_t)(e - &h->tlb[0].r[0]);
    bool global = h->walk_global && h->walk_page == (va & PAGE_MASK);
    if (!global && !h->tlb_listed[i]) { /* each is listed once: room */
        h->tlb_listed[i] = true;
        h->tlb_own[h->n_tlb_own++] = (uint16_t)i;
    }
    e->tag = va & PAGE_MASK;
    e->addend = (uintptr_t)host - (uintptr_t)(va & PAGE_MASK);
    e->ppage = ppage;
    e->code = NULL;
}

/*
 * Fill the data TLB entry for an access of acc to ppage (at host) from va,
 * when the page allows one: not a page with decoded code for a write (its
 * stores must be seen), and the PMP granting the whole page. Whether it
 * did.
 */
static bool data_tlb_fill(struct hart *h, uint64_t va, uint64_t ppage,
                          uint8_t *host, enum access acc)
{
    int64_t index = code_page_index(h, ppage);
    if (acc == ACC_WRITE && index >= 0 && h->code_page[index])
        return false;
    if (!pmp_allows(h, ppage, PAGE_SIZE, acc, data_priv(h)))
        return false;
    /* Translated access groups also read through write entries
     * (plan_group): only a page as readable gets one. PTEs cannot be
     * write-only; PMP entries and window pages could. */
    if (acc == ACC_WRITE &&
        (!pmp_allows(h, ppage, PAGE_SIZE, ACC_READ, data_priv(h)) ||
         host_page(h, ppage, ACC_READ) != host))
        return false;
    tlb_fill(h, acc == ACC_WRITE ? h->dtlb->w : h->dtlb->r, va, ppage, host);
    return true;
}

/* One access wholly inside a page, after translation. */
static bool phys_read(struct hart *h, uint64_t va, uint64_t pa, unsigned size,
                      uint64_t *val)
{
    uint64_t ppage = pa & PAGE_MASK;
    enum priv_mode priv = data_priv(h);
    if (!pmp_allows(h, pa, size, ACC_READ, priv))
        return false;
    uint8_t *host = host_page(h, ppage, ACC_READ);
    if (host) {
        data_tlb_fill(h, va, ppage, host, ACC_READ);
        *val = 0;
        memcpy(val, host + (pa & ~PAGE_MASK), size);
        return true;
    }
    uint8_t *p = guest_ram_ptr(h->env.ram, pa, size); /* ragged RAM end */
    if (p) {
        *val = 0;
        memcpy(val, p, size);
        return true;
    }
    if (!bus_read(h->env.bus, pa, size, val))
        return false;
    if (size < 8)
        *val &= (1ull << (8 * size)) - 1;
    return true;
}

static struct dcache_page *dcache_set(struct hart *h, uint64_t ppage)
{
    return h->dcache[(ppage >> PAGE_SHIFT) % DCACHE_SETS];
}

/* Drop the decoded ops (and blocks) of a page; false if it had none. */
static bool drop_code(struct hart *h, uint64_t ppage, int64_t index)
{
    if (index < 0 || !h->code_page[index])
        return false;
    h->code_page[index] = 0;
    struct dcache_page *set = dcache_set(h, ppage);
    for (int w = 0; w < DCACHE_WAYS; w++)
        if (set[w].ppage == ppage) {
            set[w].ppage = NO_PAGE;
            if (set[w].jit && set[w].jit->published)
                jump_cache_invalidate(h);
        }
    h->refetch = true;
    return true;
}

/* A store to a page with decoded code: drop it, and heat the page. */
static void invalidate_code(struct hart *h, uint64_t ppage)
{
    int64_t index = code_page_index(h, ppage);
    if (!drop_code(h, ppage, index))
        return;
    h->smc_heat[index] = h->smc_heat[index] > 255 - SMC_HEAT_PER_WRITE
                             ? 255
                             : h->smc_heat[index] + SMC_HEAT_PER_WRITE;
}

/*
 * The host memory behind guest physical [base, base + len) was replaced
 * (a DAX window remap): drop the TLB entries that lead there, whatever
 * virtual address they map, and the decoded code of those pages; what
 * the hart cached of other pages stays.
 */
void hart_forget_physical(struct hart *h, uint64_t base, uint64_t len)
{
    for (int s = 0; s < TLB_SETS; s++) {
        struct tlb_entry *tables[] = {h->tlb[s].r, h->tlb[s].w, h->tlb[s].x};
        for (int t = 0; t < 3; t++)
            for (unsigned i = 0; i < TLB_ENTRIES; i++)
                if (tables[t][i].ppage - base < len)
                    tables[t][i].tag = NO_PAGE;
    }
    for (uint64_t offset = 0; offset < len; offset += PAGE_SIZE) {
        uint64_t ppage = (base & PAGE_MASK) + offset;
        drop_code(h, ppage, code_page_index(h, ppage));
    }
    h->refetch = true;
}

static bool phys_write(struct hart *h, uint64_t va, uint64_t pa, unsigned size,
                       uint64_t val)
{
    uint64_t ppage = pa & PAGE_MASK;
    enum priv_mode priv = data_priv(h);
    if (!pmp_allows(h, pa, size, ACC_WRITE, priv))
        return false;
    uint8_t *host = host_page(h, ppage, ACC_WRITE);
    if (host) {
        memcpy(host + (pa & ~PAGE_MASK), &val, size);
        if (!data_tlb_fill(h, va, ppage, host, ACC_WRITE))
            invalidate_code(h, ppage); /* drops decoded code, if any */
        return true;
    }
    uint8_t *p = guest_ram_ptr(h->env.ram, pa, size);
    if (p) {
        memcpy(p, &val, size);
        return true;
    }
    /* A device raising an interrupt reaches hart_set_irq(), which sets
     * irq_dirty; the loop checks it after every slow access. */
    return bus_write(h->env.bus, pa, size, val);
}

/*
 * An atomic's access to pa, translated from va for acc, when it missed
 * the TLB: fill the entry a plain load or store would have (so the next
 * atomic to the page takes the fast path; Linux's lock words may sit on a
 * page nothing else touches) and return the host address, or NULL when
 * the access goes through mmu_phys_read/write (MMIO, a page with decoded
 * code being written, a page the PMP grants only in part).
 */
uint8_t *mmu_atomic_fill(struct hart *h, uint64_t va, uint64_t pa,
                         enum access acc)
{
    uint64_t ppage = pa & PAGE_MASK;
    uint8_t *host = host_page(h, ppage, acc);
    if (!host || !data_tlb_fill(h, va, ppage, host, acc))
        return NULL;
    return host + (pa & ~PAGE_MASK);
}

/* Physical accesses of atomics: no TLB, but code pages still noticed. */
bool mmu_phys_read(struct hart *h, uint64_t pa, unsigned size, uint64_t *val)
{
    uint8_t *p = host_ptr(h, pa, size, ACC_READ);
    if (!p)
        return bus_read(h->env.bus, pa, size, val);
    *val = 0;
    memcpy(val, p, size);
    return true;
}

bool mmu_phys_write(struct hart *h, uint64_t pa, unsigned size, uint64_t val)
{
    uint8_t *p = host_ptr(h, pa, size, ACC_WRITE);
    if (!p)
        return bus_write(h->env.bus, pa, size, val);
    memcpy(p, &val, size);
    invalidate_code(h, pa & PAGE_MASK);
    return true;
}

static bool crosses_page(uint64_t va, unsigned size)
{
    return (va & ~PAGE_MASK) + size > PAGE_SIZE;
}

/* Translate both halves first so a fault leaves memory untouched. */
static bool translate_split(struct hart *h, uint64_t va, unsigned size,
                            enum access acc, uint64_t *pa_lo, uint64_t *pa_hi)
{
    uint64_t va_hi = (va + size - 1) & PAGE_MASK;
    int cause = mmu_translate(h, va, acc, pa_lo);
    if (cause) {
        hart_trap(h, cause, va);
        return false;
    }
    cause = mmu_translate(h, va_hi, acc, pa_hi);
    if (cause) {
        hart_trap(h, cause, va_hi);
        return false;
    }
    return true;
}

bool mmu_load(struct hart *h, uint64_t va, unsigned size, uint64_t *val)
{
    uint64_t pa;
    if (!crosses_page(va, size)) {
        int cause = mmu_translate(h, va, ACC_READ, &pa);
        if (!cause && !phys_read(h, va, pa, size, val))
            cause = CAUSE_LOAD_ACCESS;
        if (cause)
            hart_trap(h, cause, va);
        return !cause;
    }
    uint64_t pa_hi;
    if (!translate_split(h, va, size, ACC_READ, &pa, &pa_hi))
        return false;
    uint64_t result = 0;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = va + i, byte;
        uint64_t p = (a & PAGE_MASK) == (va & PAGE_MASK)
                         ? pa + i
                         : pa_hi + (a & ~PAGE_MASK);
        if (!phys_read(h, a, p, 1, &byte)) {
            hart_trap(h, CAUSE_LOAD_ACCESS, a);
            return false;
        }
        result |= byte << (8 * i);
    }
    *val = result;
    return true;
}

bool mmu_store(struct hart *h, uint64_t va, unsigned size, uint64_t val)
{
    uint64_t pa;
    if (!crosses_page(va, size)) {
        int cause = mmu_translate(h, va, ACC_WRITE, &pa);
        if (!cause && !phys_write(h, va, pa, size, val))
            cause = CAUSE_STORE_ACCESS;
        if (cause)
            hart_trap(h, cause, va);
        return !cause;
    }
    uint64_t pa_hi;
    if (!translate_split(h, va, size, ACC_WRITE, &pa, &pa_hi))
        return false;
    for (unsigned i = 0; i < size; i++) {
        uint64_t a = va + i;
        uint64_t p = (a & PAGE_MASK) == (va & PAGE_MASK)
                         ? pa + i
                         : pa_hi + (a & ~PAGE_MASK);
        if (!phys_write(h, a, p, 1, val >> (8 * i))) {
            hart_trap(h, CAUSE_STORE_ACCESS, a);
            return false;
        }
    }
    return true;
}

/* Drop write TLB entries that point at a page about to hold decoded ops. */
static void tlb_protect_code(struct hart *h, uint64_t ppage)
{
    for (int s = 0; s < TLB_SETS; s++)
        for (int i = 0; i < TLB_ENTRIES; i++)
            if (h->tlb[s].w[i].ppage == ppage)
                h->tlb[s].w[i].tag = NO_PAGE;
}

/*
 * Room for one more decoded page's ops, copy and jit_page, which it keeps
 * for good.
 * They come from one region of transparent huge pages, reserved whole
 * and touched as it fills: page faults cost about 15 us each on some
 * virtual machines, and each decoded page took nine of them from malloc
 * (half the faults of a Linux boot).
 */
#define DCACHE_ENTRY_BYTES ((DCACHE_ALLOC_BYTES + 63) & ~(size_t)63)
#define DCACHE_POOL_BYTES  (DCACHE_SETS * DCACHE_WAYS * DCACHE_ENTRY_BYTES)

static size_t huge_round_up(size_t size)
{
    return (size + HOST_HUGE_PAGE - 1) & ~(size_t)(HOST_HUGE_PAGE - 1);
}

void *host_huge_map(size_t size)
{
    size = huge_round_up(size);
    uint8_t *raw = mmap(NULL, size + HOST_HUGE_PAGE, PROT_READ | PROT_WRITE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (raw == MAP_FAILED)
        return NULL;
    uint8_t *p = (uint8_t *)(((uintptr_t)raw + HOST_HUGE_PAGE - 1) &
                             ~(uintptr_t)(HOST_HUGE_PAGE - 1));
    if (p > raw)
        munmap(raw, (size_t)(p - raw));
    munmap(p + size, (size_t)(raw + HOST_HUGE_PAGE - p));
#ifdef MADV_HUGEPAGE
    madvise(p, size, MADV_HUGEPAGE); /* a hint: without, small pages */
#endif
    return p;
}

void host_huge_unmap(void *p, size_t size)
{
    if (p)
        munmap(p, huge_round_up(size));
}

#if defined(__SANITIZE_ADDRESS__)
/* Under ASan, from the heap: its checks then cover these too. */
void *host_huge_alloc(size_t size)
{
    size = huge_round_up(size);
    void *p = aligned_alloc(HOST_HUGE_PAGE, size);
    return p ? memset(p, 0, size) : NULL;
}

void host_huge_free(void *p, size_t size)
{
    (void)size;
    free(p);
}
#else
void *host_huge_alloc(size_t size)
{
    return host_huge_map(size);
}

void host_huge_free(void *p, size_t size)
{
    host_huge_unmap(p, size);
}
#endif

static struct op *dcache_pool_take(struct hart *h)
{
    if (!h->dcache_pool) {
        h->dcache_pool = host_huge_map(DCACHE_POOL_BYTES);
        if (!h->dcache_pool) {
            fprintf(stderr, "semu: out of memory for decoded code\n");
            abort();
        }
    }
    /* Every way takes one entry, once: the pool holds them all. */
    if (h->dcache_pool_used + DCACHE_ENTRY_BYTES > DCACHE_POOL_BYTES)
        abort();
    struct op *ops = (struct op *)(h->dcache_pool + h->dcache_pool_used);
    h->dcache_pool_used += DCACHE_ENTRY_BYTES;
    return ops;
}

/*
 * Whether a page that fence.i made stale may keep its ops: its bytes are
 * those it was decoded from. Stores by this hart to a page with decoded
 * code drop it at once; this catches everyone else's.
 */
static bool still_decoded(struct dcache_page *d, const uint8_t *host)
{
    const uint8_t *snapshot = page_snapshot(d->ops);
    return d->host == host && !snapshot[SNAPSHOT_DIVERGED] &&
           memcmp(snapshot, host, PAGE_SIZE) == 0;
}

/*
 * The decoded page for ppage, made empty if it was not cached. A kernel's
 * and a shell's code pages collided often in a direct-mapped cache, and
 * each miss decodes the page again: hence ways, and LRU among them.
 */
static struct dcache_page *dcache_lookup(struct hart *h, uint64_t ppage,
                                         uint8_t *host)
{
    struct dcache_page *set = dcache_set(h, ppage), *d = NULL;
    for (int w = 0; w < DCACHE_WAYS && !d; w++)
        if (set[w].ppage == ppage)
            d = &set[w]; /* a page is in at most one way */
    if (d && (d->gen == h->dcache_gen || still_decoded(d, host))) {
        d->gen = h->dcache_gen;
        d->used = ++h->dcache_clock;
        return d;
    }
    if (!d) { /* an empty way, else the least recently used */
        d = &set[0];
        for (int w = 0; w < DCACHE_WAYS; w++) {
            struct dcache_page *c = &set[w];
            if (c->ppage == NO_PAGE) {
                d = c;
                break;
            }
            if (c->used < d->used)
                d = c;
        }
    }
    d->used = ++h->dcache_clock;
    if (!d->ops) {
        d->ops = dcache_pool_take(h);
    } else if (d->ppage != NO_PAGE && d->ppage != ppage) {
        h->code_page[code_page_index(h, d->ppage)] = 0;
    }
    memset(d->ops, 0, SLOTS_PER_PAGE * sizeof(struct op));
    if (d->jit) {
        if (d->jit->published)
            jump_cache_invalidate(h); /* entries may point at its blocks */
        memset(d->jit, 0, sizeof(*d->jit));
    }
    d->epoch = ++h->dcache_epoch;
    d->ops[SLOTS_PER_PAGE] = (struct op){.kind = K_REFETCH};
    uint8_t *snapshot = page_snapshot(d->ops);
    memcpy(snapshot, host, PAGE_SIZE);
    snapshot[SNAPSHOT_DIVERGED] = 0;
    d->ppage = ppage;
    d->gen = h->dcache_gen;
    d->host = host;
    h->code_page[code_page_index(h, ppage)] = 1;
    tlb_protect_code(h, ppage);
    return d;
}

/*
 * Pages whose code is written again and again (code and data sharing a
 * page, a JIT in the guest) are cheaper to interpret, which decodes
 * lazily, than to translate whole blocks of each time. Every write that
 * drops a page's code heats it; every entry the interpreter runs for it
 * cools it, so a page that stops being written is translated again.
 */
bool smc_page_hot(struct hart *h, uint64_t ppage)
{
    int64_t index = code_page_index(h, ppage);
    if (index < 0 || h->smc_heat[index] < SMC_HEAT_INTERPRET)
        return false;
    h->smc_heat[index]--;
    return true;
}

/*
 * fence.i: a new generation makes every decoded page stale at once; the
 * next fetch from one keeps its ops if its bytes did not change
 * (still_decoded). The code_page marks stay; a stale one costs a single
 * slow store, which clears it.
 */
void dcache_flush(struct hart *h)
{
    h->dcache_gen++;
    h->refetch = true;
    jump_cache_invalidate(h);
}

/*
 * The host page and physical page of the code at pc, through the
 * instruction TLB, filled on a miss. On a fault, traps and returns NULL.
 */
static uint8_t *fetch_host_page(struct hart *h, uint64_t pc, uint64_t *ppage)
{
    const struct tlb_entry *e = tlb_hit(h->itlb->x, pc);
    if (e) {
        *ppage = e->ppage;
        return (uint8_t *)(e->addend + (uintptr_t)(pc & PAGE_MASK));
    }
    uint64_t pa;
    int cause = mmu_translate(h, pc, ACC_EXEC, &pa);
    if (cause) {
        hart_trap(h, cause, pc);
        return NULL;
    }
    *ppage = pa & PAGE_MASK;
    uint8_t *host = host_page(h, *ppage, ACC_EXEC);
    if (!host || !pmp_allows(h, pa, 2, ACC_EXEC, h->priv)) {
        hart_trap(h, CAUSE_FETCH_ACCESS, pc);
        return NULL;
    }
    /* A page the PMP grants only in part is checked on every entry. */
    if (pmp_allows(h, *ppage, PAGE_SIZE, ACC_EXEC, h->priv))
        tlb_fill(h, h->itlb->x, pc, *ppage, host);
    return host;
}

/*
 * The decoded page holding h->pc. On a fault, traps and returns NULL
 * (h->pc is then the trap vector).
 */
struct dcache_page *fetch_code(struct hart *h)
{
    uint64_t pc = h->pc;
    struct dcache_page *cached = code_page_cached(h, pc);
    if (cached)
        return cached;
    uint64_t ppage;
    uint8_t *host = fetch_host_page(h, pc, &ppage);
    if (!host)
        return NULL;
    struct dcache_page *d = dcache_lookup(h, ppage, host);
    struct tlb_entry *e = tlb_hit(h->itlb->x, pc);
    if (e)
        e->code = d; /* the next entry to this page skips the lookup */
    return d;
}

/* fetch_code() for the interpreter: the page's ops and host bytes. */
struct op *fetch_page(struct hart *h, uint8_t **host_out)
{
    struct dcache_page *d = fetch_code(h);
    if (!d)
        return NULL;
    *host_out = d->host;
    return d->ops;
}

/*
 * Decode the 32-bit instruction at h->pc whose upper half lies on the
 * next page into cross_ops[0]; cross_ops[2] then leaves for the next pc.
 * A fault in either half reports that half's address (the spec also
 * allows the instruction's own).
 */
bool fetch_cross(struct hart *h)
{
    uint64_t halves[2];
    for (int i = 0; i < 2; i++) {
        uint64_t va = h->pc + 2 * i, ppage;
        uint8_t *page = fetch_host_page(h, va, &ppage);
        if (!page)
            return false;
        uint8_t *p = page + (va & ~PAGE_MASK);
        halves[i] = p[0] | p[1] << 8;
    }
    decode_insn(&h->cross_ops[0], (uint32_t)(halves[0] | halves[1] << 16));
    h->cross_ops[2] = (struct op){.kind = K_REFETCH};
    return true;
}

void mmu_init(struct hart *h)
{
    const struct guest_ram *ram = h->env.ram;
    h->ram_pages = ram->size >> PAGE_SHIFT;
    uint64_t pages = h->ram_pages;
    for (unsigned i = 0; i < ram->nwindows; i++)
        pages += ram->windows[i]->size >> PAGE_SHIFT;
    h->code_page = calloc(pages ? pages : 1, 1);
    h->smc_heat = calloc(pages ? pages : 1, 1);
    if (!h->code_page || !h->smc_heat) {
        fprintf(stderr, "semu: out of memory\n");
        abort();
    }
    for (int i = 0; i < DCACHE_SETS; i++)
        for (int w = 0; w < DCACHE_WAYS; w++)
            h->dcache[i][w] = (struct dcache_page){.ppage = NO_PAGE};
    tlb_flush(h);
}

void mmu_free(struct hart *h)
{
    host_huge_unmap(h->dcache_pool, DCACHE_POOL_BYTES);
    free(h->code_page);
    free(h->smc_heat);
}
