/*
 * An S-mode "kernel" that exercises semu's built-in SBI: a Linux Image
 * header, then one check after another. Each check prints a line through
 * the SBI debug console; the first failing check ends the run through
 * the test finisher with its number as exit status; success ends it with
 * SBI system reset (shutdown), so semu exits 0. Run it with -c 2 and
 * "Z" on stdin.
 */
#define FINISHER 0x100000

#define EXT_BASE   0x10
#define EXT_TIME   0x54494D45
#define EXT_IPI    0x735049
#define EXT_RFENCE 0x52464E43
#define EXT_HSM    0x48534D
#define EXT_SRST   0x53525354
#define EXT_DBCN   0x4442434E

#define SIP_SSIP (1 << 1)
#define SIP_STIP (1 << 5)

.macro SBI eid, fid
    li a7, \eid
    li a6, \fid
    ecall
.endm

/* Fail with status \n unless register \reg equals \val. */
.macro CHECK n, reg, val
    li t0, \val
    beq \reg, t0, 1f
    li a0, \n
    j fail
1:
.endm

/* Print a string through SBI DBCN write. */
.macro SAY label, len
    li a0, \len
    la a1, \label
    li a2, 0
    SBI EXT_DBCN, 0
.endm

    .section .rodata
hello:
    .ascii "sbi-guest: hello from DBCN\n"
    .set hello_len, . - hello
done:
    .ascii "sbi-guest: all checks passed\n"
    .set done_len, . - done


    .option norvc
    .section .text.head, "ax"
    .globl _start
_start:
    j entry                     /* code0 */
    .word 0                     /* code1 */
    .dword 0x200000             /* text_offset */
    .dword image_end - _start   /* image_size */
    .dword 0                    /* flags */
    .word 2                     /* version */
    .word 0
    .dword 0                    /* res2 */
    .ascii "RISCV\0\0\0"
    .ascii "RSC\x05"
    .word 0

    .text
entry:
    mv s0, a0                   /* boot hart id */
    mv s1, a1                   /* device tree */

    /* 1: booted on hart 0 in S-mode with a device tree in a1 */
    CHECK 1, s0, 0
    lwu t1, 0(s1)
    CHECK 2, t1, 0xedfe0dd0     /* 0xd00dfeed, big-endian */
    SAY hello, hello_len
    CHECK 3, a0, 0
    CHECK 4, a1, hello_len

    /* BASE: spec version 2.0, probing */
    SBI EXT_BASE, 0
    CHECK 5, a0, 0
    CHECK 6, a1, 0x2000000
    li a0, EXT_HSM
    SBI EXT_BASE, 3
    CHECK 7, a1, 1
    li a0, EXT_DBCN
    SBI EXT_BASE, 3
    CHECK 8, a1, 1
    li a0, 0x12345678
    SBI EXT_BASE, 3
    CHECK 9, a1, 0

    /* Unknown extensions and functions: SBI_ERR_NOT_SUPPORTED */
    SBI 0x0abcdef0, 0
    CHECK 10, a0, -2
    SBI EXT_TIME, 7
    CHECK 11, a0, -2

    /* DBCN refuses a buffer outside RAM */
    li a0, 16
    li a1, 0x1000
    li a2, 0
    SBI EXT_DBCN, 0
    CHECK 12, a0, -3
    li a0, 16
    li a1, -8                   /* wraps past the end of memory */
    li a2, 0
    SBI EXT_DBCN, 0
    CHECK 13, a0, -3

    /* DBCN read: the "Z" the test pipes into stdin arrives */
    li s10, 3000000             /* attempts */
12: li a0, 8
    la a1, inbuf
    li a2, 0
    SBI EXT_DBCN, 1
    CHECK 33, a0, 0
    bnez a1, 13f
    addi s10, s10, -1
    bnez s10, 12b
    li a0, 34                   /* nothing came */
    j fail
13: CHECK 35, a1, 1
    la t1, inbuf
    lbu t1, 0(t1)
    CHECK 36, t1, 'Z'
    SBI 0x02, 0                 /* legacy getchar: nothing left */
    CHECK 37, a0, -1

    /* Legacy putchar still works */
    li a0, '!'
    SBI 0x01, 0
    li a0, '\n'
    SBI 0x01, 0

    /* IPI to ourselves sets SSIP; S-mode clears it */
    li a0, 1
    li a1, 0
    SBI EXT_IPI, 0
    CHECK 14, a0, 0
    csrr t1, sip
    andi t1, t1, SIP_SSIP
    CHECK 15, t1, SIP_SSIP
    csrc sip, SIP_SSIP
    csrr t1, sip
    andi t1, t1, SIP_SSIP
    CHECK 16, t1, 0
    li a0, 1
    li a1, 5                    /* hart 5 does not exist */
    SBI EXT_IPI, 0
    CHECK 17, a0, -3

    /* RFENCE on every hart */
    li a0, 0
    li a1, -1
    SBI EXT_RFENCE, 1
    CHECK 18, a0, 0

    /* TIME: STIP rises once the deadline passes, falls when it moves on */
    li t1, SIP_STIP             /* let STIP wake WFI (SIE stays off) */
    csrw sie, t1
    rdtime t1
    li t2, 20000                /* 2 ms */
    add a0, t1, t2
    SBI EXT_TIME, 0
    CHECK 19, a0, 0
    csrr t1, sip
    andi t1, t1, SIP_STIP
    CHECK 20, t1, 0             /* not yet */
