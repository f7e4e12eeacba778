#!/usr/bin/env python3
"""Generate fp_vectors.S: FP arithmetic vectors checked against an exact
reference model.

The model below computes each result exactly with rationals and rounds it
by the IEEE 754 rules RISC-V adopts (tininess after rounding, canonical
NaN, the FMA invalid rule), so the expected values come from the
specification, not from an emulator. Operands are drawn with a fixed seed
from classes that stress rounding: random significands, ties, values near
overflow and in the subnormal range, zeros, infinities and NaNs. Every
operation runs under all five rounding modes (through frm).

Usage: fp_vectors.py > fp_vectors.S
"""
import math
import random
from fractions import Fraction as Q

NV, DZ, OF, UF, NX = 16, 8, 4, 2, 1
RNE, RTZ, RDN, RUP, RMM = range(5)


class Fmt:
    def __init__(self, name, ebits, p):
        self.name, self.ebits, self.p = name, ebits, p
        self.bias = (1 << (ebits - 1)) - 1
        self.emin = 1 - self.bias
        self.width = 1 + ebits + p - 1
        self.qnan = ((1 << ebits) - 1) << (p - 1) | 1 << (p - 2)
        self.max = (2 - Q(1, 1 << (p - 1))) * Q(2) ** self.bias

    def fields(self, bits):
        sign = bits >> (self.width - 1)
        exp = bits >> (self.p - 1) & ((1 << self.ebits) - 1)
        frac = bits & ((1 << (self.p - 1)) - 1)
        return sign, exp, frac

    def decode(self, bits):
        """('nan', is_signalling) / ('inf', sign) / ('num', Fraction, sign)"""
        sign, exp, frac = self.fields(bits)
        if exp == (1 << self.ebits) - 1:
            if frac:
                return ('nan', not frac >> (self.p - 2))
            return ('inf', sign)
        if exp == 0:
            v = Q(frac) * Q(2) ** (self.emin - self.p + 1)
        else:
            v = Q((1 << (self.p - 1)) | frac) * Q(2) ** (exp - self.bias
                                                       - self.p + 1)
        return ('num', -v if sign else v, sign)

    def encode(self, sign, v):
        """Bits of the exactly representable magnitude v (or inf)."""
        if v is None:
            return sign << (self.width - 1) | ((1 << self.ebits) - 1) << (
                self.p - 1)
        if v == 0:
            return sign << (self.width - 1)
        e = floor_log2(v)
        if e < self.emin:
            frac = v / Q(2) ** (self.emin - self.p + 1)
            assert frac.denominator == 1
            return sign << (self.width - 1) | int(frac)
        m = v / Q(2) ** (e - self.p + 1)
        assert m.denominator == 1
        return (sign << (self.width - 1) | (e + self.bias) << (self.p - 1)
                | (int(m) - (1 << (self.p - 1))))


def floor_log2(v):
    e = v.numerator.bit_length() - v.denominator.bit_length()
    while Q(2) ** e > v:
        e -= 1
    while Q(2) ** (e + 1) <= v:
        e += 1
    return e


def round_int(m, rm, neg):
    """Round the non-negative rational m to an integer."""
    lo = m.numerator // m.denominator
    rest = m - lo
    if rest == 0:
        return lo
    up = {RNE: rest > Q(1, 2) or (rest == Q(1, 2) and lo % 2 == 1),
          RTZ: False, RDN: neg, RUP: not neg, RMM: rest >= Q(1, 2)}[rm]
    return lo + 1 if up else lo


