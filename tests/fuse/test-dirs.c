/*
 * READDIR and READDIRPLUS: exact sizes, every entry exactly once on a
 * 100,000-entry directory with small buffers, resuming at any offset,
 * listings while entries come and go, and READDIRPLUS lookup counts that
 * FORGET brings back to where they started.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "harness.h"

#define MANY 100000

struct entry {
    char name[256];
    uint64_t off, ino, nodeid;
    uint32_t type;
    struct fuse_attr attr;
};

/*
 * Parse a reply into entries (at most max); false if any entry is
 * malformed or runs past the reply.
 */
static bool parse(const struct ft *t, bool plus, struct entry *out,
                  unsigned max, unsigned *count)
{
    size_t at = 0;
    *count = 0;
    while (at < t->reply_len) {
        struct fuse_direntplus dp;
        struct fuse_dirent d;
        size_t head = plus ? FUSE_NAME_OFFSET_DIRENTPLUS : FUSE_NAME_OFFSET;
        if (t->reply_len - at < head || *count >= max)
            return false;
        if (plus) {
            memcpy(&dp, t->reply + at, sizeof(dp));
            d = dp.dirent;
        } else {
            memcpy(&d, t->reply + at, sizeof(d));
        }
        size_t reclen = FUSE_DIRENT_ALIGN(head + d.namelen);
        if (d.namelen == 0 || d.namelen > 255 || reclen > t->reply_len - at)
            return false;
        struct entry *e = &out[(*count)++];
        memcpy(e->name, t->reply + at + head, d.namelen);
        e->name[d.namelen] = '\0';
        if (strchr(e->name, '/'))
            return false;
        e->off = d.off;
        e->ino = d.ino;
        e->type = d.type;
        e->nodeid = plus ? dp.entry_out.nodeid : 0;
        if (plus)
            e->attr = dp.entry_out.attr;
        at += reclen;
    }
    return true;
}

static bool is_dot(const char *name)
{
    return strcmp(name, ".") == 0 || strcmp(name, "..") == 0;
}

static void make_files(struct ft *t, const char *dir, const char *fmt, int n)
{
    char path[PATH_MAX], name[64];
    ft_path(t, dir, path, sizeof(path));
    mkdir(path, 0755);
    int dfd = open(path, O_DIRECTORY | O_RDONLY);
    for (int i = 0; i < n; i++) {
        snprintf(name, sizeof(name), fmt, i);
        close(openat(dfd, name, O_CREAT | O_WRONLY, 0644));
    }
    close(dfd);
}

/* List MANY entries with small, varying buffers; READDIRPLUS forgets. */
static void test_many(struct ft *t, bool plus)
{
    static const uint32_t sizes[] = {200, 1024, 333, 4096, 700};
    static struct entry ents[4096 / 32];
    static unsigned char seen[MANY];
    struct fuse_entry_out big;
    uint64_t fh, off = 0;
    unsigned dots = 0, dupes = 0, bad = 0, requests = 0, peak = 0;
    bool malformed = false;

    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "many", &big), 0);
    struct fuse_server_stats start = ft_stats(t);
    memset(seen, 0, sizeof(seen));
    CHECK_ERR(ft_opendir(t, big.nodeid, &fh), 0);
    for (;;) {
        uint32_t size = sizes[requests++ % 5];
        if (plus)
            size *= 4; /* room for at least one entry_out */
        unsigned n;
        int ret = ft_readdir(t, plus, big.nodeid, fh, off, size);
        if (ret != 0 || !parse(t, plus, ents, 4096 / 32, &n) ||
            t->reply_len > size) {
            malformed = true;
            break;
        }
        if (n == 0)
            break;
        uint64_t forget_ids[4096 / 32];
        unsigned forgets = 0;
        for (unsigned i = 0; i < n; i++) {
            int idx;
            if (is_dot(ents[i].name)) {
                dots++;
                bad += ents[i].nodeid != 0;
                continue;
            }
            if (sscanf(ents[i].name, "f%06d", &idx) != 1 || idx < 0 ||
                idx >= MANY) {
                bad++;
                continue;
            }
            dupes += seen[idx]++ > 0;
            if (plus) {
                bad += ents[i].nodeid <= FUSE_ROOT_ID ||
                       !S_ISREG(ents[i].attr.mode);
                forget_ids[forgets++] = ents[i].nodeid;
            }
        }
        off = ents[n - 1].off;
        if (ft_stats(t).nodes > peak)
            peak = (unsigned)ft_stats(t).nodes;
        for (unsigned i = 0; i < forgets; i++)
            ft_forget(t, forget_ids[i], 1);
    }
    unsigned missing = 0;
    for (int i = 0; i < MANY; i++)
        missing += !seen[i];
    CHECK(!malformed);
    CHECK(dots == 2 && dupes == 0 && missing == 0 && bad == 0);
    if (missing || dupes)
        printf("  %u missing, %u listed twice\n", missing, dupes);
    CHECK(requests > MANY / 200);
    CHECK_ERR(ft_releasedir(t, big.nodeid, fh), 0);
    struct fuse_server_stats end = ft_stats(t);
    CHECK(end.nodes == start.nodes && end.fds == start.fds &&
          end.handles == start.handles);
    if (plus)
        CHECK(peak > start.nodes && peak < start.nodes + 4096 / 32);
    ft_forget(t, big.nodeid, 1);
}

