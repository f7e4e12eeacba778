/*
 * Scatter lists over guest memory: sizing, copying in and out at an offset,
 * and slicing a byte range into a new iovec array for preadv/pwritev.
 * Every function stays inside the bytes the iovecs describe.
 */
#pragma once

#include <stddef.h>
#include <sys/uio.h>

/* Total bytes, saturating at SIZE_MAX. */
size_t fuse_iov_total(const struct iovec *iov, unsigned count);

/* Copy up to len bytes starting at byte `offset`; returns bytes copied. */
size_t fuse_iov_read(const struct iovec *iov, unsigned count, size_t offset,
                     void *dst, size_t len);
size_t fuse_iov_write(const struct iovec *iov, unsigned count, size_t offset,
                      const void *src, size_t len);

/*
 * Describe bytes [offset, offset + len) of iov in out[] (at most max
 * entries). Returns the entry count; *got is the bytes described, which is
 * less than len when iov ends early or max entries are not enough.
 */
unsigned fuse_iov_slice(const struct iovec *iov, unsigned count, size_t offset,
                        size_t len, struct iovec *out, unsigned max,
                        size_t *got);
