/*
 * An S-mode "kernel" whose only hart stops itself with SBI HSM hart_stop.
 * Nothing can ever start a hart again, so semu must end (status 1, one
 * line on stderr) rather than idle forever.
 */
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
    .word 0                     /* res1 */
    .dword 0                    /* res2 */
    .ascii "RISCV\0\0\0"
    .ascii "RSC\x05"
    .word 0

entry:
    li a7, 0x48534D             /* HSM */
    li a6, 1                    /* hart_stop */
    ecall
1:  j 1b                        /* never reached */

    .balign 8
image_end:
