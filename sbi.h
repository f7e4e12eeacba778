/*
 * Built-in SBI: the supervisor binary interface served by the emulator
 * itself, so Linux boots in S-mode without M-mode firmware.
 */
#pragma once

#include <stdint.h>

struct aclint;
struct guest_ram;
struct hart;
struct power_request;
struct uart;

/* Whether a hart runs; the machine keeps it, HSM calls change it. */
enum hart_power { HART_STOPPED = 0, HART_STARTED };

/* All of the machine the SBI serves from (machine.c hands it over). */
struct sbi_machine {
    unsigned nharts;
    struct hart *const *harts;     /* nharts of them */
    enum hart_power *power;        /* each hart's, for HSM */
    struct guest_ram *ram;         /* where the guest's buffers must lie */
    struct aclint *clock;          /* mtime, for the timer calls */
    struct uart *console;          /* the debug console */
    struct power_request *request; /* shutdown and reset */
};

/* The SBI keeps its own copy of m. */
struct sbi *sbi_new(const struct sbi_machine *m);
void sbi_free(struct sbi *sbi);
void sbi_reset(struct sbi *sbi);

/* Serve the ecall hart just made (a7 = extension, a6 = function). */
void sbi_handle_ecall(struct sbi *sbi, struct hart *hart);

/* Raise each hart's STIP once its SBI timer is due. */
void sbi_update_timers(struct sbi *sbi, uint64_t now);
/* Earliest pending SBI timer deadline, or UINT64_MAX. */
uint64_t sbi_next_deadline(const struct sbi *sbi);
