/*
 * The F and D extensions on the host FPU.
 *
 * Arithmetic runs on the host with its rounding mode set from rm/frm and
 * its exception flags collected into fflags; x86 and RISC-V agree on
 * rounding and on detecting tininess after rounding. Everything where
 * they differ is done here by hand: NaN results are made canonical,
 * min/max/compare/classify are computed from the bits, float-to-integer
 * conversions saturate, and round-to-nearest-max-magnitude (RMM, which
 * no host has) rounds to nearest-even and then moves ties away from zero
 * using the exact error of the operation.
 */
#define _GNU_SOURCE
#include <fenv.h>
#include <math.h>
#include <string.h>
#if defined(__x86_64__)
#include <immintrin.h>
#endif

#include "riscv-internal.h"

enum { RM_RNE, RM_RTZ, RM_RDN, RM_RUP, RM_RMM, RM_DYN = 7 };
enum { FLAG_NX = 1, FLAG_UF = 2, FLAG_OF = 4, FLAG_DZ = 8, FLAG_NV = 16 };

#define F32_CANONICAL_NAN 0x7fc00000u
#define F64_CANONICAL_NAN 0x7ff8000000000000ull
#define F32_BOX           0xffffffff00000000ull

/* Keep the compiler from moving FP work across fenv calls. */
#define FENCE(v) __asm__ volatile("" : "+m"(v))

/* prefix_bits() and prefix_from(): a float type to its bits and back. */
#define BIT_CASTS(prefix, F, U)                                                \
    static U prefix##_bits(F f)                                                \
    {                                                                          \
        U u;                                                                   \
        memcpy(&u, &f, sizeof u);                                              \
        return u;                                                              \
    }                                                                          \
    static F prefix##_from(U u)                                                \
    {                                                                          \
        F f;                                                                   \
        memcpy(&f, &u, sizeof f);                                              \
        return f;                                                              \
    }
BIT_CASTS(f32, float, uint32_t)
BIT_CASTS(f64, double, uint64_t)

static bool f32_is_snan(uint32_t u)
{
    return (u & 0x7f800000) == 0x7f800000 && (u & 0x007fffff) &&
           !(u & 0x00400000);
}

static bool f64_is_snan(uint64_t u)
{
    return (u & 0x7ff0000000000000ull) == 0x7ff0000000000000ull &&
           (u & 0x000fffffffffffffull) && !(u & 0x0008000000000000ull);
}

/* A single in a 64-bit register must be NaN-boxed, else it reads as NaN. */
static uint32_t f32_reg(const struct hart *h, unsigned r)
{
    uint64_t v = h->f[r];
    return (v >> 32) == 0xffffffff ? (uint32_t)v : F32_CANONICAL_NAN;
}

static void set_f32(struct hart *h, unsigned r, float f)
{
    uint32_t u = isnan(f) ? F32_CANONICAL_NAN : f32_bits(f);
    h->f[r] = F32_BOX | u;
}

static void set_f64(struct hart *h, unsigned r, double d)
{
    h->f[r] = isnan(d) ? F64_CANONICAL_NAN : f64_bits(d);
}

static void set_x(struct hart *h, unsigned r, uint64_t v)
{
    if (r)
        h->x[r] = v;
}

/* The rounding mode for rm, with the flags cleared: the whole host FP
 * environment, for libm functions that may compute in the x87 (fma). */
static void fe_rounding(int rm)
{
    static const int modes[] = {
        [RM_RNE] = FE_TONEAREST, [RM_RTZ] = FE_TOWARDZERO,
        [RM_RDN] = FE_DOWNWARD,  [RM_RUP] = FE_UPWARD,
        [RM_RMM] = FE_TONEAREST,
    };
    fesetround(modes[rm]);
    feclearexcept(FE_ALL_EXCEPT);
}

