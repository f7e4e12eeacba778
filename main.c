/*
 * semu command line: parse the options into a machine_config, build the
 * machine, run it, and exit with the guest's status.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devicetree.h"
#include "fs-share.h"
#include "machine.h"
#include "memlayout.h"
#include "riscv.h"
#include "terminal.h"

#define MAX_RAM_MIB 16384
/* virtio-fs config space holds the tag in 36 bytes. */
#define MAX_TAG_LEN 36

static const char usage_text[] =
    "usage: semu -k Image [options]\n"
    "       semu --bios FIRMWARE [-k Image] [options]\n"
    "\n"
    "  -k, --kernel FILE     RISC-V Linux Image to boot\n"
    "  -i, --initrd FILE     initramfs (default: rootfs.cpio next to Image)\n"
    "  -b, --dtb FILE        use this device tree blob instead of semu's\n"
    "  -s, --share DIR[,tag=NAME][,ro][,cache=never|auto|always]\n"
    "                [,security=passthrough|mapped][,root][,dax[=SIZE]]\n"
    "                        share DIR over virtio-fs (tag \"myfs\" unless\n"
    "                        given); repeat with distinct tags; \",,\"\n"
    "                        stands for a comma in DIR; root: boot with DIR\n"
    "                        as / (its /init runs; no initramfs); dax: a DAX\n"
    "                        window of SIZE (e.g. 512M, 1G; default 256M)\n"
    "                        for mount -o dax=always\n"
    "  -c, --cpus N          harts, 1 to 8 (default 1)\n"
    "  -m, --memory MiB      RAM size (default 512)\n"
    "  -a, --append ARGS     add ARGS to the kernel command line\n"
    "                        (\"" DEFAULT_BOOTARGS "\")\n"
    "      --bios FILE       M-mode firmware (e.g. OpenSBI fw_jump.bin) at\n"
    "                        0x80000000 instead of the built-in SBI\n"
    "      --jit on|off      translate guest code to host code (default on\n"
    "                        where supported: x86-64 hosts) or interpret it\n"
    "  -h, --help            this text\n"
    "\n"
    "Console: Ctrl-A x quits (exit status 0), Ctrl-A Ctrl-A sends Ctrl-A.\n"
    "Exit status: 0 on guest power-off, the code the guest gives the\n"
    "test finisher otherwise; 1 if every hart stops. A guest reset reboots.\n"
    "SEMU_STATS=1 prints the guest instruction count and rate, what each\n"
    "hart's translator made, and each share's node, handle and host fd\n"
    "counts, requests and host time serving them, at exit.\n"
    "SEMU_PROFILE=FILE samples guest pcs and writes \"PC COUNT\" lines to\n"
    "FILE at exit; scripts/guest-profile.sh names the kernel functions.\n"
    "SEMU_PERF_MAP=1 writes /tmp/perf-PID.map, where perf report finds a\n"
    "name for each translated block: guest-PC, the guest pc it starts at.\n";

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "semu: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, " (try --help)\n");
    exit(2);
}

/* A decimal number in [min, max] with nothing after it, or die. */
static unsigned long parse_number(const char *s, const char *what,
                                  unsigned long min, unsigned long max,
                                  const char *unit)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        die("%s: not a number", what);
    unsigned long v = strtoul(s, &end, 10);
    if (*end != '\0')
        die("%s: not a number", what);
    if (errno == ERANGE || v < min || v > max) {
        char msg[96];
        snprintf(msg, sizeof(msg), "%s: out of range (%lu to %lu%s)", what, min,
                 max, unit);
        die("%s", msg);
    }
    return v;
}

/*
 * The next comma-separated field of *rest, cut in place; ",," stands for
 * a comma in the field, as in QEMU's options. NULL after the last field.
 */
static char *next_field(char **rest)
{
    char *field = *rest, *in = field, *out = field;
    if (!field)
        return NULL;
    while (*in && !(in[0] == ',' && in[1] != ',')) {
        if (in[0] == ',')
            in++; /* the first of ",," */
        *out++ = *in++;
    }
    *rest = *in ? in + 1 : NULL;
    *out = '\0';
    return field;
}

/* The length of an option's key: the bytes before '=', or all of it. */
static size_t option_key_len(const char *opt)
{
    return strcspn(opt, "=");
}

/* Die if opt's key was given before it in the same -s (a typo, not intent). */
static void refuse_repeat(char *const *seen, unsigned nseen, const char *opt)
{
    size_t len = option_key_len(opt);
    for (unsigned i = 0; i < nseen; i++)
        if (option_key_len(seen[i]) == len && strncmp(seen[i], opt, len) == 0) {
            char key[32];
            snprintf(key, sizeof(key), "%.*s", (int)len, opt);
            die("-s: option '%s' given twice", key);
        }
}

