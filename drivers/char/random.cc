/*
 * The kernel's random number generator and getrandom(2) (Linux 6.1:
 * drivers/char/random.c, whose design this follows; its interface is
 * <kernel/random.h>).
 *
 * Two halves, as in Linux:
 *   - the input pool: a running BLAKE2s hash of everything mixed in (CPU
 *     seeds, TSC samples, the command line, device data), with a count of
 *     credited bits (init_bits).  extract_entropy() finalises it into a
 *     seed, derives a new key from it with keyed BLAKE2s, and restarts the
 *     hash keyed with that key, so nothing extracted can be recomputed
 *     from the pool later (forward secrecy).
 *   - the CRNG: base_crng.key, a ChaCha20 key taken from the pool at each
 *     reseed (generation counts them), and one crng per CPU whose key is
 *     derived from base_crng's when the generation changed.  Every output
 *     runs "fast key erasure": the first ChaCha20 block of a request
 *     replaces the key it was made with, and only the rest is output, so
 *     the state that produced past output is gone the moment it returned.
 *     get_random_u32/u64 take their values from a per-CPU batch of 96
 *     bytes, refilled from the CRNG (and thrown away on a reseed).
 *
 * Seeding: the first use (SLUB's keys, during mm init) seeds base_crng from
 * RDSEED/RDRAND and the TSC (random_init_early: crng_init EMPTY -> EARLY,
 * nothing credited unless the CPU is trusted).  random_init() (start_kernel,
 * after time_init) mixes the command line and, when RDSEED/RDRAND gave
 * 256 bits and random.trust_cpu is on (the default, as Debian's
 * CONFIG_RANDOM_TRUST_CPU), credits them; otherwise it collects timing
 * jitter (try_to_generate_entropy) until 256 bits are credited, crediting
 * one bit per TSC sample that moved, as Linux's jitter dance does (an
 * estimate: under QEMU -icount the TSC is deterministic and the credit is
 * fiction, as it is for Linux there).  At 256 bits: "random: crng init
 * done", crng_init READY, and getrandom(2) never waits afterwards.  The
 * CRNG reseeds from the pool at most every 60 s (every uptime/2 early on).
 * KASLR does not use this: it runs before the kernel is at its address
 * (arch/x86_64/boot/kaslr.cc kaslr_get_random_long, RDRAND and the TSC).
 *
 * Invariants: base_crng.generation never is ULONG_MAX (a per-CPU crng
 * starts there, so its first use always derives a key); a per-CPU crng
 * or batch is touched only with interrupts off on its CPU (Linux's
 * local_lock_irqsave), so neither an interrupt nor a migration interleaves.
 *
 * Lock order (<kernel/lock_order.h>): input_pool.lock and base_crng.lock
 * are leaves and never nested in each other (extract_entropy drops the pool
 * lock before the reseed takes base_crng's); the per-CPU state is taken
 * (interrupts off) outside base_crng.lock.
 */
#include <arch/archrandom.h>
#include <arch/irqflags.h>
#include <arch/processor.h>
#include <kernel/compiler.h>
#include <kernel/jiffies.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/random.h>
#include <kernel/sched.h>
#include <kernel/restart.h>
#include <kernel/sched/signal.h>
#include <kernel/smp.h>
#include <kernel/syscalls.h>
#include <lib/blake2s.h>
#include <lib/chacha.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/errno.h>
#include <uapi/linux/random.h>