static unsigned fe_flags(void)
{
    int e = fetestexcept(FE_ALL_EXCEPT);
    return (e & FE_INEXACT ? FLAG_NX : 0) | (e & FE_UNDERFLOW ? FLAG_UF : 0) |
           (e & FE_OVERFLOW ? FLAG_OF : 0) | (e & FE_DIVBYZERO ? FLAG_DZ : 0) |
           (e & FE_INVALID ? FLAG_NV : 0);
}

#if defined(__x86_64__)
/*
 * The C arithmetic below is SSE on x86-64, whose rounding mode and flags
 * are MXCSR's alone; glibc's fe* functions also save and load the x87
 * environment, which cost several times the operation (a tenth of seq's
 * time). MXCSR's flag bits are FE_INVALID.. FE_INEXACT's positions.
 */
#define MXCSR_FLAGS 0x3fu
#define MXCSR_RC    (3u << 13)

static void host_rounding(int rm)
{
    static const unsigned rc[] = {
        [RM_RNE] = 0u << 13, [RM_RDN] = 1u << 13, [RM_RUP] = 2u << 13,
        [RM_RTZ] = 3u << 13, [RM_RMM] = 0u << 13,
    };
    _mm_setcsr((_mm_getcsr() & ~(MXCSR_FLAGS | MXCSR_RC)) | rc[rm]);
}

static unsigned host_flags(void)
{
    unsigned e = _mm_getcsr();
    return (e & FE_INEXACT ? FLAG_NX : 0) | (e & FE_UNDERFLOW ? FLAG_UF : 0) |
           (e & FE_OVERFLOW ? FLAG_OF : 0) | (e & FE_DIVBYZERO ? FLAG_DZ : 0) |
           (e & FE_INVALID ? FLAG_NV : 0);
}

/* Back to round-to-nearest after host_rounding(). */
static void host_nearest(void)
{
    unsigned csr = _mm_getcsr();
    if (csr & MXCSR_RC)
        _mm_setcsr(csr & ~MXCSR_RC);
}
_Static_assert(FE_INVALID == 0x01 && FE_DIVBYZERO == 0x04 &&
                   FE_OVERFLOW == 0x08 && FE_UNDERFLOW == 0x10 &&
                   FE_INEXACT == 0x20,
               "fenv flags are MXCSR's bits");

/*
 * Fused multiply-add in the FMA unit, where the host has one: rounded by
 * MXCSR, flags in MXCSR. (libm's fma may use the x87 elsewhere.)
 */
static bool host_has_fma(void)
{
    static int has = -1;
    if (has < 0)
        has = __builtin_cpu_supports("fma");
    return has;
}

__attribute__((target("fma"))) static double hw_fma64(double a, double b,
                                                      double c)
{
    return _mm_cvtsd_f64(
        _mm_fmadd_sd(_mm_set_sd(a), _mm_set_sd(b), _mm_set_sd(c)));
}

__attribute__((target("fma"))) static float hw_fma32(float a, float b, float c)
{
    return _mm_cvtss_f32(
        _mm_fmadd_ss(_mm_set_ss(a), _mm_set_ss(b), _mm_set_ss(c)));
}
#else
#define host_rounding fe_rounding
#define host_flags    fe_flags
static void host_nearest(void)
{
    fesetround(FE_TONEAREST);
}
static bool host_has_fma(void)
{
    return false;
}
#define hw_fma64      fma
#define hw_fma32      fmaf
#endif

static void raise_flags(struct hart *h, unsigned flags)
{
    if (flags) {
        h->fflags |= flags;
        h->mstatus |= MSTATUS_FS;
    }
}

/*
 * RMM from a round-to-nearest-even result: if the exact value lay exactly
 * halfway to the neighbour on the `err` side, take the larger magnitude.
 * `err` is (exact - r), exactly; `tie` says whether it was a tie.
 */
/*
 * RMM for doubles from the nearest-even result `r` and the exact result,
 * held in binary128 (113 bits: exact for products, and for sums and
 * fused sums whenever a tie is possible at all).
 */