static unsigned list_all(struct ft *t, bool plus, uint64_t node, uint32_t size,
                         struct entry *out, unsigned max)
{
    uint64_t fh, off = 0;
    unsigned total = 0, n;
    if (ft_opendir(t, node, &fh) != 0)
        return 0;
    while (ft_readdir(t, plus, node, fh, off, size) == 0 && t->reply_len &&
           parse(t, plus, out + total, max - total, &n) && n) {
        total += n;
        off = out[total - 1].off;
    }
    ft_releasedir(t, node, fh);
    return total;
}

static void test_offsets(struct ft *t)
{
    struct fuse_entry_out d;
    struct entry all[64], part[64];
    uint64_t fh;
    unsigned n, m;

    make_files(t, "fifty", "g%02d", 50);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "fifty", &d), 0);
    n = list_all(t, false, d.nodeid, 65536, all, 64);
    CHECK(n == 52);
    CHECK_ERR(ft_opendir(t, d.nodeid, &fh), 0);
    /* Resume after entry 9, then back at 0, then after entry 40. */
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, all[9].off, 65536), 0);
    CHECK(parse(t, false, part, 64, &m) && m == n - 10);
    CHECK(strcmp(part[0].name, all[10].name) == 0);
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, 0, 65536), 0);
    CHECK(parse(t, false, part, 64, &m) && m == n);
    CHECK(strcmp(part[0].name, all[0].name) == 0);
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, all[40].off, 65536), 0);
    CHECK(parse(t, false, part, 64, &m) && m == n - 41);
    CHECK(strcmp(part[0].name, all[41].name) == 0);
    /* At the end: nothing more. */
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, all[n - 1].off, 65536), 0);
    CHECK(t->reply_len == 0);
    /* Too small for even one entry: an error, not a false end. */
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, 0, 20), -EINVAL);
    /* Exactly one entry's room: exactly one entry. */
    size_t one = FUSE_DIRENT_ALIGN(FUSE_NAME_OFFSET + strlen(all[0].name));
    CHECK_ERR(ft_readdir(t, false, d.nodeid, fh, 0, (uint32_t)one), 0);
    CHECK(parse(t, false, part, 64, &m) && m == 1 && t->reply_len == one);
    /* A reply buffer smaller than the size asked for bounds the reply. */
    struct fuse_read_in in = {.fh = fh, .offset = 0, .size = 65536};
    ft_put(t, &in, sizeof(in));
    CHECK_ERR(ft_call(t, FUSE_READDIR, d.nodeid, 16 + 100), 0);
    CHECK(t->reply_len <= 100 && t->reply_len > 0);
    CHECK_ERR(ft_releasedir(t, d.nodeid, fh), 0);

    /* An empty directory lists "." and "..", then ends. */
    struct fuse_entry_out empty;
    CHECK_ERR(ft_mkdir(t, FUSE_ROOT_ID, "empty", 0755, &empty), 0);
    n = list_all(t, false, empty.nodeid, 4096, all, 64);
    CHECK(n == 2 && is_dot(all[0].name) && is_dot(all[1].name));
}

