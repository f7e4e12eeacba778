/*
 * Sv39 corner cases: accesses and instructions that straddle two virtual
 * pages mapped to non-adjacent physical pages, a fetch that runs into an
 * unmapped page (mtval names that page), access faults (not page faults)
 * for a leaf to absent physical memory, a pointer PTE at the last level, A/D on a
 * superpage, satp's WARL mode, and mstatus.TVM.
 */
#include "test.h"
#include "vm.h"

    .text
    .globl main
main:
    VM_BUILD
    SATP_ASID s0, pt_root, 0
    csrw satp, s0
    sfence.vma
    li t0, 15 << 60                 /* reserved mode: the write is ignored */
    csrw satp, t0
    csrr a0, satp
    CHECK_REG(a0, s0)
    GO_MODE 1, s_code

s_code:
    /* a 32-bit instruction split across two pages */
    li s1, VA_XA + 0xffe
    li a0, 0
    jalr s1
    CHECK(a0, 0x123)
    /* ...and one whose second half is in an unmapped page */
    li s1, VA_XB + 0xffe
    li s2, VA_HOLE
    FAULT(12, s2, jalr s1)
    CHECK_REG(s10, s1)              /* epc: the start of the instruction */

    /* loads and stores across the pages: the bytes of both pages */
    li s1, VA_XA + 0xffc
    ld a0, 0(s1)
    CHECK(a0, 0x806712300513beef)
    lw a0, 2(s1)
    CHECK(a0, 0x12300513)
    li s1, VA_PAIR + 0xffa          /* page_b's end, then page_a's start */
    li t0, 0x0102030405060708
    sd t0, 0(s1)
    la t1, page_b
    li t2, 0xff8
    add t1, t1, t2
    ld a0, 0(t1)
    CHECK(a0, 0x0304050607080000)
    la t1, page_a                   /* the last two bytes land here */
    ld a0, 0(t1)
    CHECK(a0, 0xaaaa0000aaaa0102)
    ld a0, 0(s1)
    CHECK(a0, 0x0102030405060708)

    /* a leaf to absent physical memory: access faults, not page faults.
       (A walk through absent memory must also give an access fault, but
       QEMU 7.2 reports a page fault there, so it is not checked.) */
    li s1, VA_NOMEM
    FAULT(5, s1, ld a0, 0(s1))
    FAULT(7, s1, sd a0, 0(s1))
    FAULT(1, s1, jalr s1)
    /* reserved PTE bits 63..54 set: a page fault */
    la s3, pt_l0_t
    ld s4, 0(s3)                    /* VA_RW's PTE */
    li t0, 1 << 60
    or t0, t0, s4
    sd t0, 0(s3)
    sfence.vma
    li s1, VA_RW
    FAULT(13, s1, ld a0, 0(s1))
    sd s4, 0(s3)
    sfence.vma
    /* a pointer where a leaf must be */
    li s1, VA_LEAFPTR
    FAULT(13, s1, ld a0, 0(s1))

    /* A and D on a megapage PTE */
    la s3, pt_l1_t
    li s1, VA_MEGA_AD
    lwu a0, 0(s1)
    ld a0, 4*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, PTE_A)
    la t0, page_b
    li t1, 0x80000000
    sub t0, t0, t1
    add s1, s1, t0
    sd zero, 64(s1)
    ld a0, 4*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, PTE_A|PTE_D)
    TO_M

    /* TVM: satp and sfence.vma are M's alone */
    li t0, 1 << 20
    csrs mstatus, t0
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  csrr a0, satp
1:  CHECK(s8, 2)
    TO_M
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  sfence.vma
1:  CHECK(s8, 2)
    TO_M
    li t0, 1 << 20
    csrc mstatus, t0
    csrw satp, zero
    PASS

    VM_DATA