/* A DAX window size: N followed by M or G, 2 MiB to 4 GiB in 2 MiB steps. */
static uint64_t parse_dax_size(const char *s)
{
    char *end;
    errno = 0;
    if (*s < '0' || *s > '9')
        die("-s dax=%s: give a size such as 256M or 1G", s);
    unsigned long long n = strtoull(s, &end, 10);
    unsigned shift = strcmp(end, "M") == 0   ? 20
                     : strcmp(end, "G") == 0 ? 30
                                             : 0;
    if (!shift)
        die("-s dax=%s: give a size such as 256M or 1G", s);
    if (errno == ERANGE || n == 0 || n > (DAX_WINDOW_MAX >> shift) ||
        (n << shift) % DAX_WINDOW_ALIGN)
        die("-s dax=%s: the window is 2M to 4G, in steps of 2M", s);
    return (uint64_t)n << shift;
}

/*
 * DIR[,tag=NAME][,ro][,cache=MODE][,security=MODEL][,dax[=SIZE]] into
 * share; arg is modified in place.
 */
static void parse_share(char *arg, struct fs_share_options *share)
{
    *share = (struct fs_share_options){.tag = "myfs"};
    char *rest = arg;
    char *dir = next_field(&rest);
    char *seen[16];
    unsigned nseen = 0;
    if (!*dir)
        die("%s", "-s: missing directory");
    share->dir = dir;
    for (char *opt; (opt = next_field(&rest));) {
        refuse_repeat(seen, nseen, opt);
        if (nseen == sizeof(seen) / sizeof(seen[0]))
            die("%s", "-s: too many options");
        seen[nseen++] = opt;
        if (strncmp(opt, "tag=", 4) == 0) {
            share->tag = opt + 4;
            size_t len = strlen(share->tag);
            if (len == 0 || len > MAX_TAG_LEN)
                die("-s: tag '%s' must be 1 to 36 bytes", share->tag);
        } else if (strcmp(opt, "ro") == 0) {
            share->read_only = true;
        } else if (strcmp(opt, "root") == 0) {
            share->root = true;
        } else if (strcmp(opt, "cache=never") == 0) {
            share->cache = FS_CACHE_NEVER;
        } else if (strcmp(opt, "cache=auto") == 0) {
            share->cache = FS_CACHE_AUTO;
        } else if (strcmp(opt, "cache=always") == 0) {
            share->cache = FS_CACHE_ALWAYS;
        } else if (strcmp(opt, "security=passthrough") == 0) {
            share->security = FS_SECURITY_PASSTHROUGH;
        } else if (strcmp(opt, "security=mapped") == 0) {
            share->security = FS_SECURITY_MAPPED;
        } else if (strncmp(opt, "security=", 9) == 0) {
            die("-s: unknown security model '%s'", opt + 9);
        } else if (strcmp(opt, "dax") == 0) {
            share->dax_size = DAX_WINDOW_DEFAULT;
        } else if (strncmp(opt, "dax=", 4) == 0) {
            share->dax_size = parse_dax_size(opt + 4);
        } else {
            die("-s: unknown option '%s'", opt);
        }
    }
}

/* config->shares points here. */
static struct fs_share_options shares[VIRTIO_MMIO_SLOTS];

static void add_share(struct machine_config *config, char *arg)
{
    if (config->nshares == VIRTIO_MMIO_SLOTS)
        die("-s %s: too many shares (at most 8)", arg);
    struct fs_share_options *share = &shares[config->nshares];
    parse_share(arg, share);
    for (unsigned i = 0; i < config->nshares; i++)
        if (strcmp(shares[i].tag, share->tag) == 0)
            die("-s: tag '%s' used twice", share->tag);
    config->nshares++;
}

/*
 * A share booted as / (-s DIR,root): Linux mounts it by tag and runs its
 * /init, which must be there; find out now rather than after a boot that
 * ends in a kernel panic. Returns whether there is a root share.
 */
