/*
 * Built-in SBI: the supervisor binary interface served by the emulator
 * itself, so Linux boots in S-mode without M-mode firmware.
 */
#pragma once

#include <stdint.h>

struct machine;
struct hart;

struct sbi *sbi_new(struct machine *m);
void sbi_free(struct sbi *sbi);
void sbi_reset(struct sbi *sbi);

/* Serve the ecall hart just made (a7 = extension, a6 = function). */
void sbi_handle_ecall(struct sbi *sbi, struct hart *hart);

/* Raise each hart's STIP once its SBI timer is due. */
void sbi_update_timers(struct sbi *sbi, uint64_t now);
/* Earliest pending SBI timer deadline, or UINT64_MAX. */
uint64_t sbi_next_deadline(const struct sbi *sbi);
