/*
 * Interrupts: the machine timer (CLINT mtimecmp), direct and vectored
 * mtvec; the machine software interrupt (CLINT msip), also taken from S
 * with mstatus.MIE clear; a supervisor software interrupt delegated with
 * mideleg and taken in S, gated by sstatus.SIE in S but not in U, also
 * raised by S itself through sip and taken through a vectored stvec; a
 * supervisor timer interrupt raised by M through mip.STIP.
 */
#include "test.h"

#define IRQ_S_SOFT  0x8000000000000001
#define IRQ_M_SOFT  0x8000000000000003
#define IRQ_M_TIMER 0x8000000000000007

/* Wait (up to 0.5 s of mtime: a loaded host may stall us) for the handler
   to count an interrupt. */
#define WAIT_IRQ \
    li t0, CLINT_MTIME; ld t1, 0(t0); li t2, 5000000; add t1, t1, t2; \
8:  bnez s5, 9f; ld t2, 0(t0); bltu t2, t1, 8b; 9:

    .text
    .globl main
main:
    la t0, m_irq
    csrw mtvec, t0
    li s5, 0
    li s4, 0

    /* mtimecmp in the future (10 s: a loaded host may stall us): MTIP
       clear */
    li a0, CLINT_MTIME
    ld a1, 0(a0)
    li t0, 100000000
    add a1, a1, t0
    li a2, CLINT_MTIMECMP
    sd a1, 0(a2)
    csrr a3, mip
    andi a3, a3, 1 << 7
    CHECK(a3, 0)
    /* MTIP is read-only in mip */
    li t0, 1 << 7
    csrs mip, t0
    csrr a3, mip
    andi a3, a3, 1 << 7
    CHECK(a3, 0)
    /* mtimecmp reached: pending, but not taken while mstatus.MIE = 0 */
    ld a1, 0(a0)
    li t0, 20000                    /* 2 ms */
    add a1, a1, t0
    sd a1, 0(a2)
    li t0, 1 << 7
    csrs mie, t0
    li t1, 10000000                 /* wait for MTIP, at most 1 s more */
    add t1, t1, a1
1:  csrr a3, mip
    andi a3, a3, 1 << 7
    bnez a3, 2f
    ld a4, 0(a0)
    bltu a4, t1, 1b
2:  CHECK(a3, 1 << 7)
    ld a4, 0(a0)                    /* not before mtimecmp */
    sltu a4, a4, a1
    CHECK(a4, 0)
    CHECK(s5, 0)
    /* enabling MIE takes it at once */
    csrsi mstatus, MSTATUS_MIE
2:  WAIT_IRQ
    CHECK(s5, 1)
    li t0, IRQ_M_TIMER
    CHECK_REG(s8, t0)
    CHECK(s9, 0)                    /* mtval is zero for interrupts */
    la t0, 2b                       /* taken right after the csrs */
    CHECK_REG(s10, t0)
    andi a0, s7, 1 << 7             /* mip.MTIP in the handler */
    CHECK(a0, 1 << 7)
    srli a0, s6, 7                  /* MPIE = 1, MIE = 0 in the handler */
    andi a0, a0, 1
    CHECK(a0, 1)
    andi a0, s6, MSTATUS_MIE
    CHECK(a0, 0)
    /* a far-future mtimecmp clears MTIP */
    li a2, CLINT_MTIMECMP
    li t0, -1
    sd t0, 0(a2)
    csrr a3, mip
    andi a3, a3, 1 << 7
    CHECK(a3, 0)

    /* MIE already set: enabling MTIE in mie takes a pending timer at once,
       and a loop touching only registers still gets interrupted */
    li s5, 0
    li a2, CLINT_MTIMECMP
    sd zero, 0(a2)                  /* pending from now on */
    csrsi mstatus, MSTATUS_MIE
    li t0, 1 << 7
    csrs mie, t0
2:  li t0, 100000000
1:  bnez s5, 1f
    addi t0, t0, -1
    bnez t0, 1b
