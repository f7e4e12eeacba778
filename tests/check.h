/*
 * The C tests' checks: each one counts as passed or failed, a failure
 * prints one line "FAIL file:line: what[: got X, want Y]" on stdout, and
 * check_summary() prints the closing "N passed, N failed" line (the format
 * tests/lib.sh prints for the shell tests) and gives the exit status.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

/* A condition that must hold. */
#define CHECK(cond) check_true((cond), #cond, __FILE__, __LINE__)
/* A value that must equal another; both are printed when they differ. */
#define CHECK_EQ(what, got, want)                                              \
    check_eq((what), (uint64_t)(got), (uint64_t)(want), __FILE__, __LINE__)
/* An error code (0 or -errno) that must equal another, printed by name. */
#define CHECK_ERR(got, want) check_err((got), (want), #got, __FILE__, __LINE__)

bool check_true(bool ok, const char *what, const char *file, int line);
bool check_eq(const char *what, uint64_t got, uint64_t want, const char *file,
              int line);
bool check_err(int got, int want, const char *what, const char *file, int line);
/* A visible skip, counted neither way: "SKIP what". */
void check_skip(const char *what);
/* The closing line; the exit status (0 when nothing failed). */
int check_summary(void);
