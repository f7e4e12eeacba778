/* A extension: LR/SC reservations and every AMO, word and doubleword. */
#include "test.h"

/* Store `init` at (s0), run `op rd, src, (s0)`, check old value and memory. */
#define AMO_D(op, init, src, old, new) \
    li t0, init; sd t0, 0(s0); li t1, src; op t2, t1, (s0); \
    CHECK(t2, old); ld t3, 0(s0); CHECK(t3, new)
/* Word form: the old value is sign-extended; the upper word is untouched. */
#define AMO_W(op, init, src, old, new) \
    li t0, 0x5a5a5a5a00000000|init; sd t0, 0(s0); li t1, src; op t2, t1, (s0); \
    CHECK(t2, old); ld t3, 0(s0); CHECK(t3, 0x5a5a5a5a00000000|new)

    .text
    .globl main
main:
    la s0, cell

    /* lr/sc pair succeeds: sc writes 0 to rd and stores */
    li t0, 41
    sd t0, 0(s0)
    lr.d a0, (s0)
    CHECK(a0, 41)
    addi a0, a0, 1
    sc.d a1, a0, (s0)
    CHECK(a1, 0)
    ld a2, 0(s0)
    CHECK(a2, 42)

    /* a second sc after a successful one has no reservation: fails
       (any nonzero code means failure) */
    li a0, 99
    sc.d a1, a0, (s0)
    sltu a1, zero, a1
    CHECK(a1, 1)
    ld a2, 0(s0)
    CHECK(a2, 42)

    /* sc without any lr fails and leaves memory alone */
    sc.w a1, a0, (s0)
    sltu a1, zero, a1
    CHECK(a1, 1)
    ld a2, 0(s0)
    CHECK(a2, 42)

    /* lr.w sign-extends; sc.w stores only the word */
    li t0, 0x11111111f0000000
    sd t0, 0(s0)
    lr.w a0, (s0)
    CHECK(a0, 0xfffffffff0000000)
    li a0, 0x9999999912345678
    sc.w a1, a0, (s0)
    CHECK(a1, 0)
    ld a2, 0(s0)
    CHECK(a2, 0x1111111112345678)

    /* an sc to a different address than the lr must not store there */
    lr.d a0, (s0)
    li a0, 7
    addi s1, s0, 8
    sc.d a1, a0, (s1)
    beqz a1, 2f                     /* a failing sc must not store */
    ld a2, 8(s0)
    CHECK(a2, 0)
2:

    /* amoswap/add/and/or/xor, doubleword */
    AMO_D(amoswap.d, 0x1122334455667788, -1, 0x1122334455667788, -1)
    AMO_D(amoadd.d, 0x7fffffffffffffff, 2, 0x7fffffffffffffff, 0x8000000000000001)
    AMO_D(amoand.d, 0xff00ff00ff00ff00, 0x0ff00ff00ff00ff0, 0xff00ff00ff00ff00, 0x0f000f000f000f00)
    AMO_D(amoor.d, 0xff00000000000000, 0x0f, 0xff00000000000000, 0xff0000000000000f)
    AMO_D(amoxor.d, 0xff00ff00ff00ff00, -1, 0xff00ff00ff00ff00, 0x00ff00ff00ff00ff)
    /* min/max: signed versus unsigned */
    AMO_D(amomin.d, -5, 3, -5, -5)
    AMO_D(amomin.d, 3, -5, 3, -5)
    AMO_D(amomax.d, -5, 3, -5, 3)
    AMO_D(amominu.d, -5, 3, -5, 3)
    AMO_D(amomaxu.d, -5, 3, -5, -5)
    AMO_D(amomaxu.d, 3, -5, 3, -5)

    /* word forms */
    AMO_W(amoswap.w, 0x80000000, 0x12345678, 0xffffffff80000000, 0x12345678)
    AMO_W(amoadd.w, 0x7fffffff, 1, 0x7fffffff, 0x80000000)
    AMO_W(amoadd.w, 0xffffffff, 1, -1, 0)   /* carry must not reach bit 32 */
    AMO_W(amoand.w, 0xf0f0f0f0, 0xff00ff00, 0xfffffffff0f0f0f0, 0xf000f000)
    AMO_W(amoor.w, 0x0000f000, 0x80000000, 0xf000, 0x8000f000)
    AMO_W(amoxor.w, 0xffff0000, 0xffffffff, 0xffffffffffff0000, 0x0000ffff)
    /* word compares use the low 32 bits only, signed or unsigned */
    AMO_W(amomin.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
    AMO_W(amomax.w, 0x80000000, 1, 0xffffffff80000000, 1)
    AMO_W(amominu.w, 0x80000000, 1, 0xffffffff80000000, 1)
    AMO_W(amomaxu.w, 0x80000000, 1, 0xffffffff80000000, 0x80000000)
    AMO_W(amomin.w, 5, 0x1fffffffe, 5, 0xfffffffe)     /* src word is -2 */
    AMO_W(amomaxu.w, 5, 0x1fffffffe, 5, 0xfffffffe)
    AMO_W(amominu.w, 5, 0x1fffffffe, 5, 5)

    /* rd = x0 still performs the operation */
    li t0, 10
    sd t0, 0(s0)
    li t1, 5
    amoadd.d zero, t1, (s0)
    ld t2, 0(s0)
    CHECK(t2, 15)
    /* rd == rs2: old value lands in rd, the store uses the source */
    li t1, 1
    amoadd.d t1, t1, (s0)
    CHECK(t1, 15)
    ld t2, 0(s0)
    CHECK(t2, 16)

    /* aq/rl variants decode the same */
    amoadd.d.aqrl t1, t1, (s0)
    CHECK(t1, 16)
    lr.d.aq a0, (s0)
    sc.d.rl a1, a0, (s0)
    CHECK(a1, 0)
    PASS

    .data
    .align 3
cell:
    .dword 0, 0
