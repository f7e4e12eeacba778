/*
 * Privileged behaviour: SBI ecall hook, illegal encodings, interrupts,
 * WFI, Sstc, the run budget, MMIO, LR/SC between harts, self-modifying
 * code.
 */
#include <string.h>

#include "fixture.h"
#include "riscv-internal.h"
#include "tests/check.h"
#include "tests.h"

#define CAUSE_IRQ (1ull << 63)

static void sbi_handler(void *opaque, struct hart *h)
{
    struct fixture *f = opaque;
    f->sbi_calls++;
    hart_set_reg(h, A0, 42);
    hart_set_reg(h, A1, hart_reg(h, A7) + 1);
}

static void test_sbi_ecall(void)
{
    struct fixture f;
    fx_init(&f, sbi_handler);
    hart_reset(f.harts[0], RAM_BASE, PRIV_S);
    fx_emit(&f, ADDI(A7, ZERO, 0x10));
    fx_emit(&f, ECALL);
    fx_emit(&f, ADDI(A2, A0, 1));
    uint64_t spin = f.cursor;
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 100);
    CHECK_EQ("sbi handler called once", f.sbi_calls, 1);
    CHECK_EQ("a0 from the handler, seen after ecall", fx_reg(&f, A2), 43);
    CHECK_EQ("a1 from the handler", fx_reg(&f, A1), 0x11);
    CHECK_EQ("execution continued after ecall", hart_pc(f.harts[0]), spin);
    fx_free(&f);
}

static void test_ecall_traps_without_sbi(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_install_handler(&f);
    uint64_t at = f.cursor;
    fx_emit(&f, ECALL);
    fx_run(&f, 0, 100);
    CHECK_EQ("ecall from M: cause 11", fx_reg(&f, T3), 11);
    CHECK_EQ("mepc is the ecall", fx_reg(&f, T5), at);
    fx_free(&f);
}

/* Every reserved compressed encoding raises illegal instruction. */
static void test_reserved_compressed(void)
{
    static const uint16_t reserved[] = {
        0x0000, /* all zeros */
        0x0004, /* c.addi4spn, nzuimm 0 */
        0x8000, /* C0 funct3 100 */
        0x2001, /* c.addiw x0 */
        0x6081, /* c.lui ra, 0 */
        0x6101, /* c.addi16sp 0 */
        0x9c41, /* C1 100 1 11 10 */
        0x9c61, /* C1 100 1 11 11 */
        0x4002, /* c.lwsp x0 */
        0x6002, /* c.ldsp x0 */
        0x8002, /* c.jr x0 */
    };
    for (unsigned i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
        struct fixture f;
        fx_init(&f, NULL);
        fx_install_handler(&f);
        uint64_t at = f.cursor;
        fx_emit16(&f, reserved[i]);
        fx_emit16(&f, 0x0001); /* c.nop */
        fx_emit(&f, SPIN);
        fx_run(&f, 0, 100);
        CHECK_EQ("reserved RVC: illegal instruction", fx_reg(&f, T3), 2);
        CHECK_EQ("reserved RVC: mtval is the encoding", fx_reg(&f, T4),
                 reserved[i]);
        CHECK_EQ("reserved RVC: mepc", fx_reg(&f, T5), at);
        fx_free(&f);
    }
}

static void emit_enable_irqs(struct fixture *f, uint32_t mie_bits, bool mie)
{
    int32_t hi = (mie_bits + 0x800) >> 12, lo = mie_bits - hi * 4096;
    fx_emit(f, LUI(T0, hi));
    fx_emit(f, ADDI(T0, T0, lo));
    fx_emit(f, CSRW(CSR_MIE, T0));
    if (mie) {
        fx_emit(f, ADDI(T0, ZERO, 8));
        fx_emit(f, CSRRS(ZERO, CSR_MSTATUS, T0));
    }
}

