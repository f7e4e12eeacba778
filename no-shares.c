/*
 * Stand-in for shares.c while this tree has no virtio-fs device yet:
 * -s is refused with a clear message instead of failing to link.
 */
#include <stdio.h>

#include "machine.h"

bool machine_attach_shares(struct machine *m,
                           const struct machine_config *config, char *err,
                           size_t err_len)
{
    (void)m;
    if (config->nshares == 0)
        return true;
    snprintf(err, err_len, "-s: this semu was built without virtio-fs");
    return false;
}

void machine_detach_shares(struct machine *m)
{
    (void)m;
}
