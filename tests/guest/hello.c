/*
 * Built by the host's cross compiler as it is (dynamic glibc, libm) while
 * the test runs, and run from the share: prints its argument and a libm
 * result, then exits 3.
 */
#include <math.h>
#include <stdio.h>

int main(int argc, char **argv)
{
    volatile double two = 2.0; /* keep sqrt for run time, in libm */
    printf("hello from C: %s, sqrt(2) = %.6f\n", argc > 1 ? argv[1] : "-",
           sqrt(two));
    return 3;
}
