/*
 * WFI: wakes up when the timer interrupt becomes pending, whether or not
 * mstatus.MIE lets it trap; with MIE set the interrupt is taken with mepc
 * after the wfi; likewise from S-mode. In U-mode, and in S-mode with
 * mstatus.TW, WFI is illegal.
 */
#include "test.h"

    .text
    .globl main
    .option norvc
main:
    la t0, m_irq
    csrw mtvec, t0
    li s5, 0
    li t0, 1 << 7
    csrs mie, t0

    /* MIE = 0: wfi returns once MTIP is pending, no trap */
    li a0, CLINT_MTIME
    ld a1, 0(a0)
    li t0, 10000                    /* 1 ms */
    add a1, a1, t0
    li a2, CLINT_MTIMECMP
    sd a1, 0(a2)
    wfi
    ld a3, 0(a0)                    /* woken no earlier than mtimecmp... */
    sltu a4, a3, a1
    CHECK(a4, 0)
    csrr a4, mip                    /* ...and because MTIP is pending */
    andi a4, a4, 1 << 7
    CHECK(a4, 1 << 7)
    CHECK(s5, 0)

    /* MIE = 1: the interrupt is taken, mepc is the instruction after wfi */
    ld a1, 0(a0)
    li t0, 10000
    add a1, a1, t0
    sd a1, 0(a2)
    csrsi mstatus, MSTATUS_MIE
    wfi
2:  csrci mstatus, MSTATUS_MIE
    CHECK(s5, 1)
    li t0, 0x8000000000000007
    CHECK_REG(s8, t0)
    la t0, 2b
    CHECK_REG(s10, t0)
    ld a3, 0(a0)
    sltu a4, a3, a1
    CHECK(a4, 0)
    li t0, -1
    sd t0, 0(a2)

    /* WFI in S-mode (TW = 0) waits too; the M interrupt then traps */
    li s5, 0
    li t0, 1 << 7
    csrs mie, t0
    ld a1, 0(a0)
    li t0, 10000
    add a1, a1, t0
    sd a1, 0(a2)
    GO_MODE 1, 1f
1:  wfi
2:  TO_M
    CHECK(s5, 1)
    la t0, 2b
    CHECK_REG(s10, t0)
    ld a3, 0(a0)
    sltu a4, a3, a1
    CHECK(a4, 0)
    li t0, -1
    sd t0, 0(a2)

    /* WFI in U-mode, or in S-mode with TW = 1, is illegal */
    EXPECT_TRAP(1f)
    GO_MODE 0, 2f
2:  wfi
1:  CHECK(s8, 2)
    CHECK(s9, 0x10500073)
    TO_M
    li t0, 1 << 21
    csrs mstatus, t0
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  wfi
1:  CHECK(s8, 2)
    TO_M
    PASS

/* Count and record the interrupt, disable all sources, resume. */
    .align 2
m_irq:
    csrr t4, mcause
    bgez t4, trap_entry
    csrr s8, mcause
    csrr s10, mepc
    csrw mie, zero
    addi s5, s5, 1
    mret
