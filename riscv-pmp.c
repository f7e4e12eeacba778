/*
 * Physical memory protection: 64 entries, TOR, NA4 and NAPOT.
 *
 * Checked on the slow paths only (TLB fills, MMIO, page walks, atomics):
 * a TLB entry is created only when the PMP grants the whole page, so a
 * TLB hit never needs a check. Writing a PMP CSR flushes the TLB.
 */
#include "riscv-internal.h"

#define PMP_R     0x01
#define PMP_W     0x02
#define PMP_X     0x04
#define PMP_A     0x18
#define PMP_TOR   0x08
#define PMP_NA4   0x10
#define PMP_NAPOT 0x18
#define PMP_L     0x80

static uint8_t pmp_cfg(const struct hart *h, unsigned i)
{
    /* On RV64 entry i lives in pmpcfg(2 * (i / 8)), byte i % 8. */
    return h->pmpcfg[(i / 8) * 2] >> (8 * (i % 8));
}

/* The entry's range as [lo, hi], inclusive; false if it is empty. */
static bool pmp_range(const struct hart *h, unsigned i, uint8_t cfg,
                      uint64_t *lo, uint64_t *hi)
{
    uint64_t addr = h->pmpaddr[i];
    switch (cfg & PMP_A) {
    case PMP_TOR: {
        uint64_t bottom = i ? h->pmpaddr[i - 1] << 2 : 0, top = addr << 2;
        if (top <= bottom)
            return false;
        *lo = bottom;
        *hi = top - 1;
        return true;
    }
    case PMP_NA4:
        *lo = addr << 2;
        *hi = *lo + 3;
        return true;
    case PMP_NAPOT: {
        unsigned ones = __builtin_ctzll(~addr); /* addr < 2^54: never ~0 */
        uint64_t size_minus_1 = (1ull << (ones + 3)) - 1;
        *lo = (addr << 2) & ~size_minus_1;
        *hi = *lo + size_minus_1;
        return true;
    }
    }
    return false;
}

bool pmp_allows(const struct hart *h, uint64_t pa, uint64_t size,
                enum access acc, enum priv_mode priv)
{
    static const uint8_t need[] = {
        [ACC_READ] = PMP_R, [ACC_WRITE] = PMP_W, [ACC_EXEC] = PMP_X};
    uint64_t last = pa + size - 1;
    if (last < h->pmp_open_end && last >= pa)
        return true;
    for (unsigned i = 0; i < h->pmp_entries; i++) {
        uint8_t cfg = pmp_cfg(h, i);
        uint64_t lo, hi;
        if (!pmp_range(h, i, cfg, &lo, &hi) || last < lo || pa > hi)
            continue;
        /* The lowest-numbered entry touching the access decides, and it
         * must hold the whole access. */
        if (pa < lo || last > hi)
            return false;
        if (priv == PRIV_M && !(cfg & PMP_L))
            return true;
        return cfg & need[acc];
    }
    return priv == PRIV_M; /* no match: only M may access */
}

/* After a write to pmpcfg or pmpaddr. */
void pmp_changed(struct hart *h)
{
    h->pmp_entries = 0;
    for (unsigned i = 0; i < 64; i++)
        if (pmp_cfg(h, i) & PMP_A)
            h->pmp_entries = i + 1;
    /*
     * What firmware sets (one unlocked RWX entry over all memory) answers
     * every check the same: the walk's and the TLB refills' checks cost
     * nothing then.
     */
    uint8_t cfg = pmp_cfg(h, 0);
    uint64_t lo, hi;
    bool open = pmp_range(h, 0, cfg, &lo, &hi) && lo == 0 && !(cfg & PMP_L) &&
                (cfg & (PMP_R | PMP_W | PMP_X)) == (PMP_R | PMP_W | PMP_X);
    h->pmp_open_end = open && hi < UINT64_MAX ? hi + 1 : 0;
    tlb_flush(h);
}

bool pmp_locked(const struct hart *h, unsigned i)
{
    /* A locked TOR entry also locks the address below it. */
    if (pmp_cfg(h, i) & PMP_L)
        return true;
    return i + 1 < 64 &&
           (pmp_cfg(h, i + 1) & (PMP_L | PMP_A)) == (PMP_L | PMP_TOR);
}
