/*
 * Differential test: the same random guest program (jit-diff-gen.c) runs
 * on a hart that interprets (the reference) and on one that translates
 * (env.jit; odd seeds with env.jit_eager), each to the ecall that ends
 * its last pass (the stream runs a dozen times over, so that its code is
 * hot and translated), in hart_run slices of different random sizes. Both must
 * end in the same hart state (registers, pc, privilege, trap CSRs, FP flags,
 * instret) and with the same memory and the same accesses to the test device.
 *
 * Where hart_run stops inside a slice is not compared: the interpreter
 * may overshoot a budget by up to a page of straight-line code, and the
 * translator by its own rule, so only the end point is deterministic.
 *
 *   jit-diff [-n SEEDS] [-s FIRST] [-t SECONDS] [-i ITEMS] [-d FILE]
 *
 * -t runs seeds until the time is up (make fuzz); -i cuts each stream to
 * ITEMS items; -d writes the first seed's code pages to FILE (objdump -b
 * binary -m riscv:rv64 -D FILE). On a mismatch it prints the seed, the
 * shortest failing stream it finds and what differs, and exits 1.
 */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jit-diff.h"
#include "riscv-internal.h"

/* Far more than any generated program needs (a few million at most). */
#define INSN_CAP 50000000

/* A device that folds every access into a hash: order, size, value. */
struct test_device {
    uint64_t hash, accesses;
};

static void fold(struct test_device *d, uint64_t v)
{
    d->hash = (d->hash ^ v) * 0x100000001b3ull;
    d->accesses++;
}

static bool dev_read(void *opaque, uint64_t offset, unsigned bytes,
                     uint64_t *value)
{
    struct test_device *d = opaque;
    if (offset >= 0xf00)
        return false;
    fold(d, offset << 8 | bytes);
    *value = d->hash;
    return true;
}

static bool dev_write(void *opaque, uint64_t offset, unsigned bytes,
                      uint64_t value)
{
    struct test_device *d = opaque;
    if (offset >= 0xf00)
        return false;
    fold(d, 1ull << 63 | offset << 8 | bytes);
    fold(d, value);
    return true;
}

struct side {
    struct fixture f;
    struct test_device dev;
    bool ended;
};

static void side_run(struct side *s, uint64_t seed, unsigned max_items,
                     bool jit, uint64_t slice_seed)
{
    /* Odd seeds translate each block at once; even ones as semu does. */
    fx_init_jit(&s->f, NULL, jit, jit && (seed & 1));
    s->dev = (struct test_device){.hash = 0xcbf29ce484222325ull};
    bus_register(s->f.bus, DIFF_MMIO_PA, DIFF_MMIO_SIZE, &s->dev, dev_read,
                 dev_write, WIDTH_1 | WIDTH_2 | WIDTH_4 | WIDTH_8);
    diff_build_guest(&s->f, seed, max_items);
    struct diff_rng slices = {slice_seed};
    struct hart *h = s->f.harts[0];
    uint64_t ran = 0;
    for (unsigned calls = 0; ran < INSN_CAP && calls < INSN_CAP; calls++) {
        if (hart_waiting(h))
            break;
        ran += hart_run(h, 1 + diff_random(&slices) % 3000);
    }
    s->ended = hart_waiting(h);
}

struct field {
    const char *name;
    uint64_t ref, jit;
};

