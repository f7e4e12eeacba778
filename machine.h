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
 *               +--------------------------+
 *
 * Every address and size is in bytes.
 */
#pragma once

#define FINISHER_BASE 0x00100000ull
#define FINISHER_SIZE 0x1000ull

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

/* mtime ticks at 10 MHz, as on QEMU virt. */
#define TIMEBASE_HZ 10000000ull

#define MAX_HARTS        8
#define PLIC_NUM_SOURCES 32