static double rmm_from_exact(double r, __float128 exact)
{
    __float128 err = exact - (__float128)r;
    if (err == 0 || isinf(r))
        return r;
    double n = nextafter(r, err > 0 ? INFINITY : -INFINITY);
    if (2 * err != (__float128)n - (__float128)r)
        return r;
    return fabs(n) > fabs(r) ? n : r;
}

/* a + b in binary128, or NaN when even that rounds (then no tie). */
static __float128 exact_sum(__float128 a, __float128 b)
{
    __float128 s = a + b, bb = s - a;
    return (a - (s - bb)) + (b - bb) == 0 ? s : (__float128)NAN;
}

/* The quotient's tie: a/b lies exactly midway between r and n. */
static double rmm_quotient(double r, double a, double b)
{
    __float128 rem = (__float128)a - (__float128)b * r; /* exact */
    bool up = (rem > 0) == (b > 0);
    double n = nextafter(r, up ? INFINITY : -INFINITY);
    __float128 mid = ((__float128)r + n) / 2;
    if (rem == 0 || (__float128)b * mid != (__float128)a)
        return r;
    return fabs(n) > fabs(r) ? n : r;
}

/* For singles, `exact` is the exact result held in a double. */
static float rmm_fix32(float r, double exact)
{
    if (isinf(r) || isnan(r) || isnan(exact))
        return r;
    double err = exact - (double)r;
    if (err == 0)
        return r;
    float n = nextafterf(r, err > 0 ? INFINITY : -INFINITY);
    if (2 * err != (double)n - (double)r)
        return r;
    return fabsf(n) > fabsf(r) ? n : r;
}

enum fp_op { OP_ADD, OP_SUB, OP_MUL, OP_DIV, OP_SQRT };

/* a op b, or sqrt(a), in the operands' type (float or double). */
#define FP_APPLY(kind, a, b, sqrt_fn)                                          \
    ((kind) == OP_ADD   ? (a) + (b)                                            \
     : (kind) == OP_SUB ? (a) - (b)                                            \
     : (kind) == OP_MUL ? (a) * (b)                                            \
     : (kind) == OP_DIV ? (a) / (b)                                            \
                        : sqrt_fn(a))

static float arith32(enum fp_op kind, float a, float b, int rm, unsigned *fl)
{
    host_rounding(rm);
    FENCE(a);
    FENCE(b);
    float r = FP_APPLY(kind, a, b, sqrtf);
    FENCE(r);
    *fl = host_flags();
    if (rm == RM_RMM && (*fl & FLAG_NX) && kind != OP_SQRT) {
        /* The double result is exact unless the double op was inexact,
         * and then the single result cannot be a tie. */
        double da = a, db = b;
        feclearexcept(FE_ALL_EXCEPT);
        FENCE(da);
        double d = FP_APPLY(kind, da, db, sqrt);
        FENCE(d);
        if (!fetestexcept(FE_INEXACT))
            r = rmm_fix32(r, d);
    }
    return r;
}

static double arith64(enum fp_op kind, double a, double b, int rm, unsigned *fl)
{
    host_rounding(rm);
    FENCE(a);
    FENCE(b);
    double r = FP_APPLY(kind, a, b, sqrt);
    FENCE(r);
    *fl = host_flags();
    if (rm == RM_RMM && (*fl & FLAG_NX) && kind != OP_SQRT && !isinf(r)) {
        if (kind == OP_ADD || kind == OP_SUB) {
            __float128 sum = exact_sum(a, kind == OP_SUB ? -b : b);
            if (!isnan((double)sum))
                r = rmm_from_exact(r, sum);
        } else if (kind == OP_MUL) {
            r = rmm_from_exact(r, (__float128)a * b);
        } else {
            r = rmm_quotient(r, a, b);
        }
    }
    return r;
}

/* a*b+c with one rounding; `negate_product` and `negate_addend` give
 * the FMSUB/FNMSUB/FNMADD forms. */
