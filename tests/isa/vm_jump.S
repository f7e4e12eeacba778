/*
 * A hot loop in S-mode (Sv39) calls three times through one virtual
 * address whose page is then re-pointed to the other of two physical
 * pages of code, with a fence for just that address: each call must run
 * the code the mapping names now, however the translator remembers where
 * the last call went (a jump cache keyed by virtual pc, checked against
 * the instruction TLB: the first call after the fence finds no entry
 * there, the second finds the new page).
 */
#include "test.h"
#include "vm.h"

    .text
    .globl main
main:
    VM_ENTER_S s_code

s_code:
    li s1, VA_CODE2                 /* code_page: returns 42 */
    la s3, pt_l0_t
    la s6, code_page
    la s7, code_page2               /* returns 7 */
    li s5, 0
    li s2, 200
1:  jalr s1                         /* after the fence: a walk */
    add s5, s5, a0
    jalr s1                         /* the TLB has the new page */
    add s5, s5, a0
    jalr s1                         /* all as remembered */
    add s5, s5, a0
    andi t0, s2, 1                  /* next: code_page2, then code_page */
    mv t1, s7
    beqz t0, 2f
    mv t1, s6
2:  PTE(t0, t1, PTE_V|PTE_X|PTE_A)
    sd t0, 11*8(s3)
    sfence.vma s1, zero
    addi s2, s2, -1
    bnez s2, 1b
    TO_M
    CHECK(s5, 14700)                /* 3 * (100 * 42 + 100 * 7) */
    csrw satp, zero
    PASS

    VM_DATA
