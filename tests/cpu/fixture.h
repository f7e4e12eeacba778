/*
 * A bare machine for CPU unit tests: RAM, a bus, harts, a fake mtime, a
 * cursor to assemble code into RAM, and a standard M-mode trap handler
 * that records mcause/mtval/mepc in t3/t4/t5 and spins.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "asm.h"
#include "memlayout.h"
#include "riscv.h"

#define FX_RAM_SIZE (4u << 20)
#define FX_HANDLER  (RAM_BASE + 0x1000) /* M-mode trap handler */
#define FX_PT_BASE  (RAM_BASE + 0x100000)
#define T3          28
#define T4          29
#define T5          30

struct fixture {
    struct guest_ram ram;
    struct bus *bus;
    struct hart *harts[2];
    uint64_t mtime;
    uint64_t cursor;  /* where emit() writes next */
    uint64_t pt_next; /* next free page-table page */
    unsigned sbi_calls;
};

/*
 * Harts translate guest code where this build can (the default), each
 * block at its first entry, so that the tests run as much of it
 * translated as they can.
 */
void fx_init(struct fixture *f, void (*sbi)(void *opaque, struct hart *h));
/* Translating or interpreting as jit says; eager: see hart_env. */
void fx_init_jit(struct fixture *f, void (*sbi)(void *opaque, struct hart *h),
                 bool jit, bool eager);
/* The same with host windows beyond RAM (NULL-terminated list). */
void fx_init_windows(struct fixture *f,
                     void (*sbi)(void *opaque, struct hart *h), bool jit,
                     bool eager, struct host_window **windows);
void fx_free(struct fixture *f);
void *fx_ram(struct fixture *f, uint64_t addr);
void fx_org(struct fixture *f, uint64_t addr);
void fx_emit(struct fixture *f, uint32_t insn);
void fx_emit16(struct fixture *f, uint16_t insn);
void fx_la(struct fixture *f, unsigned rd, uint64_t addr);
/* Point mtvec at the standard handler (emits code at the cursor). */
void fx_install_handler(struct fixture *f);
/* Sv39: map one 4 KiB page, building tables as needed. */
void fx_map(struct fixture *f, uint64_t va, uint64_t pa, uint64_t pte_flags);
uint64_t *fx_pte(struct fixture *f, uint64_t va);
uint64_t fx_satp(struct fixture *f);
/*
 * Emit M-mode code that opens all memory in the PMP, enables Sv39 (satp
 * in a0) and mrets to S at pc; the _no_pmp variant leaves the PMP off.
 */
void fx_enter_s(struct fixture *f, uint64_t s_pc);
void fx_enter_s_no_pmp(struct fixture *f, uint64_t s_pc);
uint64_t fx_run(struct fixture *f, unsigned hart, uint64_t budget);
uint64_t fx_reg(struct fixture *f, unsigned x);
