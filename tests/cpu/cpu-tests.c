/*
 * CPU unit tests: the hart driven directly on a bare machine (RAM and a
 * bus, no devices), checking what guest code can observe.
 */
#include <stdio.h>

#include "fixture.h"
#include "tests.h"

int main(void)
{
    test_priv();
    test_mmu();
    test_fpu();
    test_random();
    test_window();
    printf("%u passed, %u failed\n", tests_passed, tests_failed);
    return tests_failed ? 1 : 0;
}
