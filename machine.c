/*
 * The machine: RAM, bus, devices and harts wired together, boot files
 * loaded, and the loop that runs the harts.
 *
 * Every hart runs on this one host thread, round-robin, a slice of
 * HART_SLICE instructions at a time. That keeps devices free of locks and
 * makes LR/SC and AMOs atomic for free: no other hart runs in the middle
 * of one. A slice is short enough that spinlock waiters hand the CPU over
 * quickly and long enough that switching costs nothing measurable.
 *
 * The shares' FUSE server may run on a thread of its own
 * (virtio-fs-thread.h), which touches only the server and the guest
 * buffers of the requests in flight: the harts run on during a request's
 * host syscalls, and this loop hands back what it served between slices.
 * Runs are reproducible (given the same input and timer interrupts) when
 * it does not (SEMU_SHARE_THREAD=0).
 */
#define _GNU_SOURCE /* ppoll, CPU_COUNT */
#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "aclint.h"
#include "devicetree.h"
#include "finisher.h"
#include "host-window.h"
#include "loader.h"
#include "machine.h"
#include "memlayout.h"
#include "plic.h"
#include "profile.h"
#include "ram.h"
#include "riscv.h"
#include "rtc.h"
#include "sbi.h"
#include "uart.h"
#include "virtio-fs-thread.h"
#include "virtio-fs.h"
#include "virtio.h"

#define HART_SLICE 4096
/* How often (in mtime ticks) to look for console input: every 1 ms. */
#define INPUT_POLL_TICKS (TIMEBASE_HZ / 1000)
/* Longest idle sleep; a guest with no timer still gets looked at. */
#define MAX_IDLE_TICKS (TIMEBASE_HZ / 10)

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
    struct virtio_slot virtio[VIRTIO_MMIO_SLOTS];
    struct share_thread *share_thread; /* serves the shares, or NULL */
    /* What to load again on reset. */
    struct file_blob bios, kernel, initrd;
    void *dtb;
    struct boot_layout layout;
    uint64_t instructions;      /* retired, over every hart */
    struct pc_profile *profile; /* SEMU_PROFILE: sampled per slice, or NULL */
};

static uint64_t machine_read_mtime(void *opaque)
{
    struct machine *m = opaque;
    return aclint_mtime(m->aclint);
}

static void machine_sbi_ecall(void *opaque, struct hart *hart)
{
    struct machine *m = opaque;
    sbi_handle_ecall(m->sbi, hart);
}

/* Host memory behind [base, base + len) changed (a DAX remap): no hart
 * may keep what it cached of it. */
static void machine_memory_changed(void *opaque, uint64_t base, uint64_t len)
{
    struct machine *m = opaque;
    for (unsigned h = 0; h < m->nharts; h++)
        if (m->harts[h])
            hart_forget_physical(m->harts[h], base, len);
}

/*
 * Lay out the virtio-mmio slots: slot i's registers, interrupt and (for
 * share i, when it asks for one) DAX window, which the harts must know
 * from birth.
 */
static bool create_slots(struct machine *m, const struct machine_config *config,
                         char *err, size_t err_len)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
        struct virtio_slot *slot = &m->virtio[i];
        slot->base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SLOT_SIZE;
        slot->size = VIRTIO_MMIO_SLOT_SIZE;
        slot->irq = VIRTIO_MMIO_IRQ_FIRST + i;
        uint64_t size = i < config->nshares ? config->shares[i].dax_size : 0;
        if (!size)
            continue;
        int ret = host_window_init(&slot->shm,
                                   DAX_WINDOW_BASE + i * DAX_WINDOW_SLOT, size);
        if (ret < 0) {
            snprintf(err, err_len, "%s: cannot reserve a %llu MiB DAX window",
                     config->shares[i].dir, (unsigned long long)(size >> 20));
            return false;
        }
        slot->shm.hook = (struct window_hook){machine_memory_changed, m};
        m->ram.windows[m->ram.nwindows++] = &slot->shm;
        host_window_catch_sigbus();
    }
    return true;
}

/*
 * The one way a virtio device joins the machine: a transport for it on
 * slot's window and interrupt. Takes ownership of dev, also on failure.
 */
static bool attach_virtio(struct machine *m, struct virtio_slot *slot,
                          struct virtio_device *dev)
{
    slot->mmio = virtio_mmio_new(&m->ram, plic_source(m->plic, slot->irq), dev);
    if (!slot->mmio)
        return false;
    slot->dev = dev;
    return bus_register(m->bus, slot->base, slot->size, slot->mmio,
                        virtio_mmio_read, virtio_mmio_write,
                        WIDTH_1 | WIDTH_2 | WIDTH_4) == 0;
}

