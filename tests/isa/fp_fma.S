/*
 * Fused multiply-add: one rounding for the whole a * b + c, the four sign
 * variants, rounding modes, and the invalid cases (inf * 0 raises NV even
 * when the addend is a quiet NaN).
 */
#include "test.h"

    .text
    .globl main
main:
    csrw fflags, zero
    /* (1 + 2^-12)^2 - 1 = 2^-11 + 2^-24 exactly; rounding the product first
       would lose the 2^-24 */
    LI_S(fa0, 0x3f800800)
    LI_S(fa1, 0xbf800000)           /* -1 */
    fmadd.s fa2, fa0, fa0, fa1
    CHECK_S(fa2, 0x3a000400)
    CHECK_FLAGS(0)
    fneg.s fa3, fa1                 /* +1 */
    fmsub.s fa2, fa0, fa0, fa3      /* a*b - c */
    CHECK_S(fa2, 0x3a000400)
    fnmsub.s fa2, fa0, fa0, fa3     /* -(a*b) + c */
    CHECK_S(fa2, 0xba000400)
    fnmadd.s fa2, fa0, fa0, fa1     /* -(a*b) - c */
    CHECK_S(fa2, 0xba000400)
    CHECK_FLAGS(0)
    /* the separate multiply and add give a different answer */
    fmul.s fa4, fa0, fa0
    fadd.s fa2, fa4, fa1
    CHECK_S(fa2, 0x3a000000)
    CHECK_FLAGS(FLAG_NX)

    /* the same in double: (1 + 2^-27)^2 - 1 = 2^-26 + 2^-54 */
    LI_D(fa0, 0x3ff0000002000000)
    LI_D(fa1, 0xbff0000000000000)
    fmadd.d fa2, fa0, fa0, fa1
    CHECK_D(fa2, 0x3e50000001000000)
    fneg.d fa3, fa1
    fmsub.d fa2, fa0, fa0, fa3
    CHECK_D(fa2, 0x3e50000001000000)
    fnmsub.d fa2, fa0, fa0, fa3
    CHECK_D(fa2, 0xbe50000001000000)
    fnmadd.d fa2, fa0, fa0, fa1
    CHECK_D(fa2, 0xbe50000001000000)
    CHECK_FLAGS(0)

    /* 1 * 1 + 2^-24 is a tie: rounded once, by the requested mode */
    LI_S(fa0, 0x3f800000)
    LI_S(fa1, 0x33800000)
    fmadd.s fa2, fa0, fa0, fa1, rne
    CHECK_S(fa2, 0x3f800000)
    fmadd.s fa2, fa0, fa0, fa1, rup
    CHECK_S(fa2, 0x3f800001)
    fmadd.s fa2, fa0, fa0, fa1, rmm
    CHECK_S(fa2, 0x3f800001)
    fnmadd.s fa2, fa0, fa0, fa1, rdn
    CHECK_S(fa2, 0xbf800001)
    fnmadd.s fa2, fa0, fa0, fa1, rtz
    CHECK_S(fa2, 0xbf800000)
    CHECK_FLAGS(FLAG_NX)

    /* the same in double, and a tie made by the product itself */
    LI_D(fa0, 0x3ff0000000000000)
    LI_D(fa1, 0x3ca0000000000000)   /* 2^-53 */
    fmadd.d fa2, fa0, fa0, fa1, rne
    CHECK_D(fa2, 0x3ff0000000000000)
    fmadd.d fa2, fa0, fa0, fa1, rmm
    CHECK_D(fa2, 0x3ff0000000000001)
    fnmadd.d fa2, fa0, fa0, fa1, rmm
    CHECK_D(fa2, 0xbff0000000000001)
    fmsub.d fa2, fa0, fa0, fa1, rmm /* 1 - 2^-53 is exact */
    CHECK_D(fa2, 0x3fefffffffffffff)
    CHECK_FLAGS(FLAG_NX)
    LI_D(fa0, 0x3ff0000004000000)   /* (1 + 2^-26)(1 + 2^-27) + 0 */
    LI_D(fa1, 0x3ff0000002000000)
    fmv.d.x fa3, zero
    fmadd.d fa2, fa0, fa1, fa3, rmm
    CHECK_D(fa2, 0x3ff0000006000001)
    fmadd.d fa2, fa0, fa1, fa3, rne
    CHECK_D(fa2, 0x3ff0000006000000)
    CHECK_FLAGS(FLAG_NX)

    /* inf * 0 + qNaN: invalid, canonical NaN */
    LI_S(fa0, 0x7f800000)
    fmv.w.x fa1, zero
    LI_S(fa3, 0x7fc00001)
    fmadd.s fa2, fa0, fa1, fa3
    CHECK_S(fa2, 0x7fc00000)
    CHECK_FLAGS(FLAG_NV)
    /* inf * 1 - inf: invalid */
    LI_S(fa1, 0x3f800000)
    fmsub.s fa2, fa0, fa1, fa0
    CHECK_S(fa2, 0x7fc00000)
    CHECK_FLAGS(FLAG_NV)
    /* a quiet NaN addend with a valid product: quiet */
    fmadd.s fa2, fa1, fa1, fa3
    CHECK_S(fa2, 0x7fc00000)
    CHECK_FLAGS(0)
    /* exact zero sums: +0 in RNE, -0 in RDN, -0 for -0 + -0 */
    fmv.w.x fa0, zero
    fmsub.s fa2, fa1, fa1, fa1      /* 1 - 1 */
    CHECK_S(fa2, 0)
    fmsub.s fa2, fa1, fa1, fa1, rdn
    CHECK_S(fa2, 0x80000000)
    fnmadd.s fa2, fa1, fa0, fa0     /* -(1 * 0) - 0 */
    CHECK_S(fa2, 0x80000000)
    LI_D(fa0, 0x7fefffffffffffff)   /* overflow in the product alone */
    LI_D(fa1, 0x4000000000000000)
    fmadd.d fa2, fa0, fa1, fa0
    CHECK_D(fa2, 0x7ff0000000000000)
    CHECK_FLAGS(FLAG_OF|FLAG_NX)
    LI_D(fa3, 0xffefffffffffffff)   /* ...but 2 max - max is exact */
    fmadd.d fa2, fa0, fa1, fa3
    CHECK_D(fa2, 0x7fefffffffffffff)
    CHECK_FLAGS(0)
    PASS
