/*
 * Bare-metal M-mode checks of semu's devices, run with --bios and "A" on
 * stdin: UART registers and its receive interrupt through the PLIC, the
 * CLINT timer and software interrupt, the Goldfish RTC's time and alarm
 * interrupt, and an access fault on unmapped
 * space. The first failing check's number is the exit status (through the
 * finisher); all passing powers off, exit status 0.
 */
#define FINISHER 0x100000
#define RTC      0x101000
#define CLINT    0x2000000
#define PLIC     0xc000000
#define UART     0x10000000

#define MIP_MSIP (1 << 3)
#define MIP_MTIP (1 << 7)
#define MIP_MEIP (1 << 11)

.macro CHECK n, reg, val
    li t0, \val
    beq \reg, t0, 1f
    li a0, \n
    j fail
1:
.endm

/* Spin until (mip & \bit) == \want, or fail with \n after ~1 s. */
.macro WAIT_MIP n, bit, want
    li t3, 10000000
    add t3, t3, zero
    rdtime t4
    add t3, t3, t4
1:  csrr t1, mip
    li t0, \bit
    and t1, t1, t0
    li t2, \want
    beq t1, t2, 2f
    rdtime t4
    blt t4, t3, 1b
    li a0, \n
    j fail
2:
.endm

    .section .text.init, "ax"
    .globl _start
_start:
    csrr t0, mhartid
    bnez t0, park
    la t0, trap
    csrw mtvec, t0

    /* UART: transmitter empty, scratch register, divisor latch */
    li s0, UART
    lbu t1, 5(s0)
    andi t1, t1, 0x60
    CHECK 1, t1, 0x60
    li t1, 0x5a
    sb t1, 7(s0)
    lbu t1, 7(s0)
    CHECK 2, t1, 0x5a
    li t1, 0x80
    sb t1, 3(s0)
    li t1, 0x12
    sb t1, 0(s0)
    li t1, 0x34
    sb t1, 1(s0)
    lbu t1, 0(s0)
    CHECK 3, t1, 0x12
    lbu t1, 1(s0)
    CHECK 4, t1, 0x34
    li t1, 0x03
    sb t1, 3(s0)
    lbu t1, 1(s0)
    CHECK 5, t1, 0              /* IER again, not DLM */

    /* Receive interrupt through PLIC context 0 (hart 0, M-mode) */
    li s1, PLIC
    li t1, 1
    sw t1, 40(s1)               /* priority of source 10 */
    li t1, 1 << 10
    li t2, PLIC + 0x2000
    sw t1, 0(t2)                /* enable for context 0 */
    li t2, PLIC + 0x200000
    sw zero, 0(t2)              /* threshold 0 */
    li t1, 0x01
    sb t1, 1(s0)                /* IER: received data */
    WAIT_MIP 8, MIP_MEIP, MIP_MEIP
    li s4, PLIC + 0x200004
    lw t1, 0(s4)                /* claim */
    CHECK 9, t1, 10
    lbu t1, 5(s0)
    andi t1, t1, 1
    CHECK 10, t1, 1             /* LSR: data ready */
    lbu t1, 0(s0)
    CHECK 11, t1, 'A'
    li t1, 10
    sw t1, 0(s4)                /* complete */
    WAIT_MIP 12, MIP_MEIP, 0
    lw t1, 0(s4)
    CHECK 13, t1, 0             /* nothing left to claim */

    /* THR-empty interrupt: raised when enabled, acknowledged by IIR */
    li t1, 0x01
    sb t1, 2(s0)                /* FIFOs on */
    li t1, 0x02
    sb t1, 1(s0)
    lbu t1, 2(s0)
    CHECK 6, t1, 0xc2
    lbu t1, 2(s0)
    CHECK 7, t1, 0xc1
    sb zero, 1(s0)

    /* CLINT: mtimecmp raises MTIP, a later one drops it; msip */
    li s2, CLINT
    li t2, CLINT + 0xbff8
    ld t1, 0(t2)
    li t3, 10000
    add t1, t1, t3
    li s5, CLINT + 0x4000
    sd t1, 0(s5)
    WAIT_MIP 14, MIP_MTIP, MIP_MTIP
    li t1, -1
    sd t1, 0(s5)
    WAIT_MIP 15, MIP_MTIP, 0
    li t1, 1
    sw t1, 0(s2)
    WAIT_MIP 16, MIP_MSIP, MIP_MSIP
    sw zero, 0(s2)
    WAIT_MIP 17, MIP_MSIP, 0

    /* RTC: the host's time (after 2022), read low half first */
    li s10, RTC
    lwu t1, 0(s10)
    lwu t2, 4(s10)
    li t0, 0x17000000           /* 0x17000000 << 32 ns: 2022 */
    bgeu t2, t0, 1f
    li a0, 20
    j fail
