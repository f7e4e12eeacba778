/*
 * The semu machine: physical address map and interrupt numbers.
 *
 * It follows QEMU's riscv64 `virt` board so that one kernel, one OpenSBI
 * and one set of guest scripts run unchanged on both.
 *
 *   0x0000_0000 +--------------------------+
 *               |   (unmapped)             |
 *   0x0010_0000 +--------------------------+
 *               | SiFive test finisher 4K  |  poweroff / exit status / reset
 *   0x0010_1000 +--------------------------+
 *               | Goldfish RTC 4K          |  host wall-clock time, irq 11
 *   0x0010_2000 +--------------------------+
 *               |   (unmapped)             |
 *   0x0200_0000 +--------------------------+
 *               | CLINT (ACLINT) 64K       |  msip, mtimecmp, mtime
 *   0x0c00_0000 +--------------------------+
 *               | PLIC 64M                 |  external interrupts
 *   0x1000_0000 +--------------------------+
 *               | UART 16550  256 B        |  irq 10
 *   0x1000_1000 +--------------------------+
 *               | virtio-mmio slot 0..7    |  4K each, irq 1..8
 *   0x1000_9000 +--------------------------+
 *               |   (unmapped)             |
 *   0x8000_0000 +--------------------------+
 *               | RAM (default 512 MiB)    |  firmware (--bios) at the base,
 *               |                          |  kernel at base + 2 MiB,
 *               |                          |  initrd and DTB near the top
 *               +--------------------------+  (16 GiB at most)
 *               |   (unmapped)             |
 * 0x8_0000_0000 +--------------------------+
 *               | DAX windows, 4 GiB slots |  share i's (-s DIR,dax=SIZE) at
 *               |                          |  DAX_WINDOW_BASE + i * 4 GiB,
 *               |                          |  told to the guest as virtio
 *               |                          |  shared-memory region 0
 * 0x10_0000_0000 +-------------------------+
 *
 * The DAX windows lie above RAM because Linux hot-plugs them into its
 * linear map, which starts at RAM's base; the slots stay well inside the
 * linear map of Sv39, the smallest one.
 *
 * Every address and size is in bytes.
 */
#pragma once

#define FINISHER_BASE 0x00100000ull
#define FINISHER_SIZE 0x1000ull

#define RTC_BASE 0x00101000ull
#define RTC_SIZE 0x1000ull
#define RTC_IRQ  11

#define CLINT_BASE 0x02000000ull
#define CLINT_SIZE 0x10000ull

#define PLIC_BASE 0x0c000000ull
#define PLIC_SIZE 0x4000000ull

#define UART_BASE 0x10000000ull
#define UART_SIZE 0x100ull
#define UART_IRQ  10

#define VIRTIO_MMIO_BASE      0x10001000ull
#define VIRTIO_MMIO_SLOT_SIZE 0x1000ull
#define VIRTIO_MMIO_SLOTS     8
#define VIRTIO_MMIO_IRQ_FIRST 1

#define RAM_BASE        0x80000000ull
#define RAM_DEFAULT_MIB 512
#define KERNEL_OFFSET   0x200000ull

#define DAX_WINDOW_BASE    0x800000000ull
#define DAX_WINDOW_SLOT    0x100000000ull /* per share; also the largest */
#define DAX_WINDOW_MAX     DAX_WINDOW_SLOT
#define DAX_WINDOW_DEFAULT (256ull << 20)
/* Linux hot-plugs memory in 2 MiB subsections and maps DAX in 2 MiB. */
#define DAX_WINDOW_ALIGN (2ull << 20)

/* mtime ticks at 10 MHz, as on QEMU virt. */
#define TIMEBASE_HZ 10000000ull

#define MAX_HARTS        8
#define PLIC_NUM_SOURCES 32

/* ---- The machine as a whole (machine.c) ---- */

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "finisher.h"
#include "fuse.h"
#include "host-window.h"
#include "loader.h"
#include "ram.h"
#include "riscv.h"

struct plic;
struct aclint;
struct uart;
struct rtc;
struct sbi;

/* What the command line asks for; main.c fills it in. */
struct machine_config {
    uint64_t ram_size;
    unsigned nharts;
    const char *kernel; /* RISC-V Linux Image, or NULL */
    const char *initrd; /* or NULL */
    const char *dtb;    /* the user's device tree instead of ours, or NULL */
    const char *bios;   /* M-mode firmware at RAM_BASE, or NULL: built-in SBI */
    const char *append; /* kernel command line, or NULL for the default */
    bool jit;           /* translate guest code (--jit on) */
    struct fs_share_options shares[VIRTIO_MMIO_SLOTS];
    unsigned nshares;
};

enum hart_power { HART_STOPPED = 0, HART_STARTED };

struct machine {
    struct guest_ram ram;
    struct bus *bus;
    struct hart_env env;
    unsigned nharts;
    struct hart *harts[MAX_HARTS];
    enum hart_power power[MAX_HARTS]; /* HSM state under the built-in SBI */
    struct plic *plic;
    struct aclint *aclint;
    struct uart *uart;
    struct rtc *rtc;
    struct sbi *sbi; /* NULL when firmware runs (--bios) */
    struct power_request request;
    bool virtio_used[VIRTIO_MMIO_SLOTS];
    void *virtio[VIRTIO_MMIO_SLOTS]; /* struct virtio_mmio * */
    /* The virtio-fs device on each slot (owned by its transport). */
    struct virtio_device *share_dev[VIRTIO_MMIO_SLOTS];
    /* Share i's DAX window (host == NULL: none), listed in ram.windows. */
    struct host_window dax[VIRTIO_MMIO_SLOTS];
    /* What to load again on reset. */
    struct file_blob bios, kernel, initrd;
    void *dtb;
    struct boot_layout layout;
    uint64_t instructions;      /* retired, over every hart */
    struct pc_profile *profile; /* SEMU_PROFILE: sampled per slice, or NULL */
};

/* NULL with a one-line message on stderr when the config cannot run. */
struct machine *machine_new(const struct machine_config *config);
void machine_free(struct machine *m);
/* Run until the guest powers off or the user quits; the exit status. */
int machine_run(struct machine *m);

/* Hart h runs no more until an SBI HSM hart_start (the caller yields it). */
void machine_stop_hart(struct machine *m, unsigned h);

/*
 * Creates one virtio-fs device per -s share on consecutive virtio-mmio
 * slots (shares.c). false with a one-line reason in err.
 */
bool machine_attach_shares(struct machine *m,
                           const struct machine_config *config, char *err,
                           size_t err_len);
void machine_detach_shares(struct machine *m);
/* One line per share on stderr: its server's node, handle and fd counts. */
void machine_print_share_stats(const struct machine *m);
/* One line per translating hart on stderr: blocks, code size, flushes. */
void machine_print_cpu_stats(const struct machine *m);
