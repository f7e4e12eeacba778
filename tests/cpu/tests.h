/* The CPU unit-test groups, run by cpu-tests.c. */
#pragma once

void test_priv(void);
void test_mmu(void);
void test_fpu(void);
void test_random(void);
void test_window(void);
