/*
 * Host windows (DAX) as the CPU sees them: a mapped page loads, stores
 * and runs like RAM, through the TLB; an unmapped page or a store to a
 * read-only one is an access fault; after the mapping behind a page
 * changes (and the harts are told, as the machine does), neither a TLB
 * entry nor decoded code of the old page survives.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "fixture.h"
#include "host-window.h"
#include "tests/check.h"
#include "tests.h"

#define WBASE 0x800000000ull
#define WSIZE 0x10000ull
#define PG    4096

static struct fixture fx;
static bool translate; /* harts made by setup() run translated code */

static void flush_harts(void *opaque, uint64_t base, uint64_t len)
{
    struct fixture *f = opaque;
    for (int i = 0; i < 2; i++)
        hart_forget_physical(f->harts[i], base, len);
}

/* A host file of four pages: data, spare, code returning 42, spare. */
static int make_file(uint64_t data, int ret)
{
    char path[] = "/tmp/semu-window-XXXXXX";
    int fd = mkstemp(path);
    if (fd < 0)
        abort();
    unlink(path);
    uint8_t buf[4 * PG] = {0};
    memcpy(buf, &data, 8);
    uint32_t code[] = {ADDI(A0, ZERO, ret), JALR(ZERO, RA, 0)};
    memcpy(buf + 2 * PG, code, sizeof code);
    if (write(fd, buf, sizeof buf) != sizeof buf)
        abort();
    return fd;
}

/* rd = WBASE + offset (beyond auipc's reach from RAM). */
static void load_window_address(unsigned rd, uint64_t offset)
{
    fx_emit(&fx, ADDI(rd, ZERO, (int32_t)(WBASE >> 32)));
    fx_emit(&fx, SLLI(rd, rd, 32));
    fx_emit(&fx, LUI(T0, (uint32_t)(offset >> 12)));
    fx_emit(&fx, ADD(rd, rd, T0));
}

static void setup(struct host_window *w)
{
    struct host_window *list[] = {w, NULL};
    CHECK_EQ("window reserved", host_window_init(w, WBASE, WSIZE), 0);
    fx_init_windows(&fx, NULL, translate, translate, list);
    w->hook = (struct window_hook){flush_harts, &fx};
    fx_install_handler(&fx);
}

/* loop: a2 = *window; a0 = call window code; *(window + 4K) = a4; j loop */
static void emit_loop(void)
{
    load_window_address(A3, 0);
    load_window_address(A5, PG);
    load_window_address(T1, 2 * PG);
    uint64_t loop = fx.cursor;
    fx_emit(&fx, LD(A2, A3, 0));
    fx_emit(&fx, JALR(RA, T1, 0));
    fx_emit(&fx, SD(A4, A5, 0));
    fx_emit(&fx, JAL(ZERO, (int32_t)(loop - fx.cursor)));
}

static void test_mapped_and_remapped(void)
{
    struct host_window w;
    setup(&w);
    int a = make_file(0x1111, 42), b = make_file(0x2222, 7);
    host_window_map(&w, 0, PG, a, 0, false);
    host_window_map(&w, PG, PG, a, PG, true);
    host_window_map(&w, 2 * PG, PG, a, 2 * PG, false);
    hart_set_reg(fx.harts[0], A4, 0xfeed);
    emit_loop();
    fx_run(&fx, 0, 1000);
    CHECK_EQ("no trap", fx_reg(&fx, T3), 0);
    CHECK_EQ("load from a window page", fx_reg(&fx, A2), 0x1111);
    CHECK_EQ("code run from a window page", fx_reg(&fx, A0), 42);
    uint64_t v = 0;
    CHECK_EQ("store reaches the host file", pread(a, &v, 8, PG), 8);
    CHECK_EQ("stored value", v, 0xfeed);

    /* Same guest pages, another file behind them. */
    CHECK_EQ("remap data", host_window_map(&w, 0, PG, b, 0, false), 0);
    CHECK_EQ("remap code", host_window_map(&w, 2 * PG, PG, b, 2 * PG, false),
             0);
    fx_run(&fx, 0, 1000);
    CHECK_EQ("no trap after remap", fx_reg(&fx, T3), 0);
    CHECK_EQ("no stale TLB entry", fx_reg(&fx, A2), 0x2222);
    CHECK_EQ("no stale decoded code", fx_reg(&fx, A0), 7);

    /* Unmapped: the next load is an access fault at that address. */
    host_window_unmap(&w, 0, PG);
    fx_run(&fx, 0, 1000);
    CHECK_EQ("load access fault", fx_reg(&fx, T3), 5);
    CHECK_EQ("mtval", fx_reg(&fx, T4), WBASE);
    fx_free(&fx);
    host_window_free(&w);
    close(a);
    close(b);
}

/* A page the hart has stored to, mapped read-only: the next store faults
 * (no write TLB entry survives), and the file behind it is left alone. */
static void test_remapped_read_only(void)
{
    struct host_window w;
    setup(&w);
    int a = make_file(0x1111, 42), b = make_file(0x2222, 7);
    host_window_map(&w, 0, 3 * PG, a, 0, true);
    hart_set_reg(fx.harts[0], A4, 0xbeef);
    emit_loop();
    fx_run(&fx, 0, 1000);
    CHECK_EQ("stores go through", fx_reg(&fx, T3), 0);
    CHECK_EQ("remap read-only", host_window_map(&w, PG, PG, b, PG, false), 0);
    fx_run(&fx, 0, 1000);
    CHECK_EQ("store access fault", fx_reg(&fx, T3), 7);
    CHECK_EQ("mtval of the store", fx_reg(&fx, T4), WBASE + PG);
    uint64_t v = 1;
    CHECK_EQ("read-only file read", pread(b, &v, 8, PG), 8);
    CHECK_EQ("read-only file untouched", v, 0);
    fx_free(&fx);
    host_window_free(&w);
    close(a);
    close(b);
}

static void test_faults(void)
{
    static const struct {
        const char *what;
        uint64_t offset; /* of the access in the window */
        bool store, mapped_rw;
        uint64_t cause;
    } cases[] = {
        {"store to a read-only page", 0, true, false, 7},
        {"load from an unmapped page", 3 * PG, false, false, 5},
        {"store to an unmapped page", 3 * PG, true, true, 7},
        {"load past the window", WSIZE, false, true, 5},
    };
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct host_window w;
        setup(&w);
        int fd = make_file(0x3333, 1);
        host_window_map(&w, 0, PG, fd, 0, cases[i].mapped_rw);
        load_window_address(A3, cases[i].offset);
        fx_emit(&fx, cases[i].store ? SD(A4, A3, 0) : LD(A2, A3, 0));
        fx_emit(&fx, SPIN);
        fx_run(&fx, 0, 200);
        CHECK_EQ(cases[i].what, fx_reg(&fx, T3), cases[i].cause);
        fx_free(&fx);
        host_window_free(&w);
        close(fd);
    }

    /* Fetch from an unmapped window page. */
    struct host_window w;
    setup(&w);
    load_window_address(T1, 3 * PG);
    fx_emit(&fx, JALR(RA, T1, 0));
    fx_run(&fx, 0, 200);
    CHECK_EQ("fetch access fault", fx_reg(&fx, T3), 1);
    fx_free(&fx);
    host_window_free(&w);
}

void test_window(void)
{
    for (int jit = 0; jit < 2; jit++) {
        /* The interpreter, then the translator (eager) where there is one. */
        translate = jit && hart_jit_supported();
        test_mapped_and_remapped();
        test_remapped_read_only();
        test_faults();
    }
}
