/*
 * random.h - the kernel's random numbers (Linux: include/linux/random.h,
 * drivers/char/random.c).  One ChaCha20-based CRNG, seeded from the CPU
 * (RDSEED/RDRAND), the TSC and timing jitter; see drivers/char/random.cc.
 *
 *   get_random_bytes(buf, n)     n bytes for the kernel, any context
 *   get_random_u32/u64/long()    one value, from a per-CPU batch (cheap)
 *   get_random_u32_below(ceil)   uniform in [0, ceil), ceil > 0
 *   crng_ready()                 seeded with 256 credited bits
 *   wait_for_random_bytes()      until crng_ready() (collects jitter itself)
 *   add_device_randomness(p, n)  mix data in, no credit (serials, time...)
 *   getrandom(2), /dev/urandom   __getrandom() / get_random_bytes_user()
 *
 * Every function may be called before random_init(): the first use seeds
 * the CRNG early (random_init_early) from whatever the CPU offers, as
 * Linux's early boot users (SLUB's freelist keys) need.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <kernel/uaccess.h>
#include <lib/result.h>

void get_random_bytes(void* buf, size_t len);
uint32_t get_random_u32();
uint64_t get_random_u64();
static inline unsigned long get_random_long() { return get_random_u64(); }
/* Lemire's multiply-shift with rejection: no modulo bias */
uint32_t get_random_u32_below(uint32_t ceil);

bool crng_ready();
lib::Result<void> wait_for_random_bytes();
void add_device_randomness(const void* buf, size_t len);

/* start_kernel, after time_init: arch seeds and jitter until the CRNG is
 * ready ("random: crng init done") */
void random_init(const char* command_line);

/*
 * getrandom(2) without the user copy: validates flags as Linux 6.1 (EINVAL
 * for unknown bits and for GRND_RANDOM|GRND_INSECURE; EAGAIN for
 * GRND_NONBLOCK while not ready), caps len at MAX_RW_COUNT (INT_MAX & PAGE_MASK), and hands the
 * output to copy(ctx, offset, src, n), which returns the bytes NOT copied
 * (copy_to_user's convention).  Returns the bytes copied, or EFAULT when
 * the first copy copied nothing.  The system call and the ktests call it.
 */
using random_copy_t = unsigned long (*)(void* ctx, size_t off, const void* src, size_t n);
lib::Result<long> __getrandom(size_t len, unsigned int flags, random_copy_t copy, void* ctx);

/* __getrandom into kernel memory (the ktests) */
lib::Result<long> getrandom_kernel(void* buf, size_t len, unsigned int flags);

/* the random bytes of a read(2) of /dev/urandom, straight to user memory */
lib::Result<long> get_random_bytes_user(user_ptr<char> buf, size_t len);
