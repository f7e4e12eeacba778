/*
 * Sv39 translation from S-mode: 4 KiB pages, a 2 MiB megapage and a 1 GiB
 * gigapage; load, store and fetch page faults (causes 13, 15, 12) with the
 * faulting address in mtval; hardware A/D updates; sfence.vma after a PTE
 * changes (for data and for fetch); misaligned superpages and
 * non-canonical addresses fault.
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
    csrr a0, satp
    CHECK_REG(a0, s0)
    GO_MODE 1, s_code

s_code:
    /* a 4 KiB page: loads and stores reach page_a */
    li s1, VA_RW
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t0, 0x1234
    sd t0, 8(s1)
    la s2, page_a                   /* identity view of the same memory */
    ld a0, 8(s2)
    CHECK(a0, 0x1234)
    /* the megapage and the gigapage map PA 0x8000_0000 */
    li t0, 0x80000000
    sub s3, s2, t0                  /* page_a's offset in RAM */
    li t1, VA_MEGA
    add t1, t1, s3
    ld a0, 0(t1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    li t1, VA_GIGA
    add t1, t1, s3
    ld a0, 8(t1)
    CHECK(a0, 0x1234)
    li t0, 0x5678
    sd t0, 16(t1)
    ld a0, 16(s2)
    CHECK(a0, 0x5678)
    la t0, main                     /* code read through the megapage */
    li t1, 0x80000000
    sub t0, t0, t1
    li t1, VA_MEGA
    add t1, t1, t0
    lwu a0, 0(t1)
    la t0, main
    lwu a1, 0(t0)
    CHECK_REG(a0, a1)

    /* read-only page: loads fine, stores fault */
    li s1, VA_RO
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    addi s1, s1, 8
    FAULT(15, s1, sd a0, 0(s1))
    ld a0, 8(s2)
    CHECK(a0, 0x1234)               /* unchanged */

    /* invalid PTE: every kind of access faults */
    li s1, VA_NONE + 0x10
    FAULT(13, s1, ld a0, 0(s1))
    FAULT(15, s1, sw a0, 0(s1))
    FAULT(12, s1, jalr s1)
    CHECK_REG(s10, s1)              /* epc: the target address */
    /* W without R is reserved, a misaligned megapage is invalid */
    li s1, VA_WONLY
    FAULT(13, s1, ld a0, 0(s1))
    FAULT(15, s1, sd a0, 0(s1))
    li s1, VA_BADMEGA + 0x2000
    FAULT(13, s1, ld a0, 0(s1))
    /* non-canonical: bits 63..39 must equal bit 38 */
    li s1, 0x4000000000
    FAULT(13, s1, ld a0, 0(s1))
    li s1, VA_HIGH
    FAULT(15, s1, sd a0, 0(s1))
    li s1, 0xffffffc000000000       /* canonical, but root[256] is empty */
    FAULT(13, s1, ld a0, 0(s1))

    /* execute permission */
    li s1, VA_CODE
    li a0, 0
    jalr s1
    CHECK(a0, 42)
    li s1, VA_NOX
    lwu a0, 0(s1)                   /* readable... */
    la t0, code_page
    lwu a1, 0(t0)
    CHECK_REG(a0, a1)
    FAULT(12, s1, jalr s1)          /* ...not executable */
    li s1, VA_XO                    /* execute-only: not readable */
    FAULT(13, s1, ld a0, 0(s1))

    /* A and D are set by the hardware walker */
    la s3, pt_l0_t
    ld a0, 5*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, 0)
    li s1, VA_AD
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    ld a0, 5*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, PTE_A)
    sd zero, 24(s1)
    ld a0, 5*8(s3)
    andi a0, a0, PTE_A|PTE_D
    CHECK(a0, PTE_A|PTE_D)

    /* sfence.vma makes a changed PTE take effect */
    li s1, VA_SWAP
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    la t1, page_b
    PTE(t0, t1, RWAD)
    sd t0, 8*8(s3)
    sfence.vma
    ld a0, 0(s1)
    CHECK(a0, 0xbbbb0000bbbb0001)
    la t1, page_a                   /* and back, fencing just that page */
    PTE(t0, t1, RWAD)
    sd t0, 8*8(s3)
    sfence.vma s1, zero
    ld a0, 0(s1)
    CHECK(a0, 0xaaaa0000aaaa0001)
    /* ...and for instruction fetch: the same VA now runs other code */
    li s1, VA_CODE2
    jalr s1
    CHECK(a0, 42)
    la t1, code_page2
    PTE(t0, t1, PTE_V|PTE_X|PTE_A)
    sd t0, 11*8(s3)
    sfence.vma
    jalr s1
    CHECK(a0, 7)
    /* removing a mapping: the next access faults */
    li s1, VA_SWAP
    sd zero, 8*8(s3)
    sfence.vma s1
    FAULT(13, s1, ld a0, 0(s1))
    TO_M

    /* M-mode ignores satp */
    la s1, page_b
    ld a0, 0(s1)
    CHECK(a0, 0xbbbb0000bbbb0001)
    csrw satp, zero
    PASS

    VM_DATA
