/*
 * Page tables shared by the paging tests (Sv39, and Sv48 on top of it).
 * VM_BUILD (M-mode code) fills the tables VM_DATA reserves:
 *
 *   VA 0x8000_0000 + 2 MiB  identity, 4 KiB pages, RWX (what the test runs
 *                           from; its code, data, stack and these tables)
 *   VA 0x4000_0000   2 MiB megapage -> PA 0x8000_0000, RW
 *   VA 0x4020_0000 + 4K*i   4 KiB pages, see VA_* below
 *   VA 0x4040_0000   misaligned megapage (PPN[0] != 0): always faults
 *   VA 0x4080_0000   2 MiB megapage -> PA 0x8000_0000, RW, A = D = 0
 *   VA 0xc000_0000   1 GiB gigapage -> PA 0x8000_0000, RW
 *   Sv48 only: VA 0x80_0000_0000 (VPN[3] = 1) 1 GiB -> PA 0x8000_0000, RW
 */
#pragma once

#define PTE_V 0x01
#define PTE_R 0x02
#define PTE_W 0x04
#define PTE_X 0x08
#define PTE_U 0x10
#define PTE_A 0x40
#define PTE_D 0x80
#define RWXAD (PTE_V|PTE_R|PTE_W|PTE_X|PTE_A|PTE_D)
#define RWAD  (PTE_V|PTE_R|PTE_W|PTE_A|PTE_D)

#define VA_MEGA  0x40000000
#define VA_RW    0x40200000     /* page_a, RW */
#define VA_RO    0x40201000     /* page_a, read-only */
#define VA_NONE  0x40202000     /* invalid PTE */
#define VA_USER  0x40203000     /* page_a, U RW */
#define VA_XO    0x40204000     /* page_a, execute-only */
#define VA_AD    0x40205000     /* page_a, RW with A = D = 0 */
#define VA_CODE  0x40206000     /* code_page, X */
#define VA_NOX   0x40207000     /* code_page, R but not X */
#define VA_SWAP  0x40208000     /* page_a, re-pointed by the sfence test */
#define VA_WONLY 0x40209000     /* W without R: reserved */
#define VA_UX    0x4020a000     /* code_page, U X */
#define VA_CODE2 0x4020b000     /* code_page, X; re-pointed to code_page2 */
#define VA_LEAFPTR 0x4020c000   /* a pointer PTE at the last level */
#define VA_XA    0x4020d000     /* cross_a, RWX; then cross_b, RWX: */
#define VA_XB    0x4020e000     /*   physically apart, virtually adjacent */
#define VA_HOLE  0x4020f000     /* invalid, right after VA_XB */
#define VA_PAIR  0x40210000     /* page_b then page_a: reversed order */
#define VA_NOMEM 0x40212000     /* a leaf to physical memory that is absent */
#define VA_BADMEGA 0x40400000
#define VA_MEGA_AD 0x40800000   /* megapage with A = D = 0 */
#define PA_NOMEM 0x1000000000
#define VA_GIGA  0xc0000000
#define VA_HIGH  0x8000000000

#define SATP_SV39 (8 << 60)
#define SATP_SV48 (9 << 60)

/* rd = leaf or pointer PTE for the 4 KiB-aligned physical address pa */
#define PTE(rd, pa, flags) srli rd, pa, 2; ori rd, rd, flags

/* Expect the instruction to fault with `cause`, mtval = the address in va */
#define FAULT(cause, va, ...) \
    EXPECT_TRAP(9f); __VA_ARGS__; 9: CHECK(s8, cause); CHECK_REG(s9, va)

#ifdef __ASSEMBLER__
/* table[idx] = PTE(address of `label` + off, flags); clobbers t0, t1 */
.macro SETPTE table, idx, label, off, flags
    la t1, \label
    li t0, \off
    add t1, t1, t0
    PTE(t0, t1, \flags)
    la t1, \table
    sd t0, (\idx * 8)(t1)
.endm

.macro VM_BUILD
    SETPTE pt_root, 2, pt_l1_id, 0, PTE_V
    SETPTE pt_l1_id, 0, pt_l0_id, 0, PTE_V
    la t1, pt_l0_id                 /* identity map the first 2 MiB */
    li t2, 0x80000000
    li t3, 512
