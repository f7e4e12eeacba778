/*
 * The machine as a whole (machine.c), on the address map of memlayout.h.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "device.h"
#include "finisher.h"
#include "fuse.h"
#include "host-window.h"
#include "loader.h"
#include "memlayout.h"
#include "ram.h"
#include "riscv.h"
#include "sbi.h"
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
