/*
 * Synchronous traps and privilege changes: ecall from M, S and U, ebreak,
 * illegal instructions (mtval = the bits), access faults, mret/sret and
 * the MPP/MPIE/SPP/SPIE bookkeeping, delegation to S through medeleg.
 */
#include "test.h"

/* Field extraction from a saved mstatus (s7). */
#define MPP_OF(r)  srli r, s7, 11; andi r, r, 3
#define BIT_OF(r, b) srli r, s7, b; andi r, r, 1

    .text
    .globl main
    .option norvc
main:
    li a6, 0
    la t0, m_catch
    csrw mtvec, t0

    /* ecall from M: cause 11, mepc = the ecall, mtval = 0 */
    li t0, MSTATUS_MIE              /* no interrupt is enabled in mie */
    csrs mstatus, t0
    la s11, 1f
2:  ecall
1:  CHECK(s8, 11)
    CHECK(s9, 0)
    la a0, 2b
    CHECK_REG(s10, a0)
    MPP_OF(a0)
    CHECK(a0, 3)
    BIT_OF(a0, 7)                   /* MPIE = old MIE */
    CHECK(a0, 1)
    BIT_OF(a0, 3)                   /* MIE cleared in the handler */
    CHECK(a0, 0)

    /* ebreak: cause 3 */
    la s11, 1f
2:  ebreak
1:  CHECK(s8, 3)
    la a0, 2b
    CHECK_REG(s10, a0)

    /* illegal instruction: mtval holds the instruction bits */
    la s11, 1f
2:  .word 0xfe000033                /* add with funct7 = 0x7f */
1:  CHECK(s8, 2)
    CHECK(s9, 0xfe000033)
    la a0, 2b
    CHECK_REG(s10, a0)

    /* mret with MPP = M stays in M: MIE = MPIE, MPIE = 1, MPP = U */
    li t0, MSTATUS_MIE | MSTATUS_MPIE | MSTATUS_MPP
    csrc mstatus, t0
    li t0, MSTATUS_MPIE | MSTATUS_MPP
    csrs mstatus, t0
    la t0, 1f
    csrw mepc, t0
    mret
1:  csrr s7, mstatus
    BIT_OF(a0, 3)
    CHECK(a0, 1)
    BIT_OF(a0, 7)
    CHECK(a0, 1)
    MPP_OF(a0)
    CHECK(a0, 0)
    li t0, MSTATUS_MIE
    csrc mstatus, t0

    /* ecall from S: cause 9, MPP = S */
    la s11, 1f
    GO_MODE 1, 2f
2:  ecall
1:  CHECK(s8, 9)
    la a0, 2b
    CHECK_REG(s10, a0)
    MPP_OF(a0)
    CHECK(a0, 1)

    /* ecall from U: cause 8, MPP = U */
    la s11, 1f
    GO_MODE 0, 2f
2:  ecall
1:  CHECK(s8, 8)
    MPP_OF(a0)
    CHECK(a0, 0)

    /* M-only CSRs and mret are illegal in S; sret is illegal in U */
    la s11, 1f
    GO_MODE 1, 2f
2:  csrr a0, mscratch
1:  CHECK(s8, 2)
    CHECK(s9, 0x34002573)
    la s11, 1f
    GO_MODE 1, 2f
2:  mret
1:  CHECK(s8, 2)
    CHECK(s9, 0x30200073)
    la s11, 1f
    GO_MODE 0, 2f
2:  sret
1:  CHECK(s8, 2)
    CHECK(s9, 0x10200073)
    la s11, 1f
    GO_MODE 0, 2f
2:  csrr a0, sscratch
1:  CHECK(s8, 2)
    /* mstatus.TSR makes sret illegal in S */
    li t0, 1 << 22
    csrs mstatus, t0
    la s11, 1f
    GO_MODE 1, 2f
2:  sret
1:  CHECK(s8, 2)
    li t0, 1 << 22
    csrc mstatus, t0

    /* sret from S to U: SIE = SPIE, SPIE = 1, SPP = U; U's ecall proves
       the mode */
    la s11, 1f
    GO_MODE 1, 2f
