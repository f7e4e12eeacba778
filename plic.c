/*
 * PLIC with level-triggered sources. A source whose wire is high becomes
 * pending; a claim moves it from pending to in service; a complete ends
 * service, and if the wire is still high the source is pending again.
 *
 * Register map (offsets inside the 64 MiB window):
 *   0x000000 + 4*src        priority
 *   0x001000                pending bits
 *   0x002000 + 0x80*ctx     enable bits
 *   0x200000 + 0x1000*ctx   threshold; +4 claim/complete
 */
#include <stdlib.h>

#include "memlayout.h"
#include "plic.h"

#define PLIC_MAX_CONTEXTS (2 * MAX_HARTS)
#define PLIC_PRIORITY_MAX 7

#define PLIC_PENDING_BASE   0x1000u
#define PLIC_ENABLE_BASE    0x2000u
#define PLIC_ENABLE_STRIDE  0x80u
#define PLIC_CONTEXT_BASE   0x200000u
#define PLIC_CONTEXT_STRIDE 0x1000u

_Static_assert(PLIC_NUM_SOURCES <= 32, "pending bits live in one word");

struct plic_context {
    struct irq_line irq;
    uint32_t enable;
    uint32_t threshold;
    bool raised;
};

struct plic {
    unsigned ncontexts;
    uint32_t priority[PLIC_NUM_SOURCES];
    uint32_t level;      /* wires currently high */
    uint32_t pending;    /* waiting to be claimed */
    uint32_t in_service; /* claimed, not yet completed */
    struct plic_context ctx[PLIC_MAX_CONTEXTS];
};

/* The best claimable source for a context, 0 when none beats threshold. */
static unsigned plic_best(const struct plic *plic, const struct plic_context *c)
{
    uint32_t candidates = plic->pending & c->enable;
    unsigned best = 0;
    uint32_t best_priority = c->threshold;
    for (unsigned src = 1; src < PLIC_NUM_SOURCES; src++) {
        if ((candidates & (1u << src)) && plic->priority[src] > best_priority) {
            best = src;
            best_priority = plic->priority[src];
        }
    }
    return best;
}

static void plic_update(struct plic *plic)
{
    for (unsigned i = 0; i < plic->ncontexts; i++) {
        struct plic_context *c = &plic->ctx[i];
        bool raise = plic_best(plic, c) != 0;
        if (raise != c->raised) {
            c->raised = raise;
            irq_set(&c->irq, raise);
        }
    }
}

static void plic_set_level(void *opaque, unsigned source, bool level)
{
    struct plic *plic = opaque;
    uint32_t bit = 1u << source;
    if (level) {
        plic->level |= bit;
        if (!(plic->in_service & bit))
            plic->pending |= bit;
    } else {
        plic->level &= ~bit;
        plic->pending &= ~bit;
    }
    plic_update(plic);
}

struct irq_line plic_source(struct plic *plic, unsigned source)
{
    if (source == 0 || source >= PLIC_NUM_SOURCES)
        return (struct irq_line){0};
    return (struct irq_line){plic_set_level, plic, source};
}

void plic_reset(struct plic *plic)
{
    for (unsigned src = 0; src < PLIC_NUM_SOURCES; src++)
        plic->priority[src] = 0;
    plic->pending = plic->level;
    plic->in_service = 0;
    for (unsigned i = 0; i < plic->ncontexts; i++) {
        plic->ctx[i].enable = 0;
        plic->ctx[i].threshold = 0;
    }
    plic_update(plic);
}

struct plic *plic_new(unsigned ncontexts, const struct irq_line *context_irqs)
{
    if (ncontexts == 0 || ncontexts > PLIC_MAX_CONTEXTS)
        return NULL;
    struct plic *plic = calloc(1, sizeof(*plic));
    if (!plic)
        return NULL;
    plic->ncontexts = ncontexts;
    for (unsigned i = 0; i < ncontexts; i++)
        plic->ctx[i].irq = context_irqs[i];
    return plic;
}

