/*
 * The bare test machine behind fixture.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture.h"

static uint64_t fake_mtime(void *opaque)
{
    return ((struct fixture *)opaque)->mtime;
}

void fx_init(struct fixture *f, void (*sbi)(void *opaque, struct hart *h))
{
    bool jit = hart_jit_supported();
    fx_init_jit(f, sbi, jit, jit);
}

void fx_init_jit(struct fixture *f, void (*sbi)(void *opaque, struct hart *h),
                 bool jit, bool eager)
{
    fx_init_windows(f, sbi, jit, eager, NULL);
}

void fx_init_windows(struct fixture *f,
                     void (*sbi)(void *opaque, struct hart *h), bool jit,
                     bool eager, struct host_window **windows)
{
    memset(f, 0, sizeof(*f));
    f->ram = (struct guest_ram){
        .host = calloc(1, FX_RAM_SIZE), .base = RAM_BASE, .size = FX_RAM_SIZE};
    for (; windows && *windows; windows++)
        f->ram.windows[f->ram.nwindows++] = *windows;
    f->bus = bus_new();
    if (!f->ram.host || !f->bus) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    struct hart_env env = {
        .ram = &f->ram,
        .bus = f->bus,
        .opaque = f,
        .read_mtime = fake_mtime,
        .sbi_ecall = sbi,
        .jit = jit,
        .jit_eager = eager,
        /* Translate after 4 entries rather than 32, so that the streams
         * the tests run a dozen times over reach the translator's normal
         * path too (emitted, then sealed in batches), not only eager. */
        .jit_hot = 4,
    };
    for (unsigned i = 0; i < 2; i++) {
        f->harts[i] = hart_new(&env, i);
        hart_reset(f->harts[i], RAM_BASE, PRIV_M);
    }
    f->cursor = RAM_BASE;
    f->pt_next = FX_PT_BASE + 0x1000; /* the root table is FX_PT_BASE */
}

void fx_free(struct fixture *f)
{
    for (unsigned i = 0; i < 2; i++)
        hart_free(f->harts[i]);
    bus_free(f->bus);
    free(f->ram.host);
}

void *fx_ram(struct fixture *f, uint64_t addr)
{
    return guest_ram_ptr(&f->ram, addr, 8);
}

void fx_org(struct fixture *f, uint64_t addr)
{
    f->cursor = addr;
}

void fx_emit(struct fixture *f, uint32_t insn)
{
    memcpy(guest_ram_ptr(&f->ram, f->cursor, 4), &insn, 4);
    f->cursor += 4;
}

void fx_emit16(struct fixture *f, uint16_t insn)
{
    memcpy(guest_ram_ptr(&f->ram, f->cursor, 2), &insn, 2);
    f->cursor += 2;
}

/* auipc + addi: position-relative, so no sign-extension surprises. */
void fx_la(struct fixture *f, unsigned rd, uint64_t addr)
{
    int64_t off = (int64_t)(addr - f->cursor);
    int64_t hi = (off + 0x800) >> 12, lo = off - hi * 4096;
    fx_emit(f, (uint32_t)hi << 12 | rd << 7 | 0x17);
    fx_emit(f, ADDI(rd, rd, (int32_t)lo));
}

void fx_install_handler(struct fixture *f)
{
    uint64_t here = f->cursor;
    fx_org(f, FX_HANDLER);
    fx_emit(f, CSRR(T3, CSR_MCAUSE));
    fx_emit(f, CSRR(T4, CSR_MTVAL));
    fx_emit(f, CSRR(T5, CSR_MEPC));
    fx_emit(f, SPIN);
    fx_org(f, here);
    fx_la(f, T0, FX_HANDLER);
    fx_emit(f, CSRW(CSR_MTVEC, T0));
}

uint64_t *fx_pte(struct fixture *f, uint64_t va)
{
    uint64_t table = FX_PT_BASE;
    for (int level = 2;; level--) {
        uint64_t *pte = fx_ram(f, table + ((va >> (12 + 9 * level)) & 511) * 8);
        if (level == 0)
            return pte;
        if (!(*pte & 1)) {
            *pte = (f->pt_next >> 12) << 10 | 1;
            f->pt_next += 0x1000;
        }
        table = (*pte >> 10) << 12;
    }
}

void fx_map(struct fixture *f, uint64_t va, uint64_t pa, uint64_t pte_flags)
{
    *fx_pte(f, va) = (pa >> 12) << 10 | pte_flags | 1;
}

uint64_t fx_satp(struct fixture *f)
{
    (void)f;
    return 8ull << 60 | FX_PT_BASE >> 12;
}

void fx_enter_s_no_pmp(struct fixture *f, uint64_t s_pc)
{
    fx_emit(f, CSRW(CSR_SATP, A0));
    fx_la(f, T0, s_pc);
    fx_emit(f, CSRW(CSR_MEPC, T0));
    fx_emit(f, LUI(T0, 1));           /* 0x1000 */
    fx_emit(f, ADDI(T0, T0, -0x800)); /* MPP = S (0x800) */
    fx_emit(f, CSRW(CSR_MSTATUS, T0));
    fx_emit(f, MRET);
    hart_set_reg(f->harts[0], A0, fx_satp(f));
}

void fx_enter_s(struct fixture *f, uint64_t s_pc)
{
    /* As firmware does: one PMP entry opening all memory to S and U. */
    fx_emit(f, ADDI(T0, ZERO, -1));
    fx_emit(f, CSRW(CSR_PMPADDR0, T0));
    fx_emit(f, ADDI(T0, ZERO, 0x1f)); /* NAPOT, RWX */
    fx_emit(f, CSRW(CSR_PMPCFG0, T0));
    fx_enter_s_no_pmp(f, s_pc);
}

uint64_t fx_run(struct fixture *f, unsigned hart, uint64_t budget)
{
    return hart_run(f->harts[hart], budget);
}

uint64_t fx_reg(struct fixture *f, unsigned x)
{
    return hart_reg(f->harts[0], x);
}
