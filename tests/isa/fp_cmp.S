/*
 * FP compares, fmin/fmax and fclass: signed zeros, quiet versus
 * signalling NaNs, and the flags each of them raises.
 */
#include "test.h"

#define CMP3(fmt, x, y, eq, lt, le) \
    feq.fmt a0, x, y; CHECK(a0, eq); flt.fmt a0, x, y; CHECK(a0, lt); \
    fle.fmt a0, x, y; CHECK(a0, le)
#define CLASS_S(bits, cls) LI_S(fa0, bits); fclass.s a0, fa0; CHECK(a0, 1<<cls)
#define CLASS_D(bits, cls) LI_D(fa0, bits); fclass.d a0, fa0; CHECK(a0, 1<<cls)

    .text
    .globl main
main:
    csrw fflags, zero
    LI_S(fs0, 0x3f800000)           /* 1 */
    LI_S(fs1, 0x40000000)           /* 2 */
    LI_S(fs2, 0x80000000)           /* -0 */
    LI_S(fs3, 0x00000000)           /* +0 */
    LI_S(fs4, 0x7fc00000)           /* qNaN */
    LI_S(fs5, 0x7f800001)           /* sNaN */

    CMP3(s, fs0, fs1, 0, 1, 1)
    CMP3(s, fs1, fs0, 0, 0, 0)
    CMP3(s, fs0, fs0, 1, 0, 1)
    CMP3(s, fs2, fs3, 1, 0, 1)      /* -0 == +0 */
    CHECK_FLAGS(0)
    /* feq is quiet: NV only for signalling NaNs */
    feq.s a0, fs4, fs0
    CHECK(a0, 0)
    feq.s a0, fs4, fs4
    CHECK(a0, 0)
    CHECK_FLAGS(0)
    feq.s a0, fs5, fs0
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    /* flt and fle signal on any NaN */
    flt.s a0, fs4, fs0
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    fle.s a0, fs0, fs4
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    fle.s a0, fs5, fs5
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)

    /* fmin/fmax: -0 < +0, a single NaN is ignored */
    fmin.s fa0, fs2, fs3
    CHECK_S(fa0, 0x80000000)
    fmin.s fa0, fs3, fs2
    CHECK_S(fa0, 0x80000000)
    fmax.s fa0, fs2, fs3
    CHECK_S(fa0, 0x00000000)
    fmax.s fa0, fs3, fs2
    CHECK_S(fa0, 0x00000000)
    fmin.s fa0, fs4, fs1
    CHECK_S(fa0, 0x40000000)
    fmax.s fa0, fs0, fs4
    CHECK_S(fa0, 0x3f800000)
    fmax.s fa0, fs4, fs4            /* both NaN: canonical NaN */
    CHECK_S(fa0, 0x7fc00000)
    CHECK_FLAGS(0)
    fmin.s fa0, fs5, fs1            /* sNaN: NV, other operand returned */
    CHECK_S(fa0, 0x40000000)
    CHECK_FLAGS(FLAG_NV)
    fmax.s fa0, fs5, fs5
    CHECK_S(fa0, 0x7fc00000)
    CHECK_FLAGS(FLAG_NV)
    fmin.s fa0, fs0, fs1
    CHECK_S(fa0, 0x3f800000)
    fmax.s fa0, fs0, fs1
    CHECK_S(fa0, 0x40000000)

    /* the same for doubles */
    LI_D(fs0, 0xbff0000000000000)   /* -1 */
    LI_D(fs1, 0x3ff0000000000000)   /* 1 */
    LI_D(fs2, 0x8000000000000000)
    LI_D(fs3, 0x0000000000000000)
    LI_D(fs4, 0x7ff8000000000000)
    LI_D(fs5, 0x7ff4000000000000)   /* sNaN */
    CMP3(d, fs0, fs1, 0, 1, 1)
    CMP3(d, fs3, fs2, 1, 0, 1)
    CHECK_FLAGS(0)
    feq.d a0, fs4, fs4
    CHECK(a0, 0)
    CHECK_FLAGS(0)
    feq.d a0, fs1, fs5
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    flt.d a0, fs4, fs1
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    fle.d a0, fs1, fs4
    CHECK(a0, 0)
    CHECK_FLAGS(FLAG_NV)
    fmin.d fa0, fs3, fs2
    CHECK_D(fa0, 0x8000000000000000)
    fmax.d fa0, fs2, fs3
    CHECK_D(fa0, 0)
    fmin.d fa0, fs4, fs0
    CHECK_D(fa0, 0xbff0000000000000)
    fmax.d fa0, fs4, fs4
    CHECK_D(fa0, 0x7ff8000000000000)
    CHECK_FLAGS(0)
    fmax.d fa0, fs1, fs5
    CHECK_D(fa0, 0x3ff0000000000000)
    CHECK_FLAGS(FLAG_NV)

    /* fclass: one bit for each of the ten classes, never a flag */
    CLASS_S(0xff800000, 0)          /* -inf */
    CLASS_S(0xbf800000, 1)          /* -normal */
    CLASS_S(0x807fffff, 2)          /* -subnormal */
    CLASS_S(0x80000000, 3)          /* -0 */
    CLASS_S(0x00000000, 4)          /* +0 */
    CLASS_S(0x00000001, 5)          /* +subnormal */
    CLASS_S(0x00800000, 6)          /* +normal */
    CLASS_S(0x7f800000, 7)          /* +inf */
    CLASS_S(0xffbfffff, 8)          /* sNaN */
    CLASS_S(0xffc00001, 9)          /* qNaN */
    CLASS_D(0xfff0000000000000, 0)
    CLASS_D(0x8010000000000000, 1)
    CLASS_D(0x800fffffffffffff, 2)
    CLASS_D(0x8000000000000000, 3)
    CLASS_D(0x0000000000000000, 4)
    CLASS_D(0x0000000000000001, 5)
    CLASS_D(0x7fefffffffffffff, 6)
    CLASS_D(0x7ff0000000000000, 7)
    CLASS_D(0x7ff0000000000001, 8)
    CLASS_D(0x7ff8000000000000, 9)
    CHECK_FLAGS(0)
    PASS