def round_to(fmt, x, rm):
    """Round the exact nonzero rational x: (bits, flags)."""
    neg = x < 0
    a = -x if neg else x
    e = floor_log2(a)
    # Tininess after rounding: round as if the exponent were unbounded.
    unb = round_int(a / Q(2) ** (e - fmt.p + 1), rm, neg) * Q(2) ** (
        e - fmt.p + 1)
    q = Q(2) ** (max(e, fmt.emin) - fmt.p + 1)
    v = round_int(a / q, rm, neg) * q
    flags = NX if v != a else 0
    if v > fmt.max:
        to_inf = rm in (RNE, RMM) or (rm == RUP and not neg) or (
            rm == RDN and neg)
        return fmt.encode(neg, None if to_inf else fmt.max), OF | NX
    if unb < Q(2) ** fmt.emin and flags:
        flags |= UF
    return fmt.encode(neg, v), flags


def exact_zero(fmt, sign):
    return fmt.encode(sign, Q(0)), 0


def add(fmt, x, y, rm):
    """x + y on decoded operands; NaNs were handled by the caller."""
    if x[0] == 'inf' or y[0] == 'inf':
        if x[0] == 'inf' and y[0] == 'inf' and x[1] != y[1]:
            return fmt.qnan, NV
        s = x[1] if x[0] == 'inf' else y[1]
        return fmt.encode(s, None), 0
    total = x[1] + y[1]
    if total == 0:
        if x[1] == 0 and y[1] == 0 and x[2] == y[2]:
            return exact_zero(fmt, x[2])
        return exact_zero(fmt, 1 if rm == RDN else 0)
    return round_to(fmt, total, rm)


def sign_of(v):
    return v[1] if v[0] == 'inf' else v[2]


def mul_value(x, y):
    """Exact product as a decoded value, or 'invalid'."""
    s = sign_of(x) ^ sign_of(y)
    if x[0] == 'inf' or y[0] == 'inf':
        other = y if x[0] == 'inf' else x
        if other[0] == 'num' and other[1] == 0:
            return 'invalid'
        return ('inf', s)
    return ('num', x[1] * y[1], s)


def negate(v):
    if v[0] == 'inf':
        return ('inf', 1 - v[1])
    return ('num', -v[1], 1 - v[2])


def operate(fmt, op, ops, rm):
    vals = [fmt.decode(b) for b in ops]
    nans = [v for v in vals if v[0] == 'nan']
    snan = any(v[1] for v in nans)
    if op in ('fmadd', 'fmsub', 'fnmadd', 'fnmsub'):
        prod = mul_value(vals[0], vals[1]) if vals[0][0] != 'nan' and \
            vals[1][0] != 'nan' else None
        if prod == 'invalid' or snan:
            return fmt.qnan, NV
        if nans:
            return fmt.qnan, 0
        c = vals[2]
        if op in ('fnmadd', 'fnmsub'):
            prod = negate(prod)
        if op in ('fmsub', 'fnmadd'):
            c = negate(c)
        return add(fmt, prod, c, rm)
    if snan:
        return fmt.qnan, NV
    if nans:
        return fmt.qnan, 0
    x = vals[0]
    y = vals[1] if len(vals) > 1 else None
    if op == 'fadd':
        return add(fmt, x, y, rm)
    if op == 'fsub':
        return add(fmt, x, negate(y), rm)
    if op == 'fmul':
        p = mul_value(x, y)
        if p == 'invalid':
            return fmt.qnan, NV
        if p[0] == 'inf':
            return fmt.encode(p[1], None), 0
        if p[1] == 0:
            return exact_zero(fmt, p[2])
        return round_to(fmt, p[1], rm)
    if op == 'fdiv':
        s = sign_of(x) ^ sign_of(y)
        xz = x[0] == 'num' and x[1] == 0
        yz = y[0] == 'num' and y[1] == 0
        if (x[0] == 'inf' and y[0] == 'inf') or (xz and yz):
            return fmt.qnan, NV
        if x[0] == 'inf':
            return fmt.encode(s, None), 0
        if y[0] == 'inf' or xz:
            return exact_zero(fmt, s)
        if yz:
            return fmt.encode(s, None), DZ
        return round_to(fmt, x[1] / y[1], rm)
    if op == 'fsqrt':
        if x[0] == 'inf':
            return (fmt.qnan, NV) if x[1] else (fmt.encode(0, None), 0)
        if x[1] == 0:
            return exact_zero(fmt, x[2])
        if x[1] < 0:
            return fmt.qnan, NV
        return round_to(fmt, sqrt_exact(x[1], fmt), rm)
    raise ValueError(op)


