/*
 * Built-in SBI (spec v2.0): BASE, TIME, IPI, RFENCE, HSM, SRST, DBCN and
 * the legacy console, timer and shutdown calls. Each extension is a
 * function in a table indexed by extension id, kvmtool style; a handler
 * returns the SBI error in .error and its result in .value.
 */
#include <stdlib.h>

#include "aclint.h"
#include "finisher.h"
#include "memlayout.h"
#include "riscv.h"
#include "sbi.h"
#include "uart.h"

enum {
    SBI_SUCCESS = 0,
    SBI_ERR_FAILED = -1,
    SBI_ERR_NOT_SUPPORTED = -2,
    SBI_ERR_INVALID_PARAM = -3,
    SBI_ERR_DENIED = -4,
    SBI_ERR_INVALID_ADDRESS = -5,
    SBI_ERR_ALREADY_AVAILABLE = -6,
    SBI_ERR_ALREADY_STARTED = -7,
    SBI_ERR_ALREADY_STOPPED = -8,
};

enum {
    EXT_LEGACY_SET_TIMER = 0x00,
    EXT_LEGACY_PUTCHAR = 0x01,
    EXT_LEGACY_GETCHAR = 0x02,
    EXT_LEGACY_SHUTDOWN = 0x08,
    EXT_BASE = 0x10,
    EXT_TIME = 0x54494D45,
    EXT_IPI = 0x735049,
    EXT_RFENCE = 0x52464E43,
    EXT_HSM = 0x48534D,
    EXT_SRST = 0x53525354,
    EXT_DBCN = 0x4442434E,
};

#define SBI_SPEC_VERSION ((2u << 24) | 0u) /* v2.0 */
/* Not a registered implementation id: "semu" in ASCII, out of the way. */
#define SBI_IMPL_ID      0x73656d75
#define SBI_IMPL_VERSION 1

/* HSM states, as the spec numbers them. */
enum { HSM_STARTED = 0, HSM_STOPPED = 1 };
#define HSM_SUSPEND_RETENTIVE 0x00000000u

enum { SRST_SHUTDOWN = 0, SRST_COLD_REBOOT = 1, SRST_WARM_REBOOT = 2 };
enum { SRST_REASON_NONE = 0, SRST_REASON_FAILURE = 1 };

/* Registers of the SBI calling convention. */
enum { REG_A0 = 10, REG_A1, REG_A2, REG_A3, REG_A4, REG_A5, REG_A6, REG_A7 };

struct sbiret {
    long error;
    long value;
};

struct sbi_call {
    struct sbi *sbi;
    const struct sbi_machine *m;
    struct hart *hart;
    uint64_t fid;
    uint64_t a[6];
};

struct sbi {
    struct sbi_machine m;
    uint64_t timer[MAX_HARTS]; /* set_timer deadline, UINT64_MAX = none */
};

typedef struct sbiret (*sbi_ext_fn)(struct sbi_call *call);

static struct sbiret ok(long value)
{
    return (struct sbiret){SBI_SUCCESS, value};
}

static struct sbiret fail(long error)
{
    return (struct sbiret){error, 0};
}

/* ---- TIME ---- */

static void set_timer(struct sbi_call *call, uint64_t deadline)
{
    unsigned h = hart_id(call->hart);
    call->sbi->timer[h] = deadline;
    /* A deadline in the future withdraws a timer interrupt already due. */
    hart_set_irq(call->hart, IRQ_STIP, false);
    sbi_update_timers(call->sbi, aclint_mtime(call->m->clock));
}

static struct sbiret sbi_time(struct sbi_call *call)
{
    if (call->fid != 0)
        return fail(SBI_ERR_NOT_SUPPORTED);
    set_timer(call, call->a[0]);
    return ok(0);
}

void sbi_update_timers(struct sbi *sbi, uint64_t now)
{
    for (unsigned h = 0; h < sbi->m.nharts; h++) {
        if (sbi->timer[h] <= now) {
            sbi->timer[h] = UINT64_MAX;
            hart_set_irq(sbi->m.harts[h], IRQ_STIP, true);
        }
    }
}

uint64_t sbi_next_deadline(const struct sbi *sbi)
{
    uint64_t next = UINT64_MAX;
    for (unsigned h = 0; h < sbi->m.nharts; h++)
        if (sbi->timer[h] < next)
            next = sbi->timer[h];
    return next;
}

/* ---- hart masks (IPI, RFENCE) ---- */

/*
 * Apply fn to each hart of (mask, base); base == -1 means every hart.
 * Fails without acting on any hart when the mask names one that is absent.
 */
static struct sbiret for_each_hart(struct sbi_call *call, uint64_t mask,
                                   uint64_t base, void (*fn)(struct hart *hart))
{
    const struct sbi_machine *m = call->m;
    if (base == UINT64_MAX) {
        for (unsigned h = 0; h < m->nharts; h++)
            fn(m->harts[h]);
        return ok(0);
    }
    if (mask == 0)
        return ok(0);
    if (base >= m->nharts)
        return fail(SBI_ERR_INVALID_PARAM);
    uint64_t present =
        m->nharts - base >= 64 ? UINT64_MAX : (1ull << (m->nharts - base)) - 1;
    if (mask & ~present)
        return fail(SBI_ERR_INVALID_PARAM);
    for (unsigned bit = 0; bit < 64; bit++)
        if (mask & (1ull << bit))
            fn(m->harts[base + bit]);
    return ok(0);
}

