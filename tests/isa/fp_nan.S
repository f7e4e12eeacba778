/*
 * NaN boxing of singles in the 64-bit f registers, canonical NaN results,
 * sign injection and the raw moves between integer and FP registers.
 */
#include "test.h"

    .text
    .globl main
main:
    csrw fflags, zero
    /* single-precision results are NaN-boxed: upper 32 bits all ones */
    LI_S(fa0, 0x3f800000)
    fadd.s fa1, fa0, fa0
    CHECK_S(fa1, 0x40000000)
    la s0, buf
    li t0, 0x12345678c0490fdb
    sd t0, 0(s0)
    flw fa1, 0(s0)
    CHECK_S(fa1, 0xc0490fdb)
    fld fa1, 0(s0)
    CHECK_D(fa1, 0x12345678c0490fdb)

    /* an unboxed single reads as the canonical NaN */
    li t0, 0x000000003f800000
    fmv.d.x fa2, t0
    fadd.s fa3, fa2, fa0
    CHECK_S(fa3, 0x7fc00000)
    CHECK_FLAGS(0)
    li t0, 0xfffffffe3f800000       /* one upper bit clear is enough */
    fmv.d.x fa2, t0
    fmul.s fa3, fa0, fa2
    CHECK_S(fa3, 0x7fc00000)
    fclass.s a0, fa2
    CHECK(a0, 1<<9)
    feq.s a0, fa2, fa2
    CHECK(a0, 0)
    CHECK_FLAGS(0)
    fcvt.d.s fa3, fa2
    CHECK_D(fa3, 0x7ff8000000000000)
    /* sign injection sees the canonical NaN too */
    fsgnj.s fa3, fa2, fa0
    CHECK_S(fa3, 0x7fc00000)
    fsgnjn.s fa3, fa2, fa0
    CHECK_S(fa3, 0xffc00000)
    fsgnj.s fa3, fa0, fa2           /* sign taken from canonical NaN: + */
    CHECK_S(fa3, 0x3f800000)
    /* transfers out ignore the upper bits */
    fmv.x.w a0, fa2
    CHECK(a0, 0x3f800000)
    fsw fa2, 8(s0)
    lwu a0, 8(s0)
    CHECK(a0, 0x3f800000)

    /* fmv.x.w sign-extends bit 31; fmv.w.x boxes the low 32 bits */
    LI_S(fa0, 0x80000000)
    fmv.x.w a0, fa0
    CHECK(a0, 0xffffffff80000000)
    LI_S(fa0, 0x7f800001)
    fmv.x.w a0, fa0                 /* payload of a signalling NaN kept */
    CHECK(a0, 0x7f800001)
    li t0, 0x5555555512345678
    fmv.w.x fa0, t0
    CHECK_S(fa0, 0x12345678)
    li t0, 0x7ff0000000000001
    fmv.d.x fa0, t0
    fmv.x.d a0, fa0
    CHECK(a0, 0x7ff0000000000001)
    CHECK_FLAGS(0)

    /* arithmetic on NaNs returns the canonical NaN, never a payload */
    LI_S(fa0, 0xffc0beef)
    fsqrt.s fa1, fa0
    CHECK_S(fa1, 0x7fc00000)
    LI_D(fa0, 0xfff000000000beef)   /* signalling */
    fadd.d fa1, fa0, fa0
    CHECK_D(fa1, 0x7ff8000000000000)
    CHECK_FLAGS(FLAG_NV)
    fcvt.s.d fa1, fa0               /* narrowing a NaN */
    CHECK_S(fa1, 0x7fc00000)
    CHECK_FLAGS(FLAG_NV)
    LI_S(fa0, 0x7fa00000)           /* widening a signalling NaN */
    fcvt.d.s fa1, fa0
    CHECK_D(fa1, 0x7ff8000000000000)
    CHECK_FLAGS(FLAG_NV)

    /* fsgnj/fsgnjn/fsgnjx: magnitude of rs1, sign from rs2 */
    LI_S(fa0, 0x40490fdb)           /* +pi */
    LI_S(fa1, 0xbf800000)           /* -1 */
    fsgnj.s fa2, fa0, fa1
    CHECK_S(fa2, 0xc0490fdb)
    fsgnjn.s fa2, fa0, fa1
    CHECK_S(fa2, 0x40490fdb)
    fsgnjx.s fa2, fa0, fa1
    CHECK_S(fa2, 0xc0490fdb)
    fsgnjx.s fa2, fa1, fa1          /* fabs */
    CHECK_S(fa2, 0x3f800000)
    fsgnjn.s fa2, fa0, fa0          /* fneg */
    CHECK_S(fa2, 0xc0490fdb)
    LI_S(fa0, 0x7f800001)           /* sign ops keep NaN payloads, no NV */
    fsgnjn.s fa2, fa0, fa0
    CHECK_S(fa2, 0xff800001)
    LI_D(fa0, 0x400921fb54442d18)
    LI_D(fa1, 0x8000000000000000)
    fsgnj.d fa2, fa0, fa1
    CHECK_D(fa2, 0xc00921fb54442d18)
    fsgnjn.d fa2, fa0, fa1
    CHECK_D(fa2, 0x400921fb54442d18)
    fsgnjx.d fa2, fa2, fa1
    CHECK_D(fa2, 0xc00921fb54442d18)
    LI_D(fa0, 0xfff0000000000001)
    fabs.d fa2, fa0
    CHECK_D(fa2, 0x7ff0000000000001)
    CHECK_FLAGS(0)
    PASS

    .data
    .align 3
buf:
    .dword 0, 0
