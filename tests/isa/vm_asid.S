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
    VM_ROOTS_AB OTHER_PA
    csrw satp, s2
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
