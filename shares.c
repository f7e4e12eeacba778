/*
 * -s shares: one virtio-fs device per share, on virtio-mmio slot i with
 * PLIC source VIRTIO_MMIO_IRQ_FIRST + i.
 */
#include <stdio.h>

#include "machine.h"
#include "plic.h"
#include "virtio.h"

bool machine_attach_shares(struct machine *m,
                           const struct machine_config *config, char *err,
                           size_t err_len)
{
    if (config->nshares > VIRTIO_MMIO_SLOTS) {
        snprintf(err, err_len, "at most %d shares", VIRTIO_MMIO_SLOTS);
        return false;
    }
    for (unsigned i = 0; i < config->nshares; i++) {
        struct virtio_device *dev =
            virtio_fs_new(&config->shares[i], err, err_len);
        if (!dev)
            return false;
        if (m->dax[i].host)
            virtio_fs_set_window(dev, &m->dax[i]);
        struct irq_line irq = plic_source(m->plic, VIRTIO_MMIO_IRQ_FIRST + i);
        struct virtio_mmio *mmio = virtio_mmio_new(&m->ram, irq, dev);
        if (!mmio) {
            snprintf(err, err_len, "%s: cannot create virtio-mmio device",
                     config->shares[i].dir);
            return false;
        }
        m->virtio[i] = mmio;
        m->share_dev[i] = dev;
        m->virtio_used[i] = true;
        uint64_t base = VIRTIO_MMIO_BASE + i * VIRTIO_MMIO_SLOT_SIZE;
        if (bus_register(m->bus, base, VIRTIO_MMIO_SLOT_SIZE, mmio,
                         virtio_mmio_read, virtio_mmio_write,
                         WIDTH_1 | WIDTH_2 | WIDTH_4) != 0) {
            snprintf(err, err_len, "virtio-mmio slot %u is taken", i);
            return false;
        }
    }
    return true;
}

void machine_detach_shares(struct machine *m)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
        if (m->virtio[i])
            virtio_mmio_free(m->virtio[i]);
        m->virtio[i] = NULL;
        m->share_dev[i] = NULL;
    }
}

void machine_print_share_stats(const struct machine *m)
{
    for (unsigned i = 0; i < VIRTIO_MMIO_SLOTS; i++) {
        if (!m->share_dev[i])
            continue;
        struct fuse_server_stats st;
        const char *tag = virtio_fs_tag(m->share_dev[i]);
        virtio_fs_stats(m->share_dev[i], &st);
        fprintf(stderr,
                "semu: share %s: %zu nodes, %zu open handles, %u host fds\n"
                "semu: share %s: %s\n",
                tag, st.nodes, st.handles, st.fds, tag, st.requests);
    }
}