static void raise_ssip(struct hart *hart)
{
    /* S-mode clears SSIP itself when it takes the interrupt. */
    hart_set_irq(hart, IRQ_SSIP, true);
}

static struct sbiret sbi_ipi(struct sbi_call *call)
{
    if (call->fid != 0)
        return fail(SBI_ERR_NOT_SUPPORTED);
    return for_each_hart(call, call->a[0], call->a[1], raise_ssip);
}

static struct sbiret sbi_rfence(struct sbi_call *call)
{
    /* 0 fence.i, 1 sfence.vma, 2 sfence.vma.asid; H-extension ones absent */
    if (call->fid > 2)
        return fail(SBI_ERR_NOT_SUPPORTED);
    /* Flushing everything is a correct superset of any ranged fence. */
    return for_each_hart(call, call->a[0], call->a[1],
                         call->fid == 0 ? hart_flush_icache : hart_flush_tlb);
}

/* ---- HSM ---- */

static struct sbiret hsm_start(struct sbi_call *call)
{
    const struct sbi_machine *m = call->m;
    uint64_t h = call->a[0], start = call->a[1], opaque = call->a[2];
    if (h >= m->nharts)
        return fail(SBI_ERR_INVALID_PARAM);
    if (m->power[h] == HART_STARTED)
        return fail(SBI_ERR_ALREADY_AVAILABLE);
    if (!guest_ram_ptr(m->ram, start, 4))
        return fail(SBI_ERR_INVALID_ADDRESS);
    struct hart *target = m->harts[h];
    hart_reset(target, start, PRIV_S); /* also satp = 0: MMU off */
    hart_set_reg(target, REG_A0, h);
    hart_set_reg(target, REG_A1, opaque);
    hart_flush_tlb(target);
    m->power[h] = HART_STARTED;
    return ok(0);
}

static struct sbiret sbi_hsm(struct sbi_call *call)
{
    const struct sbi_machine *m = call->m;
    switch (call->fid) {
    case 0:
        return hsm_start(call);
    case 1: /* hart_stop: the caller runs no further, until a hart_start */
        m->power[hart_id(call->hart)] = HART_STOPPED;
        hart_yield(call->hart);
        return ok(0);
    case 2: /* hart_get_status */
        if (call->a[0] >= m->nharts)
            return fail(SBI_ERR_INVALID_PARAM);
        return ok(m->power[call->a[0]] == HART_STARTED ? HSM_STARTED
                                                       : HSM_STOPPED);
    case 3: { /* hart_suspend */
        /*
         * A retentive suspend is a WFI that may wake early; returning at
         * once is such an early wake. Non-retentive suspend is not offered.
         */
        uint64_t type = call->a[0];
        if (type == HSM_SUSPEND_RETENTIVE)
            return ok(0);
        if (type >= 0x80000000u && type <= UINT32_MAX)
            return fail(SBI_ERR_NOT_SUPPORTED);
        return fail(SBI_ERR_INVALID_PARAM);
    }
    default:
        return fail(SBI_ERR_NOT_SUPPORTED);
    }
}

/* ---- SRST ---- */

static struct sbiret sbi_srst(struct sbi_call *call)
{
    if (call->fid != 0)
        return fail(SBI_ERR_NOT_SUPPORTED);
    uint64_t type = call->a[0], reason = call->a[1];
    if (reason > SRST_REASON_FAILURE && reason < 0xE0000000u)
        return fail(SBI_ERR_INVALID_PARAM);
    switch (type) {
    case SRST_SHUTDOWN:
        /* A shutdown because of a system failure exits non-zero. */
        *call->m->request = (struct power_request){
            POWER_OFF, reason == SRST_REASON_FAILURE ? 1 : 0};
        break;
    case SRST_COLD_REBOOT:
    case SRST_WARM_REBOOT:
        *call->m->request = (struct power_request){POWER_RESET, 0};
        break;
    default:
        return fail(SBI_ERR_INVALID_PARAM);
    }
    /* A successful reset does not return: run nothing after it. */
    hart_yield(call->hart);
    return ok(0);
}

/* ---- DBCN ---- */

/*
 * The SBI console is a terminal in raw mode, where a bare newline only
 * moves down. Firmware consoles (OpenSBI's among them) send CR before
 * LF, so the kernel's early output does not staircase.
 */
static void console_putc(const struct sbi_machine *m, uint8_t c)
{
    if (c == '\n')
        uart_putc(m->console, '\r');
    uart_putc(m->console, c);
}

