/*
 * The semu machine's physical address map and interrupt numbers: a leaf
 * header for the devices, the machine, fdt.c and minimal.dts (which reads
 * it through the C preprocessor, so it holds only macros and comments).
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
 * Every address and size is in bytes. In minimal.dts (__ASSEMBLER__)
 * the numbers lose their C suffix, as dtc wants plain literals.
 */
#pragma once

#define MEMLAYOUT_PASTE_(a, b) a##b
#define MEMLAYOUT_PASTE(a, b)  MEMLAYOUT_PASTE_(a, b)
#ifdef __ASSEMBLER__
#define MEMLAYOUT_U64(n) n
#else
#define MEMLAYOUT_U64(n) MEMLAYOUT_PASTE(n, ull)
#endif
/* 0x<digits> from bare hex digits, which a node name can use too. */
#define MEMLAYOUT_HEX(digits) MEMLAYOUT_U64(MEMLAYOUT_PASTE(0x, digits))

#define FINISHER_BASE MEMLAYOUT_U64(0x00100000)
#define FINISHER_SIZE MEMLAYOUT_U64(0x1000)

#define RTC_BASE MEMLAYOUT_U64(0x00101000)
#define RTC_SIZE MEMLAYOUT_U64(0x1000)
#define RTC_IRQ  11

#define CLINT_BASE MEMLAYOUT_U64(0x02000000)
#define CLINT_SIZE MEMLAYOUT_U64(0x10000)

#define PLIC_BASE MEMLAYOUT_U64(0x0c000000)
#define PLIC_SIZE MEMLAYOUT_U64(0x4000000)

#define UART_BASE MEMLAYOUT_U64(0x10000000)
#define UART_SIZE MEMLAYOUT_U64(0x100)
#define UART_IRQ  10

#define VIRTIO_MMIO_BASE      MEMLAYOUT_U64(0x10001000)
#define VIRTIO_MMIO_SLOT_SIZE MEMLAYOUT_U64(0x1000)
#define VIRTIO_MMIO_SLOTS     8
#define VIRTIO_MMIO_IRQ_FIRST 1

#define RAM_BASE_HEX    80000000 /* the memory node's unit address */
#define RAM_BASE        MEMLAYOUT_HEX(RAM_BASE_HEX)
#define RAM_DEFAULT_MIB 512
#define KERNEL_OFFSET   MEMLAYOUT_U64(0x200000)

#define DAX_WINDOW_BASE MEMLAYOUT_U64(0x800000000)
#define DAX_WINDOW_SLOT                                                        \
    MEMLAYOUT_U64(0x100000000) /* per share; also the largest */
#define DAX_WINDOW_MAX     DAX_WINDOW_SLOT
#define DAX_WINDOW_DEFAULT (MEMLAYOUT_U64(256) << 20)
/* Linux hot-plugs memory in 2 MiB subsections and maps DAX in 2 MiB. */
#define DAX_WINDOW_ALIGN (MEMLAYOUT_U64(2) << 20)

/* mtime ticks at 10 MHz, as on QEMU virt. */
#define TIMEBASE_HZ MEMLAYOUT_U64(10000000)

#define MAX_HARTS        8
#define PLIC_NUM_SOURCES 32