/* Entries added and removed mid-listing: no duplicates, no survivors lost. */
static void test_changing(struct ft *t)
{
    enum { N = 2000 };
    static struct entry got[2 * N];
    static unsigned char listed[N], removed[N];
    struct fuse_entry_out d;
    uint64_t fh, off = 0;
    unsigned total = 0, n;
    char path[PATH_MAX];

    make_files(t, "busy", "a%04d", N);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "busy", &d), 0);
    CHECK_ERR(ft_opendir(t, d.nodeid, &fh), 0);
    for (int round = 0;; round++) {
        if (ft_readdir(t, false, d.nodeid, fh, off, 1024) != 0 ||
            !parse(t, false, got + total, 2 * N - total, &n) || n == 0)
            break;
        for (unsigned i = total; i < total + n; i++) {
            int idx;
            if (sscanf(got[i].name, "a%04d", &idx) == 1)
                listed[idx]++;
        }
        total += n;
        off = got[total - 1].off;
        if (round == 2) {
            /* Remove 200 not yet listed, add 200 new ones. */
            for (int i = 0, gone = 0; i < N && gone < 200; i++) {
                if (listed[i])
                    continue;
                snprintf(path, sizeof(path), "%s/busy/a%04d", t->share, i);
                unlink(path);
                removed[i] = 1;
                gone++;
            }
            make_files(t, "busy", "new%03d", 200);
        }
    }
    ft_releasedir(t, d.nodeid, fh);
    unsigned dupes = 0, lost = 0;
    for (int i = 0; i < N; i++) {
        dupes += listed[i] > 1;
        lost += !listed[i] && !removed[i];
    }
    for (unsigned i = 0; i < total; i++)
        for (unsigned j = i + 1; j < total && got[i].name[0] == 'n'; j++)
            dupes += strcmp(got[i].name, got[j].name) == 0;
    CHECK(dupes == 0 && lost == 0);
    CHECK(total > N - 200);
}

