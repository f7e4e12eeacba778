/*
 * ACLINT in the SiFive CLINT layout: MSWI (msip) and MTIMER (mtimecmp,
 * mtime). mtime follows the host's monotonic clock at TIMEBASE_HZ.
 */
#pragma once

#include "device.h"

struct aclint;

/* msip[h] and mtip[h] are the wires into hart h's MSIP and MTIP bits. */
struct aclint *aclint_new(unsigned nharts, const struct irq_line *msip,
                          const struct irq_line *mtip);
void aclint_free(struct aclint *aclint);
void aclint_reset(struct aclint *aclint);

uint64_t aclint_mtime(struct aclint *aclint);
/* Raise or drop each MTIP from the current time; call it often. */
void aclint_update(struct aclint *aclint);
/* The same at mtime `now`, just read with aclint_mtime(). */
void aclint_update_at(struct aclint *aclint, uint64_t now);
/* Earliest mtime at which a still-low MTIP will rise, or UINT64_MAX. */
uint64_t aclint_next_deadline(const struct aclint *aclint);

bool aclint_read(void *aclint, uint64_t offset, unsigned bytes,
                 uint64_t *value);
bool aclint_write(void *aclint, uint64_t offset, unsigned bytes,
                  uint64_t value);
