/*
 * Page permissions by privilege (Sv39): S may touch U pages only with
 * sstatus.SUM and may never execute them; U may use only U pages; MXR
 * makes execute-only pages readable; M-mode with MPRV translates its loads
 * and stores as the mode in MPP. Page faults delegated with medeleg reach
 * S with scause and stval.
 */
#include "test.h"
#include "vm.h"

    .text
    .globl main
main:
    VM_BUILD
    la t0, user_code                /* user_code's identity page gets U */
    li t1, 0x80000000
    sub t0, t0, t1
    srli t0, t0, 12 - 3
    la t1, pt_l0_id
    add t1, t1, t0
    ld t2, 0(t1)
    ori t2, t2, PTE_U
    sd t2, 0(t1)
    SATP_ASID t0, pt_root, 0
    csrw satp, t0
    sfence.vma
    li t0, MSTATUS_SUM | MSTATUS_MXR
    csrc mstatus, t0
    GO_MODE 1, s_code

s_code:
    /* S and U pages */
    li s1, VA_USER
    FAULT(13, s1, ld a0, 0(s1))
    FAULT(15, s1, sd a0, 0(s1))
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t0, 0x5a5a
    sd t0, 40(s1)
    ld a0, 40(s1)
    CHECK(a0, 0x5a5a)
    li s1, VA_UX                    /* SUM never allows execution */
    FAULT(12, s1, jalr s1)
    li t0, MSTATUS_SUM
    csrc sstatus, t0
    /* MXR: execute-only becomes readable */
    li s1, VA_XO
    FAULT(13, s1, ld a0, 0(s1))
    li t0, MSTATUS_MXR
    csrs sstatus, t0
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    FAULT(15, s1, sd a0, 0(s1))     /* ...but not writable */
    li t0, MSTATUS_MXR
    csrc sstatus, t0
    TO_M

    /* U-mode: runs from user_code, results come back in s2..s7 */
    GO_MODE 0, u_code
u_done:
    CHECK(s2, 0xaaaa0000aaaa0001)   /* U page readable */
    CHECK(s3, 13)                   /* S page: load fault */
    li t0, VA_RW
    CHECK_REG(s4, t0)
    CHECK(s5, 15)                   /* S page: store fault */
    CHECK(s6, 42)                   /* U X page: executes */
    CHECK(s7, 12)                   /* S X page: fetch fault */

    /* MPRV: M's loads and stores translate as MPP's mode */
    li t0, MSTATUS_MPP
    csrc mstatus, t0
    li t0, (1 << 11) | MSTATUS_MPRV  /* as S */
    csrs mstatus, t0
    li s1, VA_RW
    ld a0, 0(s1)
    li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t0, MSTATUS_MPP              /* as U: VA_RW is not a U page */
    csrc mstatus, t0
    li t0, MSTATUS_MPRV
    csrs mstatus, t0
    EXPECT_TRAP(1f)
    ld a0, 0(s1)
1:  li t0, MSTATUS_MPRV
    csrc mstatus, t0
    CHECK(s8, 13)
    CHECK_REG(s9, s1)
    /* page faults delegated to S arrive with scause and stval */
    li t0, (1 << 12) | (1 << 13) | (1 << 15)
    csrw medeleg, t0
    la t0, strap_entry
    csrw stvec, t0
    GO_MODE 1, 2f
2:  li s1, VA_NONE + 0x122
    FAULT(13, s1, lbu a0, 0(s1))
    FAULT(15, s1, sb a0, 0(s1))
    FAULT(12, s1, jalr s1)
    CHECK_REG(s10, s1)              /* sepc: the target */
    csrr a0, scause
    CHECK(a0, 12)
    TO_M
    csrr a0, mcause                 /* M saw only the final ecall */
    CHECK(a0, 9)
    csrw medeleg, zero
    csrw satp, zero
    PASS

/* Code U-mode may execute: its own page, marked U by main. */
    .option push
    .option norvc
    .align 12
user_code:
u_code:
    li s1, VA_USER
    ld s2, 0(s1)
    li s1, VA_RW
    EXPECT_TRAP(1f)
    ld a0, 0(s1)
1:  mv s3, s8
    mv s4, s9
    EXPECT_TRAP(1f)
    sd a0, 0(s1)
1:  mv s5, s8
    li s1, VA_UX
    li a0, 0
    jalr s1
    mv s6, a0
    li s1, VA_CODE
    EXPECT_TRAP(1f)
    jalr s1
1:  mv s7, s8
    TO_M
    j u_done
    .align 12
    .option pop

    VM_DATA
