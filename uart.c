/*
 * A 16550A as Linux's 8250 driver uses it. Output is written at once, so
 * the transmitter is always empty; input is a FIFO filled from the host.
 * Interrupts: received data (IER bit 0) and transmitter empty (IER bit 1).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "uart.h"

enum {
    REG_RBR_THR_DLL = 0,
    REG_IER_DLM = 1,
    REG_IIR_FCR = 2,
    REG_LCR = 3,
    REG_MCR = 4,
    REG_LSR = 5,
    REG_MSR = 6,
    REG_SCR = 7,
};

#define IER_RDI  0x01 /* received data available */
#define IER_THRI 0x02 /* transmitter holding register empty */
#define IER_MASK 0x0f

#define IIR_NO_INT 0x01
#define IIR_THRI   0x02
#define IIR_RDI    0x04
#define IIR_FIFOS  0xc0 /* FIFOs enabled, as a 16550A reports */

#define FCR_ENABLE_FIFO 0x01
#define FCR_CLEAR_RCVR  0x02

#define LCR_DLAB 0x80

#define MCR_LOOP 0x10
#define MCR_MASK 0x1f

#define LSR_DR   0x01
#define LSR_THRE 0x20
#define LSR_TEMT 0x40

/* MSR with CTS, DSR and DCD asserted: a modem that is always ready. */
#define MSR_READY 0xb0

#define RX_FIFO_SIZE 256
#define TX_BUF_SIZE  4096

#define CTRL_A 0x01

struct uart {
    struct irq_line irq;
    int in_fd;
    int out_fd;
    bool input_ended;
    bool escape; /* Ctrl-A seen, waiting for the command key */
    bool quit;

    uint8_t ier, lcr, mcr, scr, fcr, dll, dlm;
    bool thr_empty_pending; /* THRE interrupt not yet acknowledged */
    bool irq_raised;

    uint8_t rx[RX_FIFO_SIZE];
    unsigned rx_head, rx_count;

    uint8_t tx[TX_BUF_SIZE];
    unsigned tx_len;
};

static unsigned uart_interrupt_id(const struct uart *uart)
{
    if ((uart->ier & IER_RDI) && uart->rx_count)
        return IIR_RDI;
    if ((uart->ier & IER_THRI) && uart->thr_empty_pending)
        return IIR_THRI;
    return IIR_NO_INT;
}

static void uart_update_irq(struct uart *uart)
{
    bool raise = uart_interrupt_id(uart) != IIR_NO_INT;
    if (raise != uart->irq_raised) {
        uart->irq_raised = raise;
        irq_set(&uart->irq, raise);
    }
}

void uart_flush(struct uart *uart)
{
    unsigned done = 0;
    while (done < uart->tx_len) {
        ssize_t n = write(uart->out_fd, uart->tx + done, uart->tx_len - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && errno == EAGAIN) {
            struct pollfd p = {.fd = uart->out_fd, .events = POLLOUT};
            poll(&p, 1, 100);
            continue;
        }
        if (n <= 0)
            break; /* output closed: drop it, the guest must not stall */
        done += n;
    }
    uart->tx_len = 0;
}

void uart_putc(struct uart *uart, uint8_t c)
{
    if (uart->tx_len == TX_BUF_SIZE)
        uart_flush(uart);
    uart->tx[uart->tx_len++] = c;
    /* Flush per line so a dying guest's last words still reach the user. */
    if (c == '\n')
        uart_flush(uart);
}

static void rx_push(struct uart *uart, uint8_t c)
{
    if (uart->rx_count == RX_FIFO_SIZE)
        return; /* overrun: drop, as hardware would */
    uart->rx[(uart->rx_head + uart->rx_count) % RX_FIFO_SIZE] = c;
    uart->rx_count++;
}

int uart_getc(struct uart *uart)
{
    if (uart->rx_count == 0)
        return -1;
    uint8_t c = uart->rx[uart->rx_head];
    uart->rx_head = (uart->rx_head + 1) % RX_FIFO_SIZE;
    uart->rx_count--;
    uart_update_irq(uart);
    return c;
}

/* Ctrl-A x quits; Ctrl-A Ctrl-A is a literal Ctrl-A; Ctrl-A other drops. */
static void uart_host_key(struct uart *uart, uint8_t c)
{
    if (uart->escape) {
        uart->escape = false;
        if (c == 'x' || c == 'X')
            uart->quit = true;
        else if (c == CTRL_A)
            rx_push(uart, c);
        return;
    }
    if (c == CTRL_A)
        uart->escape = true;
    else
        rx_push(uart, c);
}

