/*
 * A host window: guest physical addresses outside RAM backed, page by
 * page, by host file mappings (the virtio-fs DAX window).
 *
 * The host side is address space reserved with PROT_NONE; map() puts a
 * file range there (MAP_SHARED|MAP_FIXED), unmap() puts PROT_NONE back.
 * The CPU reaches a mapped page like a RAM page (a TLB entry with a host
 * addend) and takes an access fault on an unmapped one; devices never
 * reach a window (guest_ram_ptr() knows only RAM), so no virtqueue buffer
 * can lie in one.
 *
 * Every change to pages that were mapped calls `changed` with their range,
 * which must make every hart forget its translations and decoded code of
 * those pages before it runs again.
 *
 * A host truncation of a mapped file makes the host raise SIGBUS on an
 * access past the new end. host_window_catch_sigbus() installs a handler
 * that puts a private zero page there and returns, so the access (by the
 * interpreter or translated code alike) completes with zeros; writes there
 * are dropped. The page stays zero until the guest maps the range again.
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#define HOST_WINDOW_PAGE  4096ull /* what one page[] entry covers */
#define HOST_WINDOW_MAX   8
#define HOST_WINDOW_READ  1 /* page[] bits */
#define HOST_WINDOW_WRITE 2

/* Whoever wired the window up is told after mapped pages changed: the
 * guest physical range whose host memory was replaced. */
struct window_hook {
    void (*changed)(void *opaque, uint64_t base, uint64_t len);
    void *opaque;
};

struct host_window {
    uint64_t base, size; /* guest physical; multiples of HOST_WINDOW_PAGE */
    uint8_t *host;       /* size bytes of reserved host address space */
    uint8_t *page;       /* per page: HOST_WINDOW_READ | HOST_WINDOW_WRITE */
    struct window_hook hook;
};

/* Reserve the host side; 0 or -errno. Also registers it for SIGBUS. */
int host_window_init(struct host_window *w, uint64_t base, uint64_t size);
void host_window_free(struct host_window *w);

/*
 * Map len bytes of fd at foffset into the window at offset, replacing
 * whatever was there; read-only unless writable. Offsets and length must
 * be page multiples and inside the window: else -EINVAL, and nothing
 * outside the window is ever touched. 0 or -errno.
 */
int host_window_map(struct host_window *w, uint64_t offset, uint64_t len,
                    int fd, uint64_t foffset, bool writable);
/* Unmap [offset, offset + len) (unmapped pages are fine); 0 or -EINVAL. */
int host_window_unmap(struct host_window *w, uint64_t offset, uint64_t len);
void host_window_unmap_all(struct host_window *w);

/* Install the SIGBUS handler for host truncations (once per process). */
void host_window_catch_sigbus(void);
/* Pages replaced by zeros since the last call (then flush the harts). */
unsigned host_window_take_truncations(void);

/* The host address of a window page, if mapped for a store (write) or
 * a load or fetch; NULL otherwise. */
static inline uint8_t *host_window_page(const struct host_window *w,
                                        uint64_t ppage, bool write)
{
    if (ppage < w->base || ppage - w->base >= w->size)
        return NULL;
    uint64_t i = (ppage - w->base) / HOST_WINDOW_PAGE;
    uint8_t need = write ? HOST_WINDOW_WRITE : HOST_WINDOW_READ;
    return (w->page[i] & need) ? w->host + i * HOST_WINDOW_PAGE : NULL;
}
