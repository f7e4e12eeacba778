/*
 * CSRs: read/set/clear semantics (rs1 = x0 writes nothing), read-only
 * CSRs refuse writes, scratch registers, counters (and their enables for
 * S and U), misa, and the S-mode views sstatus, sie and sip of the
 * M-mode registers.
 */
#include "test.h"

    .text
    .globl main
    .option norvc
main:
    /* csrrw swaps, csrrs sets, csrrc clears, immediates likewise */
    li t0, 0x1234
    csrw mscratch, t0
    li t1, 0xff00ff00ff00ff00
    csrrw a0, mscratch, t1
    CHECK(a0, 0x1234)
    li t1, 0xf
    csrrs a0, mscratch, t1
    CHECK(a0, 0xff00ff00ff00ff00)
    li t1, 0xff00000000000003
    csrrc a0, mscratch, t1
    CHECK(a0, 0xff00ff00ff00ff0f)
    csrr a0, mscratch
    CHECK(a0, 0x0000ff00ff00ff0c)
    csrrwi a0, mscratch, 0x15
    csrrsi a0, mscratch, 0x0a
    CHECK(a0, 0x15)
    csrrci a0, mscratch, 0x11
    CHECK(a0, 0x1f)
    csrr a0, mscratch
    CHECK(a0, 0x0e)
    li t0, -1
    csrw sscratch, t0
    csrr a0, sscratch
    CHECK(a0, -1)
    csrr a0, mscratch               /* separate registers */
    CHECK(a0, 0x0e)

    /* read-only CSRs: reading is fine, any write is illegal */
    csrr a0, mhartid
    CHECK(a0, 0)
    csrrs a0, mhartid, zero         /* rs1 = x0: no write, no trap */
    csrrc a0, mvendorid, zero
    csrrsi a0, mimpid, 0
    li s11, 0                       /* any trap so far would have failed */
    EXPECT_TRAP(1f)
2:  csrw mhartid, t0
1:  CHECK(s8, 2)
    CHECK(s9, 0xf1429073)
    la a0, 2b
    CHECK_REG(s10, a0)
    EXPECT_TRAP(1f)
    csrrs a0, mhartid, t1           /* rs1 != x0 attempts a write */
1:  CHECK(s8, 2)
    EXPECT_TRAP(1f)
    csrrc a0, cycle, t1
1:  CHECK(s8, 2)
    EXPECT_TRAP(1f)
    csrwi time, 0
1:  CHECK(s8, 2)
    EXPECT_TRAP(1f)
    csrrsi a0, instret, 1
1:  CHECK(s8, 2)

    /* misa: RV64 with I, M, A, F, D, C, S and U */
    csrr a0, misa
    srli a1, a0, 62
    CHECK(a1, 2)
    li t0, (1<<8)|(1<<12)|(1<<0)|(1<<5)|(1<<3)|(1<<2)|(1<<18)|(1<<20)
    and a1, a0, t0
    CHECK_REG(a1, t0)

    /* UXL = SXL = 2: S and U are 64-bit too */
    csrr a0, mstatus
    srli a0, a0, 32
    andi a0, a0, 0xf
    CHECK(a0, 0xa)
    csrr a0, sstatus
    srli a0, a0, 32
    andi a0, a0, 0x3
    CHECK(a0, 2)

    /* counters advance; time tracks the CLINT's mtime */
    rdcycle s0
    rdinstret s1
    li t0, 100
1:  addi t0, t0, -1
    bnez t0, 1b
    rdcycle a0
    rdinstret a1
    sltu a0, s0, a0
    CHECK(a0, 1)
    sub a1, a1, s1
    sltiu a1, a1, 200               /* at least the 200 loop instructions */
    CHECK(a1, 0)
    rdtime s0
    li t0, CLINT_MTIME
    ld s1, 0(t0)
    rdtime s2
    sltu a0, s1, s0                 /* time <= mtime <= time */
    CHECK(a0, 0)
    sltu a0, s2, s1
    CHECK(a0, 0)
    li t0, 10000000                 /* bounded wait for time to move */
