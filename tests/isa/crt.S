/*
 * Start-up, trap handling and reporting shared by every ISA test.
 * Runs in M-mode; talks to the SiFive test finisher and the 16550 UART.
 */
#include "test.h"

    .option norvc
    .section .text.init, "ax"
    .globl _start
_start:
    /*
     * Open all of memory to S and U through PMP entry 0 (QEMU denies them
     * otherwise). A hart without PMP may trap here: mtvec skips the rest.
     */
    la t0, 1f
    csrw mtvec, t0
    li t0, -1
    csrw pmpaddr0, t0
    li t0, 0x1f                     /* NAPOT, RWX */
    csrw pmpcfg0, t0
    .align 2
1:  la t0, trap_entry
    csrw mtvec, t0
    la sp, stack_top
    li t0, MSTATUS_FS & (MSTATUS_FS >> 1)   /* FS = Initial: FP usable */
    csrs mstatus, t0
    csrwi fcsr, 0
    li gp, 0
    li s11, 0
    j main

    .text
    .globl pass, fail_check, trap_entry, strap_entry, puts, puthex, putdec
/* The final report is made from M-mode, whatever mode the test is in. */
pass:
    li a7, MAGIC_PASS
    ecall
fail_check:
    li a7, MAGIC_FAIL
    ecall

    .align 2
trap_entry:
    li t4, MAGIC_FAIL
    beq a7, t4, report_fail
    li t4, MAGIC_PASS
    beq a7, t4, report_pass
    li t4, MAGIC_TO_M
    beq a7, t4, back_to_m
    beqz s11, unexpected
    csrr s8, mcause
    csrr s9, mtval
    csrr s10, mepc
    csrw mepc, s11
    li s11, 0
    mret

back_to_m:
    li t4, MSTATUS_MPP
    csrs mstatus, t4
    csrr t4, mepc
    addi t4, t4, 4
    csrw mepc, t4
    li a7, 0
    mret

/*
 * Traps delegated to S: same capture. Pass/fail ecalls (a7 magic) are
 * re-issued from S so that M reports them.
 */
    .align 2
strap_entry:
    csrw sscratch, t3
    srli t4, a7, 16
    li t3, MAGIC_FAIL >> 16
    beq t4, t3, 1f
    csrr t3, sscratch
    beqz s11, 2f
    csrr s8, scause
    csrr s9, stval
    csrr s10, sepc
    csrw sepc, s11
    li s11, 0
    sret
1:  ecall
2:  li a7, MAGIC_FAIL
    li gp, 0                        /* tells M: an unexpected S trap */
    ecall

report_pass:
    la a0, msg_pass
    jal puts
    li a0, 0
    j exit

report_fail:
    beqz gp, unexpected_s
    la a0, msg_fail
    jal puts
    andi a0, gp, 0xff
    jal putdec
    la a0, msg_line
    jal puts
    srli a0, gp, 8
    jal putdec
    la a0, msg_got
    jal puts
    mv a0, t5
    jal puthex
    la a0, msg_exp
    jal puts
    mv a0, t6
    jal puthex
    la a0, msg_nl
    jal puts
    andi a0, gp, 0xff
    j exit

unexpected_s:
    la a0, msg_strap
    jal puts
    csrr a0, scause
    jal puthex
    la a0, msg_epc
    jal puts
    csrr a0, sepc
    jal puthex
    la a0, msg_tval
    jal puts
    csrr a0, stval
    jal puthex
    csrr s0, scause
    j trap_exit

unexpected:
    la a0, msg_trap
    jal puts
    csrr a0, mcause
    jal puthex
    la a0, msg_epc
    jal puts
    csrr a0, mepc
    jal puthex
    la a0, msg_tval
    jal puts
    csrr a0, mtval
    jal puthex
    csrr s0, mcause
trap_exit:
    la a0, msg_after
    jal puts
    andi a0, gp, 0xff
    jal putdec
    la a0, msg_line
    jal puts
    srli a0, gp, 8
    jal putdec
    la a0, msg_nl
    jal puts
    andi a0, s0, 0x1f
    addi a0, a0, 200
    bgez s0, exit
    andi a0, s0, 0xf
    addi a0, a0, 240

/* a0 = exit code: 0 passes, anything else fails with that status. */
exit:
    li t0, FINISHER
    li t1, 0x5555
    beqz a0, 1f
    slli a0, a0, 16
    li t1, 0x3333
    or t1, t1, a0
1:  sw t1, 0(t0)
2:  j 2b

/* putc: a0 = byte; returns through t3; clobbers t0-t2. */
putc:
    li t0, UART
    li t1, 100000                   /* bounded wait for THR empty */
1:  lbu t2, 5(t0)
    andi t2, t2, 0x20
    bnez t2, 2f
    addi t1, t1, -1
    bnez t1, 1b
2:  sb a0, 0(t0)
    jr t3

/* puts: a0 = NUL-terminated string. */
puts:
    mv a1, a0
1:  lbu a0, 0(a1)
    beqz a0, 2f
    jal t3, putc
    addi a1, a1, 1
    j 1b
2:  ret

/* puthex: a0 printed as 0x and 16 hex digits. */
puthex:
    mv a1, a0
    li a0, '0'
    jal t3, putc
    li a0, 'x'
    jal t3, putc
    li a2, 60
1:  srl a0, a1, a2
    andi a0, a0, 0xf
    addi a0, a0, '0'
    li t0, '9'
    ble a0, t0, 2f
    addi a0, a0, 'a' - '0' - 10
2:  jal t3, putc
    addi a2, a2, -4
    bgez a2, 1b
    ret

/* putdec: a0 (< 10^10) in decimal, no leading zeros. */
putdec:
    mv a1, a0
    li a2, 1000000000
    li a3, 0                        /* a digit has been printed */
1:  divu a0, a1, a2
    remu a1, a1, a2
    or a3, a3, a0
    li t0, 1
    beq a2, t0, 2f
    beqz a3, 3f
2:  addi a0, a0, '0'
    jal t3, putc
    li a3, 1
3:  li t0, 10
    divu a2, a2, t0
    bnez a2, 1b
    ret

    .section .rodata
msg_pass:  .asciz "PASS\n"
msg_fail:  .asciz "FAIL: check "
msg_line:  .asciz " (line "
msg_got:   .asciz "): got "
msg_exp:   .asciz " expected "
msg_nl:    .asciz "\n"
msg_trap:  .asciz "FAIL: unexpected trap mcause="
msg_strap: .asciz "FAIL: unexpected S-mode trap scause="
msg_epc:   .asciz " epc="
msg_tval:  .asciz " tval="
msg_after: .asciz " after check "
