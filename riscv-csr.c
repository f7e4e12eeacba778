/*
 * Privileged architecture: traps, interrupts, CSRs, and the system
 * instructions (ecall, xret, wfi, sfence.vma, fence.i).
 */
#include "riscv-internal.h"

#define MISA_RV64IMAFDCSU                                                      \
    ((2ull << 62) | (1 << ('A' - 'A')) | (1 << ('C' - 'A')) |                  \
     (1 << ('D' - 'A')) | (1 << ('F' - 'A')) | (1 << ('I' - 'A')) |            \
     (1 << ('M' - 'A')) | (1 << ('S' - 'A')) | (1 << ('U' - 'A')))

#define MSTATUS_WRITABLE                                                       \
    (MSTATUS_SIE | MSTATUS_MIE | MSTATUS_SPIE | MSTATUS_MPIE | MSTATUS_SPP |   \
     MSTATUS_MPP | MSTATUS_FS | MSTATUS_MPRV | MSTATUS_SUM | MSTATUS_MXR |     \
     MSTATUS_TVM | MSTATUS_TW | MSTATUS_TSR)
#define MEDELEG_WRITABLE 0xb3ffull /* all but ecall-from-M and reserved */
#define MIDELEG_WRITABLE (MIP_SSIP | MIP_STIP | MIP_SEIP)
#define MIE_WRITABLE                                                           \
    (MIP_SSIP | MIP_MSIP | MIP_STIP | MIP_MTIP | MIP_SEIP | MIP_MEIP)

/* Refresh everything derived from the privilege mode and mstatus. */
void hart_mode_changed(struct hart *h)
{
    h->dtlb = &h->tlb[tlb_set_index(data_priv(h), h->mstatus)];
    h->itlb = &h->tlb[tlb_set_index(h->priv, 0)];
    if (h->jump_caches)
        h->jump_cache = h->jump_caches + h->priv * JUMP_CACHE_ENTRIES;
    h->refetch = true;
    h->irq_dirty = true;
}

void hart_trap(struct hart *h, uint64_t cause, uint64_t tval)
{
    bool interrupt = cause & CAUSE_INTERRUPT;
    unsigned code = cause & 63;
    uint64_t deleg = interrupt ? h->mideleg : h->medeleg;
    h->lr_valid = false;
    if (h->priv != PRIV_M && ((deleg >> code) & 1)) {
        h->scause = cause;
        h->sepc = h->pc;
        h->stval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_SPIE | MSTATUS_SIE | MSTATUS_SPP);
        if (h->mstatus & MSTATUS_SIE)
            s |= MSTATUS_SPIE;
        if (h->priv == PRIV_S)
            s |= MSTATUS_SPP;
        h->mstatus = s;
        h->priv = PRIV_S;
        h->pc = (h->stvec & ~3ull) +
                ((h->stvec & 1) && interrupt ? 4ull * code : 0);
    } else {
        h->mcause = cause;
        h->mepc = h->pc;
        h->mtval = tval;
        uint64_t s = h->mstatus & ~(MSTATUS_MPIE | MSTATUS_MIE | MSTATUS_MPP);
        if (h->mstatus & MSTATUS_MIE)
            s |= MSTATUS_MPIE;
        s |= (uint64_t)h->priv << 11;
        h->mstatus = s;
        h->priv = PRIV_M;
        h->pc = (h->mtvec & ~3ull) +
                ((h->mtvec & 1) && interrupt ? 4ull * code : 0);
    }
    hart_mode_changed(h);
}

void hart_update_timer(struct hart *h)
{
    h->stip_timer = (h->menvcfg & MENVCFG_STCE) && h->env.read_mtime &&
                    h->env.read_mtime(h->env.opaque) >= h->stimecmp;
}

/* mip as software reads it: written bits, wires, and the Sstc timer. */
uint64_t hart_pending_irqs(const struct hart *h)
{
    uint64_t mip = h->mip | h->mip_lines;
    if (h->stip_timer)
        mip |= MIP_STIP;
    return mip;
}