1:  rdtime a1
    bne a1, s0, 2f
    addi t0, t0, -1
    bnez t0, 1b
2:  sltu a0, s0, a1
    CHECK(a0, 1)
    csrr a0, mcycle                 /* M aliases of the counters */
    sltu a0, zero, a0
    CHECK(a0, 1)

    /* counter access from S needs mcounteren, from U also scounteren */
    csrw mcounteren, zero
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  rdtime a0
1:  CHECK(s8, 2)
    CHECK(s9, 0xc0102573)
    TO_M
    li t0, 7
    csrw mcounteren, t0
    csrw scounteren, zero
    EXPECT_TRAP(1f)
    GO_MODE 1, 2f
2:  rdtime a0
    rdcycle a1
    li s8, 0                        /* no trap in S */
1:  CHECK(s8, 0)
    TO_M
    EXPECT_TRAP(1f)
    GO_MODE 0, 2f
2:  rdtime a0
1:  CHECK(s8, 2)
    TO_M
    li t0, 2
    csrw scounteren, t0
    EXPECT_TRAP(1f)
    GO_MODE 0, 2f
2:  rdtime a0
    li s8, 0
1:  CHECK(s8, 0)
    sltu a0, zero, a0
    CHECK(a0, 1)
    TO_M

    /* sstatus is a view of mstatus: S fields shared, M fields hidden */
    li t0, MSTATUS_SIE | MSTATUS_SUM | MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPIE
    csrc mstatus, t0
    li t0, MSTATUS_SIE
    csrs mstatus, t0
    csrr a0, sstatus
    andi a0, a0, MSTATUS_SIE
    CHECK(a0, MSTATUS_SIE)
    li t0, MSTATUS_SUM
    csrs sstatus, t0
    csrr a0, mstatus
    li t0, MSTATUS_SUM
    and a0, a0, t0
    CHECK_REG(a0, t0)
    li t0, MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPRV
    csrs sstatus, t0                /* M-only bits: not writable here */
    csrr a0, mstatus
    li t0, MSTATUS_MIE | MSTATUS_MPP | MSTATUS_MPIE | MSTATUS_MPRV
    and a0, a0, t0
    CHECK(a0, 0)
    csrs mstatus, t0
    csrr a0, sstatus                /* ...nor visible */
    and a0, a0, t0
    CHECK(a0, 0)
    csrc mstatus, t0
    li t0, MSTATUS_SIE | MSTATUS_SUM
    csrc sstatus, t0
    csrr a0, mstatus
    and a0, a0, t0
    CHECK(a0, 0)

    /* sie/sip: the delegated S bits of mie/mip, nothing else */
    li t0, 0x222                    /* SSI, STI, SEI */
    csrw mideleg, t0
    csrr a0, mideleg                /* (H adds read-only VS bits) */
    andi a0, a0, 0x222
    CHECK(a0, 0x222)
    li t0, 0xaaa                    /* S and M enables */
    csrw mie, t0
    csrr a0, sie
    CHECK(a0, 0x222)
    csrw sie, zero
    csrr a0, mie
    CHECK(a0, 0x888)
    li t0, -1
    csrw sie, t0
    csrr a0, mie
    CHECK(a0, 0xaaa)
    csrw mie, zero
    li t0, 2                        /* SSIP, set through mip */
    csrs mip, t0
    csrr a0, sip
    CHECK(a0, 2)
    csrc sip, t0                    /* and cleared through sip */
    csrr a0, mip
    andi a0, a0, 2
    CHECK(a0, 0)
    csrw mideleg, zero              /* not delegated: invisible to S */
    li t0, 0x222
    csrw mie, t0
    csrr a0, sie
    CHECK(a0, 0)
    li t0, 2
    csrs mip, t0
    csrr a0, sip
    CHECK(a0, 0)
    csrw mip, zero
    csrw mie, zero
    PASS
