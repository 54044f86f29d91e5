/*
 * Run-queue ordering primitives, portable so the host tests can check
 * them (Linux: kernel/sched/fair.c entity_before/max_vruntime/
 * min_vruntime, include/asm-generic/bitops/sched.h sched_find_first_bit).
 *
 * Data structures: none; a vruntime is a u64 that may wrap, compared by
 * signed difference; the RT priority bitmap is an array of 64-bit words,
 * bit p set when queue[p] is non-empty.
 *
 * Invariants: vruntime_before is a strict weak order on any set of
 * vruntimes spanning less than 2^63; sched_find_first_bit returns the
 * lowest set bit, i.e. the highest RT priority (0 is highest), or -1.
 *
 * Lock order: none (pure functions; callers hold rq->lock).
 */
#pragma once
#include <cstdint>

/* a runs before b: a's vruntime is smaller, wrap-safe */
static inline bool vruntime_before(uint64_t a, uint64_t b)
{
	return int64_t(a - b) < 0;
}
static inline uint64_t max_vruntime(uint64_t a, uint64_t b)
{
	return int64_t(b - a) > 0 ? b : a;
}
static inline uint64_t min_vruntime_of(uint64_t a, uint64_t b)
{
	return int64_t(b - a) < 0 ? b : a;
}

/* priority bitmap of nwords 64-bit words */
static inline void prio_bitmap_set(unsigned long* bitmap, int prio)
{
	bitmap[prio / 64] |= 1UL << (prio % 64);
}
static inline void prio_bitmap_clear(unsigned long* bitmap, int prio)
{
	bitmap[prio / 64] &= ~(1UL << (prio % 64));
}
static inline int sched_find_first_bit(const unsigned long* bitmap, unsigned nwords)
{
	for (unsigned w = 0; w < nwords; w++)
		if (bitmap[w])
			return int(w * 64) + __builtin_ctzl(bitmap[w]);
	return -1;
}
