/*
 * Minimal test bookkeeping: EXPECT() counts a check, expect_summary()
 * prints the final "N passed, N failed" line and gives the exit status.
 */
#pragma once

#include <stdbool.h>
#include <stdio.h>

static unsigned expect_passed, expect_failed;

#define EXPECT(cond) expect_at((cond), #cond, __FILE__, __LINE__)

static inline bool expect_at(bool ok, const char *what, const char *file,
                             int line)
{
    if (ok) {
        expect_passed++;
    } else {
        expect_failed++;
        fprintf(stderr, "FAIL %s:%d: %s\n", file, line, what);
    }
    return ok;
}

static inline int expect_summary(void)
{
    printf("%u passed, %u failed\n", expect_passed, expect_failed);
    return expect_failed ? 1 : 0;
}