#define FMA_CORE(r, fma_fn, hw_fn, a, b, c, rm, fl)                            \
    do {                                                                       \
        bool hw = host_has_fma();                                              \
        if (hw)                                                                \
            host_rounding(rm);                                                 \
        else                                                                   \
            fe_rounding(rm);                                                   \
        FENCE(a);                                                              \
        FENCE(b);                                                              \
        FENCE(c);                                                              \
        r = hw ? hw_fn(a, b, c) : fma_fn(a, b, c);                             \
        FENCE(r);                                                              \
        *(fl) = hw ? host_flags() : fe_flags();                                \
        if ((isinf(a) && (b) == 0) || ((a) == 0 && isinf(b)))                  \
            *(fl) |= FLAG_NV; /* even when c is a quiet NaN */                 \
    } while (0)

static float fma32(float a, float b, float c, int rm, unsigned *fl)
{
    float r;
    FMA_CORE(r, fmaf, hw_fma32, a, b, c, rm, fl);
    if (rm == RM_RMM && (*fl & FLAG_NX)) {
        feclearexcept(FE_ALL_EXCEPT);
        double d = fma((double)a, (double)b, (double)c);
        FENCE(d);
        if (!fetestexcept(FE_INEXACT))
            r = rmm_fix32(r, d);
    }
    return r;
}

/*
 * RMM for a double fused multiply-add: the product is exact in binary128
 * (106 bits); if the sum is not, the exact result has more than 113
 * significant bits and cannot be a tie between two doubles.
 */
static double fma64_rmm_fix(double a, double b, double c, double r)
{
    __float128 sum = exact_sum((__float128)a * b, c);
    return isnan((double)sum) ? r : rmm_from_exact(r, sum);
}

static double fma64(double a, double b, double c, int rm, unsigned *fl)
{
    double r;
    FMA_CORE(r, fma, hw_fma64, a, b, c, rm, fl);
    if (rm == RM_RMM && (*fl & FLAG_NX) && !isinf(r))
        r = fma64_rmm_fix(a, b, c, r);
    return r;
}

/* The 2019 fmin/fmax: -0 < +0, one NaN gives the other operand. */
static uint64_t min_max(uint64_t a, uint64_t b, bool a_nan, bool b_nan,
                        bool less_ab, bool less_ba, bool want_max,
                        unsigned sign_shift, uint64_t canonical)
{
    if (a_nan && b_nan)
        return canonical;
    if (a_nan)
        return b;
    if (b_nan)
        return a;
    if (a != b && !less_ab && !less_ba) { /* +0 and -0 */
        bool a_neg = a >> sign_shift;
        return (a_neg != want_max) ? a : b;
    }
    return (less_ab != want_max) ? a : b;
}

static unsigned classify(bool neg, bool inf, bool nan, bool snan, bool zero,
                         bool subnormal)
{
    if (nan)
        return snan ? 1 << 8 : 1 << 9;
    if (inf)
        return neg ? 1 << 0 : 1 << 7;
    if (zero)
        return neg ? 1 << 3 : 1 << 4;
    if (subnormal)
        return neg ? 1 << 2 : 1 << 5;
    return neg ? 1 << 1 : 1 << 6;
}

/*
 * Float to integer, saturating: `lo`/`hi` are the range limits, and
 * `hi_excl` is the first value above it (2^31, 2^32, 2^63, 2^64).
 */
static int64_t to_int(double v, int rm, double lo, double hi_excl,
                      int64_t lo_val, int64_t hi_val, unsigned *fl)
{
    if (isnan(v)) {
        *fl |= FLAG_NV;
        return hi_val;
    }
    double r;
    switch (rm) {
    case RM_RTZ:
        r = trunc(v);
        break;
    case RM_RDN:
        r = floor(v);
        break;
    case RM_RUP:
        r = ceil(v);
        break;
    case RM_RMM:
        r = round(v);
        break;
    default:
        r = roundeven(v);
        break;
    }
    if (r < lo) {
        *fl |= FLAG_NV;
        return lo_val;
    }
    if (r >= hi_excl) {
        *fl |= FLAG_NV;
        return hi_val;
    }
    if (r != v)
        *fl |= FLAG_NX;
    if (hi_excl > 9.3e18) /* unsigned 64-bit range */
        return (int64_t)(uint64_t)r;
    return (int64_t)r;
}