2:  li t0, MSTATUS_SPP | MSTATUS_SIE
    csrc sstatus, t0
    li t0, MSTATUS_SPIE
    csrs sstatus, t0
    la t0, 3f
    csrw sepc, t0
    sret
3:  ecall
1:  CHECK(s8, 8)
    BIT_OF(a0, 1)                   /* SIE */
    CHECK(a0, 1)
    BIT_OF(a0, 5)                   /* SPIE */
    CHECK(a0, 1)
    BIT_OF(a0, 8)                   /* SPP */
    CHECK(a0, 0)
    li t0, MSTATUS_SIE
    csrc mstatus, t0

    /* delegation: U ecall goes to S (stvec) and sets S's CSRs */
    li t0, 1 << 8
    csrw medeleg, t0
    la t0, s_catch
    csrw stvec, t0
    li t0, 0x5a
    csrw scause, t0
    la s11, 1f
    GO_MODE 0, 2f
2:  ecall
1:  CHECK(s8, 8)
    la a0, 2b
    CHECK_REG(s10, a0)
    BIT_OF(a0, 8)                   /* s7 holds sstatus here: SPP = U */
    CHECK(a0, 0)
    csrr a0, scause
    CHECK(a0, 8)
    csrr a0, sepc
    la a1, 2b
    CHECK_REG(a0, a1)
    /* ...but S ecall is not delegated, and a delegated cause raised in M
       still traps to M */
    la s11, 1f
    GO_MODE 1, 2f
2:  ecall
1:  CHECK(s8, 9)
    csrr a0, mcause
    CHECK(a0, 9)
    li t0, (1 << 8) | (1 << 2)
    csrw medeleg, t0
    la s11, 1f
    .word 0xfe000033
1:  CHECK(s8, 2)
    csrr a0, mcause
    CHECK(a0, 2)
    /* delegated illegal instruction from S: stval = the bits */
    la s11, 1f
    GO_MODE 1, 2f
2:  .word 0xfe000033
1:  CHECK(s8, 2)
    CHECK(s9, 0xfe000033)
    BIT_OF(a0, 8)                   /* SPP = S */
    CHECK(a0, 1)
    /* S's own ecall can be delegated to S too */
    li t0, 1 << 9
    csrw medeleg, t0
    la s11, 1f
    GO_MODE 1, 2f
2:  ecall
1:  CHECK(s8, 9)
    la a0, 2b
    CHECK_REG(s10, a0)
    BIT_OF(a0, 8)                   /* SPP = S */
    CHECK(a0, 1)
    csrw medeleg, zero

    /* access faults: nothing is mapped at 2^47 */
    li s1, 0x800000000000
    la s11, 1f
    ld a0, 0(s1)
1:  CHECK(s8, 5)
    CHECK_REG(s9, s1)
    la s11, 1f
    sd a0, 8(s1)
1:  CHECK(s8, 7)
    addi s1, s1, 8
    CHECK_REG(s9, s1)
    la s11, 1f
    jalr s1
1:  CHECK(s8, 1)
    CHECK_REG(s10, s1)
    CHECK_REG(s9, s1)

    la t0, trap_entry
    csrw mtvec, t0
    PASS

/* Record the trap, then continue in M-mode at s11. */
    .align 2
m_catch:
    li t4, MAGIC_FAIL
    beq a7, t4, trap_entry
    li t4, MAGIC_PASS
    beq a7, t4, trap_entry
    beqz s11, trap_entry
    bnez a6, 1f                     /* forwarded by s_catch: keep its record */
    csrr s7, mstatus
    csrr s8, mcause
    csrr s9, mtval
    csrr s10, mepc
1:  li a6, 0
    li t4, MSTATUS_MPP
    csrs mstatus, t4
    csrw mepc, s11
    li s11, 0
    mret

/* The same for traps delegated to S: record, then back to M through an
   ebreak (never delegated here) that m_catch does not record (a6 = 1). */
    .align 2
s_catch:
    csrr s7, sstatus
    csrr s8, scause
    csrr s9, stval
    csrr s10, sepc
    li a6, 1
    ebreak
