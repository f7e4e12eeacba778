/*
 * Address spaces: switching satp between two roots that map one VA to
 * different memory. With distinct ASIDs no sfence.vma is needed (a
 * translation cached for one ASID must not serve the other); if the hart
 * has no ASID bits, the test fences instead. Sv39, no global mappings.
 */
#include "test.h"
#include "vm.h"

#define OTHER_PA 0x80200000         /* the 2 MiB right after the image */

    .text
    .globl main
main:
    VM_BUILD
    li t0, OTHER_PA                 /* a marker where root B points */
    li t1, 0xb0b0b0b0b0b0b0b0
    sd t1, 0(t0)
    /* root B: root A's entries, but VA_MEGA's L1 table maps OTHER_PA */
    la t0, pt_root
    la t1, pt_root_b
    li t2, 512
1:  ld t3, 0(t0)
    sd t3, 0(t1)
    addi t0, t0, 8
    addi t1, t1, 8
    addi t2, t2, -1
    bnez t2, 1b
    SETPTE pt_root_b, 1, pt_l1_b, 0, PTE_V
    li t2, OTHER_PA
    PTE(t0, t2, RWAD)
    la t1, pt_l1_b
    sd t0, 0(t1)

    /* satp values with ASIDs 1 and 2, if the hart keeps ASID bits */
    li t0, SATP_SV39 | (0xffff << 44)
    csrw satp, t0
    csrr t0, satp
    srli t0, t0, 44
    andi s4, t0, 1                  /* s4 = 1: ASIDs 1 and 2 exist */
    csrw satp, zero
    la t0, pt_root
    srli t0, t0, 12
    li t1, SATP_SV39 | (1 << 44)
    or s2, t0, t1                   /* s2: root A, ASID 1 */
    la t0, pt_root_b
    srli t0, t0, 12
    li t1, SATP_SV39 | (2 << 44)
    or s3, t0, t1                   /* s3: root B, ASID 2 */
    bnez s4, 1f
    li t0, 0xffff << 44             /* no ASIDs: plain roots */
    not t0, t0
    and s2, s2, t0
    and s3, s3, t0
1:  csrw satp, s2
    sfence.vma
    li s1, VA_MEGA
    GO_MODE 1, s_code

s_code:
    ld s7, 0(s1)                    /* root A: the start of the image */
    la t0, _start
    ld t1, 0(t0)
    CHECK_REG(s7, t1)
    TO_M
    csrw satp, s3
    beqz s4, 1f
    j 2f
1:  sfence.vma
2:  GO_MODE 1, 3f
3:  ld a0, 0(s1)                    /* root B: the marker */
    CHECK(a0, 0xb0b0b0b0b0b0b0b0)
    TO_M
    csrw satp, s2
    beqz s4, 1f
    j 2f
1:  sfence.vma
2:  GO_MODE 1, 3f
3:  ld a0, 0(s1)                    /* root A again */
    CHECK_REG(a0, s7)
    TO_M
    csrw satp, zero
    PASS

    VM_DATA
    .data
    .align 12
pt_root_b:  .fill 512, 8, 0
pt_l1_b:    .fill 512, 8, 0
