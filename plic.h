/*
 * PLIC: the platform-level interrupt controller, as on QEMU virt.
 * Context 2*hart drives the hart's MEIP, context 2*hart+1 its SEIP.
 */
#pragma once

#include "device.h"

struct plic;

/* context_irqs[c] is the wire context c raises; ncontexts <= 2*MAX_HARTS. */
struct plic *plic_new(unsigned ncontexts, const struct irq_line *context_irqs);
void plic_free(struct plic *plic);
void plic_reset(struct plic *plic);

/* The wire a device raises for interrupt source 1..PLIC_NUM_SOURCES-1. */
struct irq_line plic_source(struct plic *plic, unsigned source);

bool plic_read(void *plic, uint64_t offset, unsigned bytes, uint64_t *value);
bool plic_write(void *plic, uint64_t offset, unsigned bytes, uint64_t value);
