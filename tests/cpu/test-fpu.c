/*
 * F/D corner cases where the host FPU and RISC-V differ or where the
 * emulator rounds by hand: RMM ties, saturating conversions, min/max of
 * zeros and NaNs, NaN boxing, canonical NaNs, flags, illegal rm.
 */
#include "fixture.h"
#include "tests/check.h"
#include "tests.h"

#define NV 0x10
#define DZ 0x08
#define NX 0x01

#define BOX(s)   (0xffffffff00000000ull | (s))
#define F64_ONE  0x3ff0000000000000ull
#define F64_QNAN 0x7ff8000000000000ull
#define F64_SNAN 0x7ff0000000000001ull
#define F64_NEG0 0x8000000000000000ull
#define F32_QNAN 0x7fc00000u
#define RM_RMM   4
#define RM_RTZ   1

/* rd, rs1, rs2, rs3 of the instruction under test */
enum { FD = 3, FS1 = 1, FS2 = 2, FS3 = 4 };

struct fp_result {
    uint64_t value, flags, cause;
};

/*
 * Run one instruction with f1/f2/f4 (or x-register a0 for conversions
 * from integers) loaded from `a`, `b`, `c`. The result is read from f3
 * (or a2 when `x_dest`), and fflags from a3.
 */
static struct fp_result run_fp(uint32_t insn, uint64_t a, uint64_t b,
                               uint64_t c, bool x_dest, bool fs_on)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_install_handler(&f);
    hart_set_reg(f.harts[0], A0, a);
    hart_set_reg(f.harts[0], A1, b);
    hart_set_reg(f.harts[0], A4, c);
    fx_emit(&f, LUI(T0, 0x6)); /* mstatus.FS = dirty */
    fx_emit(&f, CSRRS(ZERO, CSR_MSTATUS, T0));
    fx_emit(&f, FMV_D_X(FS1, A0));
    fx_emit(&f, FMV_D_X(FS2, A1));
    fx_emit(&f, FMV_D_X(FS3, A4));
    fx_emit(&f, CSRW(CSR_FFLAGS, ZERO));
    if (!fs_on)
        fx_emit(&f, CSRRW(ZERO, CSR_MSTATUS, ZERO));
    fx_emit(&f, insn);
    if (!x_dest)
        fx_emit(&f, FMV_X_D(A2, FD));
    fx_emit(&f, CSRR(A3, CSR_FFLAGS));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 200);
    struct fp_result r = {fx_reg(&f, A2), fx_reg(&f, A3), fx_reg(&f, T3)};
    fx_free(&f);
    return r;
}

#define OP(f5, fmt, rs2, rm, rd) FP_OP(f5, fmt, rs2, FS1, rm, rd)
#define FADD_D(rm)               OP(0x00, 1, FS2, rm, FD)
#define FADD_S(rm)               OP(0x00, 0, FS2, rm, FD)
#define FDIV_D                   OP(0x03, 1, FS2, 0, FD)
#define FSQRT_D                  OP(0x0b, 1, 0, 0, FD)
#define FMIN_D                   OP(0x05, 1, FS2, 0, FD)
#define FMAX_D                   OP(0x05, 1, FS2, 1, FD)
#define FCVT_S_D(rm)             OP(0x08, 0, 1, rm, FD)
#define FCVT_INT_D(type, rm)     OP(0x18, 1, type, rm, A2) /* W WU L LU */
#define FCVT_D_L(rm)             FP_OP(0x1a, 1, 2, A0, rm, FD)
#define FCLASS_S                 OP(0x1c, 0, 0, 1, A2)
#define FMADD_D(rm)                                                            \
    ((uint32_t)FS3 << 27 | 1u << 25 | FS2 << 20 | FS1 << 15 | (rm) << 12 |     \
     FD << 7 | 0x43)

static void check(const char *what, uint32_t insn, uint64_t a, uint64_t b,
                  uint64_t c, bool x_dest, uint64_t want, uint64_t flags,
                  int line)
{
    struct fp_result r = run_fp(insn, a, b, c, x_dest, true);
    check_eq(what, r.value, want, __FILE__, line);
    check_eq(what, r.flags, flags, __FILE__, line);
    check_eq(what, r.cause, 0, __FILE__, line);
}
#define CHECK_F(what, insn, a, b, want, flags)                                 \
    check(what, insn, a, b, 0, false, want, flags, __LINE__)
#define CHECK_X(what, insn, a, want, flags)                                    \
    check(what, insn, a, 0, 0, true, want, flags, __LINE__)