/* READDIRPLUS: attributes, lookup references, FORGET back to the start. */
static void test_plus_counts(struct ft *t)
{
    enum { N = 30 };
    struct entry all[N + 2], chunk[N + 2];
    struct fuse_entry_out d;
    uint64_t fh;
    unsigned n, m;
    char path[PATH_MAX];

    make_files(t, "plus", "p%02d", N);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "plus", &d), 0);
    struct fuse_server_stats start = ft_stats(t);

    /* One short reply: references only for what it carries. */
    CHECK_ERR(ft_opendir(t, d.nodeid, &fh), 0);
    CHECK_ERR(ft_readdir(t, true, d.nodeid, fh, 0, 700), 0);
    CHECK(parse(t, true, chunk, N + 2, &m) && m >= 3 && m <= 4);
    unsigned with_node = 0;
    for (unsigned i = 0; i < m; i++)
        with_node += !is_dot(chunk[i].name);
    CHECK(ft_stats(t).nodes == start.nodes + with_node);
    CHECK_ERR(ft_releasedir(t, d.nodeid, fh), 0);
    for (unsigned i = 0; i < m; i++)
        if (!is_dot(chunk[i].name))
            ft_forget(t, chunk[i].nodeid, 1);
    CHECK(ft_stats(t).nodes == start.nodes);

    /* Two full listings: two references each. */
    n = list_all(t, true, d.nodeid, 4096, all, N + 2);
    CHECK(n == N + 2);
    m = list_all(t, true, d.nodeid, 1000, chunk, N + 2);
    CHECK(m == N + 2);
    CHECK(ft_stats(t).nodes == start.nodes + N);
    unsigned attr_ok = 0, dots_ok = 0;
    for (unsigned i = 0; i < n; i++) {
        struct stat st;
        if (is_dot(all[i].name)) {
            dots_ok += all[i].nodeid == 0;
            continue;
        }
        snprintf(path, sizeof(path), "%s/plus/%.255s", t->share, all[i].name);
        lstat(path, &st);
        attr_ok += all[i].attr.ino == st.st_ino && all[i].ino == st.st_ino &&
                   all[i].attr.mode == st.st_mode &&
                   all[i].attr.size == (uint64_t)st.st_size &&
                   all[i].type == DT_REG;
    }
    CHECK(attr_ok == N && dots_ok == 2);
    /* The same nodes as LOOKUP gives. */
    struct fuse_entry_out e;
    CHECK_ERR(ft_lookup(t, d.nodeid, "p07", &e), 0);
    bool same = false;
    for (unsigned i = 0; i < n; i++)
        same |= strcmp(all[i].name, "p07") == 0 && all[i].nodeid == e.nodeid;
    CHECK(same);
    ft_forget(t, e.nodeid, 1);

    /* One BATCH_FORGET of one reference each: all still there. */
    struct fuse_batch_forget_in bf = {.count = N};
    ft_put(t, &bf, sizeof(bf));
    for (unsigned i = 0; i < n; i++) {
        struct fuse_forget_one one = {.nodeid = all[i].nodeid, .nlookup = 1};
        if (!is_dot(all[i].name))
            ft_put(t, &one, sizeof(one));
    }
    CHECK(ft_call(t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    CHECK(ft_stats(t).nodes == start.nodes + N);
    ft_put(t, &bf, sizeof(bf));
    for (unsigned i = 0; i < n; i++) {
        struct fuse_forget_one one = {.nodeid = all[i].nodeid, .nlookup = 1};
        if (!is_dot(all[i].name))
            ft_put(t, &one, sizeof(one));
    }
    CHECK(ft_call(t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    struct fuse_server_stats end = ft_stats(t);
    CHECK(end.nodes == start.nodes && end.fds == start.fds);
}

/* A guest `find` holding every node, then forgetting them all. */
static void test_find_then_forget(struct ft *t)
{
    enum { N = 5000 };
    static struct entry all[N + 2];
    struct fuse_entry_out d;

    make_files(t, "tree", "t%04d", N);
    struct fuse_server_stats start = ft_stats(t);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "tree", &d), 0);
    unsigned n = list_all(t, true, d.nodeid, 8192, all, N + 2);
    CHECK(n == N + 2);
    CHECK(ft_stats(t).nodes == start.nodes + N + 1);
    for (unsigned i = 0; i < n; i += 100) {
        struct fuse_batch_forget_in bf = {.count = 0};
        struct fuse_forget_one ones[100];
        for (unsigned j = i; j < n && j < i + 100; j++)
            if (!is_dot(all[j].name))
                ones[bf.count++] = (struct fuse_forget_one){all[j].nodeid, 1};
        ft_put(t, &bf, sizeof(bf));
        ft_put(t, ones, bf.count * sizeof(ones[0]));
        CHECK(ft_call(t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    }
    ft_forget(t, d.nodeid, 1);
    struct fuse_server_stats end = ft_stats(t);
    CHECK(end.nodes == start.nodes && end.fds == start.fds);
}

/*
 * A guest `ls -l` over MANY entries that keeps every inode (as Linux does
 * while memory lasts), on a server allowed few fds; then it forgets all.
 */
static void test_all_held(struct ft *t)
{
    static uint64_t ids[MANY];
    static struct entry ents[16384 / 32];
    struct fs_share_options few = {.max_fds = 1000};
    struct fuse_entry_out big;
    uint64_t fh, off = 0;
    unsigned held = 0, n, bad = 0;

    ft_restart(t, &few);
    if (!ft_stats(t).node_fds_closable) {
        check_skip("holding more nodes than fds (needs CAP_DAC_READ_SEARCH)");
        return;
    }
    struct fuse_server_stats start = ft_stats(t);
    CHECK_ERR(ft_lookup(t, FUSE_ROOT_ID, "many", &big), 0);
    CHECK_ERR(ft_opendir(t, big.nodeid, &fh), 0);
    while (ft_readdir(t, true, big.nodeid, fh, off, 16384) == 0 &&
           parse(t, true, ents, 16384 / 32, &n) && n > 0) {
        for (unsigned i = 0; i < n; i++) {
            if (is_dot(ents[i].name))
                continue;
            if (ents[i].nodeid == 0 || held >= MANY)
                bad++;
            else
                ids[held++] = ents[i].nodeid;
        }
        off = ents[n - 1].off;
    }
    CHECK_ERR(ft_releasedir(t, big.nodeid, fh), 0);
    struct fuse_server_stats s = ft_stats(t);
    CHECK(held == MANY && bad == 0);
    CHECK(s.nodes == start.nodes + MANY + 1 && s.fds <= 1000);
    /* Every node still answers, its fd reopened when needed. */
    unsigned answered = 0;
    for (unsigned i = 0; i < held; i += 997)
        answered += ft_getattr(t, ids[i], NULL) == 0;
    CHECK(answered == (held + 996) / 997);
    for (unsigned i = 0; i < held; i += 256) {
        struct fuse_batch_forget_in bf = {.count = 0};
        struct fuse_forget_one ones[256];
        for (unsigned j = i; j < held && j < i + 256; j++)
            ones[bf.count++] = (struct fuse_forget_one){ids[j], 1};
        ft_put(t, &bf, sizeof(bf));
        ft_put(t, ones, bf.count * sizeof(ones[0]));
        CHECK(ft_call(t, FUSE_BATCH_FORGET, 0, 0) == FT_NO_REPLY);
    }
    ft_forget(t, big.nodeid, 1);
    s = ft_stats(t);
    CHECK(s.nodes == start.nodes && s.fds == start.fds);
}

int main(void)
{
    struct ft t;
    ft_setup(&t, NULL);
    make_files(&t, "many", "f%06d", MANY);
    test_many(&t, false);
    test_many(&t, true);
    test_offsets(&t);
    test_changing(&t);
    test_plus_counts(&t);
    test_find_then_forget(&t);
    test_all_held(&t);
    ft_teardown(&t);
    return check_summary();
}
