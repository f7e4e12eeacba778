/*
 * Device tree fixups with libfdt. minimal.dts is compiled at build time
 * and linked in as minimal_dtb[]; what depends on the command line (RAM
 * size, harts, virtio devices, bootargs, initrd) is filled in here.
 */
#include <errno.h>
#include <libfdt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>

#include "devicetree.h"
#include "loader.h"
#include "memlayout.h"
#include "riscv.h"
#include "virtio.h"

extern const char minimal_dtb[];

/* Room for every node we add, with plenty to spare. */
#define FDT_EXTRA_SPACE (64 * 1024)

#define CPU_ISA      "rv64imafdc_zicsr_zifencei"
#define CPU_MMU_TYPE "riscv,sv39"
/* minimal.dts's interrupt controllers, found by what they are. */
#define PLIC_COMPATIBLE  "riscv,plic0"
#define CLINT_COMPATIBLE "riscv,clint0"

/* Bail out of the enclosing function on a libfdt error. */
#define FDT_TRY(expr)                                                          \
    do {                                                                       \
        int rc_ = (expr);                                                      \
        if (rc_ < 0)                                                           \
            return rc_;                                                        \
    } while (0)

static int set_reg(void *fdt, int node, uint64_t base, uint64_t size)
{
    fdt64_t reg[2] = {cpu_to_fdt64(base), cpu_to_fdt64(size)};
    return fdt_setprop(fdt, node, "reg", reg, sizeof(reg));
}

/* A NUL-separated string list property from an array of strings. */
static int set_string_list(void *fdt, int node, const char *name,
                           const char *const *list, size_t count)
{
    char buf[256];
    size_t len = 0;
    for (size_t i = 0; i < count; i++) {
        size_t n = strlen(list[i]) + 1;
        if (len + n > sizeof(buf))
            return -FDT_ERR_NOSPACE;
        memcpy(buf + len, list[i], n);
        len += n;
    }
    return fdt_setprop(fdt, node, name, buf, len);
}

/* Adds cpu@h under /cpus; its interrupt controller gets phandle intc. */
static int add_cpu(void *fdt, int cpus, unsigned h, uint32_t intc)
{
    static const char *const extensions[] = {
        "i", "m", "a", "f", "d", "c", "sstc", "zicntr", "zicsr", "zifencei",
    };
    char name[32];
    snprintf(name, sizeof(name), "cpu@%u", h);
    int cpu = fdt_add_subnode(fdt, cpus, name);
    FDT_TRY(cpu);
    FDT_TRY(fdt_setprop_string(fdt, cpu, "device_type", "cpu"));
    FDT_TRY(fdt_setprop_u32(fdt, cpu, "reg", h));
    FDT_TRY(fdt_setprop_string(fdt, cpu, "status", "okay"));
    FDT_TRY(fdt_setprop_string(fdt, cpu, "compatible", "riscv"));
    FDT_TRY(fdt_setprop_string(fdt, cpu, "riscv,isa", CPU_ISA));
    FDT_TRY(fdt_setprop_string(fdt, cpu, "riscv,isa-base", "rv64i"));
    FDT_TRY(set_string_list(fdt, cpu, "riscv,isa-extensions", extensions,
                            sizeof(extensions) / sizeof(*extensions)));
    FDT_TRY(fdt_setprop_string(fdt, cpu, "mmu-type", CPU_MMU_TYPE));

    int irq = fdt_add_subnode(fdt, cpu, "interrupt-controller");
    FDT_TRY(irq);
    FDT_TRY(fdt_setprop_u32(fdt, irq, "#interrupt-cells", 1));
    FDT_TRY(fdt_setprop(fdt, irq, "interrupt-controller", NULL, 0));
    FDT_TRY(fdt_setprop_string(fdt, irq, "compatible", "riscv,cpu-intc"));
    FDT_TRY(fdt_setprop_u32(fdt, irq, "phandle", intc));
    return 0;
}

/*
 * interrupts-extended of the controller compatible with `compatible`:
 * <intc[h] irq_a intc[h] irq_b> for every hart.
 */