/*
 * A thread of its own serves the shares when this process may use a
 * second CPU (on one, it would only take turns with the harts), no share
 * has a DAX window (its mappings change what the harts cache, and every
 * share draws on one pool of host fds: one thread must run them all) and
 * SEMU_SHARE_THREAD is not 0.
 */
static bool share_thread_wanted(const struct machine *m,
                                const struct machine_config *config)
{
    const char *env = getenv("SEMU_SHARE_THREAD");
    if (!config->nshares || (env && strcmp(env, "0") == 0))
        return false;
    for (unsigned i = 0; i < config->nshares; i++)
        if (m->virtio[i].shm.host)
            return false;
    cpu_set_t cpus;
    return sched_getaffinity(0, sizeof(cpus), &cpus) == 0 &&
           CPU_COUNT(&cpus) >= 2;
}

/* -s: share i is a virtio-fs device on slot i, with the slot's window. */
static bool attach_shares(struct machine *m,
                          const struct machine_config *config, char *err,
                          size_t err_len)
{
    if (config->nshares > VIRTIO_MMIO_SLOTS) {
        snprintf(err, err_len, "at most %d shares", VIRTIO_MMIO_SLOTS);
        return false;
    }
    if (share_thread_wanted(m, config))
        m->share_thread = share_thread_new(); /* NULL: served inline */
    for (unsigned i = 0; i < config->nshares; i++) {
        struct virtio_slot *slot = &m->virtio[i];
        struct virtio_device *dev =
            virtio_fs_new(&config->shares[i], err, err_len);
        if (!dev)
            return false;
        if (slot->shm.host)
            virtio_fs_set_window(dev, &slot->shm);
        if (m->share_thread)
            virtio_fs_set_thread(dev, m->share_thread);
        if (!attach_virtio(m, slot, dev)) {
            snprintf(err, err_len, "%s: cannot create virtio-mmio device",
                     config->shares[i].dir);
            return false;
        }
    }
    return true;
}

static void fail(const char *msg)
{
    fprintf(stderr, "semu: %s\n", msg);
}

static bool create_devices(struct machine *m)
{
    struct irq_line context_irqs[2 * MAX_HARTS], msip[MAX_HARTS],
        mtip[MAX_HARTS];
    for (unsigned h = 0; h < m->nharts; h++) {
        struct hart *hart = m->harts[h];
        context_irqs[2 * h] =
            (struct irq_line){hart_irq_set_level, hart, IRQ_MEIP};
        context_irqs[2 * h + 1] =
            (struct irq_line){hart_irq_set_level, hart, IRQ_SEIP};
        msip[h] = (struct irq_line){hart_irq_set_level, hart, IRQ_MSIP};
        mtip[h] = (struct irq_line){hart_irq_set_level, hart, IRQ_MTIP};
    }
    m->plic = plic_new(2 * m->nharts, context_irqs);
    m->aclint = aclint_new(m->nharts, msip, mtip);
    if (!m->plic || !m->aclint)
        return false;
    m->uart =
        uart_new(plic_source(m->plic, UART_IRQ), STDIN_FILENO, STDOUT_FILENO);
    m->rtc = rtc_new(plic_source(m->plic, RTC_IRQ));
    if (!m->uart || !m->rtc)
        return false;

    int rc = 0;
    rc |= bus_register(m->bus, FINISHER_BASE, FINISHER_SIZE, &m->request,
                       finisher_read, finisher_write, FINISHER_WIDTHS);
    rc |= bus_register(m->bus, RTC_BASE, RTC_SIZE, m->rtc, rtc_read, rtc_write,
                       RTC_WIDTHS);
    rc |= bus_register(m->bus, CLINT_BASE, CLINT_SIZE, m->aclint, aclint_read,
                       aclint_write, WIDTH_4 | WIDTH_8);
    rc |= bus_register(m->bus, PLIC_BASE, PLIC_SIZE, m->plic, plic_read,
                       plic_write, WIDTH_4);
    rc |= bus_register(m->bus, UART_BASE, UART_SIZE, m->uart, uart_read,
                       uart_write, WIDTH_1 | WIDTH_2 | WIDTH_4);
    return rc == 0;
}

