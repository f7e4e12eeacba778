/* Scatter-list helpers for requests and replies in guest memory. */
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "fuse-iov.h"

size_t fuse_iov_total(const struct iovec *iov, unsigned count)
{
    size_t total = 0;
    for (unsigned i = 0; i < count; i++) {
        if (iov[i].iov_len > SIZE_MAX - total)
            return SIZE_MAX;
        total += iov[i].iov_len;
    }
    return total;
}

/* Find the entry holding byte `offset`; *skip is the offset inside it. */
static unsigned iov_seek(const struct iovec *iov, unsigned count, size_t offset,
                         size_t *skip)
{
    unsigned i = 0;
    while (i < count && offset >= iov[i].iov_len) {
        offset -= iov[i].iov_len;
        i++;
    }
    *skip = offset;
    return i;
}

/* Copy len bytes between buf and the iovecs from byte `offset` on. */
static size_t iov_copy(const struct iovec *iov, unsigned count, size_t offset,
                       uint8_t *buf, size_t len, bool to_iov)
{
    size_t skip, done = 0;
    for (unsigned i = iov_seek(iov, count, offset, &skip);
         i < count && done < len; i++, skip = 0) {
        size_t n = iov[i].iov_len - skip;
        if (n > len - done)
            n = len - done;
        uint8_t *at = (uint8_t *)iov[i].iov_base + skip;
        if (to_iov)
            memcpy(at, buf + done, n);
        else
            memcpy(buf + done, at, n);
        done += n;
    }
    return done;
}

size_t fuse_iov_read(const struct iovec *iov, unsigned count, size_t offset,
                     void *dst, size_t len)
{
    return iov_copy(iov, count, offset, dst, len, false);
}

size_t fuse_iov_write(const struct iovec *iov, unsigned count, size_t offset,
                      const void *src, size_t len)
{
    return iov_copy(iov, count, offset, (uint8_t *)src, len, true);
}

unsigned fuse_iov_slice(const struct iovec *iov, unsigned count, size_t offset,
                        size_t len, struct iovec *out, unsigned max,
                        size_t *got)
{
    size_t skip, done = 0;
    unsigned n_out = 0;
    for (unsigned i = iov_seek(iov, count, offset, &skip);
         i < count && done < len && n_out < max; i++, skip = 0) {
        size_t n = iov[i].iov_len - skip;
        if (n == 0)
            continue;
        if (n > len - done)
            n = len - done;
        out[n_out].iov_base = (uint8_t *)iov[i].iov_base + skip;
        out[n_out].iov_len = n;
        n_out++;
        done += n;
    }
    *got = done;
    return n_out;
}