static int set_hart_interrupts(void *fdt, const char *compatible,
                               const uint32_t *intc, unsigned nharts,
                               uint32_t irq_a, uint32_t irq_b)
{
    int node = fdt_node_offset_by_compatible(fdt, -1, compatible);
    FDT_TRY(node);
    fdt32_t cells[4 * MAX_HARTS];
    for (unsigned h = 0; h < nharts; h++) {
        cells[4 * h + 0] = cpu_to_fdt32(intc[h]);
        cells[4 * h + 1] = cpu_to_fdt32(irq_a);
        cells[4 * h + 2] = cpu_to_fdt32(intc[h]);
        cells[4 * h + 3] = cpu_to_fdt32(irq_b);
    }
    return fdt_setprop(fdt, node, "interrupts-extended", cells,
                       nharts * 4 * sizeof(fdt32_t));
}

static int add_virtio(void *fdt, const struct virtio_slot *slot)
{
    int soc = fdt_path_offset(fdt, "/soc");
    FDT_TRY(soc);
    int plic = fdt_node_offset_by_compatible(fdt, -1, PLIC_COMPATIBLE);
    FDT_TRY(plic);
    /* Read it now: adding a node moves every offset after it. */
    uint32_t plic_phandle = fdt_get_phandle(fdt, plic);
    if (plic_phandle == 0)
        return -FDT_ERR_NOTFOUND;
    char name[40];
    snprintf(name, sizeof(name), "virtio_mmio@%llx",
             (unsigned long long)slot->base);
    int node = fdt_add_subnode(fdt, soc, name);
    FDT_TRY(node);
    FDT_TRY(fdt_setprop_string(fdt, node, "compatible", "virtio,mmio"));
    FDT_TRY(set_reg(fdt, node, slot->base, slot->size));
    FDT_TRY(fdt_setprop_u32(fdt, node, "interrupt-parent", plic_phandle));
    FDT_TRY(fdt_setprop_u32(fdt, node, "interrupts", slot->irq));
    return 0;
}

/* Everything our own tree needs that depends on the machine. */
static int fixup_machine(void *fdt, const struct dt_machine *m)
{
    /* minimal.dts has one memory node: RAM. */
    int memory =
        fdt_node_offset_by_prop_value(fdt, -1, "device_type", "memory", 7);
    FDT_TRY(memory);
    FDT_TRY(set_reg(fdt, memory, m->ram_base, m->ram_size));

    int cpus = fdt_path_offset(fdt, "/cpus");
    FDT_TRY(cpus);
    uint32_t max_phandle;
    FDT_TRY(fdt_find_max_phandle(fdt, &max_phandle));
    uint32_t intc[MAX_HARTS];
    /* fdt_add_subnode prepends, so add in reverse to list cpu@0 first. */
    for (unsigned h = m->nharts; h-- > 0;) {
        intc[h] = max_phandle + 1 + h;
        FDT_TRY(add_cpu(fdt, cpus, h, intc[h]));
    }
    /* The PLIC's contexts: M then S of each hart; the CLINT's lines. */
    FDT_TRY(set_hart_interrupts(fdt, PLIC_COMPATIBLE, intc, m->nharts, IRQ_MEIP,
                                IRQ_SEIP));
    FDT_TRY(set_hart_interrupts(fdt, CLINT_COMPATIBLE, intc, m->nharts,
                                IRQ_MSIP, IRQ_MTIP));
    /* Prepended too: in reverse, so that the lowest address comes first. */
    for (unsigned i = VIRTIO_MMIO_SLOTS; i-- > 0;)
        if (m->virtio[i].mmio)
            FDT_TRY(add_virtio(fdt, &m->virtio[i]));
    return 0;
}