/* Take the highest-priority enabled interrupt, if any. */
bool hart_check_interrupts(struct hart *h)
{
    static const uint8_t priority[] = {IRQ_MEIP, IRQ_MSIP, IRQ_MTIP,
                                       IRQ_SEIP, IRQ_SSIP, IRQ_STIP};
    uint64_t pending = hart_pending_irqs(h) & h->mie;
    if (!pending)
        return false;
    bool m_enabled = h->priv < PRIV_M || (h->mstatus & MSTATUS_MIE);
    bool s_enabled =
        h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_SIE));
    uint64_t take = m_enabled ? pending & ~h->mideleg : 0;
    if (!take && s_enabled)
        take = pending & h->mideleg;
    for (unsigned i = 0; take && i < sizeof(priority); i++) {
        if ((take >> priority[i]) & 1) {
            hart_trap(h, CAUSE_INTERRUPT | priority[i], 0);
            return true;
        }
    }
    return false;
}

static uint64_t read_mstatus(const struct hart *h)
{
    uint64_t s = h->mstatus | MSTATUS_UXL_SXL_64;
    if ((s & MSTATUS_FS) == MSTATUS_FS)
        s |= MSTATUS_SD;
    return s;
}

static void write_mstatus(struct hart *h, uint64_t val)
{
    uint64_t old = h->mstatus;
    uint64_t mpp = (val & MSTATUS_MPP) >> 11;
    if (mpp == 2) /* reserved: keep the previous mode (WARL) */
        val = (val & ~MSTATUS_MPP) | (old & MSTATUS_MPP);
    h->mstatus = (old & ~MSTATUS_WRITABLE) | (val & MSTATUS_WRITABLE);
    if ((old ^ h->mstatus) & MSTATUS_MXR)
        tlb_flush(h);
    /*
     * Linux toggles SIE around every critical section (about 600 writes
     * per file created on virtio-fs): leave the page only when the data
     * TLB set changes (SUM, MPRV, MPP) or an interrupt may be unmasked.
     */
    struct tlb_set *dtlb = &h->tlb[tlb_set_index(data_priv(h), h->mstatus)];
    if (dtlb != h->dtlb) {
        h->dtlb = dtlb;
        h->refetch = true;
    }
    if (h->mstatus & ~old & (MSTATUS_SIE | MSTATUS_MIE))
        h->irq_dirty = true;
}

static uint64_t counter_value(const struct hart *h, unsigned index)
{
    uint64_t instret = h->instret + h->run_retired;
    switch (index) {
    case 0:
        return instret + h->cycle_offset;
    case 1:
        return h->env.read_mtime ? h->env.read_mtime(h->env.opaque) : 0;
    case 2:
        return instret;
    }
    return 0; /* hpmcounter3..31: no events are counted */
}

static bool counter_allowed(const struct hart *h, unsigned index)
{
    if (h->priv < PRIV_M && !((h->mcounteren >> index) & 1))
        return false;
    if (h->priv < PRIV_S && !((h->scounteren >> index) & 1))
        return false;
    return true;
}

static bool fs_enabled(const struct hart *h)
{
    return (h->mstatus & MSTATUS_FS) != 0;
}

static bool stimecmp_allowed(const struct hart *h)
{
    return h->priv == PRIV_M ||
           ((h->menvcfg & MENVCFG_STCE) && ((h->mcounteren >> 1) & 1));
}