static void test_interrupt_priority(void)
{
    static const struct {
        unsigned irqs[3];
        uint64_t cause;
    } cases[] = {
        {{IRQ_MTIP, IRQ_MSIP, IRQ_MEIP}, CAUSE_IRQ | 11},
        {{IRQ_MTIP, IRQ_MSIP, IRQ_MSIP}, CAUSE_IRQ | 3},
        {{IRQ_MTIP, IRQ_MTIP, IRQ_MTIP}, CAUSE_IRQ | 7},
    };
    for (unsigned i = 0; i < 3; i++) {
        struct fixture f;
        fx_init(&f, NULL);
        fx_install_handler(&f);
        emit_enable_irqs(&f, 0x888, true);
        fx_emit(&f, SPIN);
        for (unsigned k = 0; k < 3; k++)
            hart_set_irq(f.harts[0], cases[i].irqs[k], true);
        fx_run(&f, 0, 200);
        CHECK_EQ("highest-priority interrupt taken", fx_reg(&f, T3),
                 cases[i].cause);
        fx_free(&f);
    }
}

static void test_wfi(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_install_handler(&f);
    emit_enable_irqs(&f, 0x080, false); /* MTIE only, MIE off */
    fx_emit(&f, WFI);
    fx_emit(&f, ADDI(A0, ZERO, 5));
    fx_emit(&f, SPIN);
    uint64_t ran = fx_run(&f, 0, 1000);
    CHECK_EQ("wfi returns from hart_run early", ran < 1000, 1);
    CHECK_EQ("waiting after wfi", hart_waiting(f.harts[0]), 1);
    CHECK_EQ("a waiting hart runs nothing", fx_run(&f, 0, 1000), 0);
    hart_set_irq(f.harts[0], IRQ_MSIP, true); /* pending, not enabled */
    CHECK_EQ("a disabled interrupt does not wake", hart_waiting(f.harts[0]), 1);
    hart_set_irq(f.harts[0], IRQ_MTIP, true);
    CHECK_EQ("an enabled interrupt wakes", hart_waiting(f.harts[0]), 0);
    fx_run(&f, 0, 100);
    CHECK_EQ("execution resumes after wfi", fx_reg(&f, A0), 5);
    CHECK_EQ("no trap with MIE off", fx_reg(&f, T3), 0);
    fx_free(&f);
}

static void test_sstc(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    hart_reset(f.harts[0], RAM_BASE, PRIV_S);
    hart_set_reg(f.harts[0], A0, 1000);
    fx_emit(&f, CSRW(0x14d, A0)); /* stimecmp */
    fx_emit(&f, CSRR(A2, 0x144)); /* sip */
    fx_emit(&f, JAL(ZERO, -4));
    fx_run(&f, 0, 100);
    CHECK_EQ("next timer is stimecmp", hart_next_timer(f.harts[0]), 1000);
    CHECK_EQ("STIP clear before the deadline", fx_reg(&f, A2) & 0x20, 0);
    f.mtime = 1000;
    fx_run(&f, 0, 100);
    CHECK_EQ("STIP set at the deadline", fx_reg(&f, A2) & 0x20, 0x20);
    fx_free(&f);
}

static void test_budget_and_instret(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_emit(&f, ADDI(A0, A0, 1));
    fx_emit(&f, JAL(ZERO, -4));
    uint64_t ran = fx_run(&f, 0, 10000);
    CHECK_EQ("budget honoured", ran, 10000);
    CHECK_EQ("instret counts retired instructions", hart_instret(f.harts[0]),
             10000);
    CHECK_EQ("loop ran budget/2 times", fx_reg(&f, A0), 5000);
    fx_free(&f);
}

/*
 * A write to minstret or mcycle replaces the writing instruction's own
 * increment: the next instruction reads the value written, then counting
 * goes on; writing minstret leaves mcycle running, and the reverse.
 */
