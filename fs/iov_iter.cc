/*
 * Copying through an iov_iter (Linux: lib/iov_iter.c); see <fs/uio.h>.
 * It lives in fs/ rather than lib/ because it calls the user-memory
 * accessors, which only the kernel has (lib/ also builds on the host).
 *
 * Invariant: count is the sum of the segments' remaining lengths from
 * (segment 0, iov_offset); a copy consumes from the front.
 */
#include <fs/uio.h>
#include <lib/string.h>

void iov_iter_ubuf(struct iov_iter* i, user_ptr<void> buf, size_t count)
{
	*i = {};
	i->type = ITER_UBUF;
	i->ubuf = buf.addr();
	i->count = count;
	i->nr_segs = 1;
}

void iov_iter_init(struct iov_iter* i, const struct iovec* iov, unsigned long nr_segs, size_t count)
{
	*i = {};
	i->type = ITER_IOVEC;
	i->iov = iov;
	i->nr_segs = nr_segs;
	i->count = count;
}

void iov_iter_kvec(struct iov_iter* i, const struct kvec* kvec, unsigned long nr_segs, size_t count)
{
	*i = {};
	i->type = ITER_KVEC;
	i->kvec = kvec;
	i->nr_segs = nr_segs;
	i->count = count;
}

namespace
{
/* the current segment's address and remaining length */
void segment(const struct iov_iter* i, uintptr_t* base, size_t* len)
{
	switch (i->type) {
	case ITER_UBUF:
		*base = i->ubuf + i->iov_offset;
		*len = i->count;
		return;
	case ITER_IOVEC:
		*base = reinterpret_cast<uintptr_t>(i->iov->iov_base) + i->iov_offset;
		*len = i->iov->iov_len - i->iov_offset;
		return;
	case ITER_KVEC:
		*base = reinterpret_cast<uintptr_t>(i->kvec->iov_base) + i->iov_offset;
		*len = i->kvec->iov_len - i->iov_offset;
		return;
	}
}

/* kind: 0 to the iter, 1 from it, 2 zero it */
size_t iterate(struct iov_iter* i, void* kbuf, size_t bytes, int kind)
{
	if (bytes > i->count)
		bytes = i->count;
	size_t done = 0;
	while (done < bytes) {
		uintptr_t base = 0;
		size_t len = 0;
		segment(i, &base, &len);
		if (len > bytes - done)
			len = bytes - done;
		size_t moved = len;
		char* k = static_cast<char*>(kbuf) + done;
		if (len) {
			if (i->type == ITER_KVEC) {
				if (kind == 0)
					lib::memcpy(reinterpret_cast<void*>(base), k, len);
				else if (kind == 1)
					lib::memcpy(k, reinterpret_cast<void*>(base), len);
				else
					lib::memset(reinterpret_cast<void*>(base), 0, len);
			} else {
				unsigned long left;
				if (kind == 0)
					left = copy_to_user(user_ptr<void>(base), k, len);
				else if (kind == 1)
					left = copy_from_user(k, user_ptr<const void>(base), len);
				else
					left = clear_user(user_ptr<void>(base), len);
				moved = len - left;
			}
		}
		iov_iter_advance(i, moved);
		done += moved;
		if (moved < len)
			break; /* a fault: stop short */
	}
	return done;
}
} // namespace

void iov_iter_advance(struct iov_iter* i, size_t bytes)
{
	if (bytes > i->count)
		bytes = i->count;
	i->count -= bytes;
	if (i->type == ITER_UBUF) {
		i->iov_offset += bytes;
		return;
	}
	while (i->nr_segs) {
		size_t seg_len = i->type == ITER_IOVEC ? i->iov->iov_len : i->kvec->iov_len;
		size_t left = seg_len - i->iov_offset;
		if (bytes < left) {
			i->iov_offset += bytes;
			return;
		}
		bytes -= left;
		if (i->nr_segs == 1) { /* the end: stay at the last segment's end */
			i->iov_offset = seg_len;
			return;
		}
		/* the segment is used up (or empty): on to the next */
		if (i->type == ITER_IOVEC)
			i->iov++;
		else
			i->kvec++;
		i->nr_segs--;
		i->iov_offset = 0;
	}
}

void iov_iter_truncate(struct iov_iter* i, size_t count)
{
	if (i->count > count)
		i->count = count;
}

size_t copy_to_iter(const void* from, size_t bytes, struct iov_iter* i)
{
	return iterate(i, const_cast<void*>(from), bytes, 0);
}
size_t copy_from_iter(void* to, size_t bytes, struct iov_iter* i)
{
	return iterate(i, to, bytes, 1);
}
size_t iov_iter_zero(size_t bytes, struct iov_iter* i)
{
	return iterate(i, nullptr, bytes, 2);
}
