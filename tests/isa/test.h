/*
 * Macros for the bare-metal ISA tests (assembly, run in M-mode at reset).
 *
 * Each test defines `main`; crt.S sets up the machine and jumps there.
 * Registers the harness owns, so tests leave them alone:
 *   gp      id of the current check: (source line << 8) | check number
 *   t4      macro scratch
 *   t5, t6  got / expected value of a failing check
 *   s8-s11  trap capture (see EXPECT_TRAP)
 *
 * Exit codes: 0 pass; 1..199 the number of the failing check (counted in
 * source order); 200 + cause for an unexpected exception; 240 + cause for
 * an unexpected interrupt. The UART gets a human-readable line too.
 * PASS and a failing check report through an ecall (a7 = MAGIC_*) that
 * crt.S's M-mode handler recognises, so they work from S and U as well.
 */
#pragma once

#define FINISHER   0x100000
#define CLINT      0x2000000
#define CLINT_MTIMECMP (CLINT + 0x4000)
#define CLINT_MTIME    (CLINT + 0xbff8)
#define UART       0x10000000

/* a7 values a test's ecall uses to talk to the M-mode trap handler. */
#define MAGIC_FAIL 0x7e570001
#define MAGIC_PASS 0x7e570002
#define MAGIC_TO_M 0x7e570003

#define MSTATUS_SIE  (1 << 1)
#define MSTATUS_MIE  (1 << 3)
#define MSTATUS_SPIE (1 << 5)
#define MSTATUS_MPIE (1 << 7)
#define MSTATUS_SPP  (1 << 8)
#define MSTATUS_MPP  (3 << 11)
#define MSTATUS_FS   (3 << 13)
#define MSTATUS_MPRV (1 << 17)
#define MSTATUS_SUM  (1 << 18)
#define MSTATUS_MXR  (1 << 19)

#define FLAG_NX 1
#define FLAG_UF 2
#define FLAG_OF 4
#define FLAG_DZ 8
#define FLAG_NV 16

#ifdef __ASSEMBLER__
.set check_no, 0

.macro NEXT_CHECK line
    .set check_no, check_no + 1
    .if check_no >= 200
    .error "too many checks in one test: exit codes would collide"
    .endif
    li gp, (\line << 8) | check_no
.endm

/* Compare register `reg` with the constant `val` (no spaces in `val`). */
.macro CHECK_AT reg, val, line
    NEXT_CHECK \line
    mv t5, \reg
    li t6, \val
    beq t5, t6, .Lok\@
    j fail_check
.Lok\@:
.endm
#define CHECK(reg, val) CHECK_AT reg, val, __LINE__

/* Compare two registers (`exp` must not be t5). */
.macro CHECKR_AT reg, exp, line
    NEXT_CHECK \line
    mv t6, \exp
    mv t5, \reg
    beq t5, t6, .Lok\@
    j fail_check
.Lok\@:
.endm
#define CHECK_REG(reg, exp) CHECKR_AT reg, exp, __LINE__

/* Whole 64-bit register compare for a double / a NaN-boxed single. */
#define CHECK_D(freg, bits) fmv.x.d t4, freg; CHECK(t4, bits)
#define CHECK_S(freg, bits) fmv.x.d t4, freg; CHECK(t4, 0xffffffff00000000|bits)
/* Accrued exception flags since the last check; clears them. */
#define CHECK_FLAGS(v) csrrw t4, fflags, zero; CHECK(t4, v)

/*
 * Run INSN(rm) under each rounding mode, first as a static rm and then
 * as dyn with frm set, checking the result with RES(expected) each time.
 * Expected values in rm order: rne, rtz, rdn, rup, rmm.
 */
#define ROUND5(INSN, RES, e0, e1, e2, e3, e4) \
    INSN(rne); RES(e0); INSN(rtz); RES(e1); INSN(rdn); RES(e2); \
    INSN(rup); RES(e3); INSN(rmm); RES(e4); \
    fsrmi 0; INSN(dyn); RES(e0); fsrmi 1; INSN(dyn); RES(e1); \
    fsrmi 2; INSN(dyn); RES(e2); fsrmi 3; INSN(dyn); RES(e3); \
    fsrmi 4; INSN(dyn); RES(e4); fsrmi 0

#define LI_D(freg, bits) li t4, bits; fmv.d.x freg, t4
#define LI_S(freg, bits) li t4, bits; fmv.w.x freg, t4

/*
 * The next trap (to M or to S) records cause, tval and epc in s8, s9, s10
 * and resumes at `label` in the mode that trapped. s8 stays -1 if no trap
 * happens.
 */
#define EXPECT_TRAP(label) la s11, label; li s8, -1; li s9, -1; li s10, -1

#define PASS j pass

/* Leave M-mode for `mode` (0 U, 1 S) at `target`, via mret. */
.macro GO_MODE mode, target
    li t4, MSTATUS_MPP
    csrc mstatus, t4
    li t4, (\mode << 11)
    csrs mstatus, t4
    la t4, \target
    csrw mepc, t4
    mret
.endm

/* Back to M-mode from S or U, continuing after the ecall. */
#define TO_M li a7, MAGIC_TO_M; ecall
#endif