static bool setup_root_share(struct machine_config *config)
{
    const struct fs_share_options *root = NULL;
    for (unsigned i = 0; i < config->nshares; i++) {
        if (!config->shares[i].root)
            continue;
        if (root)
            die("%s", "-s: only one share can be the root");
        root = &config->shares[i];
    }
    if (!root)
        return false;
    if (config->initrd)
        die("%s", "-i: no initramfs with a root share (-s DIR,root)");
    char init[PATH_MAX];
    struct stat st;
    if (stat(root->dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return true; /* the share itself is refused later, as any share */
    if (snprintf(init, sizeof(init), "%s/init", root->dir) >= (int)sizeof(init))
        die("-s %s: path too long", root->dir);
    /*
     * A symlink is resolved by the guest, inside DIR: take it on trust.
     * Under security=mapped the guest's modes live in an xattr, not in the
     * host's mode bits.
     */
    bool mapped = root->security == FS_SECURITY_MAPPED;
    if (lstat(init, &st) != 0 ||
        (!S_ISLNK(st.st_mode) &&
         (!S_ISREG(st.st_mode) || (!mapped && !(st.st_mode & 0111))))) {
        fprintf(stderr,
                "semu: -s %s,root: %s is not an executable file; a root "
                "share needs the guest's /init (make images builds one in "
                "build/rootfs/)\n",
                root->dir, init);
        exit(1);
    }
    static char append[4096];
    if (snprintf(append, sizeof(append),
                 "root=%s rootfstype=virtiofs rw init=/init%s%s", root->tag,
                 config->append ? " " : "",
                 config->append ? config->append : "") >= (int)sizeof(append))
        die("%s", "-a: too long");
    config->append = append;
    return true;
}

/* rootfs.cpio in the kernel's directory, if there is one. */
static const char *default_initrd(const char *kernel)
{
    static char path[PATH_MAX];
    char copy[PATH_MAX];
    if (snprintf(copy, sizeof(copy), "%s", kernel) >= (int)sizeof(copy))
        return NULL;
    if (snprintf(path, sizeof(path), "%s/rootfs.cpio", dirname(copy)) >=
        (int)sizeof(path))
        return NULL;
    return access(path, R_OK) == 0 ? path : NULL;
}

enum { OPT_BIOS = 256, OPT_JIT };

static void parse_args(int argc, char **argv, struct machine_config *config)
{
    static const struct option long_options[] = {
        {"kernel", required_argument, NULL, 'k'},
        {"initrd", required_argument, NULL, 'i'},
        {"dtb", required_argument, NULL, 'b'},
        {"share", required_argument, NULL, 's'},
        {"cpus", required_argument, NULL, 'c'},
        {"smp", required_argument, NULL, 'c'},
        {"memory", required_argument, NULL, 'm'},
        {"append", required_argument, NULL, 'a'},
        {"bios", required_argument, NULL, OPT_BIOS},
        {"jit", required_argument, NULL, OPT_JIT},
        {"help", no_argument, NULL, 'h'},
        {0},
    };
    *config = (struct machine_config){
        .ram_size = (uint64_t)RAM_DEFAULT_MIB << 20,
        .nharts = 1,
        .jit = hart_jit_supported(),
        .shares = shares,
    };
    opterr = 0; /* we print our own one-line errors */
    int c;
    while ((c = getopt_long(argc, argv, ":k:i:b:s:c:m:a:h", long_options,
                            NULL)) != -1) {
        switch (c) {
        case 'k':
            config->kernel = optarg;
            break;
        case 'i':
            config->initrd = optarg;
            break;
        case 'b':
            config->dtb = optarg;
            break;
        case 's':
            add_share(config, optarg);
            break;
        case 'c':
            config->nharts = parse_number(optarg, "-c", 1, MAX_HARTS, " harts");
            break;
        case 'm':
            config->ram_size =
                (uint64_t)parse_number(optarg, "-m", 1, MAX_RAM_MIB, " MiB")
                << 20;
            break;
        case 'a':
            config->append = optarg;
            break;
        case OPT_BIOS:
            config->bios = optarg;
            break;
        case OPT_JIT:
            if (strcmp(optarg, "on") == 0 && hart_jit_supported())
                config->jit = true;
            else if (strcmp(optarg, "on") == 0)
                die("--jit on: %s",
                    "this host has no translator (x86-64 only)");
            else if (strcmp(optarg, "off") == 0)
                config->jit = false;
            else
                die("--jit %s: give on or off", optarg);
            break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case ':':
            die("%s: missing argument", argv[optind - 1]);
            break;
        default:
            die("%s: unknown option", argv[optind - 1]);
        }
    }
    if (optind < argc)
        die("%s: unexpected argument", argv[optind]);
    if (!config->kernel && !config->bios)
        die("%s", "nothing to run: give -k Image or --bios FILE");
    bool root_share = setup_root_share(config);
    if (config->kernel && !config->initrd && !root_share)
        config->initrd = default_initrd(config->kernel);
}

static double seconds_since(const struct timespec *start)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (now.tv_sec - start->tv_sec) + (now.tv_nsec - start->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
    struct machine_config config;
    parse_args(argc, argv, &config);

    const char *perf_map = getenv("SEMU_PERF_MAP");
    if (perf_map && strcmp(perf_map, "1") == 0) {
        char path[64];
        snprintf(path, sizeof(path), "/tmp/perf-%d.map", (int)getpid());
        if (!(config.jit_perf_map = fopen(path, "w")))
            fprintf(stderr, "semu: cannot write %s: %s\n", path,
                    strerror(errno));
    }

    struct timespec start;
    clock_gettime(CLOCK_MONOTONIC, &start);
    struct machine *m = machine_new(&config);
    if (!m)
        return 1;
    const char *profile_path = getenv("SEMU_PROFILE");
    bool profile = profile_path && *profile_path;
    if (profile && !machine_start_profile(m)) {
        fprintf(stderr, "semu: SEMU_PROFILE: out of memory\n");
        machine_free(m);
        return 1;
    }
    terminal_raw();
    int status = machine_run(m);
    terminal_restore();
    if (profile && !machine_write_profile(m, profile_path))
        fprintf(stderr, "semu: cannot write profile %s: %s\n", profile_path,
                strerror(errno));

    const char *stats = getenv("SEMU_STATS");
    if (stats && strcmp(stats, "1") == 0)
        machine_print_stats(m, seconds_since(&start));
    machine_free(m);
    if (config.jit_perf_map)
        fclose(config.jit_perf_map);
    return status;
}