static void test_counter_writes(void)
{
    struct fixture f;
    fx_init(&f, NULL);
    fx_emit(&f, ADDI(A0, ZERO, 5));
    fx_emit(&f, CSRRW(ZERO, CSR_MINSTRET, ZERO)); /* csrw minstret, zero */
    fx_emit(&f, CSRR(A1, CSR_MINSTRET));
    fx_emit(&f, CSRR(A2, CSR_MINSTRET));
    fx_emit(&f, CSRR(S0, CSR_MCYCLE));
    fx_emit(&f, CSRW(CSR_MINSTRET, A0));
    fx_emit(&f, CSRR(A3, CSR_MINSTRET));
    fx_emit(&f, CSRR(S1, CSR_MCYCLE));
    fx_emit(&f, CSRW(CSR_MCYCLE, A0));
    fx_emit(&f, CSRR(A4, CSR_MCYCLE));
    fx_emit(&f, CSRR(A5, CSR_MINSTRET)); /* instruction 10 */
    fx_emit(&f, SPIN);
    uint64_t ran = fx_run(&f, 0, 11);
    CHECK_EQ("minstret read right after writing 0", fx_reg(&f, A1), 0);
    CHECK_EQ("minstret one instruction later", fx_reg(&f, A2), 1);
    CHECK_EQ("minstret read right after writing 5", fx_reg(&f, A3), 5);
    CHECK_EQ("mcycle runs on across a minstret write",
             fx_reg(&f, S1) - fx_reg(&f, S0), 3);
    CHECK_EQ("mcycle read right after writing 5", fx_reg(&f, A4), 5);
    CHECK_EQ("minstret runs on across an mcycle write", fx_reg(&f, A5), 9);
    CHECK_EQ("hart_instret agrees with the guest", hart_instret(f.harts[0]),
             9 + (ran - 10));
    fx_free(&f);
}

struct fake_device {
    uint64_t last_offset, last_value;
    unsigned writes;
};

static bool dev_read(void *opaque, uint64_t offset, unsigned bytes,
                     uint64_t *value)
{
    (void)opaque;
    (void)bytes;
    *value = 0x1200 + offset;
    return true;
}

static bool dev_write(void *opaque, uint64_t offset, unsigned bytes,
                      uint64_t value)
{
    struct fake_device *d = opaque;
    (void)bytes;
    d->last_offset = offset;
    d->last_value = value;
    d->writes++;
    return true;
}

static void test_mmio_and_access_fault(void)
{
    struct fixture f;
    struct fake_device dev = {0};
    fx_init(&f, NULL);
    bus_register(f.bus, 0x10000000, 0x100, &dev, dev_read, dev_write, WIDTH_4);
    fx_install_handler(&f);
    fx_emit(&f, LUI(T0, 0x10000));
    fx_emit(&f, ADDI(A1, ZERO, 0x5a));
    fx_emit(&f, SW(A1, T0, 4));
    fx_emit(&f, LW(A2, T0, 8));
    fx_emit(&f, LUI(T1, 0x20000));
    uint64_t at = f.cursor;
    fx_emit(&f, LW(A3, T1, 0)); /* nothing mapped there */
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 100);
    CHECK_EQ("device saw one write", dev.writes, 1);
    CHECK_EQ("device write offset", dev.last_offset, 4);
    CHECK_EQ("device write value", dev.last_value, 0x5a);
    CHECK_EQ("device read value", fx_reg(&f, A2), 0x1208);
    CHECK_EQ("unmapped load: access fault", fx_reg(&f, T3), 5);
    CHECK_EQ("unmapped load: mtval", fx_reg(&f, T4), 0x20000000);
    CHECK_EQ("unmapped load: mepc", fx_reg(&f, T5), at);
    fx_free(&f);
}

/* A device whose register raises the hart's external interrupt line from
 * a value of 2 up, and lowers it below; a read lowers it too (a claim). */
static bool irq_dev_read(void *opaque, uint64_t offset, unsigned bytes,
                         uint64_t *value)
{
    (void)bytes;
    hart_irq_set_level(opaque, IRQ_MEIP, false);
    *value = 0x1200 + offset;
    return true;
}

static bool irq_dev_write(void *opaque, uint64_t offset, unsigned bytes,
                          uint64_t value)
{
    (void)offset;
    (void)bytes;
    hart_irq_set_level(opaque, IRQ_MEIP, value >= 2);
    return true;
}