namespace
{
constexpr unsigned POOL_BITS = BLAKE2S_HASH_SIZE * 8; /* 256 */
constexpr unsigned POOL_READY_BITS = POOL_BITS;
constexpr unsigned long CRNG_RESEED_START_INTERVAL = HZ;
constexpr unsigned long CRNG_RESEED_INTERVAL = 60 * HZ;
constexpr size_t MAX_RW_COUNT = 0x7ffff000; /* INT_MAX & PAGE_MASK (Linux's fs.h) */
constexpr size_t PAGE_SIZE_BYTES = 4096;

enum crng_init_state { CRNG_EMPTY = 0, CRNG_EARLY = 1, CRNG_READY = 2 };
int crng_init = CRNG_EMPTY; /* READ_ONCE/WRITE_ONCE; only grows */
bool trust_cpu = true;      /* random.trust_cpu= */

struct {
	lib::spinlock lock;
	struct blake2s_state hash GUARDED_BY(lock);
	unsigned int init_bits GUARDED_BY(lock);
	bool hash_started GUARDED_BY(lock);
} input_pool;

struct {
	lib::spinlock lock;
	uint8_t key[CHACHA_KEY_SIZE] GUARDED_BY(lock);
	unsigned long generation GUARDED_BY(lock);
	unsigned long birth; /* jiffies of the last reseed: READ_ONCE */
} base_crng;

/* per CPU, touched with interrupts off on that CPU only */
struct crng {
	uint8_t key[CHACHA_KEY_SIZE];
	unsigned long generation = ~0UL;
};
crng crngs[NR_CPUS];

template <typename T> struct batch {
	T entropy[CHACHA_BLOCK_SIZE * 3 / 2 / sizeof(T)];
	unsigned long generation = ~0UL;
	unsigned int position = 0;
};
batch<uint32_t> batches_u32[NR_CPUS];
batch<uint64_t> batches_u64[NR_CPUS];

void memzero_explicit(void* p, size_t n)
{
	lib::memset(p, 0, n);
	asm volatile("" : : "r"(p) : "memory");
}

/* ---- the input pool ---- */

void pool_start_locked() REQUIRES(input_pool.lock)
{
	if (!input_pool.hash_started) {
		blake2s_init(&input_pool.hash, BLAKE2S_HASH_SIZE);
		input_pool.hash_started = true;
	}
}

void mix_pool_bytes(const void* buf, size_t len)
{
	lib::spin_lock_irqsave_guard g(input_pool.lock);
	pool_start_locked();
	blake2s_update(&input_pool.hash, buf, len);
}

/* seed = H(pool); out = HASHPRF(seed, RDSEED || counter); the pool is
 * re-keyed with a further output, so the seed cannot be recomputed */
void extract_entropy(uint8_t* out, size_t len)
{
	struct {
		unsigned long rdseed[32 / sizeof(long)];
		size_t counter;
	} block;
	uint8_t seed[BLAKE2S_HASH_SIZE], next_key[BLAKE2S_HASH_SIZE];

	for (auto& w : block.rdseed) {
		unsigned long v;
		if (cpu_has_rdseed() && rdseed_long(&v))
			w = v;
		else if (cpu_has_rdrand() && rdrand_long(&v))
			w = v;
		else
			w = rdtsc();
	}
	{
		lib::spin_lock_irqsave_guard g(input_pool.lock);
		pool_start_locked();
		blake2s_final(&input_pool.hash, seed);
		block.counter = 0;
		blake2s(next_key, &block, seed, sizeof(next_key), sizeof(block), sizeof(seed));
		blake2s_init_key(&input_pool.hash, BLAKE2S_HASH_SIZE, next_key, sizeof(next_key));
	}
	while (len) {
		size_t i = len < BLAKE2S_HASH_SIZE ? len : BLAKE2S_HASH_SIZE;
		++block.counter;
		blake2s(out, &block, seed, i, sizeof(block), sizeof(seed));
		out += i;
		len -= i;
	}
	memzero_explicit(seed, sizeof(seed));
	memzero_explicit(next_key, sizeof(next_key));
	memzero_explicit(&block, sizeof(block));
}

/* ---- the CRNG ---- */

void crng_reseed()
{
	uint8_t key[CHACHA_KEY_SIZE];
	extract_entropy(key, sizeof(key));
	{
		lib::spin_lock_irqsave_guard g(base_crng.lock);
		lib::memcpy(base_crng.key, key, sizeof(key));
		/* ~0UL marks a per-CPU crng that never derived a key */
		if (++base_crng.generation == ~0UL)
			base_crng.generation = 0;
		WRITE_ONCE(base_crng.birth, jiffies);
	}
	memzero_explicit(key, sizeof(key));
}

/* key := first 32 bytes of the block; random_data := the next len (<= 32) */
void crng_fast_key_erasure(uint8_t key[CHACHA_KEY_SIZE], uint32_t chacha_state[CHACHA_STATE_WORDS],
                           uint8_t* random_data, size_t random_data_len)
{
	uint8_t first_block[CHACHA_BLOCK_SIZE];
	const uint32_t iv[4] = {0, 0, 0, 0};
	chacha_init(chacha_state, key, iv);
	chacha20_block(chacha_state, first_block);
	lib::memcpy(key, first_block, CHACHA_KEY_SIZE);
	lib::memcpy(random_data, first_block + CHACHA_KEY_SIZE, random_data_len);
	memzero_explicit(first_block, sizeof(first_block));
}

/* one BLAKE2s block of RDSEED/RDRAND words (each XORed with the TSC)
 * into the input pool; the bits the CPU's generator gave */
static unsigned mix_arch_entropy()
{
	unsigned long entropy[BLAKE2S_BLOCK_SIZE / sizeof(long)];
	unsigned arch_bits = 0;
	for (auto& w : entropy) {
		unsigned long v;
		if ((cpu_has_rdseed() && rdseed_long(&v)) || (cpu_has_rdrand() && rdrand_long(&v)))
			arch_bits += 8 * sizeof(long);
		else
			v = 0;
		w = v ^ rdtsc();
	}
	mix_pool_bytes(entropy, sizeof(entropy));
	memzero_explicit(entropy, sizeof(entropy));
	return arch_bits;
}

/* the first use ever: seed base_crng from what the CPU offers right now */
void random_init_early()
{
	unsigned arch_bits = 0;
	arch_bits += mix_arch_entropy();
	crng_reseed();
	if (READ_ONCE(crng_init) == CRNG_EMPTY)
		WRITE_ONCE(crng_init, CRNG_EARLY);
	(void)arch_bits; /* credited by random_init, once printk and params are up */
}

/* reseed every 60 s; during the first two minutes every uptime/2, >= 1 s */
bool crng_has_old_seed()
{
	unsigned long uptime = (jiffies - INITIAL_JIFFIES) / HZ;
	unsigned long interval = CRNG_RESEED_INTERVAL;
	if (uptime < 2 * CRNG_RESEED_INTERVAL / HZ) {
		interval = uptime / 2 * HZ;
		if (interval < CRNG_RESEED_START_INTERVAL)
			interval = CRNG_RESEED_START_INTERVAL;
	}
	return time_is_before_jiffies(READ_ONCE(base_crng.birth) + interval);
}

/* a ChaCha20 state for a request, and its first random_data_len (<= 32) bytes */
void crng_make_state(uint32_t chacha_state[CHACHA_STATE_WORDS], uint8_t* random_data, size_t random_data_len)
{
	if (READ_ONCE(crng_init) == CRNG_EMPTY) {
		static lib::spinlock early_lock;
		lib::spin_lock_irqsave_guard g(early_lock);
		if (READ_ONCE(crng_init) == CRNG_EMPTY)
			random_init_early();
	}
	/* not ready: everyone shares base_crng, erased at each use */
	if (!crng_ready()) {
		lib::spin_lock_irqsave_guard g(base_crng.lock);
		crng_fast_key_erasure(base_crng.key, chacha_state, random_data, random_data_len);
		return;
	}
	if (crng_has_old_seed())
		crng_reseed();

	unsigned long flags = arch_local_irq_save();
	crng* c = &crngs[raw_smp_processor_id()];
	unsigned long gen = ~0UL;
	{
		lib::spin_lock_guard g(base_crng.lock);
		gen = base_crng.generation;
		if (c->generation != gen) {
			crng_fast_key_erasure(base_crng.key, chacha_state, c->key, sizeof(c->key));
			c->generation = gen;
		}
	}
	crng_fast_key_erasure(c->key, chacha_state, random_data, random_data_len);
	arch_local_irq_restore(flags);
}

void _get_random_bytes(void* buf_, size_t len)
{
	uint8_t* buf = static_cast<uint8_t*>(buf_);
	uint32_t chacha_state[CHACHA_STATE_WORDS];
	uint8_t tmp[CHACHA_BLOCK_SIZE];
	if (!len)
		return;
	size_t first = len < CHACHA_KEY_SIZE ? len : CHACHA_KEY_SIZE;
	crng_make_state(chacha_state, buf, first);
	len -= first;
	buf += first;
	while (len) {
		if (len < CHACHA_BLOCK_SIZE) {
			chacha20_block(chacha_state, tmp);
			lib::memcpy(buf, tmp, len);
			memzero_explicit(tmp, sizeof(tmp));
			break;
		}
		chacha20_block(chacha_state, buf);
		if (chacha_state[12] == 0)
			++chacha_state[13];
		len -= CHACHA_BLOCK_SIZE;
		buf += CHACHA_BLOCK_SIZE;
	}
	memzero_explicit(chacha_state, sizeof(chacha_state));
}

unsigned long current_generation()
{
	lib::spin_lock_irqsave_guard g(base_crng.lock);
	return base_crng.generation;
}

template <typename T> T get_random_batched(batch<T>* batches)
{
	/* refill outside the interrupts-off section: _get_random_bytes may
	 * reseed, which takes the pool lock and hashes */
	unsigned long gen = crng_ready() ? current_generation() : ~0UL - 1;
	for (;;) {
		unsigned long flags = arch_local_irq_save();
		batch<T>* b = &batches[raw_smp_processor_id()];
		if (b->position && b->generation == gen && crng_ready()) {
			T v = b->entropy[--b->position];
			b->entropy[b->position] = 0;
			arch_local_irq_restore(flags);
			return v;
		}
		arch_local_irq_restore(flags);

		T fresh[sizeof(b->entropy) / sizeof(T)];
		_get_random_bytes(fresh, sizeof(fresh));
		if (!crng_ready()) {
			/* before READY there are no batches: one value per request */
			T v = fresh[0];
			memzero_explicit(fresh, sizeof(fresh));
			return v;
		}
		gen = current_generation();
		flags = arch_local_irq_save();
		b = &batches[raw_smp_processor_id()];
		lib::memcpy(b->entropy, fresh, sizeof(fresh));
		b->position = sizeof(fresh) / sizeof(T);
		b->generation = gen;
		arch_local_irq_restore(flags);
		memzero_explicit(fresh, sizeof(fresh));
	}
}

/* ---- seeding ---- */

void credit_init_bits(unsigned bits)
{
	unsigned before, after;
	{
		lib::spin_lock_irqsave_guard g(input_pool.lock);
		before = input_pool.init_bits;
		after = before + bits > POOL_BITS ? POOL_BITS : before + bits;
		input_pool.init_bits = after;
	}
	if (before < POOL_READY_BITS && after >= POOL_READY_BITS && READ_ONCE(crng_init) != CRNG_READY) {
		crng_reseed();
		WRITE_ONCE(crng_init, CRNG_READY);
		pr_notice("random: crng init done\n");
	}
}

/* Timing jitter: mix TSC samples taken around a little work whose length
 * depends on the cache, the host and the interrupts; one bit per sample
 * that moved (Linux's try_to_generate_entropy credits one bit per timer
 * expiry the same way). */
void try_to_generate_entropy()
{
	uint64_t last = rdtsc();
	unsigned spin = 0;
	while (!crng_ready() && !signal_pending(current)) {
		for (unsigned i = 0; i < 64 + (last & 63); i++)
			cpu_relax();
		struct {
			uint64_t cycles;
			unsigned long jiffies_now;
			unsigned spin;
		} sample{rdtsc(), jiffies, ++spin};
		mix_pool_bytes(&sample, sizeof(sample));
		if (sample.cycles != last)
			credit_init_bits(1);
		last = sample.cycles;
	}
}

unsigned long kernel_copy(void* ctx, size_t off, const void* src, size_t n)
{
	lib::memcpy(static_cast<uint8_t*>(ctx) + off, src, n);
	return 0;
}

lib::Result<void> parse_trust_cpu(std::string_view v)
{
	if (v == "on" || v == "1" || v == "y")
		trust_cpu = true;
	else if (v == "off" || v == "0" || v == "n")
		trust_cpu = false;
	else
		return lib::Error{EINVAL};
	return lib::ok();
}
} // namespace
early_param("random.trust_cpu", parse_trust_cpu);

