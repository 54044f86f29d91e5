/*
 * seqcount_t (Linux: include/linux/seqlock.h): a sequence counter for data
 * read far more often than written.  The writer (one at a time, serialised
 * by the caller) makes the count odd while it changes the data and even
 * again after; a reader retries while the count was odd or changed.
 * Readers take no lock and may run in any context, also in user space
 * (the vDSO reads the vvar page with the same protocol).
 */
#pragma once
#include <atomic>

typedef struct seqcount {
	unsigned sequence;
} seqcount_t;

static inline unsigned read_seqcount_begin(const seqcount_t* s)
{
	unsigned seq;
	while ((seq = __atomic_load_n(&s->sequence, __ATOMIC_ACQUIRE)) & 1)
		__builtin_ia32_pause();
	return seq;
}
/* true when the data read since read_seqcount_begin may be torn */
static inline bool read_seqcount_retry(const seqcount_t* s, unsigned start)
{
	std::atomic_thread_fence(std::memory_order_acquire);
	return __atomic_load_n(&s->sequence, __ATOMIC_RELAXED) != start;
}
static inline void write_seqcount_begin(seqcount_t* s)
{
	__atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELAXED);
	std::atomic_thread_fence(std::memory_order_release);
}
static inline void write_seqcount_end(seqcount_t* s)
{
	__atomic_store_n(&s->sequence, s->sequence + 1, __ATOMIC_RELEASE);
}