static int64_t fcvt_to_int(double v, unsigned type, int rm, unsigned *fl)
{
    switch (type) {
    case 0: /* W */
        return (int32_t)to_int(v, rm, -2147483648.0, 2147483648.0, INT32_MIN,
                               INT32_MAX, fl);
    case 1: /* WU: the 32-bit result is sign-extended */
        return (int32_t)(uint32_t)to_int(v, rm, 0, 4294967296.0, 0, UINT32_MAX,
                                         fl);
    case 2: /* L */
        return to_int(v, rm, -9223372036854775808.0, 9223372036854775808.0,
                      INT64_MIN, INT64_MAX, fl);
    default: /* LU */
        return to_int(v, rm, 0, 18446744073709551616.0, 0, -1, fl);
    }
}

/* Integer (as a 128-bit value) to float or double, with RMM ties fixed. */
static double from_int64(__int128 i, bool single, int rm, unsigned *fl)
{
    host_rounding(rm);
    double r = 0;
    float rf = 0;
    if (i < 0) {
        int64_t s = (int64_t)i;
        FENCE(s);
        if (single)
            rf = (float)s;
        else
            r = (double)s;
    } else {
        uint64_t u = (uint64_t)i;
        FENCE(u);
        if (single)
            rf = (float)u;
        else
            r = (double)u;
    }
    if (single) {
        FENCE(rf);
        r = rf;
    }
    FENCE(r);
    *fl = host_flags();
    if (rm == RM_RMM && (*fl & FLAG_NX)) {
        __int128 err = i - (__int128)r;
        double n = single ? nextafterf(rf, err > 0 ? INFINITY : -INFINITY)
                          : nextafter(r, err > 0 ? INFINITY : -INFINITY);
        __int128 step = (__int128)n - (__int128)r;
        if (2 * err == step && fabs(n) > fabs(r))
            r = n;
    }
    return r;
}

static __int128 int_source(const struct hart *h, unsigned rs1, unsigned type)
{
    uint64_t v = h->x[rs1];
    switch (type) {
    case 0:
        return (int32_t)v;
    case 1:
        return (uint32_t)v;
    case 2:
        return (int64_t)v;
    default:
        return v;
    }
}

static int illegal(struct hart *h, const struct op *op)
{
    hart_trap(h, CAUSE_ILLEGAL, op->insn);
    return EXEC_TRAP;
}

static int resolve_rm(const struct hart *h, unsigned rm)
{
    if (rm == RM_DYN)
        rm = h->frm;
    return rm <= RM_RMM ? (int)rm : -1;
}

static int exec_fma(struct hart *h, const struct op *op, int rm)
{
    unsigned opcode = op->insn & 0x7f, fmt = (op->insn >> 25) & 3;
    bool neg_product = opcode == 0x4b || opcode == 0x4f;
    bool neg_addend = opcode == 0x47 || opcode == 0x4f;
    unsigned fl;
    if (fmt == 0) {
        float a = f32_from(f32_reg(h, op->rs1));
        float b = f32_from(f32_reg(h, op->rs2));
        float c = f32_from(f32_reg(h, op->rs3));
        set_f32(h, op->rd,
                fma32(neg_product ? -a : a, b, neg_addend ? -c : c, rm, &fl));
    } else if (fmt == 1) {
        double a = f64_from(h->f[op->rs1]), b = f64_from(h->f[op->rs2]);
        double c = f64_from(h->f[op->rs3]);
        set_f64(h, op->rd,
                fma64(neg_product ? -a : a, b, neg_addend ? -c : c, rm, &fl));
    } else {
        return illegal(h, op);
    }
    raise_flags(h, fl);
    h->mstatus |= MSTATUS_FS;
    return EXEC_NEXT;
}