/* Every architectural difference, as name/value pairs; returns the count. */
static unsigned differences(const struct side *a, const struct side *b,
                            struct field *out, unsigned max)
{
    const struct hart *x = a->f.harts[0], *y = b->f.harts[0];
    struct field all[128];
    unsigned n = 0;
    static const char *const xnames[32] = {
        "zero", "ra", "sp", "gp", "tp",  "t0",  "t1", "t2", "s0", "s1", "a0",
        "a1",   "a2", "a3", "a4", "a5",  "a6",  "a7", "s2", "s3", "s4", "s5",
        "s6",   "s7", "s8", "s9", "s10", "s11", "t3", "t4", "t5", "t6"};
    static const char *const fnames[32] = {
        "f0",  "f1",  "f2",  "f3",  "f4",  "f5",  "f6",  "f7",
        "f8",  "f9",  "f10", "f11", "f12", "f13", "f14", "f15",
        "f16", "f17", "f18", "f19", "f20", "f21", "f22", "f23",
        "f24", "f25", "f26", "f27", "f28", "f29", "f30", "f31"};
    for (unsigned r = 1; r < 32; r++)
        all[n++] = (struct field){xnames[r], x->x[r], y->x[r]};
    for (unsigned r = 0; r < 32; r++)
        all[n++] = (struct field){fnames[r], x->f[r], y->f[r]};
#define F(name, expr_x, expr_y)                                                \
    all[n++] = (struct field){name, (uint64_t)(expr_x), (uint64_t)(expr_y)}
    F("pc", x->pc, y->pc);
    F("priv", x->priv, y->priv);
    F("mstatus", x->mstatus, y->mstatus);
    F("mepc", x->mepc, y->mepc);
    F("mcause", x->mcause, y->mcause);
    F("mtval", x->mtval, y->mtval);
    F("sepc", x->sepc, y->sepc);
    F("scause", x->scause, y->scause);
    F("stval", x->stval, y->stval);
    F("mscratch", x->mscratch, y->mscratch);
    F("sscratch", x->sscratch, y->sscratch);
    F("satp", x->satp, y->satp);
    F("mip", x->mip, y->mip);
    F("fflags", x->fflags, y->fflags);
    F("reservation held", x->lr_valid, y->lr_valid);
    F("reservation address", x->lr_valid ? x->lr_addr : 0,
      y->lr_valid ? y->lr_addr : 0);
    F("reservation value", x->lr_valid ? x->lr_value : 0,
      y->lr_valid ? y->lr_value : 0);
    F("frm", x->frm, y->frm);
    F("instret", hart_instret(x), hart_instret(y));
    F("ended", a->ended, b->ended);
    F("device accesses", a->dev.accesses, b->dev.accesses);
    F("device hash", a->dev.hash, b->dev.hash);
#undef F
    unsigned found = 0;
    for (unsigned i = 0; i < n; i++)
        if (all[i].ref != all[i].jit && found++ < max)
            out[found - 1] = all[i];
    return found;
}

/* Up to `max` differing 8-byte words of RAM; returns how many differ. */
static unsigned memory_differences(const struct side *a, const struct side *b,
                                   uint64_t *addr, unsigned max)
{
    const uint64_t *p = (const uint64_t *)a->f.ram.host;
    const uint64_t *q = (const uint64_t *)b->f.ram.host;
    unsigned found = 0;
    if (memcmp(p, q, FX_RAM_SIZE) == 0)
        return 0;
    for (uint64_t i = 0; i < FX_RAM_SIZE / 8; i++)
        if (p[i] != q[i] && found++ < max)
            addr[found - 1] = RAM_BASE + 8 * i;
    return found;
}

/* The reference's last few traps, from the handlers' logs. */
static void print_trap_logs(struct side *s)
{
    static const struct {
        const char *name;
        uint64_t save;
    } logs[] = {{"M", DIFF_M_SAVE}, {"S", DIFF_S_SAVE}};
    for (unsigned l = 0; l < 2; l++) {
        uint64_t count = *(uint64_t *)fx_ram(&s->f, logs[l].save + 24);
        printf("  interpreter: %llu traps to %s", (unsigned long long)count,
               logs[l].name);
        for (uint64_t i = count > 4 ? count - 4 : 0; i < count; i++) {
            const uint64_t *e =
                fx_ram(&s->f, logs[l].save + 64 + 32 * (i % 64));
            printf("%s cause %llx tval %llx epc %llx",
                   i + 4 >= count ? ";" : "", (unsigned long long)e[0],
                   (unsigned long long)e[1], (unsigned long long)e[2]);
        }
        printf("\n");
    }
}

/*
 * Run one seed both ways; true when both end and agree. Counts the
 * instructions and the M handler's traps (the S handler's count lies in
 * memory the random code can reach, so it is not a reliable figure).
 */
static bool same_end(uint64_t seed, unsigned max_items, bool report,
                     uint64_t *instret, uint64_t *traps, uint64_t *blocks)
{
    static struct side ref, jit;
    side_run(&ref, seed, max_items, false, seed ^ 0x5a5a);
    side_run(&jit, seed, max_items, true, seed * 31 + 1);
    struct field fields[8];
    uint64_t addr[8];
    unsigned nf = differences(&ref, &jit, fields, 8);
    unsigned nm = memory_differences(&ref, &jit, addr, 8);
    bool ok = nf == 0 && nm == 0 && ref.ended;
    if (report && !ref.ended)
        printf("  the reference did not reach the end (a generator bug)\n");
    if (report)
        print_trap_logs(&ref);
    if (report && !ok) {
        for (unsigned i = 0; i < nf && i < 8; i++)
            printf("  %-16s interpreter 0x%016llx  translator 0x%016llx\n",
                   fields[i].name, (unsigned long long)fields[i].ref,
                   (unsigned long long)fields[i].jit);
        for (unsigned i = 0; i < nm && i < 8; i++) {
            uint64_t r, j;
            memcpy(&r, fx_ram(&ref.f, addr[i]), 8);
            memcpy(&j, fx_ram(&jit.f, addr[i]), 8);
            printf("  mem 0x%llx    interpreter 0x%016llx  translator "
                   "0x%016llx\n",
                   (unsigned long long)addr[i], (unsigned long long)r,
                   (unsigned long long)j);
        }
        if (nf > 8 || nm > 8)
            printf("  (%u fields and %u words of memory differ in all)\n", nf,
                   nm);
    }
    if (instret)
        *instret += hart_instret(ref.f.harts[0]);
    struct hart_jit_stats st;
    if (blocks && hart_jit_stats(jit.f.harts[0], &st))
        *blocks += st.blocks;
    if (traps)
        *traps += *(uint64_t *)fx_ram(&ref.f, DIFF_M_SAVE + 24);
    fx_free(&ref.f);
    fx_free(&jit.f);
    return ok;
}

