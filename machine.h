/*
 * The machine: RAM, bus, devices and harts wired together on the address
 * map of memlayout.h, and the loop that runs them. Its insides are
 * machine.c's; the command line (main.c) asks only through these calls.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct fs_share_options;

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
    FILE *jit_perf_map; /* SEMU_PERF_MAP: name translated code, or NULL */
    /* -s: one virtio-fs device each, at most VIRTIO_MMIO_SLOTS (fs-share.h). */
    const struct fs_share_options *shares;
    unsigned nshares;
};

struct machine;

/* NULL with a one-line message on stderr when the config cannot run. */
struct machine *machine_new(const struct machine_config *config);
void machine_free(struct machine *m);
/* Run until the guest powers off or the user quits; the exit status. */
int machine_run(struct machine *m);

/* SEMU_PROFILE: sample the harts' pcs from now on. false: out of memory. */
bool machine_start_profile(struct machine *m);
/* Writes the samples as "PC COUNT" lines; false with errno set. */
bool machine_write_profile(const struct machine *m, const char *path);
/*
 * SEMU_STATS, on stderr: the instructions retired over every hart and
 * their rate over `seconds`, each translating hart's figures, and what
 * each virtio device reports.
 */
void machine_print_stats(const struct machine *m, double seconds);