2:  wfi
    csrr t1, sip
    andi t1, t1, SIP_STIP
    beqz t1, 2b
    rdtime t3
    sub t3, t3, a0              /* woke after the deadline? */
    srli t3, t3, 63
    CHECK 21, t3, 0
    li a0, -1
    SBI EXT_TIME, 0
    csrr t1, sip
    andi t1, t1, SIP_STIP
    CHECK 22, t1, 0
    csrw sie, zero

    /* HSM: hart 1 starts stopped; start it, it reports, then stops */
    li a0, 1
    SBI EXT_HSM, 2
    CHECK 23, a0, 0
    CHECK 24, a1, 1             /* STOPPED */
    li a0, 1
    la a1, secondary
    li a2, 0x1234
    SBI EXT_HSM, 0
    CHECK 25, a0, 0
    li a0, 1
    la a1, secondary
    li a2, 0x1234
    SBI EXT_HSM, 0
    CHECK 26, a0, -6            /* already started */
    li a0, 9
    la a1, secondary
    SBI EXT_HSM, 0
    CHECK 27, a0, -3            /* no such hart */
    la t1, flag
3:  lw t2, 0(t1)
    beqz t2, 3b
    CHECK 28, t2, 1             /* hart 1 saw hartid 1, opaque, satp 0 */
4:  li a0, 1
    SBI EXT_HSM, 2
    li t0, 1
    bne a1, t0, 4b              /* wait until it has stopped */
    li t3, 100000               /* give it time to (wrongly) run on */
5:  addi t3, t3, -1
    bnez t3, 5b
    lw t2, 0(t1)
    CHECK 29, t2, 1             /* hart_stop did not return */

    /*
     * Garbage in: calls to every extension with random functions and
     * arguments (except those that stop, start or reset harts) must each
     * return, and leave the SBI working.
     */
    li s6, 3000                 /* iterations */
    li s7, 0x9e3779b97f4a7c15   /* LCG state */
    li s8, 6364136223846793005
    li s9, 1442695040888963407
9:  mul s7, s7, s8
    add s7, s7, s9
    srli t1, s7, 61             /* extension: one of eight */
    la t0, fuzz_eids
    slli t1, t1, 3
    add t0, t0, t1
    ld a7, 0(t0)
    srli a6, s7, 32
    andi a6, a6, 7              /* function 0..7 */
    li t0, EXT_HSM
    bne a7, t0, 10f
    li t0, 2
    blt a6, t0, 11f             /* no hart_start / hart_stop */
10: mv a0, s7
    srli a1, s7, 7
    xor a2, s7, s8
    srli a3, s7, 13
    mv a4, s9
    mv a5, s6
    ecall
11: addi s6, s6, -1
    bnez s6, 9b
    li a0, -1
    SBI EXT_TIME, 0             /* no stray timer */
    csrw sip, zero
    SBI EXT_BASE, 0
    CHECK 30, a0, 0
    CHECK 31, a1, 0x2000000

    SAY done, done_len
    /* SRST shutdown: semu exits 0 */
    li a0, 0
    li a1, 0
    SBI EXT_SRST, 0
    li a0, 32                   /* shutdown returned */
fail:
    li t0, 16
    sll a0, a0, t0
    li t0, 0x3333
    or a0, a0, t0
    li t1, FINISHER
    sw a0, 0(t1)
6:  j 6b

secondary:
    la t1, flag
    li t2, 3                    /* wrong arguments */
    li t0, 1
    bne a0, t0, 7f
    li t0, 0x1234
    bne a1, t0, 7f
    csrr t0, satp
    bnez t0, 7f
    li t2, 1
7:  sw t2, 0(t1)
    fence
    SBI EXT_HSM, 1              /* hart_stop */
    li t2, 2                    /* it returned: wrong */
    sw t2, 0(t1)
8:  j 8b

    .balign 8
fuzz_eids:
    .dword EXT_BASE, EXT_TIME, EXT_IPI, EXT_RFENCE, EXT_HSM, EXT_DBCN
    .dword 0x02, 0x0abcdef0     /* legacy getchar, nothing */

    .data
    .balign 8
flag:
    .word 0
inbuf:
    .space 8
    .balign 4096
image_end:
