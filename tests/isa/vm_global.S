/*
 * Global mappings and ASID fences. A hart may keep global translations
 * across a change of address space, so this checks what must still hold:
 * an entry that stopped being global is not carried into another address
 * space; sfence.vma with an ASID drops that address space's translations;
 * sfence.vma x0, x0 and sfence.vma of an address drop global ones too.
 * Skipped when the hart has no ASID bits. Sv39, as vm_asid.S.
 */
#include "test.h"
#include "vm.h"

#define OTHER_PA 0x80200000         /* the 2 MiB right after the image */
#define PTE_G 0x20

/* pt_l1_t[0] (VA_MEGA's megapage) = PA pa with `flags`; clobbers t0-t2 */
.macro MEGA pa, flags
    li t2, \pa
    PTE(t0, t2, \flags)
    la t1, pt_l1_t
    sd t0, 0(t1)
.endm

/* a0 = the doubleword at VA_MEGA, read in S-mode */
.macro LOAD_S
    GO_MODE 1, 1f
1:  ld a0, 0(s1)
    TO_M
.endm

    .text
    .globl main
main:
    VM_BUILD
    li t0, OTHER_PA                 /* a marker at OTHER_PA */
    li t1, 0xb0b0b0b0b0b0b0b0
    sd t1, 0(t0)
    la t0, _start
    ld s7, 0(t0)                    /* what VA_MEGA shows in root A */
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

    li t0, SATP_SV39 | (0xffff << 44)
    csrw satp, t0
    csrr t0, satp
    srli t0, t0, 44
    andi t0, t0, 1
    csrw satp, zero
    beqz t0, done                   /* no ASIDs: nothing to check */
    la t0, pt_root
    srli t0, t0, 12
    li t1, SATP_SV39 | (1 << 44)
    or s2, t0, t1                   /* s2: root A, ASID 1 */
    la t0, pt_root_b
    srli t0, t0, 12
    li t1, SATP_SV39 | (2 << 44)
    or s3, t0, t1                   /* s3: root B, ASID 2 */
    li s1, VA_MEGA

    /* A global entry, then the same page mapped non-global: the new
     * entry must not outlive the switch to ASID 2. */
    MEGA 0x80000000, RWAD|PTE_G
    csrw satp, s2
    sfence.vma
    LOAD_S
    CHECK_REG(a0, s7)
    MEGA 0x80000000, RWAD
    sfence.vma s1, zero
    LOAD_S
    CHECK_REG(a0, s7)
    csrw satp, s3
    LOAD_S
    CHECK(a0, 0xb0b0b0b0b0b0b0b0)   /* root B's mapping, not A's */

    /* sfence.vma x0, x0 drops a global translation. */
    csrw satp, s2
    MEGA 0x80000000, RWAD|PTE_G
    sfence.vma
    LOAD_S
    CHECK_REG(a0, s7)
    MEGA OTHER_PA, RWAD|PTE_G
    sfence.vma zero, zero
    LOAD_S
    CHECK(a0, 0xb0b0b0b0b0b0b0b0)
    /* So does sfence.vma of its address, with any ASID. */
    MEGA 0x80000000, RWAD|PTE_G
    li t0, 1
    sfence.vma s1, t0
    LOAD_S
    CHECK_REG(a0, s7)

    /* sfence.vma x0, asid drops that address space's translations. */
    MEGA 0x80000000, RWAD
    sfence.vma
    LOAD_S
    CHECK_REG(a0, s7)
    MEGA OTHER_PA, RWAD
    li t0, 1
    sfence.vma zero, t0
    LOAD_S
    CHECK(a0, 0xb0b0b0b0b0b0b0b0)

    /* A G bit on a pointer makes what lies below global: a full fence
     * still drops it. */
    MEGA 0x80000000, RWAD
    SETPTE pt_root, 1, pt_l1_t, 0, PTE_V|PTE_G
    sfence.vma
    LOAD_S
    CHECK_REG(a0, s7)
    csrw satp, s3                   /* root B: its own, non-global, table */
    csrw satp, s2
    MEGA OTHER_PA, RWAD
    sfence.vma zero, zero
    LOAD_S
    CHECK(a0, 0xb0b0b0b0b0b0b0b0)
    SETPTE pt_root, 1, pt_l1_t, 0, PTE_V
    MEGA 0x80000000, RWAD
done:
    csrw satp, zero
    sfence.vma
    PASS

    VM_DATA
    .data
    .align 12
pt_root_b:  .fill 512, 8, 0
pt_l1_b:    .fill 512, 8, 0
