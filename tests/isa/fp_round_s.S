/*
 * Single precision: all five rounding modes, static and dynamic, for
 * fadd, fmul, fdiv
 * and fsqrt. Operands are chosen
 * so that the exact result is a tie (positive or negative, with an even
 * lower neighbour) or lies above half an ulp, which tells the modes apart.
 */
#include "test.h"

#define RES(e)  CHECK_S(fa2, e)
#define ADD(rm)  fadd.s fa2, fa0, fa1, rm
#define MUL(rm)  fmul.s fa2, fa0, fa1, rm
#define DIV(rm)  fdiv.s fa2, fa0, fa1, rm
#define SQRT(rm) fsqrt.s fa2, fa0, rm

    .text
    .globl main
main:
    /* 1 + 2^-24: a tie between 1.0 and 1 + 2^-23 */
    LI_S(fa0, 0x3f800000)
    LI_S(fa1, 0x33800000)
    ROUND5(ADD, RES, 0x3f800000, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001)
    fneg.s fa0, fa0
    fneg.s fa1, fa1
    ROUND5(ADD, RES, 0xbf800000, 0xbf800000, 0xbf800001, 0xbf800000, 0xbf800001)
    /* 1 + 0.75 ulp */
    LI_S(fa0, 0x3f800000)
    LI_S(fa1, 0x33c00000)
    ROUND5(ADD, RES, 0x3f800001, 0x3f800000, 0x3f800000, 0x3f800001, 0x3f800001)

    /* (1 + 2^-12)^2 = 1 + 2^-11 + 2^-24: a tie */
    LI_S(fa0, 0x3f800800)
    LI_S(fa1, 0x3f800800)
    ROUND5(MUL, RES, 0x3f801000, 0x3f801000, 0x3f801000, 0x3f801001, 0x3f801001)
    fneg.s fa1, fa1
    ROUND5(MUL, RES, 0xbf801000, 0xbf801000, 0xbf801001, 0xbf801000, 0xbf801001)
    /* (1 + 2^-12)(1 + 2^-12 + 2^-23): just above half an ulp */
    LI_S(fa1, 0x3f800801)
    ROUND5(MUL, RES, 0x3f801002, 0x3f801001, 0x3f801001, 0x3f801002, 0x3f801002)

    /* 5/3 rounds down to nearest, 1/3 rounds up (quotients never tie) */
    LI_S(fa0, 0x40a00000)
    LI_S(fa1, 0x40400000)
    ROUND5(DIV, RES, 0x3fd55555, 0x3fd55555, 0x3fd55555, 0x3fd55556, 0x3fd55555)
    fneg.s fa0, fa0
    ROUND5(DIV, RES, 0xbfd55555, 0xbfd55555, 0xbfd55556, 0xbfd55555, 0xbfd55555)
    LI_S(fa0, 0x3f800000)
    ROUND5(DIV, RES, 0x3eaaaaab, 0x3eaaaaaa, 0x3eaaaaaa, 0x3eaaaaab, 0x3eaaaaab)

    /* sqrt(2) rounds down to nearest, sqrt(5) up */
    LI_S(fa0, 0x40000000)
    ROUND5(SQRT, RES, 0x3fb504f3, 0x3fb504f3, 0x3fb504f3, 0x3fb504f4, 0x3fb504f3)
    LI_S(fa0, 0x40a00000)
    ROUND5(SQRT, RES, 0x400f1bbd, 0x400f1bbc, 0x400f1bbc, 0x400f1bbd, 0x400f1bbd)

    PASS
