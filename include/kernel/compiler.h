/*
 * READ_ONCE / WRITE_ONCE (Linux: include/asm-generic/rwonce.h,
 * include/linux/compiler_types.h).
 *
 *   while (!READ_ONCE(s->stop))        // re-read on every pass
 *           WRITE_ONCE(s->loops, s->loops + 1);
 *
 * One load or store of a shared scalar, which the compiler may not tear,
 * fuse, repeat or hoist out of a loop: for a variable another CPU or an
 * interrupt writes while this code polls it without a lock.  They order
 * nothing (a relaxed atomic access, the same instruction as Linux's
 * volatile one): when the order of two accesses matters, use
 * __atomic_*_n with an acquire/release order or a lock.
 *
 * Invariants: x is a naturally aligned integer, bool or pointer lvalue
 * (a structure does not compile).
 *
 * Lock order: none.
 */
#pragma once

#define READ_ONCE(x) __atomic_load_n(&(x), __ATOMIC_RELAXED)
#define WRITE_ONCE(x, val) __atomic_store_n(&(x), (val), __ATOMIC_RELAXED)
