/*
 * Sstc: with menvcfg.STCE set, S-mode programs its own timer through
 * stimecmp; mip.STIP follows time >= stimecmp and the delegated interrupt
 * is taken in S. S access needs mcounteren.TM (and STCE).
 */
#include "test.h"

#define STIP (1 << 5)
#define MENVCFG_STCE (1 << 63)

    .text
    .globl main
main:
    li t0, MENVCFG_STCE
    csrs menvcfg, t0
    csrr a0, menvcfg
    srli a0, a0, 63
    CHECK(a0, 1)
    li t0, -1
    csrw stimecmp, t0
    csrr a0, mip
    andi a0, a0, STIP
    CHECK(a0, 0)
    /* a past stimecmp raises STIP, which M cannot clear by hand */
    csrw stimecmp, zero
    csrr a0, mip
    andi a0, a0, STIP
    CHECK(a0, STIP)
    li t0, STIP
    csrc mip, t0
    csrr a0, mip
    andi a0, a0, STIP
    CHECK(a0, STIP)
    li t0, -1
    csrw stimecmp, t0
    csrr a0, mip
    andi a0, a0, STIP
    CHECK(a0, 0)

    /* S needs mcounteren.TM to reach stimecmp */
    csrw mcounteren, zero
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  csrr a0, stimecmp
1:  CHECK(s8, 2)
    TO_M

    /* S arms its timer; the delegated interrupt arrives in S */
    li t0, 2
    csrw mcounteren, t0
    li t0, STIP
    csrw mideleg, t0
    csrs mie, t0
    la t0, s_irq
    csrw stvec, t0
    li s5, 0
    csrci mstatus, MSTATUS_SIE
    GO_MODE 1, 2f
2:  rdtime a0
    addi a0, a0, 1000               /* 100 us */
    csrw stimecmp, a0
    csrr a1, stimecmp
    CHECK_REG(a1, a0)
    csrsi sstatus, MSTATUS_SIE
    li t0, 10000000                 /* wait up to 1 s of time */
    rdtime t1
    add t1, t1, t0
1:  bnez s5, 1f
    rdtime t2
    bltu t2, t1, 1b
1:  CHECK(s5, 1)
    li t0, 0x8000000000000005
    CHECK_REG(s8, t0)
    rdtime a1                       /* not before stimecmp */
    sltu a1, a1, a0
    CHECK(a1, 0)
    csrr a1, sip                    /* the handler re-armed it far away */
    andi a1, a1, STIP
    CHECK(a1, 0)
    TO_M

    /* with STCE clear, stimecmp does not exist for S */
    li t0, MENVCFG_STCE
    csrc menvcfg, t0
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  csrr a0, stimecmp
1:  CHECK(s8, 2)
    TO_M
    PASS

/* Count the timer interrupt and push stimecmp out of reach. */
    .align 2
s_irq:
    csrr s8, scause
    li s9, -1
    csrw stimecmp, s9
    addi s5, s5, 1
    sret
