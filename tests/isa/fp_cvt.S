/*
 * Conversions at the limits: NaN and infinities, out-of-range values that
 * saturate with NV, fractions that are merely inexact, the 32-bit results
 * of the W forms (sign-extended even when unsigned), and float <-> double.
 */
#include "test.h"

/* Convert fa0 with `op`, check the integer result and the flags. */
#define CVT(op, res, flags) op a0, fa0, rtz; CHECK(a0, res); CHECK_FLAGS(flags)

    .text
    .globl main
main:
    csrw fflags, zero
    /* NaN converts to the largest value, whatever its sign */
    LI_S(fa0, 0xffc00000)
    CVT(fcvt.w.s, 0x7fffffff, FLAG_NV)
    CVT(fcvt.wu.s, -1, FLAG_NV)     /* 2^32 - 1, sign-extended */
    CVT(fcvt.l.s, 0x7fffffffffffffff, FLAG_NV)
    CVT(fcvt.lu.s, -1, FLAG_NV)
    LI_D(fa0, 0x7ff8000000000000)
    CVT(fcvt.w.d, 0x7fffffff, FLAG_NV)
    CVT(fcvt.lu.d, -1, FLAG_NV)

    /* infinities saturate */
    LI_S(fa0, 0x7f800000)
    CVT(fcvt.w.s, 0x7fffffff, FLAG_NV)
    CVT(fcvt.wu.s, -1, FLAG_NV)
    CVT(fcvt.l.s, 0x7fffffffffffffff, FLAG_NV)
    CVT(fcvt.lu.s, -1, FLAG_NV)
    LI_S(fa0, 0xff800000)
    CVT(fcvt.w.s, 0xffffffff80000000, FLAG_NV)
    CVT(fcvt.wu.s, 0, FLAG_NV)
    CVT(fcvt.l.s, 0x8000000000000000, FLAG_NV)
    CVT(fcvt.lu.s, 0, FLAG_NV)

    /* exactly representable limits convert without flags */
    LI_S(fa0, 0xcf000000)           /* -2^31 */
    CVT(fcvt.w.s, 0xffffffff80000000, 0)
    LI_S(fa0, 0x4f32d05e)           /* 3e9 fits in 32 bits unsigned */
    CVT(fcvt.wu.s, 0xffffffffb2d05e00, 0)
    CVT(fcvt.w.s, 0x7fffffff, FLAG_NV)
    LI_D(fa0, 0xc3e0000000000000)   /* -2^63 */
    CVT(fcvt.l.d, 0x8000000000000000, 0)
    LI_D(fa0, 0x43efffffffffffff)   /* 2^64 - 2048 */
    CVT(fcvt.lu.d, 0xfffffffffffff800, 0)
    CVT(fcvt.l.d, 0x7fffffffffffffff, FLAG_NV)
    LI_D(fa0, 0x41efffffffe00000)   /* 2^32 - 1 */
    CVT(fcvt.wu.d, -1, 0)

    /* just out of range saturates with NV */
    LI_S(fa0, 0x4f000000)           /* 2^31 */
    CVT(fcvt.w.s, 0x7fffffff, FLAG_NV)
    LI_S(fa0, 0x4f800000)           /* 2^32 */
    CVT(fcvt.wu.s, -1, FLAG_NV)
    LI_D(fa0, 0x43e0000000000000)   /* 2^63 */
    CVT(fcvt.l.d, 0x7fffffffffffffff, FLAG_NV)
    CVT(fcvt.lu.d, 0x8000000000000000, 0)
    LI_D(fa0, 0x43f0000000000000)   /* 2^64 */
    CVT(fcvt.lu.d, -1, FLAG_NV)

    /* negative to unsigned: NV only if the rounded value is negative */
    LI_S(fa0, 0xbfc00000)           /* -1.5 */
    CVT(fcvt.wu.s, 0, FLAG_NV)
    CVT(fcvt.lu.s, 0, FLAG_NV)
    LI_S(fa0, 0xbf000000)           /* -0.5 truncates to 0: only inexact */
    CVT(fcvt.wu.s, 0, FLAG_NX)
    CVT(fcvt.lu.s, 0, FLAG_NX)
    fcvt.wu.s a0, fa0, rdn          /* ...but rounds down to -1 */
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)

    /* fractions: NX only */
    LI_S(fa0, 0xbfc00000)
    CVT(fcvt.w.s, -1, FLAG_NX)
    CVT(fcvt.l.s, -1, FLAG_NX)
    LI_D(fa0, 0x41dfffffffd00000)   /* 2^31 - 0.75 */
    CVT(fcvt.w.d, 0x7fffffff, FLAG_NX)
    fcvt.w.d a0, fa0, rup           /* rounds up to 2^31: too big */
    CHECK(a0, 0x7fffffff)
    CHECK_FLAGS(FLAG_NV)
    LI_D(fa0, 0x41dfffffffe00000)   /* 2^31 - 0.5 ties to 2^31: too big */
    fcvt.w.d a0, fa0, rne
    CHECK(a0, 0x7fffffff)
    CHECK_FLAGS(FLAG_NV)

    /* integer to float: W forms read only the low 32 bits */
    li a1, 0x12345678ffffffff
    fcvt.s.w fa1, a1
    CHECK_S(fa1, 0xbf800000)
    fcvt.s.wu fa1, a1               /* 2^32 - 1 rounds to 2^32 */
    CHECK_S(fa1, 0x4f800000)
    CHECK_FLAGS(FLAG_NX)
    fcvt.d.wu fa1, a1
    CHECK_D(fa1, 0x41efffffffe00000)
    fcvt.d.w fa1, a1
    CHECK_D(fa1, 0xbff0000000000000)
    CHECK_FLAGS(0)
    li a1, -1
    fcvt.d.lu fa1, a1
    CHECK_D(fa1, 0x43f0000000000000)
    CHECK_FLAGS(FLAG_NX)
    fcvt.s.l fa1, a1
    CHECK_S(fa1, 0xbf800000)
    CHECK_FLAGS(0)
    fcvt.d.lu fa1, a1, rtz          /* 2^64 - 1 rounded down and up */
    CHECK_D(fa1, 0x43efffffffffffff)
    fcvt.d.lu fa1, a1, rup
    CHECK_D(fa1, 0x43f0000000000000)
    fcvt.s.lu fa1, a1, rdn
    CHECK_S(fa1, 0x5f7fffff)
    fcvt.s.lu fa1, a1, rmm
    CHECK_S(fa1, 0x5f800000)
    CHECK_FLAGS(FLAG_NX)
    li a1, 0x8000000000000000
    fcvt.d.l fa1, a1
    CHECK_D(fa1, 0xc3e0000000000000)
    fcvt.s.w fa1, zero
    CHECK_S(fa1, 0)                 /* +0, never -0 */
    CHECK_FLAGS(0)

    /* float <-> double */
    LI_S(fa0, 0x00080000)           /* single subnormal 2^-130 */
    fcvt.d.s fa1, fa0
    CHECK_D(fa1, 0x37d0000000000000)
    CHECK_FLAGS(0)
    fcvt.s.d fa2, fa1
    CHECK_S(fa2, 0x00080000)
    CHECK_FLAGS(0)
    LI_D(fa0, 0x7e37e43c8800759c)   /* 1e300 overflows a single */
    fcvt.s.d fa1, fa0
    CHECK_S(fa1, 0x7f800000)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    fcvt.s.d fa1, fa0, rtz
    CHECK_S(fa1, 0x7f7fffff)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    LI_D(fa0, 0x81a56e1fc2f8f359)   /* -1e-300 underflows to -0 */
    fcvt.s.d fa1, fa0
    CHECK_S(fa1, 0x80000000)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)
    LI_S(fa0, 0xff800000)
    fcvt.d.s fa1, fa0
    CHECK_D(fa1, 0xfff0000000000000)
    CHECK_FLAGS(0)
    PASS