1:  csrci mstatus, MSTATUS_MIE
    CHECK(s5, 1)
    la t0, 2b
    CHECK_REG(s10, t0)
    li t0, -1
    sd t0, 0(a2)
    li s5, 0
    li t0, 1 << 7
    csrs mie, t0
    li a0, CLINT_MTIME              /* a timer 1 ms ahead, same loop */
    ld a1, 0(a0)
    li t0, 10000
    add a1, a1, t0
    sd a1, 0(a2)
    csrsi mstatus, MSTATUS_MIE
    li t0, 100000000
1:  bnez s5, 1f
    addi t0, t0, -1
    bnez t0, 1b
1:  csrci mstatus, MSTATUS_MIE
    CHECK(s5, 1)
    li t0, -1
    sd t0, 0(a2)

    /* vectored mtvec: interrupt cause 7 enters at base + 4 * 7 */
    csrci mstatus, MSTATUS_MIE
    la t0, vectors
    ori t0, t0, 1
    csrw mtvec, t0
    csrr a0, mtvec
    CHECK_REG(a0, t0)
    li s5, 0
    li t0, 1 << 7
    csrs mie, t0
    li a0, CLINT_MTIME
    ld a1, 0(a0)
    addi a1, a1, 100
    li a2, CLINT_MTIMECMP
    sd a1, 0(a2)
    csrsi mstatus, MSTATUS_MIE
    WAIT_IRQ
    CHECK(s5, 1)
    CHECK(s4, 7)
    li t0, IRQ_M_TIMER
    CHECK_REG(s8, t0)
    li t0, -1
    sd t0, 0(a2)
    /* exceptions still enter at the base */
    EXPECT_TRAP(1f)
    ebreak
1:  CHECK(s8, 3)
    CHECK(s4, 0x100)
    csrci mstatus, MSTATUS_MIE
    la t0, m_irq
    csrw mtvec, t0

    /* machine software interrupt through the CLINT's msip */
    li s5, 0
    li a0, CLINT
    li t0, 1
    sw t0, 0(a0)
    csrr a3, mip
    andi a3, a3, 1 << 3
    CHECK(a3, 1 << 3)
    li t0, 1 << 3
    csrs mie, t0
    csrsi mstatus, MSTATUS_MIE
    WAIT_IRQ
    CHECK(s5, 1)
    li t0, IRQ_M_SOFT
    CHECK_REG(s8, t0)
    csrci mstatus, MSTATUS_MIE
    sw zero, 0(a0)
    lw a1, 0(a0)
    CHECK(a1, 0)
    csrr a3, mip
    andi a3, a3, 1 << 3
    CHECK(a3, 0)

    /* both pending: the software interrupt has priority over the timer */
    li s5, 0
    li t0, 1
    sw t0, 0(a0)
    li a2, CLINT_MTIMECMP
    sd zero, 0(a2)
    li t0, (1 << 3) | (1 << 7)
    csrs mie, t0
1:  csrr t1, mip                    /* wait until both are visible */
    and t1, t1, t0
    bne t1, t0, 1b
    csrsi mstatus, MSTATUS_MIE
    WAIT_IRQ
    csrci mstatus, MSTATUS_MIE
    CHECK(s5, 1)
    li t0, IRQ_M_SOFT
    CHECK_REG(s8, t0)
    sw zero, 0(a0)
    li t0, -1
    sd t0, 0(a2)

    /* an M interrupt is taken in S even with mstatus.MIE = 0 */
    li s5, 0
    li t0, 1
    sw t0, 0(a0)
    li t0, 1 << 3
    csrs mie, t0
    GO_MODE 1, 2f
2:  WAIT_IRQ
    TO_M
    CHECK(s5, 1)
    li t0, IRQ_M_SOFT
    CHECK_REG(s8, t0)
    srli a1, s6, 11                 /* MPP = S */
    andi a1, a1, 3
    CHECK(a1, 1)
    li a0, CLINT
    sw zero, 0(a0)

    /* delegated supervisor software interrupt, taken in S */
    li t0, 1 << 1
    csrw mideleg, t0
    la t0, s_irq
    csrw stvec, t0
    li s5, 0
    li t0, 1 << 1
    csrs mie, t0
    csrs mip, t0                    /* SSIP pending */
    csrci mstatus, MSTATUS_SIE
    GO_MODE 1, 2f
