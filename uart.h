/*
 * 16550A UART on the host's stdin/stdout. Ctrl-A x asks to quit,
 * Ctrl-A Ctrl-A sends one Ctrl-A.
 */
#pragma once

#include "device.h"

struct uart;

struct uart *uart_new(struct irq_line irq, int in_fd, int out_fd);
void uart_free(struct uart *uart);
void uart_reset(struct uart *uart);

bool uart_read(void *uart, uint64_t offset, unsigned bytes, uint64_t *value);
bool uart_write(void *uart, uint64_t offset, unsigned bytes, uint64_t value);

/* Pull whatever input is ready, without blocking. */
void uart_poll_input(struct uart *uart);
/* The fd to wait on for input, or -1 once input has ended. */
int uart_input_fd(const struct uart *uart);
/* True once the user typed Ctrl-A x. */
bool uart_quit_requested(const struct uart *uart);

/* The SBI console shares the UART's streams so output stays in order. */
void uart_putc(struct uart *uart, uint8_t c);
void uart_flush(struct uart *uart);
/* Next received byte, or -1 when none is waiting. */
int uart_getc(struct uart *uart);
