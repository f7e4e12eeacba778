/*
 * Two harts (run with -c 2 / -smp 2): both increment shared counters with
 * amoadd, with an LR/SC loop and under an amoswap spinlock; no update may
 * be lost, so an SC must fail when the other hart wrote in between. Then
 * hart 0 wakes hart 1 from WFI with a CLINT msip write (an IPI).
 */
#include "test.h"

#define N 20000

    .text
    .globl main
main:
    la s0, shared
    csrr t0, mhartid
    bnez t0, hart1
    CHECK(a0, 0)                    /* a0 = hartid at reset */
    jal ra, work
    /* wait (up to 5 s) for hart 1 to finish its share */
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 50000000
    add t1, t1, t2
1:  lw a1, 24(s0)
    bnez a1, 2f
    ld t2, 0(t0)
    bltu t2, t1, 1b
2:  CHECK(a1, 1)
    lw a1, 0(s0)
    CHECK(a1, 2*N)                  /* amoadd */
    lw a1, 4(s0)
    CHECK(a1, 2*N)                  /* lr/sc */
    lw a1, 8(s0)
    CHECK(a1, 2*N)                  /* spinlock */

    /* IPI: hart 1 sleeps in WFI until its msip is set */
1:  lw a1, 28(s0)                   /* hart 1 is about to sleep */
    beqz a1, 1b
    li t0, CLINT + 4
    li t1, 1
    sw t1, 0(t0)
    li t0, CLINT_MTIME
    ld t1, 0(t0)
    li t2, 50000000
    add t1, t1, t2
1:  lw a1, 32(s0)
    bnez a1, 2f
    ld t2, 0(t0)
    bltu t2, t1, 1b
2:  CHECK(a1, 1)
    PASS

hart1:
    CHECK(a0, 1)
    csrr a1, mhartid
    CHECK(a1, 1)
    jal ra, work
    li t0, 1
    sw t0, 24(s0)
    /* sleep with only MSIE enabled (MIE = 0: WFI returns, no trap) */
    li t0, 1 << 3
    csrw mie, t0
    li t0, 1
    sw t0, 28(s0)
1:  wfi
    csrr t0, mip
    andi t0, t0, 1 << 3
    beqz t0, 1b
    li t0, CLINT + 4                /* acknowledge */
    sw zero, 0(t0)
    li t0, 1
    sw t0, 32(s0)
1:  wfi
    j 1b

/* Each hart's share of the increments. */
work:
    li t3, N
1:  li t0, 1
    amoadd.w zero, t0, (s0)
    addi s1, s0, 4
2:  lr.w t0, (s1)
    addi t0, t0, 1
    sc.w t1, t0, (s1)
    bnez t1, 2b
    addi s1, s0, 16                 /* lock */
    li t0, 1
3:  amoswap.w.aq t1, t0, (s1)
    bnez t1, 3b
    lw t2, 8(s0)
    addi t2, t2, 1
    sw t2, 8(s0)
    amoswap.w.rl zero, zero, (s1)
    addi t3, t3, -1
    bnez t3, 1b
    ret

    .data
    .align 6
shared:
    .word 0, 0, 0, 0                /* amoadd, lr/sc, locked, pad */
    .word 0, 0, 0, 0, 0             /* lock, pad, done, asleep, woken */