2:  li t0, 1000                     /* SIE = 0 in S: held off */
1:  addi t0, t0, -1
    bnez t0, 1b
    CHECK(s5, 0)
    csrsi sstatus, MSTATUS_SIE
3:  WAIT_IRQ
    CHECK(s5, 1)
    li t0, IRQ_S_SOFT
    CHECK_REG(s8, t0)
    la t0, 3b
    CHECK_REG(s10, t0)
    csrr a0, sip                    /* the handler cleared SSIP */
    andi a0, a0, 1 << 1
    CHECK(a0, 0)
    TO_M
    /* from U it is taken whatever sstatus.SIE says */
    li s5, 0
    li t0, 1 << 1
    csrs mie, t0
    csrs mip, t0
    csrci mstatus, MSTATUS_SIE
    GO_MODE 0, 2f
2:  WAIT_IRQ
    CHECK(s5, 1)
    li t0, IRQ_S_SOFT
    CHECK_REG(s8, t0)
    la t0, 2b
    CHECK_REG(s10, t0)
    TO_M
    csrr a0, mcause                 /* M saw only the ecall from U */
    CHECK(a0, 8)

    /* a supervisor timer interrupt that M raises through mip.STIP */
    li t0, 1 << 5
    csrw mideleg, t0
    li s5, 0
    csrs mie, t0
    csrs mip, t0
    csrr a0, sip
    andi a0, a0, 1 << 5
    CHECK(a0, 1 << 5)
    csrsi mstatus, MSTATUS_SIE
    GO_MODE 1, 2f
2:  WAIT_IRQ
    CHECK(s5, 1)
    li t0, 0x8000000000000005
    CHECK_REG(s8, t0)
    li t0, 1 << 5                   /* STIP is read-only in sip */
    csrc sip, t0
    csrr a0, sip
    andi a0, a0, 1 << 5
    CHECK(a0, 1 << 5)
    TO_M
    li t0, 1 << 5
    csrc mip, t0
    csrr a0, mip
    andi a0, a0, 1 << 5
    CHECK(a0, 0)

    /* S raises its own software interrupt through sip; vectored stvec
       enters it at base + 4 * 1 */
    li t0, 1 << 1
    csrw mideleg, t0
    la t0, s_vectors
    ori t0, t0, 1
    csrw stvec, t0
    li s5, 0
    li s4, 0
    csrsi mstatus, MSTATUS_SIE
    GO_MODE 1, 2f
2:  li t0, 1 << 1
    csrs sie, t0
    csrs sip, t0
3:  WAIT_IRQ
    CHECK(s5, 1)
    CHECK(s4, 1)
    li t0, IRQ_S_SOFT
    CHECK_REG(s8, t0)
    la t0, 3b
    CHECK_REG(s10, t0)
    TO_M
    PASS

/* Count and record the interrupt, disable all sources, resume. */
    .align 2
m_irq:
    csrr t4, mcause
    bgez t4, trap_entry             /* exceptions: the default handler */
    csrr s8, mcause
    csrr s9, mtval
    csrr s10, mepc
    csrr s7, mip
    csrr s6, mstatus
    csrw mie, zero
    addi s5, s5, 1
    mret

/* Delegated interrupts: record, clear SSIP, disable all, resume. */
    .align 2
s_irq:
    csrr s8, scause
    csrr s9, stval
    csrr s10, sepc
    csrci sip, 1 << 1
    csrw sie, zero
    addi s5, s5, 1
    sret

/* Vectored mtvec: exceptions at +0, interrupt i at +4i. */
    .option norvc                   /* 4-byte slots */
    .align 8
vectors:
    j vec_exc
    .rept 6
    j vec_bad
    .endr
    li s4, 7
    j m_irq
vec_bad:
    li s4, -1
    j m_irq
vec_exc:
    li s4, 0x100
    j trap_entry

/* Vectored stvec: only the supervisor software interrupt is expected. */
    .align 8
s_vectors:
    j trap_entry                    /* exceptions are not delegated here */
    li s4, 1
    j s_irq
