/*
 * Physical memory protection, if the hart implements PMP entries (the
 * spec lets every PMP field be read-only zero; then there is nothing to
 * enforce and the test ends early): S and U accesses are checked against
 * the lowest-numbered matching entry, with access faults (5, 7, 1) and
 * the address in mtval; M-mode is not restricted by unlocked entries.
 */
#include "test.h"

#define PMP_R 0x01
#define PMP_W 0x02
#define PMP_X 0x04
#define PMP_NAPOT 0x18
/* pmpaddr for a naturally aligned 4 KiB region at `base` */
#define NAPOT_4K(rd, base) srli rd, base, 2; ori rd, rd, 0x1ff

    .text
    .globl main
    .option norvc
main:
    /* entry 0: guarded (no access), entry 1: read-only, entry 2 (NAPOT,
       all of memory): everything else, RWX */
    la s0, guarded
    la s1, readonly
    NAPOT_4K(t0, s0)
    csrw pmpaddr0, t0
    NAPOT_4K(t0, s1)
    csrw pmpaddr1, t0
    li t0, -1
    csrw pmpaddr2, t0
    li t0, (PMP_NAPOT|PMP_R|PMP_W|PMP_X) << 16 | (PMP_NAPOT|PMP_R) << 8 | PMP_NAPOT
    csrw pmpcfg0, t0
    csrr t1, pmpcfg0
    li t2, 0xffffff
    and t1, t1, t2
    beq t1, t0, 1f
    PASS                            /* fewer than 3 entries: nothing to do */
1:  sfence.vma                      /* PMP changes: as the spec asks */

    /* M-mode is not restricted */
    li t0, 0x1234
    sd t0, 0(s0)
    ld a0, 0(s0)
    CHECK(a0, 0x1234)
    sd t0, 0(s1)

    /* S-mode: guarded page faults on every access, read-only on stores */
    GO_MODE 1, 2f
2:  addi s2, s0, 8
    EXPECT_TRAP(1f)
    ld a0, 0(s2)
1:  CHECK(s8, 5)
    CHECK_REG(s9, s2)
    EXPECT_TRAP(1f)
    sd a0, 0(s2)
1:  CHECK(s8, 7)
    CHECK_REG(s9, s2)
    EXPECT_TRAP(1f)
    jalr s0
1:  CHECK(s8, 1)
    CHECK_REG(s9, s0)
    ld a0, 0(s1)                    /* read-only page: readable */
    CHECK(a0, 0x1234)
    EXPECT_TRAP(1f)
    sw a0, 4(s1)
1:  CHECK(s8, 7)
    addi t0, s1, 4
    CHECK_REG(s9, t0)
    la t0, other                    /* the rest of memory: usable */
    sd a0, 0(t0)
    ld a1, 0(t0)
    CHECK(a1, 0x1234)
    TO_M
    ld a0, 0(s0)                    /* the faulting store did nothing */
    CHECK(a0, 0x1234)

    /* U-mode is held to the same entries */
    GO_MODE 0, 2f
2:  EXPECT_TRAP(1f)
    lbu a0, 0(s0)
1:  CHECK(s8, 5)
    TO_M

    /* restore crt's single allow-all entry */
    li t0, -1
    csrw pmpaddr0, t0
    li t0, PMP_NAPOT|PMP_R|PMP_W|PMP_X
    csrw pmpcfg0, t0
    PASS

    .data
    .align 12
guarded:    .fill 512, 8, 0
readonly:   .fill 512, 8, 0
other:      .fill 512, 8, 0
