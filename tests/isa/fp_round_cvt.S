/*
 * Conversions under all five rounding modes, static and dynamic: float to
 * integer, integer to float, and double to single. Inputs are ties or lie
 * off the halfway point so that the modes give different results.
 */
#include "test.h"

#define RES(e)   CHECK_D(fa2, e)
#define RESS(e)  CHECK_S(fa2, e)
#define RESX(e)  CHECK(a0, e)
#define CVTWS(rm) fcvt.w.s a0, fa0, rm
#define CVTSW(rm) fcvt.s.w fa2, a1, rm
#define CVTLD(rm) fcvt.l.d a0, fa0, rm
#define CVTDL(rm) fcvt.d.l fa2, a1, rm
#define CVTSD(rm) fcvt.s.d fa2, fa0, rm

    .text
    .globl main
main:
    /* to integer: 2.5, -2.5, 2.75 */
    LI_S(fa0, 0x40200000)
    ROUND5(CVTWS, RESX, 2, 2, 2, 3, 3)
    fneg.s fa0, fa0
    ROUND5(CVTWS, RESX, -2, -2, -3, -2, -3)
    LI_S(fa0, 0x40300000)
    ROUND5(CVTWS, RESX, 3, 2, 2, 3, 3)

    /* from integer: 2^24 + 1 (tie), -(2^24 + 1), 2^25 + 3 (0.75 ulp) */
    li a1, 0x1000001
    ROUND5(CVTSW, RESS, 0x4b800000, 0x4b800000, 0x4b800000, 0x4b800001, 0x4b800001)
    neg a1, a1
    ROUND5(CVTSW, RESS, 0xcb800000, 0xcb800000, 0xcb800001, 0xcb800000, 0xcb800001)
    li a1, 0x2000003
    ROUND5(CVTSW, RESS, 0x4c000001, 0x4c000000, 0x4c000000, 0x4c000001, 0x4c000001)
    /* to integer: 2.5, -2.5, 2.75 */
    LI_D(fa0, 0x4004000000000000)
    ROUND5(CVTLD, RESX, 2, 2, 2, 3, 3)
    fneg.d fa0, fa0
    ROUND5(CVTLD, RESX, -2, -2, -3, -2, -3)
    LI_D(fa0, 0x4006000000000000)
    ROUND5(CVTLD, RESX, 3, 2, 2, 3, 3)

    /* from integer: 2^53 + 1 (tie), -(2^53 + 1), 2^54 + 3 (0.75 ulp) */
    li a1, 0x20000000000001
    ROUND5(CVTDL, RES, 0x4340000000000000, 0x4340000000000000, 0x4340000000000000, 0x4340000000000001, 0x4340000000000001)
    neg a1, a1
    ROUND5(CVTDL, RES, 0xc340000000000000, 0xc340000000000000, 0xc340000000000001, 0xc340000000000000, 0xc340000000000001)
    li a1, 0x40000000000003
    ROUND5(CVTDL, RES, 0x4350000000000001, 0x4350000000000000, 0x4350000000000000, 0x4350000000000001, 0x4350000000000001)

    /* double to single: 1 + 2^-24 (tie), its negation, 1 + 3 * 2^-25 */
    LI_D(fa0, 0x3ff0000010000000)
    ROUND5(CVTSD, RESS, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001)
    fneg.d fa0, fa0
    ROUND5(CVTSD, RESS, 0xbf800000, 0xbf800000, 0xbf800001, 0xbf800000, 0xbf800001)
    LI_D(fa0, 0x3ff0000018000000)
    ROUND5(CVTSD, RESS, 0x3f800001, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001)
    PASS
