/*
 * ACLINT (SiFive CLINT layout):
 *   0x0000 + 4*hart   msip (bit 0)
 *   0x4000 + 8*hart   mtimecmp
 *   0xbff8            mtime
 * 32-bit halves of the 64-bit registers may be accessed separately.
 */
#include <stdlib.h>
#include <time.h>

#include "aclint.h"
#include "memlayout.h"

#define MSIP_BASE     0x0000u
#define MTIMECMP_BASE 0x4000u
#define MTIME_OFFSET  0xbff8u

struct aclint {
    unsigned nharts;
    struct irq_line msip_irq[MAX_HARTS];
    struct irq_line mtip_irq[MAX_HARTS];
    bool msip[MAX_HARTS];
    bool mtip[MAX_HARTS];
    uint64_t mtimecmp[MAX_HARTS];
    /* mtime = host clock ticks + offset; guest writes to mtime move it. */
    uint64_t mtime_offset;
};

static uint64_t host_ticks(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * TIMEBASE_HZ +
           (uint64_t)ts.tv_nsec / (1000000000ull / TIMEBASE_HZ);
}

uint64_t aclint_mtime(struct aclint *aclint)
{
    return host_ticks() + aclint->mtime_offset;
}

void aclint_update(struct aclint *aclint)
{
    aclint_update_at(aclint, aclint_mtime(aclint));
}

void aclint_update_at(struct aclint *aclint, uint64_t now)
{
    for (unsigned h = 0; h < aclint->nharts; h++) {
        bool fire = now >= aclint->mtimecmp[h];
        if (fire != aclint->mtip[h]) {
            aclint->mtip[h] = fire;
            irq_set(&aclint->mtip_irq[h], fire);
        }
    }
}

uint64_t aclint_next_deadline(const struct aclint *aclint)
{
    uint64_t next = UINT64_MAX;
    for (unsigned h = 0; h < aclint->nharts; h++)
        if (!aclint->mtip[h] && aclint->mtimecmp[h] < next)
            next = aclint->mtimecmp[h];
    return next;
}

void aclint_reset(struct aclint *aclint)
{
    for (unsigned h = 0; h < aclint->nharts; h++) {
        aclint->msip[h] = false;
        irq_set(&aclint->msip_irq[h], false);
        aclint->mtimecmp[h] = UINT64_MAX;
    }
    aclint_update(aclint);
}

struct aclint *aclint_new(unsigned nharts, const struct irq_line *msip,
                          const struct irq_line *mtip)
{
    if (nharts == 0 || nharts > MAX_HARTS)
        return NULL;
    struct aclint *aclint = calloc(1, sizeof(*aclint));
    if (!aclint)
        return NULL;
    aclint->nharts = nharts;
    for (unsigned h = 0; h < nharts; h++) {
        aclint->msip_irq[h] = msip[h];
        aclint->mtip_irq[h] = mtip[h];
        aclint->mtimecmp[h] = UINT64_MAX;
    }
    /* mtime starts near zero, as after a power-on. */
    aclint->mtime_offset = -host_ticks();
    return aclint;
}

void aclint_free(struct aclint *aclint)
{
    free(aclint);
}

/* Read `bytes` of a 64-bit register at byte `shift` within it. */
static uint64_t reg_part(uint64_t reg, unsigned shift, unsigned bytes)
{
    reg >>= 8 * shift;
    return bytes == 8 ? reg : reg & ((1ull << (8 * bytes)) - 1);
}

static uint64_t reg_merge(uint64_t reg, unsigned shift, unsigned bytes,
                          uint64_t value)
{
    if (bytes == 8)
        return value;
    uint64_t mask = ((1ull << (8 * bytes)) - 1) << (8 * shift);
    return (reg & ~mask) | ((value << (8 * shift)) & mask);
}

bool aclint_read(void *opaque, uint64_t offset, unsigned bytes, uint64_t *value)
{
    struct aclint *aclint = opaque;
    *value = 0;
    if (offset < MSIP_BASE + 4 * aclint->nharts) {
        if (bytes != 4)
            return false;
        *value = aclint->msip[offset / 4];
    } else if (offset >= MTIMECMP_BASE &&
               offset < MTIMECMP_BASE + 8 * aclint->nharts) {
        uint64_t rel = offset - MTIMECMP_BASE;
        *value = reg_part(aclint->mtimecmp[rel / 8], rel % 8, bytes);
    } else if (offset >= MTIME_OFFSET && offset < MTIME_OFFSET + 8) {
        *value = reg_part(aclint_mtime(aclint), offset - MTIME_OFFSET, bytes);
    }
    return true;
}

bool aclint_write(void *opaque, uint64_t offset, unsigned bytes, uint64_t value)
{
    struct aclint *aclint = opaque;
    if (offset < MSIP_BASE + 4 * aclint->nharts) {
        if (bytes != 4)
            return false;
        unsigned h = offset / 4;
        aclint->msip[h] = value & 1;
        irq_set(&aclint->msip_irq[h], aclint->msip[h]);
    } else if (offset >= MTIMECMP_BASE &&
               offset < MTIMECMP_BASE + 8 * aclint->nharts) {
        uint64_t rel = offset - MTIMECMP_BASE;
        uint64_t *cmp = &aclint->mtimecmp[rel / 8];
        *cmp = reg_merge(*cmp, rel % 8, bytes, value);
        aclint_update(aclint);
    } else if (offset >= MTIME_OFFSET && offset < MTIME_OFFSET + 8) {
        uint64_t now = aclint_mtime(aclint);
        uint64_t want = reg_merge(now, offset - MTIME_OFFSET, bytes, value);
        aclint->mtime_offset += want - now;
        aclint_update(aclint);
    }
    return true;
}