static bool csr_read(struct hart *h, unsigned csr, uint64_t *val)
{
    if (csr >= 0xc00 && csr <= 0xc1f) {
        if (!counter_allowed(h, csr - 0xc00))
            return false;
        *val = counter_value(h, csr - 0xc00);
        return true;
    }
    if ((csr >= 0xb03 && csr <= 0xb1f) || (csr >= 0x323 && csr <= 0x33f)) {
        *val = 0; /* mhpmcounterN, mhpmeventN: hardwired */
        return true;
    }
    if (csr >= 0x3a0 && csr <= 0x3af) {
        if (csr & 1)
            return false; /* odd pmpcfg registers do not exist on RV64 */
        *val = h->pmpcfg[csr - 0x3a0];
        return true;
    }
    if (csr >= 0x3b0 && csr <= 0x3ef) {
        *val = h->pmpaddr[csr - 0x3b0];
        return true;
    }
    switch (csr) {
    case 0x001:
        *val = h->fflags;
        return fs_enabled(h);
    case 0x002:
        *val = h->frm;
        return fs_enabled(h);
    case 0x003:
        *val = h->frm << 5 | h->fflags;
        return fs_enabled(h);
    case 0x100:
        *val = read_mstatus(h) & SSTATUS_VISIBLE;
        return true;
    case 0x104:
        *val = h->mie & h->mideleg;
        return true;
    case 0x105:
        *val = h->stvec;
        return true;
    case 0x106:
        *val = h->scounteren;
        return true;
    case 0x10a:
        *val = h->senvcfg;
        return true;
    case 0x140:
        *val = h->sscratch;
        return true;
    case 0x141:
        *val = h->sepc;
        return true;
    case 0x142:
        *val = h->scause;
        return true;
    case 0x143:
        *val = h->stval;
        return true;
    case 0x144:
        *val = hart_pending_irqs(h) & h->mideleg;
        return true;
    case 0x14d:
        *val = h->stimecmp;
        return stimecmp_allowed(h);
    case 0x180:
        *val = h->satp;
        return !(h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM));
    case 0xf11: /* mvendorid, marchid, mimpid, mconfigptr */
    case 0xf12:
    case 0xf13:
    case 0xf15:
        *val = 0;
        return true;
    case 0xf14:
        *val = h->hartid;
        return true;
    case 0x300:
        *val = read_mstatus(h);
        return true;
    case 0x301:
        *val = MISA_RV64IMAFDCSU;
        return true;
    case 0x302:
        *val = h->medeleg;
        return true;
    case 0x303:
        *val = h->mideleg;
        return true;
    case 0x304:
        *val = h->mie;
        return true;
    case 0x305:
        *val = h->mtvec;
        return true;
    case 0x306:
        *val = h->mcounteren;
        return true;
    case 0x30a:
        *val = h->menvcfg;
        return true;
    case 0x320:
        *val = h->mcountinhibit;
        return true;
    case 0x340:
        *val = h->mscratch;
        return true;
    case 0x341:
        *val = h->mepc;
        return true;
    case 0x342:
        *val = h->mcause;
        return true;
    case 0x343:
        *val = h->mtval;
        return true;
    case 0x344:
        *val = hart_pending_irqs(h);
        return true;
    case 0xb00:
        *val = counter_value(h, 0);
        return true;
    case 0xb02:
        *val = counter_value(h, 2);
        return true;
    }
    return false;
}

static void write_satp(struct hart *h, uint64_t val)
{
    unsigned mode = val >> 60;
    if (mode != 0 && mode != 8 && mode != 9)
        return; /* unsupported mode: the write has no effect */
    uint64_t old = h->satp;
    h->satp = val; /* MODE, a 16-bit ASID, PPN */
    if ((old ^ val) >> 60)
        tlb_flush(h);
    else if (old != val)
        tlb_flush_address_space(h);
}

static void write_mip(struct hart *h, uint64_t val, uint64_t writable)
{
    if (h->menvcfg & MENVCFG_STCE)
        writable &= ~MIP_STIP; /* STIP then mirrors stimecmp */
    h->mip = (h->mip & ~writable) | (val & writable);
    h->irq_dirty = true;
}

static void write_fflags(struct hart *h, uint64_t fflags, uint64_t frm)
{
    h->fflags = fflags & 0x1f;
    h->frm = frm & 7;
    h->mstatus |= MSTATUS_FS;
}

