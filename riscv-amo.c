/*
 * The A extension: LR/SC and the AMOs, 32 and 64 bits wide.
 *
 * Harts take turns on one host thread, so an AMO is atomic by itself. An
 * LR remembers the physical address and the value it read; the SC
 * succeeds only if the reservation is still held and memory still holds
 * that value, which catches stores by other harts in between.
 */
#include <string.h>

#include "riscv-internal.h"

enum {
    AMO_ADD = 0x00,
    AMO_SWAP = 0x01,
    AMO_LR = 0x02,
    AMO_SC = 0x03,
    AMO_XOR = 0x04,
    AMO_OR = 0x08,
    AMO_AND = 0x0c,
    AMO_MIN = 0x10,
    AMO_MAX = 0x14,
    AMO_MINU = 0x18,
    AMO_MAXU = 0x1c,
};

static uint64_t narrow(uint64_t v, unsigned size)
{
    return size == 4 ? (uint64_t)(int64_t)(int32_t)v : v;
}

static uint64_t amo_compute(unsigned funct5, uint64_t old, uint64_t src,
                            unsigned size)
{
    int64_t sold = (int64_t)narrow(old, size),
            ssrc = (int64_t)narrow(src, size);
    uint64_t uold = size == 4 ? (uint32_t)old : old;
    uint64_t usrc = size == 4 ? (uint32_t)src : src;
    switch (funct5) {
    case AMO_ADD:
        return old + src;
    case AMO_SWAP:
        return src;
    case AMO_XOR:
        return old ^ src;
    case AMO_OR:
        return old | src;
    case AMO_AND:
        return old & src;
    case AMO_MIN:
        return sold < ssrc ? old : src;
    case AMO_MAX:
        return sold > ssrc ? old : src;
    case AMO_MINU:
        return uold < usrc ? old : src;
    default: /* AMO_MAXU */
        return uold > usrc ? old : src;
    }
}

static int fault(struct hart *h, int cause, uint64_t va)
{
    hart_trap(h, cause, va);
    return EXEC_TRAP;
}

/*
 * A TLB hit (the read TLB for LR, which only reads; the write TLB for the
 * rest) means a RAM page that the translation, the PMP and the
 * decoded-code tracking all let this mode access so: use it directly.
 */
static uint8_t *amo_tlb_hit(struct hart *h, uint64_t va, enum access acc,
                            uint64_t *pa)
{
    const struct tlb_entry *e =
        tlb_hit(acc == ACC_READ ? h->dtlb->r : h->dtlb->w, va);
    if (!e)
        return NULL;
    *pa = e->ppage | (va & ~PAGE_MASK);
    return (uint8_t *)(uintptr_t)(va + e->addend);
}

static bool amo_read(struct hart *h, uint8_t *host, uint64_t pa, unsigned size,
                     uint64_t *val)
{
    if (!host)
        return mmu_phys_read(h, pa, size, val);
    *val = 0;
    memcpy(val, host, size);
    return true;
}

static bool amo_write(struct hart *h, uint8_t *host, uint64_t pa, unsigned size,
                      uint64_t val)
{
    if (!host)
        return mmu_phys_write(h, pa, size, val);
    memcpy(host, &val, size);
    return true;
}

int exec_amo(struct hart *h, const struct op *op)
{
    unsigned funct5 = op->insn >> 27;
    unsigned size = ((op->insn >> 12) & 7) == 2 ? 4 : 8;
    uint64_t va = h->x[op->rs1], pa, old;
    bool is_lr = funct5 == AMO_LR;
    enum access acc = is_lr ? ACC_READ : ACC_WRITE;
    int access_fault = is_lr ? CAUSE_LOAD_ACCESS : CAUSE_STORE_ACCESS;

    if (va & (size - 1))
        return fault(h, is_lr ? CAUSE_LOAD_MISALIGNED : CAUSE_STORE_MISALIGNED,
                     va);
    uint8_t *host = amo_tlb_hit(h, va, acc, &pa);
    if (!host) {
        int cause = mmu_translate(h, va, acc, &pa);
        if (cause)
            return fault(h, cause, va);
        if (!pmp_allows(h, pa, size, acc, data_priv(h)))
            return fault(h, access_fault, va);
        host = mmu_atomic_fill(h, va, pa, acc);
    }
    if (!amo_read(h, host, pa, size, &old))
        return fault(h, access_fault, va);
    old = narrow(old, size);

    if (is_lr) {
        h->lr_valid = true;
        h->lr_addr = pa;
        h->lr_value = old;
        h->x[op->rd] = old;
        return EXEC_NEXT;
    }
    if (funct5 == AMO_SC) {
        bool ok = h->lr_valid && h->lr_addr == pa && h->lr_value == old;
        h->lr_valid = false;
        if (ok && !amo_write(h, host, pa, size, h->x[op->rs2]))
            return fault(h, access_fault, va);
        h->x[op->rd] = !ok;
        return EXEC_NEXT;
    }
    uint64_t src = h->x[op->rs2];
    if (!amo_write(h, host, pa, size, amo_compute(funct5, old, src, size)))
        return fault(h, access_fault, va);
    h->x[op->rd] = old;
    return EXEC_NEXT;
}
