/*
 * CPU unit tests: the hart driven directly on a bare machine (RAM and a
 * bus, no devices), checking what guest code can observe.
 */
#include "tests/check.h"
#include "tests.h"

int main(void)
{
    test_priv();
    test_mmu();
    test_fpu();
    test_random();
    test_window();
    return check_summary();
}
