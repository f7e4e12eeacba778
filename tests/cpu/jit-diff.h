/*
 * The differential test of the translator against the interpreter: the
 * guest program generator (jit-diff-gen.c) and the layout both share.
 *
 * Physical memory (identity-mapped where S or U reaches it):
 *   RAM_BASE           M-mode prologue: handlers, delegation, Sv39, mret
 *   DIFF_M_HANDLER     M trap handler (logs, skips, or ends the run)
 *   DIFF_M_SAVE        its save area and trap log (never mapped)
 *   DIFF_S_HANDLER     S trap handler, DIFF_S_SAVE its save area and log
 *   DIFF_CODE          the random stream, DIFF_CODE_PAGES pages; the last
 *                      one ends in a stub straddling into a page that
 *                      cannot be fetched
 *   DIFF_DATA          data pages with random permissions
 * Virtual only: DIFF_CODE_ALIAS, a writable alias of the code (what
 * self-modifying stores go through), and DIFF_MMIO_VA, the test device.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "fixture.h"

#define DIFF_M_HANDLER  (RAM_BASE + 0x1000)
#define DIFF_M_SAVE     (RAM_BASE + 0x2000)
#define DIFF_S_HANDLER  (RAM_BASE + 0x3000)
#define DIFF_S_SAVE     (RAM_BASE + 0x4000)
#define DIFF_CODE       (RAM_BASE + 0x10000)
#define DIFF_CODE_PAGES 8
/* Far from any address the random code makes from the others: only the
 * self-modifying items, which build it from this constant, write code. */
#define DIFF_CODE_ALIAS (DIFF_CODE + 0x2000000000ull)
#define DIFF_DATA       (RAM_BASE + 0x20000)
#define DIFF_DATA_PAGES 16
#define DIFF_MMIO_VA    (RAM_BASE + 0x30000)
#define DIFF_MMIO_PA    0x10000000ull
#define DIFF_MMIO_SIZE  0x1000
/* The loop counter: no random instruction writes it. */
#define DIFF_COUNTER 31
/*
 * The stream runs DIFF_MIN_PASSES to DIFF_MIN_PASSES + 3 times over (the
 * state carries on from pass to pass), so that a translator that waits
 * for code to be hot translates all of it. The count left is kept in the
 * M handler's save area at this offset.
 */
#define DIFF_MIN_PASSES  12
#define DIFF_PASSES_LEFT 32

struct diff_rng {
    uint64_t state;
};

uint64_t diff_random(struct diff_rng *r);

/*
 * Write the whole guest for `seed` into f's RAM (code, handlers, page
 * tables, data) and set the registers it starts with. The same seed
 * always gives the same guest; max_items cuts its stream short (the
 * shorter stream is a prefix of the longer one).
 */
void diff_build_guest(struct fixture *f, uint64_t seed, unsigned max_items);
