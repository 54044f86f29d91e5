/*
 * Where a read's bytes go and a write's come from (Linux:
 * include/linux/uio.h, lib/iov_iter.c; implemented in fs/iov_iter.cc).
 *
 * A file's read_iter/write_iter never sees a raw buffer: it copies through
 * an iov_iter, which is one user buffer (ITER_UBUF: read(2)), an array of
 * user buffers (ITER_IOVEC: readv(2), the array already copied into the
 * kernel), or kernel buffers (ITER_KVEC: kernel_read, the ktests).  So the
 * same file code serves read(2) and kernel_read.  A copy to or from user
 * memory that faults stops short: copy_to_iter returns fewer bytes, and
 * the caller returns the short count, or EFAULT when nothing moved.
 */
#pragma once
#include <cstddef>
#include <fs/types.h>
#include <kernel/uaccess.h>

struct iovec {
	void* iov_base; /* a user address (the uapi layout) */
	size_t iov_len;
};
struct kvec {
	void* iov_base;
	size_t iov_len;
};

enum iter_type : unsigned char { ITER_UBUF, ITER_IOVEC, ITER_KVEC };
#define UIO_MAXIOV 1024
#define MAX_RW_COUNT (0x7ffff000L) /* INT_MAX & PAGE_MASK: one call moves at most this */

struct iov_iter {
	iter_type type;
	size_t iov_offset; /* into the current segment */
	size_t count;      /* bytes left */
	union {
		uintptr_t ubuf;
		const struct iovec* iov;
		const struct kvec* kvec;
	};
	unsigned long nr_segs;
};

void iov_iter_ubuf(struct iov_iter* i, user_ptr<void> buf, size_t count);
void iov_iter_init(struct iov_iter* i, const struct iovec* iov, unsigned long nr_segs, size_t count);
void iov_iter_kvec(struct iov_iter* i, const struct kvec* kvec, unsigned long nr_segs, size_t count);
static inline size_t iov_iter_count(const struct iov_iter* i)
{
	return i->count;
}
static inline bool user_backed_iter(const struct iov_iter* i)
{
	return i->type != ITER_KVEC;
}
/* bytes copied (short when user memory faults) */
size_t copy_to_iter(const void* from, size_t bytes, struct iov_iter* i);
size_t copy_from_iter(void* to, size_t bytes, struct iov_iter* i);
size_t iov_iter_zero(size_t bytes, struct iov_iter* i);
void iov_iter_advance(struct iov_iter* i, size_t bytes);
void iov_iter_truncate(struct iov_iter* i, size_t count);
