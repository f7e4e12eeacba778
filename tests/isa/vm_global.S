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
    VM_ROOTS_AB OTHER_PA
    beqz s4, done                   /* no ASIDs: nothing to check */
    la t0, _start
    ld s7, 0(t0)                    /* what VA_MEGA shows in root A */
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
