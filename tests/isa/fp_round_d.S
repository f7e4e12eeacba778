/*
 * Double precision: all five rounding modes, static and dynamic, for
 * fadd, fmul,
 * fdiv and fsqrt. The exact
 * results are ties (with an even lower neighbour) or off the halfway point.
 */
#include "test.h"

#define RES(e)   CHECK_D(fa2, e)
#define ADD(rm)  fadd.d fa2, fa0, fa1, rm
#define MUL(rm)  fmul.d fa2, fa0, fa1, rm
#define DIV(rm)  fdiv.d fa2, fa0, fa1, rm
#define SQRT(rm) fsqrt.d fa2, fa0, rm

    .text
    .globl main
main:
    /* 1 + 2^-53: a tie between 1.0 and 1 + 2^-52 */
    LI_D(fa0, 0x3ff0000000000000)
    LI_D(fa1, 0x3ca0000000000000)
    ROUND5(ADD, RES, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ff0000000000001)
    fneg.d fa0, fa0
    fneg.d fa1, fa1
    ROUND5(ADD, RES, 0xbff0000000000000, 0xbff0000000000000, 0xbff0000000000001, 0xbff0000000000000, 0xbff0000000000001)
    /* 1 + 0.75 ulp */
    LI_D(fa0, 0x3ff0000000000000)
    LI_D(fa1, 0x3ca8000000000000)
    ROUND5(ADD, RES, 0x3ff0000000000001, 0x3ff0000000000000, 0x3ff0000000000000, 0x3ff0000000000001, 0x3ff0000000000001)

    /* (1 + 2^-26)(1 + 2^-27) = 1 + 2^-26 + 2^-27 + 2^-53: a tie */
    LI_D(fa0, 0x3ff0000004000000)
    LI_D(fa1, 0x3ff0000002000000)
    ROUND5(MUL, RES, 0x3ff0000006000000, 0x3ff0000006000000, 0x3ff0000006000000, 0x3ff0000006000001, 0x3ff0000006000001)
    fneg.d fa1, fa1
    ROUND5(MUL, RES, 0xbff0000006000000, 0xbff0000006000000, 0xbff0000006000001, 0xbff0000006000000, 0xbff0000006000001)
    /* (1 + 2^-26)(1 + 2^-27 + 2^-52): just above half an ulp */
    LI_D(fa1, 0x3ff0000002000001)
    ROUND5(MUL, RES, 0x3ff0000006000002, 0x3ff0000006000001, 0x3ff0000006000001, 0x3ff0000006000002, 0x3ff0000006000002)

    /* 2/3 rounds down to nearest, 1/5 up */
    LI_D(fa0, 0x4000000000000000)
    LI_D(fa1, 0x4008000000000000)
    ROUND5(DIV, RES, 0x3fe5555555555555, 0x3fe5555555555555, 0x3fe5555555555555, 0x3fe5555555555556, 0x3fe5555555555555)
    fneg.d fa0, fa0
    ROUND5(DIV, RES, 0xbfe5555555555555, 0xbfe5555555555555, 0xbfe5555555555556, 0xbfe5555555555555, 0xbfe5555555555555)
    LI_D(fa0, 0x3ff0000000000000)
    LI_D(fa1, 0x4014000000000000)
    ROUND5(DIV, RES, 0x3fc999999999999a, 0x3fc9999999999999, 0x3fc9999999999999, 0x3fc999999999999a, 0x3fc999999999999a)

    /* sqrt(3) rounds down to nearest, sqrt(2) up */
    LI_D(fa0, 0x4008000000000000)
    ROUND5(SQRT, RES, 0x3ffbb67ae8584caa, 0x3ffbb67ae8584caa, 0x3ffbb67ae8584caa, 0x3ffbb67ae8584cab, 0x3ffbb67ae8584caa)
    LI_D(fa0, 0x4000000000000000)
    ROUND5(SQRT, RES, 0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcc, 0x3ff6a09e667f3bcd, 0x3ff6a09e667f3bcd)

    PASS
