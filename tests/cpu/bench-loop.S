/*
 * CPU benchmark: 2*10^8 iterations of a 5-instruction integer loop
 * (10^9 instructions), then a write to the test finisher to exit 0.
 */
    .globl _start
_start:
    li t0, 0
    li t1, 200000000
    li t2, 0
1:  addi t0, t0, 1
    xor t2, t2, t0
    add t3, t2, t0
    slli t4, t3, 3
    bne t0, t1, 1b
    li a0, 0x100000
    li a1, 0x5555
    sw a1, 0(a0)
2:  j 2b
