/*
 * The host terminal: raw mode while the guest owns the console, restored
 * on every way out (normal exit, error exit, fatal signal).
 */
#pragma once

/* Put stdin in raw mode if it is a terminal; no-op otherwise. */
void terminal_raw(void);
/* Restore the saved mode; safe to call more than once, or from a signal. */
void terminal_restore(void);