static bool create_harts(struct machine *m, bool builtin_sbi,
                         const struct machine_config *config)
{
    m->env = (struct hart_env){
        .ram = &m->ram,
        .bus = m->bus,
        .opaque = m,
        .read_mtime = machine_read_mtime,
        .sbi_ecall = builtin_sbi ? machine_sbi_ecall : NULL,
        .jit = config->jit,
        .jit_perf_map = config->jit_perf_map,
    };
    for (unsigned h = 0; h < m->nharts; h++) {
        m->harts[h] = hart_new(&m->env, h);
        if (!m->harts[h])
            return false;
    }
    return true;
}

/* The built-in SBI, over the harts, their power, the clock and console. */
static bool create_sbi(struct machine *m)
{
    m->sbi = sbi_new(&(struct sbi_machine){
        .nharts = m->nharts,
        .harts = m->harts,
        .power = m->power,
        .ram = &m->ram,
        .clock = m->aclint,
        .console = m->uart,
        .request = &m->request,
    });
    return m->sbi != NULL;
}

/* Reads every boot file named by config and checks the kernel. */
static bool read_boot_files(struct machine *m,
                            const struct machine_config *config, char *err,
                            size_t err_len)
{
    struct boot_layout *l = &m->layout;
    if (config->bios) {
        if (!file_blob_read(&m->bios, config->bios, err, err_len))
            return false;
        if (m->bios.size == 0) {
            snprintf(err, err_len, "%s: empty firmware file", config->bios);
            return false;
        }
        l->bios_size = m->bios.size;
    }
    if (config->kernel) {
        if (!file_blob_read(&m->kernel, config->kernel, err, err_len) ||
            !linux_image_check(&m->kernel, config->kernel, &l->kernel_footprint,
                               err, err_len))
            return false;
        l->kernel_size = m->kernel.size;
    }
    if (config->initrd) {
        if (!file_blob_read(&m->initrd, config->initrd, err, err_len))
            return false;
        if (m->initrd.size == 0) {
            snprintf(err, err_len, "%s: empty initrd", config->initrd);
            return false;
        }
        l->initrd_size = m->initrd.size;
    }
    return true;
}

/*
 * The DTB's size does not depend on the addresses written into it, so
 * build it once to learn the size, plan the layout, then build it for real.
 */
static bool build_dtb(struct machine *m, const struct machine_config *config,
                      char *err, size_t err_len)
{
    const struct dt_machine board = {
        .ram_base = m->ram.base,
        .ram_size = m->ram.size,
        .nharts = m->nharts,
        .virtio = m->virtio,
        .user_dtb = config->dtb,
        .append = config->append,
    };
    struct boot_layout *l = &m->layout;
    struct dt_initrd initrd = {0, l->initrd_size};
    size_t size;
    void *dtb = devicetree_build(&board, initrd, &size, err, err_len);
    if (!dtb)
        return false;
    uint64_t ram_end =
        devicetree_ram_end(dtb, m->ram.base, m->ram.base + m->ram.size);
    free(dtb);
    l->dtb_size = size;
    /* Place boot files only in RAM the guest's tree tells it about. */
    struct guest_ram usable = m->ram;
    usable.size = ram_end - m->ram.base;
    if (!boot_layout_plan(l, &usable, err, err_len))
        return false;
    initrd =
        (struct dt_initrd){l->initrd_addr, l->initrd_addr + l->initrd_size};
    m->dtb = devicetree_build(&board, initrd, &size, err, err_len);
    return m->dtb != NULL;
}

/* Power-on state: RAM holds only the boot files; harts at their entry. */
static void machine_boot(struct machine *m)
{
    const struct boot_layout *l = &m->layout;
    load_blob(&m->ram, l->bios_addr, m->bios.data, l->bios_size);
    load_blob(&m->ram, l->kernel_addr, m->kernel.data, l->kernel_size);
    load_blob(&m->ram, l->initrd_addr, m->initrd.data, l->initrd_size);
    load_blob(&m->ram, l->dtb_addr, m->dtb, l->dtb_size);

    for (unsigned h = 0; h < m->nharts; h++) {
        struct hart *hart = m->harts[h];
        if (m->sbi) {
            /* Built-in SBI: hart 0 enters the kernel, the rest wait (HSM). */
            hart_reset(hart, l->kernel_addr, PRIV_S);
            m->power[h] = h == 0 ? HART_STARTED : HART_STOPPED;
        } else {
            /* Firmware: every hart enters it in M-mode, as on QEMU. */
            hart_reset(hart, l->bios_addr, PRIV_M);
            m->power[h] = HART_STARTED;
        }
        hart_set_reg(hart, 10, h);           /* a0: hart id */
        hart_set_reg(hart, 11, l->dtb_addr); /* a1: device tree */
    }
}

