/*
 * Untrusted guest code: random instruction streams, with random register
 * values and trap handlers that skip the faulting instruction, must
 * never crash the emulator (the ASan build checks every host access),
 * and hart_run must always come back within its budget.
 */
#include "fixture.h"
#include "tests/check.h"
#include "tests.h"

#define RANDOM_CODE  (RAM_BASE + 0x2000)
#define RANDOM_BYTES 0x4000
#define RUN_BUDGET   20000
#define RUNS         20
/* A run may overshoot only by straight-line code up to a page end. */
#define MAX_OVERSHOOT 2048

static uint64_t next_random(uint64_t *state)
{
    uint64_t x = *state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    return *state = x;
}

/* Mostly real opcodes with random fields, so deep paths get exercised. */
static uint32_t random_insn(uint64_t *state)
{
    static const uint8_t opcodes[] = {
        0x03, 0x07, 0x0f, 0x13, 0x17, 0x1b, 0x23, 0x27, 0x2f, 0x33, 0x37,
        0x3b, 0x43, 0x47, 0x4b, 0x4f, 0x53, 0x63, 0x67, 0x6f, 0x73,
    };
    uint64_t r = next_random(state);
    switch (r % 4) {
    case 0:
        return (uint32_t)(r >> 8); /* anything, compressed included */
    case 1:                        /* CSR access to a random low CSR number */
        return (uint32_t)((r >> 20) & 0x3ff) << 20 |
               (uint32_t)((r >> 8) & 0x7ffff) << 7 | 0x73;
    default:
        return (uint32_t)(r >> 16) << 7 | opcodes[(r >> 8) % sizeof(opcodes)];
    }
}

static void run_random(uint64_t seed, bool supervisor)
{
    struct fixture f;
    fx_init(&f, NULL);
    uint64_t state = seed * 0x9e3779b97f4a7c15ull + 1;
    /* Trap handlers skip the trapping instruction (t6 is theirs). */
    uint64_t m_handler = FX_HANDLER, s_handler = FX_HANDLER + 0x40;
    fx_org(&f, m_handler);
    fx_emit(&f, CSRR(31, CSR_MEPC));
    fx_emit(&f, ADDI(31, 31, 4));
    fx_emit(&f, CSRW(CSR_MEPC, 31));
    fx_emit(&f, MRET);
    fx_org(&f, s_handler);
    fx_emit(&f, CSRR(31, 0x141)); /* sepc */
    fx_emit(&f, ADDI(31, 31, 4));
    fx_emit(&f, CSRW(0x141, 31));
    fx_emit(&f, 0x10200073); /* sret */
    /* Prologue: install them, FP on, jump into the random code. */
    fx_org(&f, RAM_BASE);
    if (!supervisor) {
        fx_la(&f, T0, m_handler);
        fx_emit(&f, CSRW(CSR_MTVEC, T0));
    }
    fx_la(&f, T0, s_handler);
    fx_emit(&f, CSRW(0x105, T0)); /* stvec */
    fx_emit(&f, LUI(T1, 0x6));
    fx_emit(&f, CSRRS(ZERO, 0x100, T1)); /* sstatus.FS */
    fx_la(&f, T0, RANDOM_CODE);
    fx_emit(&f, JALR(ZERO, T0, 0));
    fx_org(&f, RANDOM_CODE);
    for (unsigned i = 0; i < RANDOM_BYTES / 4; i++)
        fx_emit(&f, random_insn(&state));
    if (supervisor) /* S-mode, traps delegated, paging possible */
        hart_reset(f.harts[0], RAM_BASE, PRIV_S);
    for (unsigned x = 1; x < 32; x++) {
        uint64_t r = next_random(&state);
        /* Half the registers point into RAM, the rest are anything. */
        uint64_t v = (r & 1) ? RAM_BASE + (r >> 8) % FX_RAM_SIZE : r;
        hart_set_reg(f.harts[0], x, v);
    }
    bool within_budget = true;
    for (int i = 0; i < RUNS; i++) {
        if (hart_waiting(f.harts[0]))
            hart_set_irq(f.harts[0], IRQ_MTIP, true);
        uint64_t ran = fx_run(&f, 0, RUN_BUDGET);
        if (ran > RUN_BUDGET + MAX_OVERSHOOT)
            within_budget = false;
        f.mtime += 1000;
    }
    CHECK_EQ("random code: every run within budget", within_budget, 1);
    fx_free(&f);
}

void test_random(void)
{
    for (uint64_t seed = 1; seed <= 40; seed++)
        run_random(seed, seed % 2);
}
