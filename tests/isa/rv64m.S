/* M extension: products, quotients, remainders; /0 and MIN/-1 rules. */
#include "test.h"

#define MIN64 0x8000000000000000

    .text
    .globl main
main:
    li a0, -3
    li a1, 7
    mul a2, a0, a1
    CHECK(a2, -21)
    li a0, 0x123456789abcdef1
    li a1, 0x0fedcba987654321
    mul a2, a0, a1
    CHECK(a2, 0x3224a4396cc6d011)
    mulh a2, a0, a1
    CHECK(a2, 0x0121fa00ad77d742)

    /* high halves: signed x signed, signed x unsigned, unsigned x unsigned */
    li a0, -1
    li a1, -1
    mulh a2, a0, a1
    CHECK(a2, 0)
    mulhu a2, a0, a1
    CHECK(a2, -2)
    mulhsu a2, a0, a1               /* -1 * (2^64 - 1) */
    CHECK(a2, -1)
    li a0, MIN64
    mulh a2, a0, a0                 /* 2^126 */
    CHECK(a2, 0x4000000000000000)
    li a1, 2
    mulhsu a2, a0, a1
    CHECK(a2, -1)
    mulhu a2, a0, a1
    CHECK(a2, 1)
    li a0, 5
    li a1, -1
    mulhsu a2, a0, a1               /* 5 * (2^64 - 1) */
    CHECK(a2, 4)

    /* division truncates toward zero; remainder takes dividend's sign */
    li a0, -7
    li a1, 2
    div a2, a0, a1
    CHECK(a2, -3)
    rem a2, a0, a1
    CHECK(a2, -1)
    li a1, -2
    li a0, 7
    div a2, a0, a1
    CHECK(a2, -3)
    rem a2, a0, a1
    CHECK(a2, 1)
    li a0, -7
    divu a2, a0, a1                 /* (2^64-7) / (2^64-2) */
    CHECK(a2, 0)
    remu a2, a0, a1
    CHECK(a2, -7)
    li a1, 3
    divu a2, a0, a1
    CHECK(a2, 0x5555555555555553)
    remu a2, a0, a1
    CHECK(a2, 0)

    /* divide by zero: quotient all ones, remainder the dividend */
    li a0, -9
    div a2, a0, zero
    CHECK(a2, -1)
    divu a2, a0, zero
    CHECK(a2, -1)
    rem a2, a0, zero
    CHECK(a2, -9)
    remu a2, a0, zero
    CHECK(a2, -9)

    /* overflow: MIN / -1 = MIN, remainder 0 */
    li a0, MIN64
    li a1, -1
    div a2, a0, a1
    CHECK(a2, MIN64)
    rem a2, a0, a1
    CHECK(a2, 0)

    /* W-forms: 32-bit operands, sign-extended 32-bit results */
    li a0, 0xaaaaaaaa00010000       /* upper bits must be ignored */
    li a1, 0x5555555500010000
    mulw a2, a0, a1
    CHECK(a2, 0)
    li a0, 0x0000000100008000
    li a1, 0x10000
    mulw a2, a0, a1
    CHECK(a2, 0xffffffff80000000)
    li a0, 0x12345678fffffff9       /* low word -7 */
    li a1, 0x0000000200000002
    divw a2, a0, a1
    CHECK(a2, -3)
    remw a2, a0, a1
    CHECK(a2, -1)
    divuw a2, a0, a1                /* 0xfffffff9 / 2 */
    CHECK(a2, 0x7ffffffc)
    remuw a2, a0, a1
    CHECK(a2, 1)
    li a1, 0xffffffff00000000       /* low word 0: divide by zero */
    divw a2, a0, a1
    CHECK(a2, -1)
    divuw a2, a0, a1
    CHECK(a2, -1)
    remw a2, a0, a1
    CHECK(a2, -7)
    remuw a2, a0, a1                /* 0xfffffff9 sign-extended */
    CHECK(a2, -7)
    li a0, 0x0000000080000000       /* INT32_MIN / -1 */
    li a1, -1
    divw a2, a0, a1
    CHECK(a2, 0xffffffff80000000)
    remw a2, a0, a1
    CHECK(a2, 0)
    li a0, 0x80000000
    li a1, 1
    divuw a2, a0, a1                /* result bit 31 sign-extends */
    CHECK(a2, 0xffffffff80000000)
    remuw a2, a0, a1
    CHECK(a2, 0)
    PASS