static void machine_reboot(struct machine *m)
{
    /* Requests in flight write into RAM: let them land before it goes. */
    share_thread_drain(m->share_thread);
    /* Dropping the pages of a private anonymous mapping zeroes them. */
    madvise(m->ram.host, m->ram.size, MADV_DONTNEED);
    for (unsigned i = 0; i < m->ram.nwindows; i++)
        host_window_unmap_all(m->ram.windows[i]);
    plic_reset(m->plic);
    aclint_reset(m->aclint);
    uart_reset(m->uart);
    rtc_reset(m->rtc);
    if (m->sbi)
        sbi_reset(m->sbi);
    m->request = (struct power_request){0};
    machine_boot(m);
}

struct machine *machine_new(const struct machine_config *config)
{
    char err[512] = "out of memory";
    struct machine *m = calloc(1, sizeof(*m));
    if (!m) {
        fail(err);
        return NULL;
    }
    m->nharts = config->nharts;
    m->ram.base = RAM_BASE;
    m->ram.size = config->ram_size;
    void *host = mmap(NULL, config->ram_size, PROT_READ | PROT_WRITE,
                      MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (host == MAP_FAILED) {
        snprintf(err, sizeof(err), "cannot allocate %llu MiB of guest RAM",
                 (unsigned long long)(config->ram_size >> 20));
        goto fail;
    }
    m->ram.host = host;
    madvise(host, config->ram_size, MADV_HUGEPAGE);
    m->bus = bus_new();
    if (!create_slots(m, config, err, sizeof(err)))
        goto fail;
    if (!m->bus || !create_harts(m, !config->bios, config) ||
        !create_devices(m) || (!config->bios && !create_sbi(m)))
        goto fail;
    if (!read_boot_files(m, config, err, sizeof(err)) ||
        !attach_shares(m, config, err, sizeof(err)) ||
        !build_dtb(m, config, err, sizeof(err)))
        goto fail;
    machine_boot(m);
    return m;
fail:
    fail(err);
    machine_free(m);
    return NULL;
}

void machine_free(struct machine *m)
{
    if (!m)
        return;
    share_thread_free(m->share_thread);
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++)
        virtio_mmio_free(m->virtio[i].mmio);
    for (unsigned h = 0; h < m->nharts; h++)
        if (m->harts[h])
            hart_free(m->harts[h]);
    sbi_free(m->sbi);
    uart_free(m->uart);
    rtc_free(m->rtc);
    aclint_free(m->aclint);
    plic_free(m->plic);
    bus_free(m->bus);
    if (m->ram.host)
        munmap(m->ram.host, m->ram.size);
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++)
        if (m->virtio[i].shm.host)
            host_window_free(&m->virtio[i].shm);
    file_blob_free(&m->bios);
    file_blob_free(&m->kernel);
    file_blob_free(&m->initrd);
    free(m->dtb);
    pc_profile_free(m->profile);
    free(m);
}

static void update_timers(struct machine *m, uint64_t now)
{
    aclint_update_at(m->aclint, now);
    rtc_update(m->rtc);
    if (m->sbi)
        sbi_update_timers(m->sbi, now);
}

static bool any_hart_started(const struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++)
        if (m->power[h] == HART_STARTED)
            return true;
    return false;
}

static bool all_harts_waiting(const struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++)
        if (m->power[h] == HART_STARTED && !hart_waiting(m->harts[h]))
            return false;
    return true;
}

/* Every hart waits: sleep until the next timer is due or input arrives. */
static void machine_idle(struct machine *m, uint64_t now)
{
    uint64_t deadline = aclint_next_deadline(m->aclint);
    if (m->sbi) {
        uint64_t t = sbi_next_deadline(m->sbi);
        if (t < deadline)
            deadline = t;
    }
    for (unsigned h = 0; h < m->nharts; h++) {
        uint64_t t = hart_next_timer(m->harts[h]);
        if (m->power[h] == HART_STARTED && t < deadline)
            deadline = t;
    }
    uint64_t alarm_ns = rtc_ns_to_alarm(m->rtc);
    uint64_t alarm_ticks = alarm_ns / (1000000000ull / TIMEBASE_HZ) + 1;
    if (alarm_ns != UINT64_MAX && now + alarm_ticks < deadline)
        deadline = now + alarm_ticks;
    if (deadline <= now)
        return;
    uint64_t ticks = deadline - now;
    if (ticks > MAX_IDLE_TICKS)
        ticks = MAX_IDLE_TICKS;
    uint64_t ns = ticks * (1000000000ull / TIMEBASE_HZ);
    struct timespec timeout = {ns / 1000000000ull, ns % 1000000000ull};

    uart_flush(m->uart);
    struct pollfd p[2];
    nfds_t n = 0;
    if (uart_input_fd(m->uart) >= 0)
        p[n++] =
            (struct pollfd){.fd = uart_input_fd(m->uart), .events = POLLIN};
    if (m->share_thread)
        p[n++] = (struct pollfd){.fd = share_thread_fd(m->share_thread),
                                 .events = POLLIN};
    ppoll(p, n, &timeout, NULL);
}