1:  PTE(t0, t2, RWXAD)
    sd t0, 0(t1)
    addi t1, t1, 8
    li t0, 4096
    add t2, t2, t0
    addi t3, t3, -1
    bnez t3, 1b
    SETPTE pt_root, 1, pt_l1_t, 0, PTE_V
    li t2, 0x80000000               /* megapage */
    PTE(t0, t2, RWAD)
    la t1, pt_l1_t
    sd t0, 0(t1)
    SETPTE pt_l1_t, 1, pt_l0_t, 0, PTE_V
    li t2, 0x80001000               /* misaligned megapage */
    PTE(t0, t2, RWAD)
    sd t0, 16(t1)
    SETPTE pt_l0_t, 0, page_a, 0, RWAD
    SETPTE pt_l0_t, 1, page_a, 0, PTE_V|PTE_R|PTE_A
    SETPTE pt_l0_t, 3, page_a, 0, RWAD|PTE_U
    SETPTE pt_l0_t, 4, page_a, 0, PTE_V|PTE_X|PTE_A
    SETPTE pt_l0_t, 5, page_a, 0, PTE_V|PTE_R|PTE_W
    SETPTE pt_l0_t, 6, code_page, 0, PTE_V|PTE_X|PTE_A
    SETPTE pt_l0_t, 7, code_page, 0, PTE_V|PTE_R|PTE_A
    SETPTE pt_l0_t, 8, page_a, 0, RWAD
    SETPTE pt_l0_t, 9, page_a, 0, PTE_V|PTE_W|PTE_A|PTE_D
    SETPTE pt_l0_t, 10, code_page, 0, PTE_V|PTE_X|PTE_A|PTE_U
    SETPTE pt_l0_t, 11, code_page, 0, PTE_V|PTE_X|PTE_A
    SETPTE pt_l0_t, 12, page_a, 0, PTE_V
    SETPTE pt_l0_t, 13, cross_a, 0, RWXAD
    SETPTE pt_l0_t, 14, cross_b, 0, RWXAD
    SETPTE pt_l0_t, 16, page_b, 0, RWAD
    SETPTE pt_l0_t, 17, page_a, 0, RWAD
    la t1, pt_l0_t
    li t2, PA_NOMEM
    PTE(t0, t2, RWXAD)
    sd t0, 18*8(t1)
    la t1, pt_l1_t
    li t2, 0x80000000
    PTE(t0, t2, PTE_V|PTE_R|PTE_W)
    sd t0, 4*8(t1)
    li t2, 0x80000000               /* gigapage */
    PTE(t0, t2, RWAD)
    la t1, pt_root
    sd t0, 24(t1)
    /* Sv48: the Sv39 root is the level-2 table for VPN[3] = 0 */
    SETPTE pt_root48, 0, pt_root, 0, PTE_V
    SETPTE pt_root48, 1, pt_l2_high, 0, PTE_V
    li t2, 0x80000000
    PTE(t0, t2, RWAD)
    la t1, pt_l2_high
    sd t0, 0(t1)
.endm

/* rd = satp for Sv39 with root table `root` and ASID `asid`; t0, t1 */
.macro SATP_ASID rd, root, asid
    la t0, \root
    srli t0, t0, 12
    li t1, SATP_SV39 | (\asid << 44)
    or \rd, t0, t1
.endm

/* VM_BUILD, Sv39 on with pt_root (ASID 0), then S-mode at `target` */
.macro VM_ENTER_S target
    VM_BUILD
    SATP_ASID t0, pt_root, 0
    csrw satp, t0
    sfence.vma
    GO_MODE 1, \target
.endm

/*
 * Two address spaces for the ASID tests (after VM_BUILD): root B has root A's entries, but VA_MEGA's L1 table
 * maps the megapage at `other_pa`, which starts with 0xb0b0...b0.
 * s4 = 1 if the hart keeps ASID bits; s2 = satp for root A and s3 for
 * root B, Sv39, with ASIDs 1 and 2 if it does. Clobbers t0-t3.
 */
.macro VM_ROOTS_AB other_pa
    li t0, \other_pa
    li t1, 0xb0b0b0b0b0b0b0b0
    sd t1, 0(t0)
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
    li t2, \other_pa
    PTE(t0, t2, RWAD)
    la t1, pt_l1_b
    sd t0, 0(t1)
    li t0, SATP_SV39 | (0xffff << 44)
    csrw satp, t0
    csrr t0, satp
    srli t0, t0, 44
    andi s4, t0, 1
    csrw satp, zero
    SATP_ASID s2, pt_root, 1
    SATP_ASID s3, pt_root_b, 2
    bnez s4, 2f
    li t0, 0xffff << 44             /* no ASIDs: plain roots */
    not t0, t0
    and s2, s2, t0
    and s3, s3, t0
2:
.endm

/* Test data: page_a and page_b start with distinct markers. */
.macro VM_DATA
    .data
    .align 12
pt_root:    .fill 512, 8, 0
pt_l1_id:   .fill 512, 8, 0
pt_l0_id:   .fill 512, 8, 0
pt_l1_t:    .fill 512, 8, 0
pt_l0_t:    .fill 512, 8, 0
pt_root48:  .fill 512, 8, 0
pt_l2_high: .fill 512, 8, 0
pt_root_b:  .fill 512, 8, 0     /* VM_ROOTS_AB's root B */
pt_l1_b:    .fill 512, 8, 0
page_a:     .dword 0xaaaa0000aaaa0001
            .fill 511, 8, 0
page_b:     .dword 0xbbbb0000bbbb0001
            .fill 511, 8, 0
/* `addi a0, zero, 0x123` split over the end of cross_a and the start of
   cross_b, followed by a ret; cross_b ends with the first half of the same
   instruction. A page of zeros (illegal code) keeps the two apart. */
cross_a:    .fill 0xffc, 1, 0
            .half 0xbeef, 0x0513
page_gap:   .fill 512, 8, 0
cross_b:    .half 0x1230
            .half 0x8067, 0x0000
            .fill 0xffe - 6, 1, 0
            .half 0x0513
    .text
    .option push
    .option norvc
    .align 12
code_page:                          /* a leaf function returning 42 */
    li a0, 42
    ret
    .align 12
code_page2:                         /* the same, returning 7 */
    li a0, 7
    ret
    .align 12
    .option pop
.endm
#endif
