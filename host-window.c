/*
 * Host windows: reserved address space, file ranges mapped into it, and
 * the SIGBUS fallback for files truncated under a mapping (host-window.h).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "host-window.h"

#define RESERVE_FLAGS (MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE)

/* The windows the SIGBUS handler may repair; set before the guest runs. */
static struct host_window *volatile registered[HOST_WINDOW_MAX];
static volatile sig_atomic_t truncations;
static long host_page_size;

int host_window_init(struct host_window *w, uint64_t base, uint64_t size)
{
    *w = (struct host_window){.base = base, .size = size};
    if (!size || size % HOST_WINDOW_PAGE || base % HOST_WINDOW_PAGE)
        return -EINVAL;
    void *host = mmap(NULL, size, PROT_NONE, RESERVE_FLAGS, -1, 0);
    if (host == MAP_FAILED)
        return -errno;
    w->page = calloc(size / HOST_WINDOW_PAGE, 1);
    if (!w->page) {
        munmap(host, size);
        return -ENOMEM;
    }
    w->host = host;
    for (int i = 0; i < HOST_WINDOW_MAX; i++) {
        if (!registered[i]) {
            registered[i] = w;
            break;
        }
    }
    return 0;
}

void host_window_free(struct host_window *w)
{
    for (int i = 0; i < HOST_WINDOW_MAX; i++)
        if (registered[i] == w)
            registered[i] = NULL;
    if (w->host)
        munmap(w->host, w->size);
    free(w->page);
    *w = (struct host_window){0};
}

static bool in_window(const struct host_window *w, uint64_t offset,
                      uint64_t len)
{
    return len && !(offset % HOST_WINDOW_PAGE) && !(len % HOST_WINDOW_PAGE) &&
           offset <= w->size && len <= w->size - offset;
}

/* Any page of the range mapped now: the harts may have it cached. */
static bool any_mapped(const struct host_window *w, uint64_t offset,
                       uint64_t len)
{
    uint64_t first = offset / HOST_WINDOW_PAGE, n = len / HOST_WINDOW_PAGE;
    for (uint64_t i = 0; i < n; i++)
        if (w->page[first + i])
            return true;
    return false;
}

static void set_pages(struct host_window *w, uint64_t offset, uint64_t len,
                      uint8_t state)
{
    memset(w->page + offset / HOST_WINDOW_PAGE, state, len / HOST_WINDOW_PAGE);
}

static void changed(struct host_window *w, uint64_t offset, uint64_t len)
{
    if (w->hook.changed)
        w->hook.changed(w->hook.opaque, w->base + offset, len);
}

/* Back to reserved address space; fails only when the host is out of
 * mappings, and then the pages are left unreachable (page[] says so). */
static void reserve(struct host_window *w, uint64_t offset, uint64_t len)
{
    mmap(w->host + offset, len, PROT_NONE, RESERVE_FLAGS | MAP_FIXED, -1, 0);
    set_pages(w, offset, len, 0);
}

int host_window_map(struct host_window *w, uint64_t offset, uint64_t len,
                    int fd, uint64_t foffset, bool writable)
{
    if (!w->host || !in_window(w, offset, len) || foffset % HOST_WINDOW_PAGE ||
        foffset > (uint64_t)INT64_MAX - len)
        return -EINVAL;
    bool was_mapped = any_mapped(w, offset, len);
    int prot = PROT_READ | (writable ? PROT_WRITE : 0);
    void *at = mmap(w->host + offset, len, prot, MAP_SHARED | MAP_FIXED, fd,
                    (off_t)foffset);
    int ret = 0;
    if (at == MAP_FAILED) {
        ret = -errno;
        reserve(w, offset, len); /* a failed MAP_FIXED may have unmapped */
    } else {
        set_pages(w, offset, len,
                  HOST_WINDOW_READ | (writable ? HOST_WINDOW_WRITE : 0));
    }
    if (was_mapped)
        changed(w, offset, len);
    return ret;
}

int host_window_unmap(struct host_window *w, uint64_t offset, uint64_t len)
{
    if (!w->host || !in_window(w, offset, len))
        return -EINVAL;
    if (!any_mapped(w, offset, len))
        return 0;
    reserve(w, offset, len);
    changed(w, offset, len);
    return 0;
}

void host_window_unmap_all(struct host_window *w)
{
    if (w->host)
        host_window_unmap(w, 0, w->size);
}

/*
 * A host file shrank under a mapped page. Put a private zero page in its
 * place and let the access run again; anything else is a real crash, so
 * give it back to the default action.
 */
static void on_sigbus(int sig, siginfo_t *info, void *ctx)
{
    (void)ctx;
    uint8_t *addr = info->si_addr;
    for (int i = 0; i < HOST_WINDOW_MAX; i++) {
        struct host_window *w = registered[i];
        if (!w || !w->host || addr < w->host || addr >= w->host + w->size)
            continue;
        uint64_t offset = (uint64_t)(addr - w->host);
        if (!w->page[offset / HOST_WINDOW_PAGE])
            break;
        uint8_t *page = w->host + (offset & ~(uint64_t)(host_page_size - 1));
        if (mmap(page, (size_t)host_page_size, PROT_READ | PROT_WRITE,
                 RESERVE_FLAGS | MAP_FIXED, -1, 0) == MAP_FAILED)
            break;
        truncations++;
        return;
    }
    signal(sig, SIG_DFL);
}

void host_window_catch_sigbus(void)
{
    if (host_page_size)
        return;
    host_page_size = sysconf(_SC_PAGESIZE);
    struct sigaction sa = {.sa_sigaction = on_sigbus,
                           .sa_flags = SA_SIGINFO | SA_NODEFER};
    sigemptyset(&sa.sa_mask);
    sigaction(SIGBUS, &sa, NULL);
}

unsigned host_window_take_truncations(void)
{
    unsigned n = (unsigned)truncations;
    truncations = 0;
    return n;
}
