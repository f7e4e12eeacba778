/*
 * A hart spinning in a tight loop still takes its timer interrupt, and no
 * earlier than the timer says: a jal to itself, a c.j to itself, a short
 * backward branch, a loop over a load, in M, in S and in U (the machine
 * timer), and in S with its own Sstc timer delegated to S. A translator
 * that chains a block to itself must still leave it to check interrupts.
 */
#include "test.h"

#define IRQ_M_TIMER 0x8000000000000007
#define IRQ_S_TIMER 0x8000000000000005
#define MTIE (1 << 7)
#define STIE (1 << 5)
#define MENVCFG_STCE (1 << 63)

/* mtimecmp = mtime + 1 ms (10 MHz); s7 = that deadline */
#define ARM_MTIMER \
    li t0, CLINT_MTIME; ld s7, 0(t0); li t0, 10000; add s7, s7, t0; \
    li t0, CLINT_MTIMECMP; sd s7, 0(t0)

/* The interrupt was the machine timer, taken at `spin`, not too early. */
#define CHECK_TAKEN(cause, spin) \
    li t0, cause; CHECK_REG(s8, t0); la t0, spin; CHECK_REG(s10, t0); \
    sltu t0, s9, s7; CHECK(t0, 0)

    .text
    .option norvc                   /* keeps .align working below */
    .globl main
main:
    li s5, 0
    la t0, m_timer
    csrw mtvec, t0
    li t0, MTIE
    csrs mie, t0

    /* M: jal to itself */
    la s11, 1f
    ARM_MTIMER
    csrsi mstatus, MSTATUS_MIE
spin_jal:
    j spin_jal
1:  CHECK_TAKEN(IRQ_M_TIMER, spin_jal)

    /* M: c.j to itself */
    la s11, 1f
    ARM_MTIMER
    csrsi mstatus, MSTATUS_MIE
    .option rvc
spin_cj:
    c.j spin_cj
    c.nop
    .option norvc
1:  CHECK_TAKEN(IRQ_M_TIMER, spin_cj)

    /* M: a two-instruction backward branch that never ends by itself */
    la s11, 1f
    li a0, 1
    ARM_MTIMER
    csrsi mstatus, MSTATUS_MIE
spin_branch:
    addi a0, a0, 2
    bnez a0, spin_branch
1:  CHECK(s5, 3)
    andi a0, a0, 1                  /* the loop ran: a0 stayed odd */
    CHECK(a0, 1)
    csrr t0, mcause
    li t1, IRQ_M_TIMER
    CHECK_REG(t0, t1)
    sltu t0, s9, s7
    CHECK(t0, 0)

    /* M: a loop over a load (the memory path, not just registers) */
    la s11, 1f
    la a1, flag
    ARM_MTIMER
    csrsi mstatus, MSTATUS_MIE
spin_load:
    ld a0, 0(a1)
    beqz a0, spin_load
1:  CHECK(s5, 4)
    CHECK(a0, 0)

    /* S and U: the machine timer preempts them whatever mstatus.MIE */
    la s11, 1f
    ARM_MTIMER
    GO_MODE 1, spin_s
spin_s:
    j spin_s
1:  TO_M
    CHECK_TAKEN(IRQ_M_TIMER, spin_s)
    la s11, 1f
    ARM_MTIMER
    GO_MODE 0, spin_u
spin_u:
    j spin_u
1:  TO_M
    CHECK_TAKEN(IRQ_M_TIMER, spin_u)

    /* S: its own Sstc timer, delegated, taken in S */
    li t0, MTIE
    csrc mie, t0
    li t0, MENVCFG_STCE
    csrs menvcfg, t0
    li t0, 2
    csrw mcounteren, t0             /* TM: S may use stimecmp */
    li t0, STIE
    csrw mideleg, t0
    csrs mie, t0
    la t0, s_timer
    csrw stvec, t0
    la s11, 1f
    GO_MODE 1, 2f
2:  csrsi sstatus, MSTATUS_SIE
    rdtime s7
    li t0, 10000
    add s7, s7, t0
    csrw stimecmp, s7
spin_stimer:
    j spin_stimer
1:  TO_M
    CHECK_TAKEN(IRQ_S_TIMER, spin_stimer)
    PASS

/* Timer interrupts: record cause, mtime, epc; silence the timer; resume
   at s11 with the timer interrupts disabled (MPIE = 0). s5 counts them. */
    .align 2
m_timer:
    csrr t4, mcause
    bgez t4, trap_entry             /* exceptions: the default handler */
    mv s8, t4
    li t4, CLINT_MTIME
    ld s9, 0(t4)
    csrr s10, mepc
    li t4, CLINT_MTIMECMP
    li t5, -1
    sd t5, 0(t4)
    li t4, MSTATUS_MPIE
    csrc mstatus, t4
    csrw mepc, s11
    addi s5, s5, 1
    mret

    .align 2
s_timer:
    csrr t4, scause
    bgez t4, strap_entry
    mv s8, t4
    rdtime s9
    csrr s10, sepc
    li t4, -1
    csrw stimecmp, t4
    li t4, MSTATUS_SPIE
    csrc sstatus, t4
    csrw sepc, s11
    addi s5, s5, 1
    sret

    .data
    .align 3
flag: .dword 0