/*
 * A store to a device that raises an enabled interrupt is followed by the
 * interrupt at once (mepc = the next instruction, which has not run); a
 * masked one lets the code go on, and so does a load that lowers it, with
 * the value read. The loop's third pass raises it, so with the translator
 * (eager) it runs in a translated block.
 */
static void test_device_raises_interrupt(bool jit, bool enabled)
{
    struct fixture f;
    fx_init_jit(&f, NULL, jit, true);
    bus_register(f.bus, 0x10000000, 0x100, f.harts[0], irq_dev_read,
                 irq_dev_write, WIDTH_4);
    fx_install_handler(&f);
    fx_emit(&f, ADDI(T1, ZERO, 1));
    fx_emit(&f, SLLI(T1, T1, IRQ_MEIP));
    fx_emit(&f, CSRW(CSR_MIE, T1));
    fx_emit(&f, ADDI(T1, ZERO, enabled ? 8 : 0));
    fx_emit(&f, CSRRS(ZERO, CSR_MSTATUS, T1)); /* MIE */
    fx_emit(&f, LUI(T0, 0x10000));
    fx_emit(&f, ADDI(A1, ZERO, 0));
    fx_emit(&f, ADDI(A2, ZERO, 4));
    fx_emit(&f, SW(A1, T0, 0));
    uint64_t next = f.cursor;
    fx_emit(&f, ADDI(A1, A1, 1));
    fx_emit(&f, LW(A3, T0, 8));
    fx_emit(&f, ADDI(A2, A2, -1));
    fx_emit(&f, BNE(A2, ZERO, -16));
    fx_emit(&f, SPIN);
    fx_run(&f, 0, 100);
    if (enabled) {
        CHECK_EQ("device interrupt: taken", fx_reg(&f, T3), CAUSE_IRQ | 11);
        CHECK_EQ("device interrupt: right after the store", fx_reg(&f, T5),
                 next);
        CHECK_EQ("device interrupt: nothing after the store ran",
                 fx_reg(&f, A2), 2);
    } else {
        CHECK_EQ("masked device interrupt: not taken", fx_reg(&f, T3), 0);
        CHECK_EQ("masked device interrupt: the code went on", fx_reg(&f, A2),
                 0);
        CHECK_EQ("masked device interrupt: the load's value", fx_reg(&f, A3),
                 0x1208);
    }
    fx_free(&f);
}

/* Hart 0 takes a reservation and waits; hart 1 may store in between. */
static uint64_t lr_sc_with(bool other_hart_stores)
{
    struct fixture f;
    fx_init(&f, NULL);
    uint64_t data = RAM_BASE + 0x8000;
    for (int i = 0; i < 2; i++)
        hart_set_reg(f.harts[i], S0, data);
    hart_set_reg(f.harts[0], A2, 0x77);
    hart_set_reg(f.harts[1], A3, 0x99);
    fx_emit(&f, LR_D(A0, S0));
    fx_emit(&f, LD(T1, S0, 8)); /* wait for the go flag */
    fx_emit(&f, BNE(T1, ZERO, 8));
    fx_emit(&f, JAL(ZERO, -8));
    fx_emit(&f, SC_D(A1, A2, S0));
    fx_emit(&f, SPIN);
    fx_org(&f, RAM_BASE + 0x400);
    hart_reset(f.harts[1], f.cursor, PRIV_M);
    hart_set_reg(f.harts[1], S0, data);
    hart_set_reg(f.harts[1], A3, 0x99);
    fx_emit(&f, SD(A3, S0, 0));
    fx_emit(&f, SPIN);

    fx_run(&f, 0, 100);
    if (other_hart_stores)
        fx_run(&f, 1, 100);
    *(uint64_t *)fx_ram(&f, data + 8) = 1;
    fx_run(&f, 0, 100);
    uint64_t sc_result = fx_reg(&f, A1);
    uint64_t memory = *(uint64_t *)fx_ram(&f, data);
    CHECK_EQ("memory after sc", memory, other_hart_stores ? 0x99 : 0x77);
    fx_free(&f);
    return sc_result;
}

static void test_lr_sc(void)
{
    CHECK_EQ("sc succeeds undisturbed", lr_sc_with(false), 0);
    CHECK_EQ("sc fails after another hart's store", lr_sc_with(true), 1);
}