static struct sbiret sbi_dbcn(struct sbi_call *call)
{
    const struct sbi_machine *m = call->m;
    uint64_t len = call->a[0], lo = call->a[1], hi = call->a[2];
    if (call->fid == 2) { /* write_byte */
        console_putc(m, (uint8_t)call->a[0]);
        return ok(0);
    }
    if (call->fid > 2)
        return fail(SBI_ERR_NOT_SUPPORTED);
    /* On RV64 the upper half of the physical address must be zero. */
    uint8_t *buf = hi ? NULL : guest_ram_ptr(m->ram, lo, len);
    if (!buf)
        return fail(SBI_ERR_INVALID_PARAM);
    if (call->fid == 0) {
        for (uint64_t i = 0; i < len; i++)
            console_putc(m, buf[i]);
        return ok((long)len);
    }
    uint64_t got = 0;
    int c;
    while (got < len && (c = uart_getc(m->console)) >= 0)
        buf[got++] = (uint8_t)c;
    return ok((long)got);
}

/* ---- BASE ---- */

static bool sbi_probe(uint64_t eid);

static struct sbiret sbi_base(struct sbi_call *call)
{
    switch (call->fid) {
    case 0:
        return ok(SBI_SPEC_VERSION);
    case 1:
        return ok(SBI_IMPL_ID);
    case 2:
        return ok(SBI_IMPL_VERSION);
    case 3:
        return ok(sbi_probe(call->a[0]) ? 1 : 0);
    case 4: /* mvendorid */
    case 5: /* marchid */
    case 6: /* mimpid */
        return ok(0);
    default:
        return fail(SBI_ERR_NOT_SUPPORTED);
    }
}

/* ---- dispatch ---- */

static const struct {
    uint64_t eid;
    sbi_ext_fn fn;
} sbi_extensions[] = {
    {EXT_BASE, sbi_base},     {EXT_TIME, sbi_time}, {EXT_IPI, sbi_ipi},
    {EXT_RFENCE, sbi_rfence}, {EXT_HSM, sbi_hsm},   {EXT_SRST, sbi_srst},
    {EXT_DBCN, sbi_dbcn},
};

#define NUM_EXTENSIONS (sizeof(sbi_extensions) / sizeof(sbi_extensions[0]))

static sbi_ext_fn sbi_find(uint64_t eid)
{
    for (size_t i = 0; i < NUM_EXTENSIONS; i++)
        if (sbi_extensions[i].eid == eid)
            return sbi_extensions[i].fn;
    return NULL;
}

static bool sbi_probe(uint64_t eid)
{
    switch (eid) {
    case EXT_LEGACY_SET_TIMER:
    case EXT_LEGACY_PUTCHAR:
    case EXT_LEGACY_GETCHAR:
    case EXT_LEGACY_SHUTDOWN:
        return true;
    default:
        return sbi_find(eid) != NULL;
    }
}

/* Legacy (v0.1) calls return only a0, and no error/value pair. */
static bool sbi_legacy(struct sbi_call *call, uint64_t eid, uint64_t *a0)
{
    const struct sbi_machine *m = call->m;
    switch (eid) {
    case EXT_LEGACY_SET_TIMER:
        set_timer(call, call->a[0]);
        *a0 = 0;
        return true;
    case EXT_LEGACY_PUTCHAR:
        console_putc(m, (uint8_t)call->a[0]);
        *a0 = 0;
        return true;
    case EXT_LEGACY_GETCHAR: {
        int c = uart_getc(m->console);
        *a0 = c < 0 ? (uint64_t)-1 : (uint64_t)c;
        return true;
    }
    case EXT_LEGACY_SHUTDOWN:
        *m->request = (struct power_request){POWER_OFF, 0};
        hart_yield(call->hart);
        *a0 = 0;
        return true;
    default:
        return false;
    }
}

void sbi_handle_ecall(struct sbi *sbi, struct hart *hart)
{
    struct sbi_call call = {
        .sbi = sbi,
        .m = &sbi->m,
        .hart = hart,
        .fid = hart_reg(hart, REG_A6),
    };
    for (unsigned i = 0; i < 6; i++)
        call.a[i] = hart_reg(hart, REG_A0 + i);
    uint64_t eid = hart_reg(hart, REG_A7);

    uint64_t legacy_a0;
    if (sbi_legacy(&call, eid, &legacy_a0)) {
        hart_set_reg(hart, REG_A0, legacy_a0);
        return;
    }
    sbi_ext_fn fn = sbi_find(eid);
    struct sbiret ret = fn ? fn(&call) : fail(SBI_ERR_NOT_SUPPORTED);
    hart_set_reg(hart, REG_A0, (uint64_t)ret.error);
    hart_set_reg(hart, REG_A1, (uint64_t)ret.value);
}

void sbi_reset(struct sbi *sbi)
{
    for (unsigned h = 0; h < MAX_HARTS; h++)
        sbi->timer[h] = UINT64_MAX;
}

struct sbi *sbi_new(const struct sbi_machine *m)
{
    struct sbi *sbi = calloc(1, sizeof(*sbi));
    if (!sbi)
        return NULL;
    sbi->m = *m;
    sbi_reset(sbi);
    return sbi;
}

void sbi_free(struct sbi *sbi)
{
    free(sbi);
}