static int fixup_chosen(void *fdt, const struct dt_machine *m,
                        struct dt_initrd initrd, bool ours)
{
    int chosen = fdt_path_offset(fdt, "/chosen");
    if (chosen == -FDT_ERR_NOTFOUND)
        chosen = fdt_add_subnode(fdt, 0, "chosen");
    FDT_TRY(chosen);
    /*
     * -a adds to the command line rather than replacing it, so the console
     * keeps working; the user's tree starts from its own bootargs.
     */
    const char *args = ours ? NULL : fdt_getprop(fdt, chosen, "bootargs", NULL);
    char bootargs[4096];
    if (snprintf(bootargs, sizeof(bootargs), "%s%s%s",
                 args ? args : DEFAULT_BOOTARGS, m->append ? " " : "",
                 m->append ? m->append : "") >= (int)sizeof(bootargs))
        return -FDT_ERR_NOSPACE;
    FDT_TRY(fdt_setprop_string(fdt, chosen, "bootargs", bootargs));
    /*
     * Seed the guest's RNG, as QEMU does. Without entropy Linux's crng
     * never became ready, and until it is, every interrupt and random
     * number hashes with BLAKE2s: 13M of a boot's 80M instructions, 30M
     * of a 1000-file tmpfs loop's 137M. Always 64 bytes, so both builds
     * of the tree have the same size.
     */
    uint8_t seed[64];
    if (getrandom(seed, sizeof(seed), 0) != (ssize_t)sizeof(seed))
        return -FDT_ERR_INTERNAL;
    FDT_TRY(fdt_setprop(fdt, chosen, "rng-seed", seed, sizeof(seed)));
    if (initrd.end > initrd.start) {
        FDT_TRY(
            fdt_setprop_u64(fdt, chosen, "linux,initrd-start", initrd.start));
        FDT_TRY(fdt_setprop_u64(fdt, chosen, "linux,initrd-end", initrd.end));
    }
    return 0;
}

/* A value of `cells` 32-bit big-endian cells (1 or 2). */
static uint64_t read_cells(const fdt32_t *p, int cells)
{
    uint64_t v = 0;
    for (int i = 0; i < cells; i++)
        v = (v << 32) | fdt32_to_cpu(p[i]);
    return v;
}

uint64_t devicetree_ram_end(const void *fdt, uint64_t base, uint64_t limit)
{
    int acells = fdt_address_cells(fdt, 0), scells = fdt_size_cells(fdt, 0);
    if (acells < 1 || acells > 2 || scells < 1 || scells > 2)
        return limit;
    int node = -1;
    while ((node = fdt_node_offset_by_prop_value(fdt, node, "device_type",
                                                 "memory", 7)) >= 0) {
        int len;
        const fdt32_t *reg = fdt_getprop(fdt, node, "reg", &len);
        int entry = (acells + scells) * 4;
        for (int off = 0; reg && off + entry <= len; off += entry) {
            const fdt32_t *p = reg + off / 4;
            uint64_t start = read_cells(p, acells);
            uint64_t size = read_cells(p + acells, scells);
            if (base >= start && base - start < size)
                return size - (base - start) < limit - base ? start + size
                                                            : limit;
        }
    }
    return limit;
}

void *devicetree_build(const struct dt_machine *m, struct dt_initrd initrd,
                       size_t *size, char *err, size_t err_len)
{
    const void *base = minimal_dtb;
    struct file_blob user = {0};
    if (m->user_dtb) {
        if (!file_blob_read(&user, m->user_dtb, err, err_len))
            return NULL;
        if (user.size < sizeof(struct fdt_header) ||
            fdt_check_header(user.data) != 0 ||
            fdt_totalsize(user.data) > user.size) {
            snprintf(err, err_len, "%s: not a valid device tree blob",
                     m->user_dtb);
            file_blob_free(&user);
            return NULL;
        }
        base = user.data;
    }

    size_t buf_size = fdt_totalsize(base) + FDT_EXTRA_SPACE;
    void *fdt = malloc(buf_size);
    int rc = fdt ? fdt_open_into(base, fdt, buf_size) : -FDT_ERR_NOSPACE;
    if (rc == 0 && !m->user_dtb)
        rc = fixup_machine(fdt, m);
    if (rc == 0)
        rc = fixup_chosen(fdt, m, initrd, !m->user_dtb);
    if (rc == 0)
        rc = fdt_pack(fdt);
    file_blob_free(&user);
    if (rc != 0) {
        snprintf(err, err_len, "%s: device tree fixup failed: %s",
                 m->user_dtb ? m->user_dtb : "built-in device tree",
                 fdt_strerror(rc));
        free(fdt);
        return NULL;
    }
    *size = fdt_totalsize(fdt);
    return fdt;
}