bool crng_ready() { return READ_ONCE(crng_init) == CRNG_READY; }

void get_random_bytes(void* buf, size_t len) { _get_random_bytes(buf, len); }
uint32_t get_random_u32() { return get_random_batched(batches_u32); }
uint64_t get_random_u64() { return get_random_batched(batches_u64); }

uint32_t get_random_u32_below(uint32_t ceil)
{
	/* Lemire: the high word of a 64-bit product, rejecting the low
	 * products that would make some results more likely */
	uint64_t mult = uint64_t(ceil) * get_random_u32();
	if (uint32_t(mult) < ceil) {
		uint32_t bound = -ceil % ceil;
		while (uint32_t(mult) < bound)
			mult = uint64_t(ceil) * get_random_u32();
	}
	return uint32_t(mult >> 32);
}

void add_device_randomness(const void* buf, size_t len)
{
	uint64_t c = rdtsc();
	mix_pool_bytes(&c, sizeof(c));
	mix_pool_bytes(buf, len);
}

lib::Result<void> wait_for_random_bytes()
{
	if (!crng_ready())
		try_to_generate_entropy(); /* returns once ready, or for a signal */
	if (!crng_ready())
		return lib::Error{ERESTARTSYS}; /* Linux: wait_event_interruptible_timeout's */
	return lib::ok();
}