static bool csr_write(struct hart *h, unsigned csr, uint64_t val)
{
    if (csr >= 0xb03 && csr <= 0xb1f)
        return true;
    if (csr >= 0x323 && csr <= 0x33f)
        return true;
    if (csr >= 0x3a0 && csr <= 0x3af) {
        /* Locked entries stay as they are, as the spec requires. */
        uint64_t keep = 0;
        for (int i = 0; i < 8; i++)
            if ((h->pmpcfg[csr - 0x3a0] >> (8 * i)) & 0x80)
                keep |= 0xffull << (8 * i);
        h->pmpcfg[csr - 0x3a0] = (h->pmpcfg[csr - 0x3a0] & keep) |
                                 (val & ~keep & 0x9f9f9f9f9f9f9f9full);
        pmp_changed(h);
        return true;
    }
    if (csr >= 0x3b0 && csr <= 0x3ef) {
        if (!pmp_locked(h, csr - 0x3b0))
            h->pmpaddr[csr - 0x3b0] = val & ((1ull << 54) - 1);
        pmp_changed(h);
        return true;
    }
    switch (csr) {
    case 0x001:
        write_fflags(h, val, h->frm);
        return true;
    case 0x002:
        write_fflags(h, h->fflags, val);
        return true;
    case 0x003:
        write_fflags(h, val, val >> 5);
        return true;
    case 0x100:
        write_mstatus(h, (h->mstatus & ~SSTATUS_VISIBLE) |
                             (val & SSTATUS_VISIBLE));
        return true;
    case 0x104:
        h->mie = (h->mie & ~h->mideleg) | (val & h->mideleg);
        h->irq_dirty = true;
        return true;
    case 0x105:
        h->stvec = val & ~2ull;
        return true;
    case 0x106:
        h->scounteren = val & 0xffffffff;
        return true;
    case 0x10a:
        h->senvcfg = val & MENVCFG_FIOM;
        return true;
    case 0x140:
        h->sscratch = val;
        return true;
    case 0x141:
        h->sepc = val & ~1ull;
        return true;
    case 0x142:
        h->scause = val;
        return true;
    case 0x143:
        h->stval = val;
        return true;
    case 0x144:
        write_mip(h, val, MIP_SSIP & h->mideleg);
        return true;
    case 0x14d:
        h->stimecmp = val;
        hart_update_timer(h);
        h->irq_dirty = true;
        return true;
    case 0x180:
        write_satp(h, val);
        return true;
    case 0x300:
        write_mstatus(h, val);
        return true;
    case 0x301:
        return true; /* misa is fixed */
    case 0x302:
        h->medeleg = val & MEDELEG_WRITABLE;
        return true;
    case 0x303:
        h->mideleg = val & MIDELEG_WRITABLE;
        h->irq_dirty = true;
        return true;
    case 0x304:
        h->mie = val & MIE_WRITABLE;
        h->irq_dirty = true;
        return true;
    case 0x305:
        h->mtvec = val & ~2ull;
        return true;
    case 0x306:
        h->mcounteren = val & 0xffffffff;
        return true;
    case 0x30a:
        h->menvcfg = val & (MENVCFG_FIOM | MENVCFG_STCE);
        hart_update_timer(h);
        h->irq_dirty = true;
        return true;
    case 0x320:
        h->mcountinhibit = val & 0xfffffffd;
        return true;
    case 0x340:
        h->mscratch = val;
        return true;
    case 0x341:
        h->mepc = val & ~1ull;
        return true;
    case 0x342:
        h->mcause = val;
        return true;
    case 0x343:
        h->mtval = val;
        return true;
    case 0x344:
        write_mip(h, val, MIP_SSIP | MIP_STIP | MIP_SEIP);
        return true;
    /*
     * The write replaces the writing instruction's own increment: the
     * next instruction reads val. The loop counts this one as retired
     * after we return, hence the - 1. Writing instret leaves cycle
     * running on.
     */
    case 0xb00:
        h->cycle_offset = val - (counter_value(h, 2) + 1);
        return true;
    case 0xb02:
        h->cycle_offset += counter_value(h, 2) - (val - 1);
        h->instret = val - 1 - h->run_retired;
        return true;
    }
    return false;
}

static int illegal_instruction(struct hart *h, const struct op *op)
{
    hart_trap(h, CAUSE_ILLEGAL, op->insn);
    return EXEC_TRAP;
}

int exec_csr(struct hart *h, const struct op *op)
{
    unsigned csr = op->imm & 0xfff, f3 = op->rm;
    uint64_t src = (f3 & 4) ? op->rs1 : h->x[op->rs1];
    bool writes = (f3 & 3) == 1 || op->rs1 != 0;
    if (h->priv < ((csr >> 8) & 3) || (writes && (csr >> 10) == 3))
        return illegal_instruction(h, op);
    uint64_t old;
    if (!csr_read(h, csr, &old))
        return illegal_instruction(h, op);
    if (!writes) {
        h->x[op->rd] = old;
        return EXEC_NEXT;
    }
    /* A read-modify-write of mip sees only the software-written SEIP. */
    uint64_t base = old;
    if (csr == 0x344 && !(h->mip & MIP_SEIP))
        base &= ~MIP_SEIP;
    uint64_t val = (f3 & 3) == 1   ? src
                   : (f3 & 3) == 2 ? base | src
                                   : base & ~src;
    if (!csr_write(h, csr, val))
        return illegal_instruction(h, op);
    h->x[op->rd] = old;
    /* A write that changes translation or may unmask an interrupt set
     * refetch or irq_dirty, which make the loop leave the page. */
    return EXEC_NEXT;
}