def sqrt_exact(v, fmt):
    """sqrt(v): exact when rational; otherwise a rational strictly inside
    the same interval between rounding boundaries, so it rounds the same
    way (an irrational root is never exact and never a tie)."""
    num, den = v.numerator, v.denominator
    rn, rd = math.isqrt(num), math.isqrt(den)
    if rn * rn == num and rd * rd == den:
        return Q(rn, rd)
    k = -floor_log2(v) // 2            # v * 4^k lies in [1/4, 4)
    w = v * Q(4) ** k
    bits = 2 * fmt.p + 64
    scaled = math.isqrt(w.numerator * (1 << (2 * bits)) // w.denominator)
    return (Q(scaled) + Q(1, 2)) / Q(2) ** (bits + k)


def operands(fmt, rng, count):
    """Operand bit patterns: mostly random, plus the special classes."""
    w, p, ebits = fmt.width, fmt.p, fmt.ebits
    sig = lambda: rng.getrandbits(p - 1)
    emax = (1 << ebits) - 2

    def normal(lo, hi):
        return rng.getrandbits(1) << (w - 1) | rng.randint(lo, hi) << (
            p - 1) | sig()

    classes = [
        lambda: normal(fmt.bias - 10, fmt.bias + 10),
        lambda: normal(fmt.bias - 10, fmt.bias + 10),
        lambda: normal(fmt.bias - 10, fmt.bias + 10),
        lambda: normal(emax - 2, emax),                 # near overflow
        lambda: normal(1, 3),                           # near underflow
        lambda: rng.getrandbits(1) << (w - 1) | sig(),  # subnormal or 0
        lambda: normal(fmt.bias, fmt.bias) & ~((1 << (p - 4)) - 1),  # short
        # a 3-bit significand within about p binades of 1: sums and
        # products of these are often exact or exactly halfway
        lambda: normal(fmt.bias - p - 1, fmt.bias + 1) & ~((1 << (p - 4)) - 1),
        lambda: rng.choice([0, 1 << (w - 1)]),          # zeros
        lambda: rng.choice([0, 1]) << (w - 1) | ((1 << ebits) - 1) << (p - 1),
        lambda: ((1 << ebits) - 1) << (p - 1) | 1 << (p - 2) | sig() >> 2,
        lambda: ((1 << ebits) - 1) << (p - 1) | (sig() >> 2 | 1),  # sNaN
    ]
    weights = [5, 5, 5, 2, 2, 2, 2, 6, 1, 1, 1, 1]
    return [rng.choices(classes, weights)[0]() for _ in range(count)]


def half_ulp(fmt, v, rng):
    """Bits of +-half an ulp of the nonzero v (0 if out of range)."""
    e = floor_log2(abs(v)) - fmt.p
    if e < fmt.emin - fmt.p + 1:
        return 0
    return fmt.encode(rng.getrandbits(1), Q(2) ** e)


def top_bits(v, n):
    """The non-negative v cut to its n leading significant bits."""
    q = Q(2) ** (floor_log2(v) - n + 1)
    return (v // q) * q


def a_bits_tiny(fmt, a, rng):
    """a's sign and significand, with an exponent just above the normal
    minimum."""
    sign, _, frac = fmt.fields(fmt.encode(a[2], abs(a[1])))
    exp = rng.randint(1, 4)
    return sign << (fmt.width - 1) | exp << (fmt.p - 1) | frac


def shape(fmt, op, ops, rng):
    """Now and then, make the exact result a tie between two neighbours
    (where RNE and RMM differ), or make a fused addend cancel."""
    if rng.random() >= 0.35 or op == 'fsqrt':
        return
    p = fmt.p
    if op == 'fmul':
        k = rng.randint(2, p - 3)
        ops[0] = fmt.encode(rng.getrandbits(1), 1 + Q(1, 2 ** k))
        ops[1] = fmt.encode(rng.getrandbits(1), 1 + Q(1, 2 ** (p - k)))
        return
    a, b = fmt.decode(ops[0]), fmt.decode(ops[1])
    if a[0] != 'num' or a[1] == 0:
        return
    if op in ('fadd', 'fsub', 'fdiv'):
        if op == 'fdiv':                # quotients never tie, but a tiny
            ops[0] = a_bits_tiny(fmt, a, rng)   # dividend makes the
            return                      # remainder underflow
        short = top_bits(abs(a[1]), 3)  # even last bit: ties go down in RNE
        ops[0] = fmt.encode(a[2], short)
        ops[1] = half_ulp(fmt, short, rng)
    elif b[0] == 'num' and b[1] != 0:
        prod = a[1] * b[1]
        if rng.random() < 0.5:          # cancellation
            sign = 1 if op in ('fmadd', 'fnmadd') else -1
            ops[2], _ = round_to(fmt, sign * -prod, RNE)
        else:                           # an exact product plus half an
            a3, b3 = top_bits(abs(a[1]), 3), top_bits(abs(b[1]), 3)
            ops[0] = fmt.encode(a[2], a3)       # ulp of it: a tie
            ops[1] = fmt.encode(b[2], b3)
            ops[2] = half_ulp(fmt, a3 * b3, rng)


OPS = ['fadd', 'fsub', 'fmul', 'fdiv', 'fsqrt',
       'fmadd', 'fmsub', 'fnmadd', 'fnmsub']
ARITY = {'fsqrt': 1, 'fmadd': 3, 'fmsub': 3, 'fnmadd': 3, 'fnmsub': 3}
PER_OP = 40
INT_RANGE = {'w': (-2 ** 31, 2 ** 31 - 1), 'wu': (0, 2 ** 32 - 1),
             'l': (-2 ** 63, 2 ** 63 - 1), 'lu': (0, 2 ** 64 - 1)}


def to_int(fmt, bits, kind, rm):
    """fcvt.<kind>.<fmt>: the integer register value and the flags."""
    lo, hi = INT_RANGE[kind]
    v = fmt.decode(bits)
    if v[0] == 'nan':
        n, flags = hi, NV
    elif v[0] == 'inf':
        n, flags = (lo if v[1] else hi), NV
    else:
        neg = v[1] < 0
        n = round_int(abs(v[1]), rm, neg) * (-1 if neg else 1)
        if n < lo or n > hi:
            n, flags = (lo if n < lo else hi), NV
        else:
            flags = NX if n != v[1] else 0
    if kind in ('w', 'wu'):
        n &= 0xffffffff
        n -= (n >> 31) << 32               # 32-bit results sign-extend
    return n & (2 ** 64 - 1), flags


def from_int(fmt, reg, kind, rm):
    """fcvt.<fmt>.<kind> of the integer register value reg."""
    n = {'w': (reg & 0xffffffff) - ((reg >> 31 & 1) << 32),
         'wu': reg & 0xffffffff,
         'l': reg - ((reg >> 63) << 64), 'lu': reg}[kind]
    if n == 0:
        return fmt.encode(0, Q(0)), 0
    return round_to(fmt, Q(n), rm)


def convert(src, dst, bits, rm):
    """fcvt between the formats."""
    v = src.decode(bits)
    if v[0] == 'nan':
        return dst.qnan, NV if v[1] else 0
    if v[0] == 'inf':
        return dst.encode(v[1], None), 0
    if v[1] == 0:
        return dst.encode(v[2], Q(0)), 0
    return round_to(dst, v[1], rm)


def cvt_operand(fmt, rng):
    """Floats around the integer limits, ties, fractions and specials."""
    pick = rng.random()
    if pick < 0.15:
        return operands(fmt, rng, 1)[0]
    if pick < 0.45:                     # near a limit, just in or out
        limit = rng.choice([2 ** 31, 2 ** 32, 2 ** 63, 2 ** 64, 1])
        x = Q(limit) + Q(rng.randint(-4, 4), 2) * (1 if limit < 2 ** fmt.p
                                                   else 2 ** 40)
        x *= rng.choice([1, -1])
    elif pick < 0.7:                    # k + 1/2
        k = rng.getrandbits(rng.randint(1, fmt.p - 2))
        x = (Q(k) + Q(1, 2)) * rng.choice([1, -1])
    else:                               # anything up to 2^66
        x = Q(rng.getrandbits(80), 2 ** rng.randint(14, 80)) * rng.choice(
            [1, -1])
    if x == 0:
        return 0
    bits, _ = round_to(fmt, x, RNE)
    return bits


def int_operand(fmt, rng):
    """64-bit register values, some exactly halfway between floats."""
    length = rng.randint(1, 64)
    n = rng.getrandbits(length) | 1 << (length - 1)
    ulp = length - fmt.p                    # log2 of an ulp at n
    if ulp >= 1 and rng.random() < 0.5:     # exactly halfway
        n = n >> ulp << ulp | 1 << (ulp - 1)
    if rng.random() < 0.4:
        n = -n
    return n & (2 ** 64 - 1)


def arith_vectors(rng, fmts):
    """(stub asm, [(operands, {rm: (result, flags)}, comment)])"""
    for fmt in fmts:
        box = 0xffffffff00000000 if fmt.name == 's' else 0
        for op in OPS:
            regs = {1: 'fa1', 2: 'fa1, fa2', 3: 'fa1, fa2, fa3'}
            asm = [f'{op}.{fmt.name} fa0, {regs[ARITY.get(op, 2)]}']
            cases = []
            for _ in range(PER_OP):
                ops = operands(fmt, rng, ARITY.get(op, 2))
                shape(fmt, op, ops, rng)
                out = {}
                for rm in range(5):
                    res, flags = operate(fmt, op, ops, rm)
                    out[rm] = (box | res, flags)
                cases.append(([box | o for o in ops], out))
            yield asm, cases, f'{op}.{fmt.name}'


def convert_vectors(rng, fmts):
    for fmt in fmts:
        box = 0xffffffff00000000 if fmt.name == 's' else 0
        for kind in INT_RANGE:
            asm = [f'fcvt.{kind}.{fmt.name} t0, fa1', 'fmv.d.x fa0, t0']
            cases = []
            for _ in range(PER_OP):
                bits = cvt_operand(fmt, rng)
                cases.append(([box | bits],
                              {rm: to_int(fmt, bits, kind, rm)
                               for rm in range(5)}))
            yield asm, cases, f'fcvt.{kind}.{fmt.name}'
            asm = ['fmv.x.d t0, fa1', f'fcvt.{fmt.name}.{kind} fa0, t0']
            cases = []
            for _ in range(PER_OP):
                reg = int_operand(fmt, rng)
                out = {}
                for rm in range(5):
                    res, flags = from_int(fmt, reg, kind, rm)
                    out[rm] = (box | res, flags)
                cases.append(([reg], out))
            yield asm, cases, f'fcvt.{fmt.name}.{kind}'
    s, d = fmts
    cases = []
    for _ in range(PER_OP):
        bits = operands(d, rng, 1)[0]
        if rng.random() < 0.5:          # in single range, maybe a tie
            bits, _ = round_to(d, Q(rng.getrandbits(30) | 1) * Q(2) ** (
                rng.randint(-180, 100)), RNE)
        out = {}
        for rm in range(5):
            res, flags = convert(d, s, bits, rm)
            out[rm] = (0xffffffff00000000 | res, flags)
        cases.append(([bits], out))
    yield ['fcvt.s.d fa0, fa1'], cases, 'fcvt.s.d'
    cases = []
    for _ in range(PER_OP):
        bits = operands(s, rng, 1)[0]
        cases.append(([0xffffffff00000000 | bits],
                      {rm: convert(s, d, bits, rm) for rm in range(5)}))
    yield ['fcvt.d.s fa0, fa1'], cases, 'fcvt.d.s'


def main():
    rng = random.Random(20240601)
    fmts = [Fmt('s', 8, 24), Fmt('d', 11, 53)]
    stubs, vectors = [], []
    for gen in (arith_vectors, convert_vectors):
        for asm, cases, name in gen(rng, fmts):
            for ops, out in cases:
                for rm in range(5):
                    res, flags = out[rm]
                    padded = ops + [0] * (3 - len(ops))
                    vectors.append((len(stubs), rm, padded, res, flags,
                                    f'{name} rm={rm}'))
            stubs.append(asm)

    print('/* Generated by tests/isa/fp_vectors.py; do not edit. */')
    print('#include "test.h"')
    print('''
/*
 * Each vector: stub index, rm, three operands, expected result, expected
 * flags. Every mismatch is printed ("vector N result/flags: got .. expected
 * .."); then the first one fails as check 1 (result) or 2 (flags), with
 * the vector's index where other tests give a line number.
 */
    .text
    .globl main
    .option norvc
main:
    la s0, vectors
    la s1, vectors_end
    li s2, 0                        /* index */
    li s3, 0                        /* first failure's gp, 0 if none */
1:  ld a0, 0(s0)
    ld a1, 8(s0)
    fld fa1, 16(s0)
    fld fa2, 24(s0)
    fld fa3, 32(s0)
    csrw frm, a1
    csrw fflags, zero
    la t0, stubs
    slli a0, a0, 4
    add t0, t0, a0
    jalr ra, t0
    csrr s4, fflags
    fmv.x.d s5, fa0
    ld s6, 40(s0)
    li s7, 1
    la s9, msg_result
    bne s5, s6, 2f
    mv s5, s4
    ld s6, 48(s0)
    li s7, 2
    la s9, msg_flags
    beq s5, s6, 3f
2:  slli t0, s2, 8                  /* report, remember the first */
    or t0, t0, s7
    bnez s3, 4f
    mv s3, t0
    mv t5, s5
    mv t6, s6
4:  la a0, msg_vector
    jal puts
    mv a0, s2
    jal putdec
    mv a0, s9
    jal puts
    mv a0, s5
    jal puthex
    la a0, msg_expected
    jal puts
    mv a0, s6
    jal puthex
    la a0, msg_newline
    jal puts
3:  addi s0, s0, 56
    addi s2, s2, 1
    bltu s0, s1, 1b
    csrw frm, zero
    beqz s3, 5f
    mv gp, s3
    j fail_check
5:  PASS

    .section .rodata
msg_vector:   .asciz "vector "
msg_result:   .asciz " result: got "
msg_flags:    .asciz " flags: got "
msg_expected: .asciz " expected "
msg_newline:  .asciz "\\n"
    .text
''')
    print('''/* One 16-byte stub per operation: fa0 = op(fa1, fa2, fa3), with the
   dynamic rm; integer sides go through t0. */
    .align 4
stubs:''')
    for asm in stubs:
        for line in asm:
            print(f'    {line}')
        print('    ret\n    .align 4')
    print('\n    .data\n    .align 3\nvectors:')
    for i, (stub, rm, ops, res, flags, what) in enumerate(vectors):
        print(f'    /* {i}: {what} */')
        print(f'    .dword {stub}, {rm}, ' + ', '.join(
            f'0x{o:016x}' for o in ops) + f', 0x{res:016x}, {flags}')
    print('vectors_end:')


if __name__ == '__main__':
    main()