void plic_free(struct plic *plic)
{
    free(plic);
}

static unsigned plic_claim(struct plic *plic, struct plic_context *c)
{
    unsigned src = plic_best(plic, c);
    if (src) {
        plic->pending &= ~(1u << src);
        plic->in_service |= 1u << src;
        plic_update(plic);
    }
    return src;
}

static void plic_complete(struct plic *plic, struct plic_context *c,
                          uint32_t src)
{
    /* Completing a source the context cannot see is silently ignored. */
    if (src == 0 || src >= PLIC_NUM_SOURCES || !(c->enable & (1u << src)))
        return;
    uint32_t bit = 1u << src;
    plic->in_service &= ~bit;
    if (plic->level & bit)
        plic->pending |= bit;
    plic_update(plic);
}

/* The context whose block holds offset, or NULL. *reg gets the offset in it.*/
static struct plic_context *plic_context_at(struct plic *plic, uint64_t offset,
                                            uint64_t base, uint64_t stride,
                                            uint64_t *reg)
{
    if (offset < base)
        return NULL;
    uint64_t index = (offset - base) / stride;
    if (index >= plic->ncontexts)
        return NULL;
    *reg = (offset - base) % stride;
    return &plic->ctx[index];
}

bool plic_read(void *opaque, uint64_t offset, unsigned bytes, uint64_t *value)
{
    struct plic *plic = opaque;
    struct plic_context *c;
    uint64_t reg;
    if (bytes != 4)
        return false;
    *value = 0;
    if (offset < PLIC_PENDING_BASE) {
        if (offset / 4 < PLIC_NUM_SOURCES)
            *value = plic->priority[offset / 4];
    } else if (offset < PLIC_ENABLE_BASE) {
        if (offset == PLIC_PENDING_BASE)
            *value = plic->pending;
    } else if ((c = plic_context_at(plic, offset, PLIC_ENABLE_BASE,
                                    PLIC_ENABLE_STRIDE, &reg)) &&
               offset < PLIC_CONTEXT_BASE) {
        if (reg == 0)
            *value = c->enable;
    } else if ((c = plic_context_at(plic, offset, PLIC_CONTEXT_BASE,
                                    PLIC_CONTEXT_STRIDE, &reg))) {
        if (reg == 0)
            *value = c->threshold;
        else if (reg == 4)
            *value = plic_claim(plic, c);
    }
    /* Everything else reads as zero, as reserved PLIC space does. */
    return true;
}

bool plic_write(void *opaque, uint64_t offset, unsigned bytes, uint64_t value)
{
    struct plic *plic = opaque;
    struct plic_context *c;
    uint64_t reg;
    if (bytes != 4)
        return false;
    uint32_t v = (uint32_t)value;
    if (offset < PLIC_PENDING_BASE) {
        unsigned src = offset / 4;
        if (src > 0 && src < PLIC_NUM_SOURCES) {
            plic->priority[src] = v & PLIC_PRIORITY_MAX;
            plic_update(plic);
        }
    } else if (offset < PLIC_ENABLE_BASE) {
        /* pending bits are read-only */
    } else if ((c = plic_context_at(plic, offset, PLIC_ENABLE_BASE,
                                    PLIC_ENABLE_STRIDE, &reg)) &&
               offset < PLIC_CONTEXT_BASE) {
        if (reg == 0) {
            c->enable = v & ~1u; /* source 0 does not exist */
            plic_update(plic);
        }
    } else if ((c = plic_context_at(plic, offset, PLIC_CONTEXT_BASE,
                                    PLIC_CONTEXT_STRIDE, &reg))) {
        if (reg == 0) {
            c->threshold = v & PLIC_PRIORITY_MAX;
            plic_update(plic);
        } else if (reg == 4) {
            plic_complete(plic, c, v);
        }
    }
    return true;
}
