/* Guest pc histogram for SEMU_PROFILE (see profile.h). */
#include <stdio.h>
#include <stdlib.h>
#include <uthash.h>

#include "profile.h"

struct pc_count {
    uint64_t pc;
    uint64_t count;
    UT_hash_handle hh;
};

struct pc_profile {
    struct pc_count *by_pc;
};

struct pc_profile *pc_profile_new(void)
{
    return calloc(1, sizeof(struct pc_profile));
}

void pc_profile_free(struct pc_profile *p)
{
    if (!p)
        return;
    struct pc_count *c, *tmp;
    HASH_ITER(hh, p->by_pc, c, tmp)
    {
        HASH_DEL(p->by_pc, c);
        free(c);
    }
    free(p);
}

void pc_profile_sample(struct pc_profile *p, uint64_t pc)
{
    struct pc_count *c;
    HASH_FIND(hh, p->by_pc, &pc, sizeof(pc), c);
    if (!c) {
        c = calloc(1, sizeof(*c));
        if (!c)
            return; /* a lost sample, not worth stopping the guest for */
        c->pc = pc;
        HASH_ADD(hh, p->by_pc, pc, sizeof(c->pc), c);
    }
    c->count++;
}

static int busiest_first(const void *a, const void *b)
{
    const struct pc_count *x = *(struct pc_count *const *)a;
    const struct pc_count *y = *(struct pc_count *const *)b;
    if (x->count != y->count)
        return x->count < y->count ? 1 : -1;
    return x->pc < y->pc ? -1 : x->pc > y->pc;
}

bool pc_profile_write(const struct pc_profile *p, const char *path)
{
    size_t n = HASH_COUNT(p->by_pc), i = 0;
    struct pc_count **all = malloc((n ? n : 1) * sizeof(*all));
    if (!all)
        return false;
    for (struct pc_count *c = p->by_pc; c; c = c->hh.next)
        all[i++] = c;
    qsort(all, n, sizeof(*all), busiest_first);

    FILE *f = fopen(path, "w");
    bool ok = f != NULL;
    for (i = 0; ok && i < n; i++)
        ok = fprintf(f, "%016llx %llu\n", (unsigned long long)all[i]->pc,
                     (unsigned long long)all[i]->count) > 0;
    if (f && fclose(f) != 0)
        ok = false;
    free(all);
    return ok;
}