static void xret_to(struct hart *h, enum priv_mode to, uint64_t pc)
{
    if (to != PRIV_M)
        h->mstatus &= ~MSTATUS_MPRV;
    h->priv = to;
    h->pc = pc;
    h->lr_valid = false;
    hart_mode_changed(h);
}

static int exec_mret(struct hart *h, const struct op *op)
{
    if (h->priv != PRIV_M)
        return illegal_instruction(h, op);
    uint64_t s = h->mstatus;
    enum priv_mode to = (enum priv_mode)((s >> 11) & 3);
    s &= ~(MSTATUS_MIE | MSTATUS_MPP);
    if (s & MSTATUS_MPIE)
        s |= MSTATUS_MIE;
    h->mstatus = s | MSTATUS_MPIE; /* MPP becomes U */
    xret_to(h, to, h->mepc);
    return EXEC_REDIRECT;
}

static int exec_sret(struct hart *h, const struct op *op)
{
    if (h->priv < PRIV_S || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TSR)))
        return illegal_instruction(h, op);
    uint64_t s = h->mstatus;
    enum priv_mode to = (s & MSTATUS_SPP) ? PRIV_S : PRIV_U;
    s &= ~(MSTATUS_SIE | MSTATUS_SPP);
    if (s & MSTATUS_SPIE)
        s |= MSTATUS_SIE;
    h->mstatus = s | MSTATUS_SPIE;
    xret_to(h, to, h->sepc);
    return EXEC_REDIRECT;
}

static int exec_ecall(struct hart *h)
{
    if (h->priv == PRIV_S && h->env.sbi_ecall) {
        /* Set pc first: the handler may redirect the hart itself. */
        h->pc += 4;
        h->env.sbi_ecall(h->env.opaque, h);
        h->irq_dirty = true;
        return EXEC_REDIRECT;
    }
    static const uint8_t cause[] = {
        [PRIV_U] = CAUSE_ECALL_U,
        [PRIV_S] = CAUSE_ECALL_S,
        [PRIV_M] = CAUSE_ECALL_M,
    };
    hart_trap(h, cause[h->priv], 0);
    return EXEC_TRAP;
}

static int exec_wfi(struct hart *h, const struct op *op)
{
    if (h->priv == PRIV_U || (h->priv == PRIV_S && (h->mstatus & MSTATUS_TW)))
        return illegal_instruction(h, op);
    h->pc = pc_next(op, h->pc);
    hart_update_timer(h);
    if (!(hart_pending_irqs(h) & h->mie)) {
        h->waiting = true;
        h->stop = true;
    }
    return EXEC_REDIRECT;
}

int exec_system(struct hart *h, const struct op *op)
{
    switch (op->kind) {
    case K_ECALL:
        return exec_ecall(h);
    case K_EBREAK:
        hart_trap(h, CAUSE_BREAKPOINT, h->pc);
        return EXEC_TRAP;
    case K_MRET:
        return exec_mret(h, op);
    case K_SRET:
        return exec_sret(h, op);
    case K_WFI:
        return exec_wfi(h, op);
    case K_SFENCE_VMA:
        if (h->priv == PRIV_U ||
            (h->priv == PRIV_S && (h->mstatus & MSTATUS_TVM)))
            return illegal_instruction(h, op);
        /*
         * The TLB holds only the current address space's translations and
         * the global ones: an ASID's flush drops all but the global ones,
         * whichever ASID it names (more than needed is allowed).
         */
        if (op->rs1)
            tlb_flush_page(h, h->x[op->rs1]);
        else if (op->rs2)
            tlb_flush_address_space(h);
        else
            tlb_flush(h);
        h->pc = pc_next(op, h->pc);
        return EXEC_REDIRECT;
    case K_FENCE_I:
        dcache_flush(h);
        h->pc = pc_next(op, h->pc);
        return EXEC_REDIRECT;
    }
    return illegal_instruction(h, op);
}
