/*
 * SiFive test finisher: the guest writes one word to end the run.
 *   0x5555              power off (semu exits 0)
 *   0x3333 | code<<16   fail with exit status `code` (1 if that is 0)
 *   0x7777              reset (semu reboots the machine)
 */
#pragma once

#include "device.h"

/* OpenSBI writes 16 bits, Linux's syscon 32: take both, as QEMU does. */
#define FINISHER_WIDTHS (WIDTH_2 | WIDTH_4)

enum power_action { POWER_NONE = 0, POWER_OFF, POWER_RESET };

/* What the guest asked of the machine, filled by the finisher or SBI SRST. */
struct power_request {
    enum power_action action;
    int status; /* exit status for POWER_OFF */
};

bool finisher_read(void *request, uint64_t offset, unsigned bytes,
                   uint64_t *value);
bool finisher_write(void *request, uint64_t offset, unsigned bytes,
                    uint64_t value);
