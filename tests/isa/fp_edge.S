/*
 * FP corner cases an emulator gets wrong by leaning on the host: signed
 * zeros under each rounding mode, subnormal operands and results (no
 * flush to zero), tininess detected after rounding, loads, stores and
 * moves that keep signalling-NaN payloads, and 64-bit integer limits.
 */
#include "test.h"

    .text
    .globl main
main:
    csrw fflags, zero
    /* exact zero results: +0, except -0 when rounding down */
    LI_S(fa0, 0x00000000)
    LI_S(fa1, 0x80000000)
    fadd.s fa2, fa0, fa1
    CHECK_S(fa2, 0)
    fadd.s fa2, fa0, fa1, rdn
    CHECK_S(fa2, 0x80000000)
    fadd.s fa2, fa1, fa1            /* -0 + -0 = -0 in every mode */
    CHECK_S(fa2, 0x80000000)
    LI_D(fa3, 0x4010000000000000)
    fsub.d fa4, fa3, fa3
    CHECK_D(fa4, 0)
    fsub.d fa4, fa3, fa3, rdn
    CHECK_D(fa4, 0x8000000000000000)
    fsub.d fa4, fa3, fa3, rup
    CHECK_D(fa4, 0)
    LI_S(fa3, 0x40400000)
    fmul.s fa2, fa1, fa3            /* -0 * 3 */
    CHECK_S(fa2, 0x80000000)
    LI_S(fa3, 0xff800000)
    LI_S(fa4, 0x3f800000)
    fdiv.s fa2, fa4, fa3            /* 1 / -inf */
    CHECK_S(fa2, 0x80000000)
    fmax.s fa2, fa0, fa0
    CHECK_S(fa2, 0)
    fmin.s fa2, fa1, fa1
    CHECK_S(fa2, 0x80000000)
    fcvt.w.s a0, fa1
    CHECK(a0, 0)
    fcvt.lu.s a0, fa1
    CHECK(a0, 0)
    CHECK_FLAGS(0)

    /* subnormals are numbers, not zeros */
    LI_S(fa0, 0x00000001)
    fadd.s fa2, fa0, fa0
    CHECK_S(fa2, 0x00000002)
    LI_S(fa1, 0x4b000000)           /* 2^23 */
    fmul.s fa2, fa0, fa1            /* 2^-149 * 2^23 = 2^-126 */
    CHECK_S(fa2, 0x00800000)
    LI_S(fa0, 0x00800000)
    LI_S(fa1, 0x40000000)
    fdiv.s fa2, fa0, fa1
    CHECK_S(fa2, 0x00400000)
    LI_D(fa0, 0x0008000000000000)   /* 2^-1023 */
    fsqrt.d fa2, fa0
    CHECK_D(fa2, 0x1ff6a09e667f3bcd)
    LI_D(fa0, 0x0000000000000010)
    fcvt.l.d a0, fa0
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NX)            /* only the sqrt and the cvt were inexact */
    LI_D(fa0, 0x0000000000000003)
    LI_D(fa1, 0x0000000000000002)
    flt.d a0, fa1, fa0
    CHECK(a0, 1)
    fclass.d a0, fa1
    CHECK(a0, 1<<5)
    CHECK_FLAGS(0)

    /* a quotient near the bottom of the normal range: its remainder is
       subnormal, which must not make it look like a tie under RMM */
    LI_D(fa0, 0x80209dcf05693564)
    LI_D(fa1, 0x3f53c2ab2134a0e4)
    fdiv.d fa2, fa0, fa1, rmm
    CHECK_D(fa2, 0x80bae89c7c4292b8)
    fdiv.d fa2, fa0, fa1, rne
    CHECK_D(fa2, 0x80bae89c7c4292b8)
    CHECK_FLAGS(FLAG_NX)

    /* tininess is detected after rounding: a result that rounds up to
       the smallest normal is not an underflow... */
    LI_D(fa0, 0x380ffffff0000000)   /* 2^-126 * (1 - 2^-25) */
    fcvt.s.d fa2, fa0
    CHECK_S(fa2, 0x00800000)
    CHECK_FLAGS(FLAG_NX)
    fcvt.s.d fa2, fa0, rtz          /* ...unless it stays subnormal */
    CHECK_S(fa2, 0x007fffff)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)
    /* 2^-126 * (1 - 2^-24) is tiny even though it rounds to 2^-126 */
    LI_S(fa0, 0x00800000)
    LI_S(fa1, 0x3f7fffff)
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, 0x00800000)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)

    /* transfers keep NaN payloads bit for bit, quietly */
    la s0, buf
    li t0, 0x7f800001
    sw t0, 0(s0)
    flw fa0, 0(s0)
    fsw fa0, 4(s0)
    lwu a0, 4(s0)
    CHECK(a0, 0x7f800001)
    li t0, 0xfff0000000000123
    sd t0, 8(s0)
    fld fa1, 8(s0)
    fsd fa1, 16(s0)
    ld a0, 16(s0)
    CHECK(a0, 0xfff0000000000123)
    fmv.d fa2, fa1                  /* fsgnj.d: sign ops keep payloads */
    fmv.x.d a0, fa2
    CHECK(a0, 0xfff0000000000123)
    CHECK_FLAGS(0)

    /* 64-bit integer limits */
    LI_S(fa0, 0x5f000000)           /* 2^63 */
    fcvt.l.s a0, fa0
    CHECK(a0, 0x7fffffffffffffff)
    CHECK_FLAGS(FLAG_NV)
    fcvt.lu.s a0, fa0
    CHECK(a0, 0x8000000000000000)
    LI_S(fa0, 0xdf000000)           /* -2^63 */
    fcvt.l.s a0, fa0
    CHECK(a0, 0x8000000000000000)
    CHECK_FLAGS(0)
    li a1, 0x8000000000000001
    fcvt.s.l fa2, a1
    CHECK_S(fa2, 0xdf000000)
    fcvt.s.lu fa2, a1
    CHECK_S(fa2, 0x5f000000)
    CHECK_FLAGS(FLAG_NX)
    li a1, 0x7fffffffffffffff
    fcvt.d.l fa2, a1, rtz
    CHECK_D(fa2, 0x43dfffffffffffff)
    CHECK_FLAGS(FLAG_NX)
    PASS

    .data
    .align 3
buf:
    .fill 4, 8, 0