/* The shortest stream prefix (in items) that still fails, by bisection. */
static unsigned shortest_failing(uint64_t seed, unsigned max_items)
{
    unsigned good = 0, bad = max_items;
    while (bad - good > 1) {
        unsigned mid = good + (bad - good) / 2;
        if (same_end(seed, mid, false, NULL, NULL, NULL))
            good = mid;
        else
            bad = mid;
    }
    return bad;
}

static void dump_code(uint64_t seed, unsigned max_items, const char *path)
{
    struct fixture f;
    fx_init_jit(&f, NULL, false, false);
    diff_build_guest(&f, seed, max_items);
    FILE *out = fopen(path, "wb");
    if (!out || fwrite(fx_ram(&f, DIFF_CODE), 1, DIFF_CODE_PAGES * 0x1000,
                       out) != DIFF_CODE_PAGES * 0x1000) {
        perror(path);
        exit(2);
    }
    fclose(out);
    fx_free(&f);
}

int main(int argc, char **argv)
{
    uint64_t seeds = 200, first = 1, seconds = 0;
    unsigned max_items = 100000;
    const char *dump = NULL;
    bool first_given = false;
    int c;
    while ((c = getopt(argc, argv, "n:s:t:i:d:")) != -1) {
        switch (c) {
        case 'n':
            seeds = strtoull(optarg, NULL, 0);
            break;
        case 's':
            first = strtoull(optarg, NULL, 0);
            first_given = true;
            break;
        case 't':
            seconds = strtoull(optarg, NULL, 0);
            seeds = UINT64_MAX;
            break;
        case 'i':
            max_items = (unsigned)strtoul(optarg, NULL, 0);
            break;
        case 'd':
            dump = optarg;
            break;
        default:
            fprintf(stderr,
                    "usage: %s [-n SEEDS] [-s FIRST] [-t SECONDS] "
                    "[-i ITEMS] [-d FILE]\n",
                    argv[0]);
            return 2;
        }
    }
    /* Each seed builds four harts and two RAMs: keep reusing the same
     * heap memory instead of faulting in fresh mappings every time. */
    mallopt(M_MMAP_THRESHOLD, 256 << 20);
    mallopt(M_TRIM_THRESHOLD, 512 << 20);
    if (dump) {
        dump_code(first, max_items, dump);
        return 0;
    }
    if (seconds && !first_given) /* a long run explores new seeds */
        first = (uint64_t)time(NULL) * 1000000;
    time_t start = time(NULL);
    uint64_t instret = 0, traps = 0, blocks = 0, n = 0;
    for (uint64_t seed = first; n < seeds; seed++, n++) {
        if (seconds && (uint64_t)(time(NULL) - start) >= seconds)
            break;
        if (same_end(seed, max_items, false, &instret, &traps, &blocks))
            continue;
        unsigned items = shortest_failing(seed, max_items);
        printf("jit-diff: seed %llu differs (shortest: -i %u); reproduce "
               "with: %s -s %llu -n 1 -i %u\n",
               (unsigned long long)seed, items, argv[0],
               (unsigned long long)seed, items);
        same_end(seed, items, true, NULL, NULL, NULL);
        return 1;
    }
    printf(
        "jit-diff: seeds %llu..%llu: %llu guest instructions, %llu traps to M, "
        "%llu blocks translated; interpreter and %s agree\n",
        (unsigned long long)first, (unsigned long long)(first + n - 1),
        (unsigned long long)instret, (unsigned long long)traps,
        (unsigned long long)blocks,
        hart_jit_supported() ? "translator"
                             : "jit=true (no translator in this build)");
    return 0;
}
