/*
 * One RV64GC hart: the CPU's narrow public interface.
 *
 * The CPU knows guest RAM (for fast loads, stores and instruction fetch)
 * and the bus (for everything else). It knows nothing of the devices on it;
 * interrupts reach it only through hart_set_irq().
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "device.h"
#include "ram.h"

struct hart;

enum priv_mode { PRIV_U = 0, PRIV_S = 1, PRIV_M = 3 };

/* Bit numbers in mip/mie. */
enum {
    IRQ_SSIP = 1,
    IRQ_MSIP = 3,
    IRQ_STIP = 5,
    IRQ_MTIP = 7,
    IRQ_SEIP = 9,
    IRQ_MEIP = 11,
};

struct hart_env {
    struct guest_ram *ram;
    struct bus *bus;
    void *opaque;
    /* mtime, ticking at TIMEBASE_HZ; used for the time CSR and Sstc. */
    uint64_t (*read_mtime)(void *opaque);
    /*
     * Built-in SBI: when set, an ecall from S-mode is handed here instead
     * of trapping to M-mode. The handler reads a0-a7 and writes a0/a1 with
     * hart_reg()/hart_set_reg(); the CPU then resumes after the ecall.
     * NULL when real M-mode firmware (--bios) runs.
     */
    void (*sbi_ecall)(void *opaque, struct hart *hart);
    /*
     * Translate guest code to host code (riscv-jit.c) where the host can
     * run it (x86-64); elsewhere, or when false, every instruction is
     * interpreted. Both give the same architectural results.
     */
    bool jit;
    /* Tests: translate every block at its first entry and run it at once,
     * so that as much guest code as possible runs translated. */
    bool jit_eager;
    /* Tests: entries before a block is translated (0: the default, 32). */
    unsigned jit_hot;
    /* When not NULL, each translated block gets a line "ADDR SIZE NAME" (a
     * perf map: perf report names host code by the guest pc it came
     * from). */
    FILE *jit_perf_map;
};

/* True when this build can translate guest code (an x86-64 host). */
bool hart_jit_supported(void);

/* What the translator did so far; false when the hart interprets. */
struct hart_jit_stats {
    uint64_t blocks, ops, bytes; /* translated: blocks, guest ops, code */
    uint64_t seals, flushes;     /* batches made executable; full buffers */
};
bool hart_jit_stats(const struct hart *hart, struct hart_jit_stats *stats);

struct hart *hart_new(const struct hart_env *env, unsigned hartid);
void hart_free(struct hart *hart);

/*
 * Architectural reset, then start at pc in the given mode. Starting below
 * M also sets up what M-mode firmware would have: every trap but ecall
 * from S and the S-level interrupts delegated to S, the counters and
 * Sstc (stimecmp) open to S, and one PMP entry granting all memory.
 */
void hart_reset(struct hart *hart, uint64_t pc, enum priv_mode mode);

unsigned hart_id(const struct hart *hart);
uint64_t hart_reg(const struct hart *hart, unsigned x);
void hart_set_reg(struct hart *hart, unsigned x, uint64_t value);
uint64_t hart_pc(const struct hart *hart);

/*
 * Drive one bit of mip from outside (IRQ_* above). Suits an irq_line:
 * { hart_irq_set_level, hart, IRQ_MTIP }.
 */
void hart_set_irq(struct hart *hart, unsigned irq, bool level);
void hart_irq_set_level(void *hart, unsigned irq, bool level);

/* Drop cached translations (SBI remote sfence, hart start). */
void hart_flush_tlb(struct hart *hart);
/* Drop decoded instructions (SBI remote fence.i). */
void hart_flush_icache(struct hart *hart);
/* The memory behind guest physical [base, base + len) was replaced (a DAX
 * remap): drop only what the hart cached of those pages. */
void hart_forget_physical(struct hart *hart, uint64_t base, uint64_t len);
/* Make the current hart_run return after this instruction (SBI hart_stop). */
void hart_yield(struct hart *hart);

/*
 * Run up to `budget` instructions. Returns how many retired. Returns early
 * when the hart executes WFI with no enabled interrupt pending, after which
 * hart_waiting() is true until an interrupt becomes pending.
 */
uint64_t hart_run(struct hart *hart, uint64_t budget);
bool hart_waiting(const struct hart *hart);

/*
 * Earliest mtime at which this hart's own timer (Sstc stimecmp) fires, or
 * UINT64_MAX. Lets the machine sleep until then when every hart waits.
 */
uint64_t hart_next_timer(const struct hart *hart);

/* Instructions retired since reset (instret). */
uint64_t hart_instret(const struct hart *hart);
