/*
 * Sv48: the same tables under a fourth level. Addresses above 2^39 now
 * translate, the canonical check moves to bit 47, and A/D and faults
 * behave as in Sv39.
 */
#include "test.h"
#include "vm.h"

    .text
    .globl main
main:
    VM_BUILD
    la t0, pt_root48
    srli t0, t0, 12
    li t1, SATP_SV48
    or s0, t0, t1
    csrw satp, s0
    sfence.vma
    csrr a0, satp
    CHECK_REG(a0, s0)
    GO_MODE 1, s_code

s_code:
    la s2, page_a
    li t0, 0x80000000
    sub s3, s2, t0                  /* page_a's offset in RAM */
    li s1, VA_RW
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t1, VA_MEGA
    add t1, t1, s3
    ld a0, 0(t1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t1, VA_GIGA
    add t1, t1, s3
    ld a0, 0(t1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    /* VPN[3] = 1: a gigapage under the second level-2 table */
    li t1, VA_HIGH
    add t1, t1, s3
    ld a0, 0(t1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t0, 0x4848
    sd t0, 32(t1)
    ld a0, 32(s2)
    CHECK(a0, 0x4848)

    /* non-canonical: bits 63..48 must equal bit 47 */
    li s1, 0x800000000000
    FAULT(13, s1, ld a0, 0(s1))
    li s1, 0xffff800000000000       /* canonical, root[256] is empty */
    FAULT(15, s1, sd a0, 0(s1))
    li s1, 0x4000000000             /* a hole in the Sv39 range */
    FAULT(13, s1, ld a0, 0(s1))
    li s1, VA_NONE
    FAULT(13, s1, lw a0, 0(s1))
    li s1, VA_NOX
    FAULT(12, s1, jalr s1)
    li s1, VA_CODE
    jalr s1
    CHECK(a0, 42)

    /* A then D */
    la s3, pt_l0_t
    li s1, VA_AD
    sw zero, 8(s1)
    ld a0, 5*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, PTE_A|PTE_D)
    TO_M
    csrw satp, zero
    PASS

    VM_DATA