/* Operations of one format (S or D) that need no rounding mode. */
static int exec_fp_bits(struct hart *h, const struct op *op, bool dbl)
{
    unsigned funct5 = op->insn >> 27, f3 = op->rm;
    uint64_t a = dbl ? h->f[op->rs1] : f32_reg(h, op->rs1);
    uint64_t b = dbl ? h->f[op->rs2] : f32_reg(h, op->rs2);
    unsigned sign = dbl ? 63 : 31;
    uint64_t sign_bit = 1ull << sign;
    double da = dbl ? f64_from(a) : f32_from(a);
    double db = dbl ? f64_from(b) : f32_from(b);
    bool a_nan = isnan(da), b_nan = isnan(db);
    bool a_snan = dbl ? f64_is_snan(a) : f32_is_snan(a);
    bool b_snan = dbl ? f64_is_snan(b) : f32_is_snan(b);
    uint64_t result;

    switch (funct5) {
    case 0x04: /* FSGNJ, FSGNJN, FSGNJX */
        if (f3 == 0)
            result = (a & ~sign_bit) | (b & sign_bit);
        else if (f3 == 1)
            result = (a & ~sign_bit) | (~b & sign_bit);
        else if (f3 == 2)
            result = a ^ (b & sign_bit);
        else
            return illegal(h, op);
        break;
    case 0x05: /* FMIN, FMAX */
        if (f3 > 1)
            return illegal(h, op);
        if (a_snan || b_snan)
            raise_flags(h, FLAG_NV);
        result = min_max(a, b, a_nan, b_nan, da < db, db < da, f3 == 1, sign,
                         dbl ? F64_CANONICAL_NAN : F32_CANONICAL_NAN);
        break;
    case 0x14: /* FLE, FLT, FEQ */
        if (f3 > 2)
            return illegal(h, op);
        if (f3 == 2 ? (a_snan || b_snan) : (a_nan || b_nan))
            raise_flags(h, FLAG_NV);
        set_x(h, op->rd, f3 == 0 ? da <= db : f3 == 1 ? da < db : da == db);
        return EXEC_NEXT;
    case 0x1c: /* FMV.X.W/D, FCLASS */
        if (op->rs2 != 0 || f3 > 1)
            return illegal(h, op);
        if (f3 == 0) {
            uint64_t raw = h->f[op->rs1];
            set_x(h, op->rd, dbl ? raw : (uint64_t)(int64_t)(int32_t)raw);
        } else {
            bool neg = a >> sign;
            bool subnormal = fpclassify(da) == FP_SUBNORMAL ||
                             (!dbl && da != 0 && fabs(da) < 0x1p-126);
            set_x(h, op->rd,
                  classify(neg, isinf(da), a_nan, a_snan, da == 0, subnormal));
        }
        return EXEC_NEXT;
    case 0x1e: /* FMV.W/D.X */
        if (op->rs2 != 0 || f3 != 0)
            return illegal(h, op);
        h->f[op->rd] = dbl ? h->x[op->rs1] : F32_BOX | (uint32_t)h->x[op->rs1];
        h->mstatus |= MSTATUS_FS;
        return EXEC_NEXT;
    default:
        return illegal(h, op);
    }
    h->f[op->rd] = dbl ? result : F32_BOX | (uint32_t)result;
    h->mstatus |= MSTATUS_FS;
    return EXEC_NEXT;
}