/*
 * A store over an instruction that already ran changes what runs next,
 * however the run is sliced into hart_run calls.
 */
static uint64_t self_modifying_code(uint64_t slice)
{
    struct fixture f;
    fx_init(&f, NULL);
    hart_set_reg(f.harts[0], A1, ADDI(A0, ZERO, 7));
    uint64_t target = RAM_BASE + 0x10;
    fx_la(&f, T0, target);
    fx_emit(&f, ADDI(S1, ZERO, 0));
    fx_emit(&f, ADDI(T1, ZERO, 2));
    fx_emit(&f, ADDI(A0, ZERO, 1)); /* target */
    fx_emit(&f, ADD(A2, A2, A0));
    fx_emit(&f, SW(A1, T0, 0));
    fx_emit(&f, ADDI(S1, S1, 1));
    fx_emit(&f, BNE(S1, T1, -16));
    fx_emit(&f, SPIN);
    for (uint64_t done = 0; done < 100; done += slice)
        fx_run(&f, 0, slice);
    uint64_t sum = fx_reg(&f, A2);
    fx_free(&f);
    return sum;
}

static void test_self_modifying_code(void)
{
    bool all_slices_agree = true;
    for (uint64_t slice = 1; slice <= 20; slice++)
        if (self_modifying_code(slice) != 1 + 7)
            all_slices_agree = false;
    CHECK_EQ("old then new instruction ran", self_modifying_code(100), 1 + 7);
    CHECK_EQ("same result in slices of 1..20 instructions", all_slices_agree,
             1);
}

/*
 * The translator's jump cache tells a current entry by its generation,
 * which wraps: an entry made before the code it leads to changed must not
 * come back to life when the generation comes round to its value again.
 */
static void test_jump_cache_generation_wraps(void)
{
    if (!hart_jit_supported()) {
        check_skip("jump cache generations (no translator on this host)");
        return;
    }
    struct fixture f;
    fx_init(&f, NULL);
    uint64_t callee = RAM_BASE + 0x3000; /* another page */
    fx_org(&f, callee);
    fx_emit(&f, ADDI(A0, ZERO, 1));
    fx_emit(&f, JALR(ZERO, RA, 0));
    fx_org(&f, RAM_BASE);
    fx_la(&f, S1, callee);
    uint64_t loop = f.cursor;
    fx_emit(&f, JALR(RA, S1, 0));
    fx_emit(&f, ADD(A6, A6, A0));
    fx_emit(&f, ADDI(A7, A7, 1));
    fx_emit(&f, JAL(ZERO, (int32_t)(loop - f.cursor)));
    struct hart *h = f.harts[0];
    fx_run(&f, 0, 2000);
    uint64_t gen = h->jump_gen; /* the loop's entries are of this one */
    *(uint32_t *)fx_ram(&f, callee) = ADDI(A0, ZERO, 2); /* as a device */
    hart_flush_icache(h);                                /* and fence.i */
    while (h->jump_gen != gen)
        hart_flush_icache(h);
    hart_set_reg(h, A6, 0);
    hart_set_reg(h, A7, 0);
    fx_run(&f, 0, 2000);
    uint64_t sum = fx_reg(&f, A6), calls = fx_reg(&f, A7);
    CHECK_EQ("jump cache: the new code ran after the generation wrapped",
             calls > 0 && (sum == 2 * calls || sum == 2 * calls + 2), 1);
    fx_free(&f);
}

void test_priv(void)
{
    test_sbi_ecall();
    test_ecall_traps_without_sbi();
    test_reserved_compressed();
    test_interrupt_priority();
    test_wfi();
    test_sstc();
    test_budget_and_instret();
    test_counter_writes();
    test_mmio_and_access_fault();
    for (int jit = 0; jit < 2; jit++) {
        test_device_raises_interrupt(jit, true);
        test_device_raises_interrupt(jit, false);
    }
    test_lr_sc();
    test_self_modifying_code();
    test_jump_cache_generation_wraps();
}