/* Put what the share thread served in the used rings, and signal. */
static void complete_shares(struct machine *m)
{
    if (!m->share_thread)
        return;
    share_thread_poll(m->share_thread);
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++)
        virtio_mmio_signal(m->virtio[i].mmio);
}

int machine_run(struct machine *m)
{
    uint64_t next_input_poll = 0;
    for (;;) {
        for (unsigned h = 0; h < m->nharts && !m->request.action; h++) {
            if (m->power[h] != HART_STARTED)
                continue;
            uint64_t ran = hart_run(m->harts[h], HART_SLICE);
            m->instructions += ran;
            if (m->profile && ran)
                pc_profile_sample(m->profile, hart_pc(m->harts[h]));
            /* A host truncation put zero pages in a DAX window. */
            if (m->ram.nwindows && host_window_take_truncations())
                for (unsigned i = 0; i < m->ram.nwindows; i++)
                    machine_memory_changed(m, m->ram.windows[i]->base,
                                           m->ram.windows[i]->size);
        }

        complete_shares(m);

        if (m->request.action == POWER_OFF)
            break;
        if (m->request.action == POWER_RESET) {
            machine_reboot(m);
            continue;
        }

        if (!any_hart_started(m)) {
            /* Only a running hart can start another: nothing ever will. */
            uart_flush(m->uart);
            fprintf(stderr, "semu: every hart has stopped\n");
            return 1;
        }

        uint64_t now = aclint_mtime(m->aclint);
        update_timers(m, now);
        if (now >= next_input_poll) {
            next_input_poll = now + INPUT_POLL_TICKS;
            uart_poll_input(m->uart);
            uart_flush(m->uart);
            if (uart_quit_requested(m->uart)) {
                m->request = (struct power_request){POWER_OFF, 0};
                break;
            }
        }
        if (all_harts_waiting(m)) {
            /* Waiting for the share thread, most likely: briefly spin. */
            if (m->share_thread && share_thread_wait(m->share_thread)) {
                complete_shares(m);
                continue;
            }
            machine_idle(m, now);
            if (m->share_thread) /* also when it did not sleep at all */
                share_thread_woken(m->share_thread);
            next_input_poll = 0; /* woken maybe by input: look at once */
        }
    }
    /* What the guest asked last is done before anyone reads the stats. */
    share_thread_drain(m->share_thread);
    uart_flush(m->uart);
    return m->request.status;
}

bool machine_start_profile(struct machine *m)
{
    if (!m->profile)
        m->profile = pc_profile_new();
    return m->profile != NULL;
}

bool machine_write_profile(const struct machine *m, const char *path)
{
    if (!m->profile) {
        errno = EINVAL; /* no machine_start_profile() before */
        return false;
    }
    return pc_profile_write(m->profile, path);
}

/* One line per translating hart: blocks, code size, flushes. */
static void print_cpu_stats(const struct machine *m)
{
    for (unsigned h = 0; h < m->nharts; h++) {
        struct hart_jit_stats st;
        if (!hart_jit_stats(m->harts[h], &st))
            continue;
        fprintf(stderr,
                "semu: hart %u translated %llu blocks (%llu ops, %llu KiB of "
                "code) in %llu seals; %llu flushes\n",
                h, (unsigned long long)st.blocks, (unsigned long long)st.ops,
                (unsigned long long)(st.bytes >> 10),
                (unsigned long long)st.seals, (unsigned long long)st.flushes);
    }
}

void machine_print_stats(const struct machine *m, double seconds)
{
    fprintf(stderr, "semu: %llu instructions in %.3f s (%.1f MIPS)\n",
            (unsigned long long)m->instructions, seconds,
            seconds > 0 ? m->instructions / seconds / 1e6 : 0.0);
    print_cpu_stats(m);
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++)
        if (m->virtio[i].dev)
            virtio_device_print_stats(m->virtio[i].dev, stderr);
}