void random_init(const char* command_line)
{
	unsigned arch_bits = 0;
	uint32_t state[CHACHA_STATE_WORDS];
	uint8_t dummy;
	crng_make_state(state, &dummy, 0); /* random_init_early, if nobody did yet */
	memzero_explicit(state, sizeof(state));

	arch_bits += mix_arch_entropy();
	if (command_line)
		add_device_randomness(command_line, lib::strlen(command_line));

	if (trust_cpu && arch_bits >= POOL_READY_BITS)
		credit_init_bits(arch_bits);
	else
		pr_info("random: %s, collecting timing jitter\n",
		        !trust_cpu ? "random.trust_cpu=off" : "no RDSEED/RDRAND");
	try_to_generate_entropy();
}

/* getrandom's checks, in Linux's order: flags, then readiness */
static lib::Result<void> getrandom_prepare(unsigned int flags)
{
	if (flags & ~(GRND_NONBLOCK | GRND_RANDOM | GRND_INSECURE))
		return lib::Error{EINVAL};
	/* insecure and blocking at once makes no sense */
	if ((flags & (GRND_INSECURE | GRND_RANDOM)) == (GRND_INSECURE | GRND_RANDOM))
		return lib::Error{EINVAL};
	if (!crng_ready() && !(flags & GRND_INSECURE)) {
		if (flags & GRND_NONBLOCK)
			return lib::Error{EAGAIN};
		TRY(wait_for_random_bytes());
	}
	return lib::ok();
}

