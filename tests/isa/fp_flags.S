/*
 * FP exception flags: each of NV, DZ, OF, UF and NX is raised exactly when
 * IEEE 754 says so, flags accumulate until cleared, and fcsr is the
 * concatenation of frm and fflags.
 */
#include "test.h"

#define S_ONE   0x3f800000
#define S_TWO   0x40000000
#define S_HALF  0x3f000000
#define S_THREE 0x40400000
#define S_MAX   0x7f7fffff
#define S_INF   0x7f800000
#define S_QNAN  0x7fc00000
#define S_SNAN  0x7f800001
#define D_ONE   0x3ff0000000000000
#define D_THREE 0x4008000000000000
#define D_MAX   0x7fefffffffffffff
#define D_INF   0x7ff0000000000000
#define D_QNAN  0x7ff8000000000000
#define D_SNAN  0x7ff0000000000001

    .text
    .globl main
main:
    csrw fflags, zero
    /* exact results raise nothing */
    LI_S(fa0, S_ONE)
    LI_S(fa1, S_TWO)
    fadd.s fa2, fa0, fa1
    CHECK_S(fa2, 0x40400000)
    CHECK_FLAGS(0)
    fmul.s fa2, fa1, fa1
    fdiv.s fa2, fa1, fa1
    fsqrt.s fa2, fa0
    CHECK_FLAGS(0)

    /* NX alone: 1/3 */
    LI_S(fa1, S_THREE)
    fdiv.s fa2, fa0, fa1
    CHECK_FLAGS(FLAG_NX)
    LI_D(fa3, D_ONE)
    LI_D(fa4, D_THREE)
    fdiv.d fa2, fa3, fa4
    CHECK_FLAGS(FLAG_NX)

    /* DZ alone: finite / 0 gives a signed infinity */
    fmv.w.x fa1, zero
    fdiv.s fa2, fa0, fa1
    CHECK_S(fa2, S_INF)
    CHECK_FLAGS(FLAG_DZ)
    fneg.s fa1, fa1
    fdiv.s fa2, fa0, fa1
    CHECK_S(fa2, 0xff800000)
    CHECK_FLAGS(FLAG_DZ)
    fmv.d.x fa4, zero
    fdiv.d fa2, fa3, fa4
    CHECK_D(fa2, D_INF)
    CHECK_FLAGS(FLAG_DZ)
    /* but inf / 0 is exact, and 0 / 0 is invalid, not DZ */
    LI_S(fa0, S_INF)
    fmv.w.x fa1, zero
    fdiv.s fa2, fa0, fa1
    CHECK_S(fa2, S_INF)
    CHECK_FLAGS(0)
    fdiv.s fa2, fa1, fa1
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(FLAG_NV)

    /* NV: sqrt(-1), inf - inf, 0 * inf, give the canonical NaN */
    LI_S(fa0, 0xbf800000)
    fsqrt.s fa2, fa0
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(FLAG_NV)
    LI_S(fa0, S_INF)
    fsub.s fa2, fa0, fa0
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(FLAG_NV)
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(FLAG_NV)
    LI_D(fa3, 0xbff0000000000000)
    fsqrt.d fa2, fa3
    CHECK_D(fa2, D_QNAN)
    CHECK_FLAGS(FLAG_NV)
    /* sqrt(-0) = -0 and sqrt(+inf) = +inf, no flags */
    LI_S(fa0, 0x80000000)
    fsqrt.s fa2, fa0
    CHECK_S(fa2, 0x80000000)
    LI_S(fa0, S_INF)
    fsqrt.s fa2, fa0
    CHECK_S(fa2, S_INF)
    CHECK_FLAGS(0)

    /* NaN operands: quiet NaNs propagate silently, signalling raise NV */
    LI_S(fa0, S_ONE)
    LI_S(fa1, 0x7fc12345)
    fadd.s fa2, fa0, fa1
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(0)
    LI_S(fa1, S_SNAN)
    fadd.s fa2, fa0, fa1
    CHECK_S(fa2, S_QNAN)
    CHECK_FLAGS(FLAG_NV)
    LI_D(fa3, D_ONE)
    LI_D(fa4, D_SNAN)
    fmul.d fa2, fa4, fa3
    CHECK_D(fa2, D_QNAN)
    CHECK_FLAGS(FLAG_NV)
    LI_D(fa4, 0xfff8000000000bad)
    fmul.d fa2, fa4, fa3
    CHECK_D(fa2, D_QNAN)
    CHECK_FLAGS(0)

    /* OF (with NX): overflow goes to inf or to the largest finite value */
    LI_S(fa0, S_MAX)
    LI_S(fa1, S_TWO)
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, S_INF)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    fmul.s fa2, fa0, fa1, rtz
    CHECK_S(fa2, S_MAX)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    fmul.s fa2, fa0, fa1, rdn
    CHECK_S(fa2, S_MAX)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    fneg.s fa1, fa1
    fmul.s fa2, fa0, fa1, rup
    CHECK_S(fa2, 0xff7fffff)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    fmul.s fa2, fa0, fa1, rdn
    CHECK_S(fa2, 0xff800000)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    LI_D(fa3, D_MAX)
    fadd.d fa2, fa3, fa3
    CHECK_D(fa2, D_INF)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    /* max + 1 is merely inexact: it rounds back to max */
    LI_S(fa1, S_ONE)
    fadd.s fa2, fa0, fa1
    CHECK_S(fa2, S_MAX)
    CHECK_FLAGS(FLAG_NX)

    /* UF only for a tiny and inexact result; exact subnormals are fine */
    LI_S(fa0, 0x00000002)
    LI_S(fa1, S_HALF)
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, 0x00000001)
    CHECK_FLAGS(0)
    LI_S(fa0, 0x00000003)           /* 1.5 * 2^-149 ties to 2 * 2^-149 */
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, 0x00000002)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)
    LI_S(fa0, 0x00000001)           /* 2^-150 ties to zero */
    fmul.s fa2, fa0, fa1
    CHECK_S(fa2, 0)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)
    LI_D(fa3, 0x0000000000000001)
    LI_D(fa4, 0x3fd0000000000000)   /* 2^-1074 / 4 */
    fmul.d fa2, fa3, fa4, rup
    CHECK_D(fa2, 1)
    CHECK_FLAGS(FLAG_UF|FLAG_NX)
    /* a subnormal minus a subnormal, exact: no flags */
    LI_D(fa4, 0x0000000000000003)
    fsub.d fa2, fa4, fa3
    CHECK_D(fa2, 2)
    CHECK_FLAGS(0)

    /* flags accumulate until written */
    LI_S(fa0, S_ONE)
    LI_S(fa1, S_THREE)
    fdiv.s fa2, fa0, fa1            /* NX */
    fmv.w.x fa1, zero
    fdiv.s fa2, fa0, fa1            /* DZ */
    fadd.s fa2, fa0, fa0            /* exact: leaves them alone */
    CHECK_FLAGS(FLAG_NX|FLAG_DZ)

    /* fcsr = frm << 5 | fflags; fflags and frm are views of it */
    li a0, 0xff
    csrw fcsr, a0
    csrr a1, fcsr
    CHECK(a1, 0xff)
    csrr a1, frm
    CHECK(a1, 7)
    csrr a1, fflags
    CHECK(a1, 0x1f)
    csrwi frm, 2
    csrr a1, fcsr
    CHECK(a1, 0x5f)
    csrwi fflags, 0x3
    csrr a1, fcsr
    CHECK(a1, 0x43)
    li a0, -1                       /* bits above 7 are read-only zero */
    csrw fcsr, a0
    csrr a1, fcsr
    CHECK(a1, 0xff)
    fsflags a2, zero                /* swaps: returns the old flags */
    CHECK(a2, 0x1f)
    fsrm a2, zero
    CHECK(a2, 7)
    csrr a1, fcsr
    CHECK(a1, 0)
    PASS