static int exec_fp_rounded(struct hart *h, const struct op *op, bool dbl,
                           int rm)
{
    unsigned funct5 = op->insn >> 27, fl = 0;
    float a32 = f32_from(f32_reg(h, op->rs1));
    float b32 = f32_from(f32_reg(h, op->rs2));
    double a64 = f64_from(h->f[op->rs1]), b64 = f64_from(h->f[op->rs2]);

    switch (funct5) {
    case 0x00:
    case 0x01:
    case 0x02:
    case 0x03:
    case 0x0b: {
        static const enum fp_op kinds[] = {
            [0x00] = OP_ADD, [0x01] = OP_SUB,  [0x02] = OP_MUL,
            [0x03] = OP_DIV, [0x0b] = OP_SQRT,
        };
        if (funct5 == 0x0b && op->rs2 != 0)
            return illegal(h, op);
        if (dbl)
            set_f64(h, op->rd, arith64(kinds[funct5], a64, b64, rm, &fl));
        else
            set_f32(h, op->rd, arith32(kinds[funct5], a32, b32, rm, &fl));
        break;
    }
    case 0x08: /* FCVT.S.D, FCVT.D.S */
        if (dbl && op->rs2 == 0) {
            host_rounding(rm);
            double r = a32;
            FENCE(r);
            fl = host_flags();
            set_f64(h, op->rd, r);
        } else if (!dbl && op->rs2 == 1) {
            host_rounding(rm);
            FENCE(a64);
            float r = (float)a64;
            FENCE(r);
            fl = host_flags();
            if (rm == RM_RMM)
                r = rmm_fix32(r, a64);
            set_f32(h, op->rd, r);
        } else {
            return illegal(h, op);
        }
        break;
    case 0x18: /* FCVT.W/WU/L/LU.S/D */
        if (op->rs2 > 3)
            return illegal(h, op);
        set_x(h, op->rd, fcvt_to_int(dbl ? a64 : a32, op->rs2, rm, &fl));
        raise_flags(h, fl);
        return EXEC_NEXT;
    case 0x1a: { /* FCVT.S/D.W/WU/L/LU */
        if (op->rs2 > 3)
            return illegal(h, op);
        double r = from_int64(int_source(h, op->rs1, op->rs2), !dbl, rm, &fl);
        if (dbl)
            set_f64(h, op->rd, r);
        else
            set_f32(h, op->rd, (float)r);
        break;
    }
    default:
        return illegal(h, op);
    }
    raise_flags(h, fl);
    h->mstatus |= MSTATUS_FS;
    return EXEC_NEXT;
}

int exec_fp(struct hart *h, const struct op *op)
{
    if (!(h->mstatus & MSTATUS_FS))
        return illegal(h, op);
    unsigned opcode = op->insn & 0x7f, fmt = (op->insn >> 25) & 3;
    unsigned funct5 = op->insn >> 27;
    if (opcode != 0x53) {
        int rm = resolve_rm(h, op->rm);
        if (rm < 0)
            return illegal(h, op);
        int result = exec_fma(h, op, rm);
        if (host_has_fma())
            host_nearest();
        else
            fesetround(FE_TONEAREST);
        return result;
    }
    if (fmt > 1)
        return illegal(h, op);
    bool dbl = fmt == 1;
    switch (funct5) {
    case 0x04:
    case 0x05:
    case 0x14:
    case 0x1c:
    case 0x1e:
        return exec_fp_bits(h, op, dbl);
    }
    int rm = resolve_rm(h, op->rm);
    if (rm < 0)
        return illegal(h, op);
    int result = exec_fp_rounded(h, op, dbl, rm);
    host_nearest();
    return result;
}

int exec_fp_mem(struct hart *h, const struct op *op)
{
    if (!(h->mstatus & MSTATUS_FS))
        return illegal(h, op);
    uint64_t va = h->x[op->rs1] + (int64_t)op->imm, v;
    switch (op->kind & (K_WIDE - 1)) {
    case K_FLW:
        if (!mmu_load(h, va, 4, &v))
            return EXEC_TRAP;
        h->f[op->rd] = F32_BOX | v;
        break;
    case K_FLD:
        if (!mmu_load(h, va, 8, &v))
            return EXEC_TRAP;
        h->f[op->rd] = v;
        break;
    case K_FSW:
        return mmu_store(h, va, 4, h->f[op->rs2]) ? EXEC_NEXT : EXEC_TRAP;
    default:
        return mmu_store(h, va, 8, h->f[op->rs2]) ? EXEC_NEXT : EXEC_TRAP;
    }
    h->mstatus |= MSTATUS_FS;
    return EXEC_NEXT;
}