lib::Result<long> __getrandom(size_t len, unsigned int flags, random_copy_t copy, void* ctx)
{
	TRY(getrandom_prepare(flags));
	if (len > MAX_RW_COUNT)
		len = MAX_RW_COUNT;
	if (!len)
		return 0;

	uint32_t chacha_state[CHACHA_STATE_WORDS];
	uint8_t block[CHACHA_BLOCK_SIZE];
	size_t done = 0;
	/* the first 32 bytes come with the state; a short read needs no more */
	crng_make_state(chacha_state, block, CHACHA_KEY_SIZE);
	if (len <= CHACHA_KEY_SIZE) {
		done = len - copy(ctx, 0, block, len);
	} else {
		size_t n = CHACHA_KEY_SIZE;
		for (;;) {
			size_t left = copy(ctx, done, block, n);
			done += n - left;
			if (left || done == len)
				break;
			chacha20_block(chacha_state, block);
			if (chacha_state[12] == 0)
				++chacha_state[13];
			n = len - done < CHACHA_BLOCK_SIZE ? len - done : CHACHA_BLOCK_SIZE;
			/* Linux also stops here on a pending signal; signals are
			 * not delivered yet (the processes issue) */
			if (done % PAGE_SIZE_BYTES < CHACHA_BLOCK_SIZE)
				cond_resched();
		}
	}
	memzero_explicit(block, sizeof(block));
	memzero_explicit(chacha_state, sizeof(chacha_state));
	if (!done)
		return lib::Error{EFAULT};
	return long(done);
}

namespace
{
unsigned long user_copy(void* ctx, size_t off, const void* src, size_t n)
{
	return copy_to_user(static_cast<user_ptr<char>*>(ctx)->cast<void>() + ptrdiff_t(off), src, n);
}
} // namespace

lib::Result<long> get_random_bytes_user(user_ptr<char> buf, size_t len)
{
	if (!access_ok(buf, len > MAX_RW_COUNT ? MAX_RW_COUNT : len))
		return lib::Error{EFAULT};
	return __getrandom(len, GRND_INSECURE, user_copy, &buf);
}

SYSCALL_DEFINE3(getrandom, user_ptr<char>, buf, size_t, count, unsigned int, flags)
{
	TRY(getrandom_prepare(flags)); /* EINVAL before EFAULT, as in Linux */
	if (!access_ok(buf, count > MAX_RW_COUNT ? MAX_RW_COUNT : count))
		return lib::Error{EFAULT};
	return __getrandom(count, flags, user_copy, &buf);
}

/* for the ktests: __getrandom into kernel memory */
lib::Result<long> getrandom_kernel(void* buf, size_t len, unsigned int flags)
{
	return __getrandom(len, flags, kernel_copy, buf);
}