1:
    /* An alarm 20 ms ahead: armed, then interrupt 11 through the PLIC */
    slli t2, t2, 32
    or t1, t1, t2
    li t0, 20000000
    add t1, t1, t0
    srli t2, t1, 32
    sw t2, 12(s10)              /* ALARM_HIGH, then ALARM_LOW arms */
    sw t1, 8(s10)
    lw t1, 24(s10)
    CHECK 21, t1, 1             /* ALARM_STATUS */
    li t1, 1
    sw t1, 44(s1)               /* priority of source 11 */
    li t1, 1 << 11
    li t2, PLIC + 0x2000
    sw t1, 0(t2)                /* enable for context 0 */
    li t1, 1
    sw t1, 16(s10)              /* IRQ_ENABLED */
    WAIT_MIP 22, MIP_MEIP, MIP_MEIP
    lw t1, 0(s4)                /* claim */
    CHECK 23, t1, 11
    lw t1, 24(s10)
    CHECK 24, t1, 0             /* fired: no longer armed */
    li t1, 1
    sw t1, 28(s10)              /* CLEAR_INTERRUPT */
    li t1, 11
    sw t1, 0(s4)                /* complete */
    WAIT_MIP 25, MIP_MEIP, 0
    /* Setting the time: 5 ns after 1970, then it reads below a second */
    sw zero, 4(s10)
    li t1, 5
    sw t1, 0(s10)
    lwu t1, 0(s10)
    lwu t2, 4(s10)
    CHECK 26, t2, 0
    li t0, 1000000000
    bltu t1, t0, 1f
    li a0, 27
    j fail
1:

    /* A load from unmapped space is an access fault (cause 5) */
    li s3, 0
    li t1, 0x200000             /* nothing there, on QEMU virt either */
    lw t2, 0(t1)
    CHECK 18, s3, 5
    /* A 2-byte access the PLIC does not take faults too */
    li s3, 0
    li t1, PLIC
    lh t2, 0(t1)
    CHECK 19, s3, 5

    /*
     * Garbage in: pseudo-random reads and writes all over the PLIC and
     * CLINT windows must not upset the emulator (interrupts stay masked:
     * mstatus.MIE is 0). Then the finisher must still work.
     */
    li s6, 20000                /* iterations */
    li s7, 0x2545f491           /* LCG state */
    li s8, 6364136223846793005
    li s9, 1442695040888963407
5:  mul s7, s7, s8
    add s7, s7, s9
    srli t1, s7, 20
    li t0, 0x3fffffc
    and t1, t1, t0
    li t0, PLIC
    add t1, t1, t0
    lw t2, 0(t1)
    sw s7, 0(t1)
    srli t1, s7, 40
    li t0, 0xfffc
    and t1, t1, t0
    li t0, CLINT
    add t1, t1, t0
    lw t2, 0(t1)
    sw s7, 0(t1)
    addi s6, s6, -1
    bnez s6, 5b

    li a0, 0x5555
    li t1, FINISHER
    sw a0, 0(t1)
3:  j 3b

fail:
    slli a0, a0, 16
    li t0, 0x3333
    or a0, a0, t0
    li t1, FINISHER
    sw a0, 0(t1)
4:  j 4b

park:
    wfi
    j park

/* Record the cause in s3 and skip the faulting (4-byte) instruction. */
    .balign 4
trap:
    csrr s3, mcause
    csrr t0, mepc
    addi t0, t0, 4
    csrw mepc, t0
    mret