void uart_poll_input(struct uart *uart)
{
    /*
     * poll() before each read instead of O_NONBLOCK: the flag would be
     * shared with the user's shell through the inherited file description.
     */
    while (!uart->input_ended && uart->rx_count < RX_FIFO_SIZE) {
        struct pollfd p = {.fd = uart->in_fd, .events = POLLIN};
        if (poll(&p, 1, 0) <= 0)
            break;
        uint8_t buf[RX_FIFO_SIZE];
        ssize_t n = read(uart->in_fd, buf, RX_FIFO_SIZE - uart->rx_count);
        if (n < 0 && (errno == EINTR || errno == EAGAIN))
            break;
        if (n <= 0) {
            uart->input_ended = true; /* EOF or error: stop listening */
            break;
        }
        for (ssize_t i = 0; i < n; i++)
            uart_host_key(uart, buf[i]);
    }
    uart_update_irq(uart);
}

int uart_input_fd(const struct uart *uart)
{
    return uart->input_ended ? -1 : uart->in_fd;
}

bool uart_quit_requested(const struct uart *uart)
{
    return uart->quit;
}

void uart_reset(struct uart *uart)
{
    uart->ier = 0;
    uart->lcr = 0;
    uart->mcr = 0;
    uart->scr = 0;
    uart->fcr = 0;
    uart->dll = 0;
    uart->dlm = 0;
    uart->thr_empty_pending = false;
    uart_update_irq(uart);
}

struct uart *uart_new(struct irq_line irq, int in_fd, int out_fd)
{
    struct uart *uart = calloc(1, sizeof(*uart));
    if (!uart)
        return NULL;
    uart->irq = irq;
    uart->in_fd = in_fd;
    uart->out_fd = out_fd;
    return uart;
}

void uart_free(struct uart *uart)
{
    if (!uart)
        return;
    uart_flush(uart);
    free(uart);
}

static uint8_t uart_read_reg(struct uart *uart, unsigned reg)
{
    bool dlab = uart->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR_DLL:
        if (dlab)
            return uart->dll;
        int c = uart_getc(uart);
        return c < 0 ? 0 : (uint8_t)c;
    case REG_IER_DLM:
        return dlab ? uart->dlm : uart->ier;
    case REG_IIR_FCR: {
        unsigned id = uart_interrupt_id(uart);
        /* Reading IIR acknowledges a transmitter-empty interrupt. */
        if (id == IIR_THRI) {
            uart->thr_empty_pending = false;
            uart_update_irq(uart);
        }
        return id | ((uart->fcr & FCR_ENABLE_FIFO) ? IIR_FIFOS : 0);
    }
    case REG_LCR:
        return uart->lcr;
    case REG_MCR:
        return uart->mcr;
    case REG_LSR:
        return LSR_THRE | LSR_TEMT | (uart->rx_count ? LSR_DR : 0);
    case REG_MSR:
        /* In loopback the modem inputs follow the MCR outputs. */
        if (uart->mcr & MCR_LOOP)
            return ((uart->mcr & 0x01) << 5) | ((uart->mcr & 0x02) << 3) |
                   ((uart->mcr & 0x0c) << 4);
        return MSR_READY;
    default:
        return uart->scr;
    }
}

static void uart_write_reg(struct uart *uart, unsigned reg, uint8_t value)
{
    bool dlab = uart->lcr & LCR_DLAB;
    switch (reg) {
    case REG_RBR_THR_DLL:
        if (dlab) {
            uart->dll = value;
        } else if (uart->mcr & MCR_LOOP) {
            rx_push(uart, value);
            uart->thr_empty_pending = true;
        } else {
            uart_putc(uart, value);
            uart->thr_empty_pending = true;
        }
        break;
    case REG_IER_DLM:
        if (dlab) {
            uart->dlm = value;
        } else {
            /* Enabling THRI while empty interrupts at once, as on a 16550. */
            if ((value & IER_THRI) && !(uart->ier & IER_THRI))
                uart->thr_empty_pending = true;
            uart->ier = value & IER_MASK;
        }
        break;
    case REG_IIR_FCR:
        uart->fcr = value & FCR_ENABLE_FIFO;
        if (value & FCR_CLEAR_RCVR)
            uart->rx_count = 0;
        break;
    case REG_LCR:
        uart->lcr = value;
        break;
    case REG_MCR:
        uart->mcr = value & MCR_MASK;
        break;
    case REG_LSR:
    case REG_MSR:
        break; /* read-only */
    default:
        uart->scr = value;
        break;
    }
    uart_update_irq(uart);
}

bool uart_read(void *opaque, uint64_t offset, unsigned bytes, uint64_t *value)
{
    (void)bytes;
    *value = offset < 8 ? uart_read_reg(opaque, offset) : 0;
    return true;
}

bool uart_write(void *opaque, uint64_t offset, unsigned bytes, uint64_t value)
{
    (void)bytes;
    if (offset < 8)
        uart_write_reg(opaque, offset, (uint8_t)value);
    return true;
}
