/* The C tests' checks (see check.h). */
#include <stdio.h>
#include <string.h>

#include "tests/check.h"

static unsigned passed, failed;

/* stdout is a pipe under make: flush, so a later crash keeps the line. */
static bool fail_done(void)
{
    failed++;
    fflush(stdout);
    return false;
}

bool check_true(bool ok, const char *what, const char *file, int line)
{
    if (ok) {
        passed++;
        return true;
    }
    printf("FAIL %s:%d: %s\n", file, line, what);
    return fail_done();
}

bool check_eq(const char *what, uint64_t got, uint64_t want, const char *file,
              int line)
{
    if (got == want) {
        passed++;
        return true;
    }
    printf("FAIL %s:%d: %s: got 0x%llx, want 0x%llx\n", file, line, what,
           (unsigned long long)got, (unsigned long long)want);
    return fail_done();
}

bool check_err(int got, int want, const char *what, const char *file, int line)
{
    if (got == want) {
        passed++;
        return true;
    }
    printf("FAIL %s:%d: %s: got %d (%s), want %d (%s)\n", file, line, what, got,
           strerror(-got), want, strerror(-want));
    return fail_done();
}

void check_skip(const char *what)
{
    printf("SKIP %s\n", what);
}

int check_summary(void)
{
    printf("%u passed, %u failed\n", passed, failed);
    return failed ? 1 : 0;
}