static void test_rmm(void)
{
    /* 1 + 2^-53 is halfway between 1 and its successor */
    CHECK_F("fadd.d rne tie to even", FADD_D(0), F64_ONE, 0x3ca0000000000000ull,
            F64_ONE, NX);
    CHECK_F("fadd.d rmm tie away", FADD_D(RM_RMM), F64_ONE,
            0x3ca0000000000000ull, F64_ONE + 1, NX);
    CHECK_F("fadd.s rmm tie away", FADD_S(RM_RMM), BOX(0x3f800000),
            BOX(0x33800000), BOX(0x3f800001), NX);
    CHECK_F("fadd.d rmm, no tie: nearest", FADD_D(RM_RMM), F64_ONE,
            0x3c90000000000000ull, F64_ONE, NX);
    CHECK_F("fcvt.s.d rmm tie away", FCVT_S_D(RM_RMM), 0x3ff0000010000000ull, 0,
            BOX(0x3f800001), NX);
    CHECK_F("fcvt.d.l rmm tie away", FCVT_D_L(RM_RMM), 0x20000000000001ull, 0,
            0x4340000000000001ull, NX);
    CHECK_F("fcvt.d.l rne tie to even", FCVT_D_L(0), 0x20000000000001ull, 0,
            0x4340000000000000ull, NX);
    check("fmadd.d rmm tie away", FMADD_D(RM_RMM), F64_ONE, F64_ONE,
          0x3ca0000000000000ull, false, F64_ONE + 1, NX, __LINE__);
}

static void test_conversions(void)
{
    CHECK_X("fcvt.w.d NaN saturates high", FCVT_INT_D(0, RM_RTZ), F64_QNAN,
            0x7fffffff, NV);
    CHECK_X("fcvt.wu.d -1 clamps to 0", FCVT_INT_D(1, RM_RTZ),
            0xbff0000000000000ull, 0, NV);
    CHECK_X("fcvt.wu.d 3e9 is sign-extended", FCVT_INT_D(1, RM_RTZ),
            0x41e65a0bc0000000ull, 0xffffffffb2d05e00ull, 0);
    CHECK_X("fcvt.lu.d 2^64 saturates", FCVT_INT_D(3, RM_RTZ),
            0x43f0000000000000ull, UINT64_MAX, NV);
    CHECK_X("fcvt.l.d -2^63 is exact", FCVT_INT_D(2, RM_RTZ),
            0xc3e0000000000000ull, 0x8000000000000000ull, 0);
    CHECK_X("fcvt.w.d -0.5 rmm rounds away", FCVT_INT_D(0, RM_RMM),
            0xbfe0000000000000ull, UINT64_MAX, NX);
    CHECK_X("fcvt.w.d 2.5 rne rounds to even", FCVT_INT_D(0, 0),
            0x4004000000000000ull, 2, NX);
}

static void test_min_max_nan(void)
{
    CHECK_F("fmin.d(-0, +0) is -0", FMIN_D, F64_NEG0, 0, F64_NEG0, 0);
    CHECK_F("fmin.d(+0, -0) is -0", FMIN_D, 0, F64_NEG0, F64_NEG0, 0);
    CHECK_F("fmax.d(-0, +0) is +0", FMAX_D, F64_NEG0, 0, 0, 0);
    CHECK_F("fmax.d(sNaN, 1) is 1 and signals", FMAX_D, F64_SNAN, F64_ONE,
            F64_ONE, NV);
    CHECK_F("fmin.d(qNaN, 1) is 1, quietly", FMIN_D, F64_QNAN, F64_ONE, F64_ONE,
            0);
    CHECK_F("fmin.d(NaN, NaN) is canonical", FMIN_D, 0xfff0000000000005ull,
            F64_QNAN + 7, F64_QNAN, NV);
    CHECK_F("fadd.s of an unboxed value reads NaN", FADD_S(0), 0x3f800000,
            BOX(0x3f800000), BOX(F32_QNAN), 0);
    CHECK_F("fsqrt.d(-1): canonical NaN, invalid", FSQRT_D,
            0xbff0000000000000ull, 0, F64_QNAN, NV);
    CHECK_F("fdiv.d(1, 0): inf, divide by zero", FDIV_D, F64_ONE, 0,
            0x7ff0000000000000ull, DZ);
    check("fmadd.d(inf, 0, qNaN) signals invalid", FMADD_D(0),
          0x7ff0000000000000ull, 0, F64_QNAN, false, F64_QNAN, NV, __LINE__);
    CHECK_X("fclass.s of a subnormal single", FCLASS_S, BOX(1), 1 << 5, 0);
}

static void test_illegal(void)
{
    struct fp_result r = run_fp(FADD_D(5), F64_ONE, F64_ONE, 0, false, true);
    CHECK_EQ("reserved rm 5: illegal instruction", r.cause, 2);
    r = run_fp(FADD_D(0), F64_ONE, F64_ONE, 0, false, false);
    CHECK_EQ("mstatus.FS off: illegal instruction", r.cause, 2);
}

void test_fpu(void)
{
    test_rmm();
    test_conversions();
    test_min_max_nan();
    test_illegal();
}
