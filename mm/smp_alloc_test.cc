/*
 * ktests of the page allocator and SLUB on every online CPU (mm/page_alloc.cc,
 * mm/slub.cc, mm/slab_common.cc), and the SMP allocation benchmark.
 *
 * smp_alloc.storm_*: workers on every online CPU run an allocate/free storm
 * of kmalloc objects of several sizes, objects of a cache of their own and
 * page blocks of orders 0-3.  Most of what a worker allocates goes to the
 * next worker through a single-producer/single-consumer ring, so it is
 * freed on another CPU: SLUB's __slab_free into a slab another CPU holds
 * frozen, order-0 pages filling one CPU's per-CPU list and emptying
 * another's.  Each allocation is stamped and checked when freed (two owners
 * of one object would show).  Meanwhile the test drains every CPU's page
 * list (and, with thread workers, flushes every CPU slab) back to back.
 * Before and after, every CPU slab is flushed (kmem_cache_shrink: a
 * cross-CPU call) and every page list drained; then each zone's free pages
 * and each cache's slabinfo counts must be back where they were.  Workers
 * are either a thread bound to each CPU (two on CPU 0 when it is the only
 * one), or a thread on CPU 0 plus cross-CPU calls running on the others in
 * interrupt context (GFP_ATOMIC): frees from task and interrupt context
 * racing on every CPU.  Such a
 * worker never waits without bound for CPU 0, which may be waiting for it
 * in a synchronous cross-CPU call (a TLB shootdown from a vfree).
 *
 * smp_alloc.shrink_while_every_cpu_allocates: kmem_cache_shrink back to
 * back while a bound thread per CPU allocates and frees on its CPU slab.
 * smp_alloc.shrink_destroy_and_drain_reach_every_cpu: every CPU's slab and
 * page list are reached.
 *
 * bench.smp_alloc (explicit only, tools/bench/smp-alloc.sh): kmalloc-64 and
 * order-0 page allocate+free pairs on 1, 2 and 4 CPUs at once, a worker per
 * CPU; prints total pairs/s and each CPU's ns per pair.
 */
#include <arch/processor.h>
#include <kernel/completion.h>
#include <kernel/cpumask.h>
#include <kernel/err.h>
#include <kernel/ktest.h>
#include <kernel/kthread.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/stat.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <new>

namespace
{
constexpr unsigned MAX_WORKERS = 8;

/* the n-th online CPU, wrapping around (n >= online: CPUs get a second thread) */
unsigned nth_online_cpu(unsigned n)
{
	unsigned online = num_online_cpus(), cpu, i = 0;
	n %= online;
	for_each_online_cpu(cpu)
	{
		if (i++ == n)
			return cpu;
	}
	return 0;
}

/* A thread bound to cpu, created asleep; nullptr on failure; *bound is
 * the CPU it is bound to. */
struct task_struct* bound_thread(int (*fn)(void*), void* data, unsigned cpu, const char* name, unsigned i,
                                 unsigned* bound)
{
	struct task_struct* k = kthread_create(fn, data, "%s/%u", name, i);
	if (IS_ERR(k))
		return nullptr;
	*bound = cpu;
	if (kthread_bind(k, cpu).is_err()) {
		kthread_stop(k);
		return nullptr;
	}
	return k;
}

/* after kthread_stop: until the stopped threads are released (the next
 * task to run releases a dead one), so later tests count from a quiet
 * system */
void wait_threads_released(int threads_before)
{
	for (int i = 0; i < 1000 && __atomic_load_n(&nr_threads, __ATOMIC_RELAXED) > threads_before; i++)
		msleep(1);
}

/* sleep until kthread_stop (keeps the task and its memory until the caller
 * has taken its final counts) */
int wait_for_stop(int ret)
{
	for (;;) {
		set_current_state(TASK_INTERRUPTIBLE);
		if (kthread_should_stop())
			break;
		schedule();
	}
	__set_current_state(TASK_RUNNING);
	return ret;
}

/* ---------------------------------------------------------------- storm */

enum kind : uint32_t { KMALLOC, CACHE, PAGES };
struct item {
	void* p;
	kind k;
	uint32_t arg;  /* kmalloc size or page order */
	uint64_t tag;  /* allocating CPU << 56 | worker << 48 | sequence */
};

struct ring { /* one producer, one consumer */
	static constexpr unsigned N = 64;
	item slots[N];
	unsigned head; /* consumer's */
	unsigned tail; /* producer's */
	bool push(const item& it)
	{
		unsigned t = tail;
		if (t - __atomic_load_n(&head, __ATOMIC_ACQUIRE) == N)
			return false;
		slots[t % N] = it;
		__atomic_store_n(&tail, t + 1, __ATOMIC_RELEASE);
		return true;
	}
	bool pop(item& it)
	{
		unsigned h = head;
		if (h == __atomic_load_n(&tail, __ATOMIC_ACQUIRE))
			return false;
		it = slots[h % N];
		__atomic_store_n(&head, h + 1, __ATOMIC_RELEASE);
		return true;
	}
};

constexpr unsigned storm_sizes[] = {8, 64, 96, 192, 512, 2048};

struct storm {
	struct kmem_cache* cache;
	unsigned nworkers;
	unsigned iters;
	ring inbox[MAX_WORKERS];
	int finished;                 /* workers done */
	int consumer_gone[MAX_WORKERS]; /* worker i reads inbox[i] no more */
	unsigned ipi_cpu[MAX_WORKERS]; /* where workers 1.. run in cross-CPU calls (0: threads) */
	int ipi_errors;
	long allocs, frees, remote_frees, failures, corruptions;
};

struct storm_worker {
	struct storm* st;
	unsigned index;
	uint32_t rng;
	bool irq; /* runs in a cross-CPU call (hard interrupt context) */
};

storm the_storm;
storm_worker storm_workers[MAX_WORKERS];

uint32_t next_rand(uint32_t& x)
{
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	return x;
}

size_t item_bytes(const item& it, const storm* st)
{
	return it.k == KMALLOC ? it.arg : it.k == CACHE ? st->cache->object_size : PAGE_SIZE << it.arg;
}

void stamp(const item& it, const storm* st)
{
	auto* b = static_cast<uint8_t*>(it.p);
	lib::memcpy(b, &it.tag, 8);
	lib::memcpy(b + item_bytes(it, st) - 8, &it.tag, 8);
}

bool stamp_ok(const item& it, const storm* st)
{
	const auto* b = static_cast<const uint8_t*>(it.p);
	uint64_t a, z;
	lib::memcpy(&a, b, 8);
	lib::memcpy(&z, b + item_bytes(it, st) - 8, 8);
	return a == it.tag && z == it.tag;
}

void count(long& counter)
{
	__atomic_fetch_add(&counter, 1, __ATOMIC_RELAXED);
}

bool storm_alloc(storm_worker* w, item& it, unsigned seq)
{
	storm* st = w->st;
	uint32_t r = next_rand(w->rng) % 100;
	if (r < 45) {
		it.k = KMALLOC;
		it.arg = storm_sizes[next_rand(w->rng) % (sizeof(storm_sizes) / sizeof(storm_sizes[0]))];
		it.p = kmalloc(it.arg, w->irq ? GFP_ATOMIC : GFP_KERNEL);
	} else if (r < 60) {
		it.k = CACHE;
		it.arg = 0;
		it.p = kmem_cache_alloc(st->cache, w->irq ? GFP_ATOMIC : GFP_KERNEL);
	} else {
		uint32_t o = next_rand(w->rng) % 10;
		it.k = PAGES;
		it.arg = o < 6 ? 0 : o < 8 ? 1 : o < 9 ? 2 : 3;
		struct page* page = alloc_pages(w->irq ? GFP_ATOMIC : GFP_KERNEL, it.arg);
		it.p = page ? page_address(page) : nullptr;
	}
	if (!it.p) {
		count(st->failures);
		return false;
	}
	it.tag = uint64_t(raw_smp_processor_id()) << 56 | uint64_t(w->index) << 48 | seq;
	stamp(it, st);
	count(st->allocs);
	return true;
}

void storm_free(storm_worker* w, const item& it)
{
	storm* st = w->st;
	if (!stamp_ok(it, st))
		count(st->corruptions);
	if (unsigned(it.tag >> 56) != raw_smp_processor_id())
		count(st->remote_frees);
	if (it.k == KMALLOC)
		kfree(it.p);
	else if (it.k == CACHE)
		kmem_cache_free(st->cache, it.p);
	else
		free_pages(reinterpret_cast<unsigned long>(it.p), it.arg);
	count(st->frees);
}

/* wait for the other threads: in interrupt context by spinning (each
 * worker is then alone on its CPU), in a thread by yielding */
void storm_wait(storm_worker* w)
{
	if (w->irq)
		cpu_relax();
	else
		yield();
}

void storm_run(storm_worker* w)
{
	storm* st = w->st;
	ring& out = st->inbox[(w->index + 1) % st->nworkers];
	ring& in = st->inbox[w->index];
	item local[16];
	unsigned nlocal = 0;
	bool stuck = false; /* the next worker did not move for a long while: don't wait */
	auto drain_inbox = [&] {
		item got;
		while (in.pop(got))
			storm_free(w, got);
	};
	for (unsigned i = 0; i < st->iters; i++) {
		item it;
		if (storm_alloc(w, it, i)) {
			if (next_rand(w->rng) % 8 == 0 && nlocal < 16) {
				local[nlocal++] = it;
			} else {
				/* the next worker is behind: free our own inbox meanwhile
				 * (every waiter drains, so no cycle of waiters), but not
				 * for ever: a worker in interrupt context must not wait
				 * on a CPU that may itself wait for it (a synchronous
				 * cross-CPU call from there).  After 100 ms without
				 * room, free here, and only try once per object until
				 * the ring has room again */
				unsigned next = (w->index + 1) % st->nworkers;
				bool sent = out.push(it);
				uint64_t give_up = 0;
				while (!sent && !stuck && !__atomic_load_n(&st->consumer_gone[next], __ATOMIC_ACQUIRE)) {
					drain_inbox();
					storm_wait(w);
					sent = out.push(it);
					uint64_t now = local_clock();
					if (!give_up)
						give_up = now + 100000000;
					stuck = !sent && now > give_up;
				}
				stuck &= !sent;
				if (!sent)
					storm_free(w, it);
			}
		}
		if (nlocal && (nlocal == 16 || next_rand(w->rng) % 4 == 0)) {
			unsigned k = next_rand(w->rng) % nlocal;
			storm_free(w, local[k]);
			local[k] = local[--nlocal];
		}
		if (i % 4 == 0)
			drain_inbox();
		if (i % 64 == 0 && !w->irq)
			cond_resched(); /* several threads may share a CPU */
	}
	while (nlocal)
		storm_free(w, local[--nlocal]);
	__atomic_store_n(&st->consumer_gone[w->index], 1, __ATOMIC_RELEASE);
	drain_inbox();
	/* what the previous worker still sends, the test frees once every
	 * worker is done (it is then the rings' only user) */
	__atomic_fetch_add(&st->finished, 1, __ATOMIC_RELEASE);
}

/* after every worker finished: free what is left in the rings */
void storm_leftovers(storm* st)
{
	storm_worker self = {st, MAX_WORKERS, 1, false};
	for (unsigned i = 0; i < st->nworkers; i++) {
		item got;
		while (st->inbox[i].pop(got))
			storm_free(&self, got);
	}
}

/* a worker on another CPU, in its CALL_FUNCTION_SINGLE interrupt */
void storm_ipi(void* info)
{
	storm_run(static_cast<storm_worker*>(info));
}

int storm_fn(void* data)
{
	auto* w = static_cast<storm_worker*>(data);
	storm* st = w->st;
	/* worker 0, bound to its CPU, starts the interrupt-context workers on
	 * the other CPUs: never on its own (a call to oneself runs at once,
	 * here, and would wait for workers not started yet) */
	for (unsigned i = 1; w->index == 0 && i < st->nworkers; i++) {
		if (!st->ipi_cpu[i])
			continue;
		if (st->ipi_cpu[i] == raw_smp_processor_id() ||
		    smp_call_function_single(int(st->ipi_cpu[i]), storm_ipi, &storm_workers[i], 0).is_err()) {
			__atomic_fetch_add(&st->ipi_errors, 1, __ATOMIC_RELAXED);
			__atomic_fetch_add(&st->finished, st->nworkers, __ATOMIC_RELEASE); /* the test ends */
			return wait_for_stop(-1);
		}
	}
	storm_run(w);
	return wait_for_stop(0);
}

/* the counts that must come back: free pages per zone, per cache slabinfo */
struct alloc_counts {
	unsigned long zone_free[MAX_NUMNODES][MAX_NR_ZONES]; /* buddy lists + per-CPU lists */
	unsigned long pcp_pages;                             /* per-CPU lists alone */
	unsigned long active_objs[16], num_objs[16], num_slabs[16];
};

void quiesce(struct kmem_cache* const* caches, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		kmem_cache_shrink(caches[i]); /* every CPU's slab, by cross-CPU call */
	drain_all_pages();                    /* every CPU's page list */
}

void take_counts(alloc_counts* c, struct kmem_cache* const* caches, unsigned n)
{
	*c = {};
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++)
		if (NODE_DATA(nid))
			for (unsigned z = 0; z < MAX_NR_ZONES; z++)
			{
				struct zone* zone = &NODE_DATA(nid)->node_zones[z];
				c->zone_free[nid][z] = zone_nr_free(zone) + zone_pcp_pages(zone);
				c->pcp_pages += zone_pcp_pages(zone);
			}
	for (unsigned i = 0; i < n; i++) {
		struct slabinfo info;
		get_slabinfo(caches[i], &info);
		c->active_objs[i] = info.active_objs;
		c->num_objs[i] = info.num_objs;
		c->num_slabs[i] = info.num_slabs;
	}
}
} // namespace

namespace
{
/*
 * One storm.  ipi: worker 0 is a thread on CPU 0 and every other online
 * CPU runs a worker in a cross-CPU call (interrupt context, GFP_ATOMIC).
 * Else: a thread bound to each online CPU (two threads when only one CPU).
 */
void run_storm(ktest& __ktest, bool ipi)
{
	storm* st = &the_storm;
	new (st) storm{};
	unsigned online = num_online_cpus();
	if (ipi && online < 2)
		ipi = false; /* a CPU cannot interrupt itself to run a second worker */
	st->nworkers = online < 2 ? 2 : online > MAX_WORKERS ? MAX_WORKERS : online;
	st->iters = 3000;
	st->cache = kmem_cache_create("smp_alloc_200", 200, 0, SLAB_NO_MERGE, nullptr);
	KASSERT_TRUE(st->cache != nullptr);

	struct kmem_cache* caches[16];
	unsigned ncaches = 0;
	caches[ncaches++] = st->cache;
	for (unsigned size : storm_sizes)
		caches[ncaches++] = kmalloc_slab(size, GFP_KERNEL);

	int threads_before = nr_threads;
	struct task_struct* ks[MAX_WORKERS] = {};
	unsigned cpu_of[MAX_WORKERS] = {};
	bool created = true;
	for (unsigned i = 0; i < st->nworkers; i++) {
		storm_workers[i] = {st, i, 0x9e3779b9u * (i + 1), ipi && i > 0};
		if (storm_workers[i].irq)
			cpu_of[i] = st->ipi_cpu[i] = nth_online_cpu(i); /* i > 0: not the first CPU */
		else
			created &= (ks[i] = bound_thread(storm_fn, &storm_workers[i], ipi ? 0 : nth_online_cpu(i),
			                                 "ktest-storm", i, &cpu_of[i])) != nullptr;
	}
	if (!created) {
		for (auto* k : ks)
			if (k)
				kthread_stop(k);
		kmem_cache_destroy(st->cache);
		KASSERT_TRUE(created);
	}
	unsigned cpus_used = 0;
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		for (unsigned i = 0; i < st->nworkers; i++)
			if (cpu_of[i] == cpu) {
				cpus_used++;
				break;
			}

	/* after the threads exist (their creation allocates), before they run */
	static alloc_counts before, after;
	quiesce(caches, ncaches);
	take_counts(&before, caches, ncaches);

	uint64_t t0 = local_clock();
	for (unsigned i = st->nworkers; i-- > 0;)
		if (ks[i])
			wake_up_process(ks[i]);
	/* meanwhile, from here: drain every CPU's page list (under its lock,
	 * while its owner uses it), and flush every CPU's slab (cross-CPU
	 * calls; not while CPUs sit in the storm with interrupts off) */
	unsigned long drains = 0;
	while (__atomic_load_n(&st->finished, __ATOMIC_ACQUIRE) < int(st->nworkers)) {
		drain_all_pages();
		if (!ipi) {
			kmem_cache_shrink(st->cache);
			kmem_cache_shrink(kmalloc_slab(64, GFP_KERNEL));
		}
		/* back to back (the race windows are a few instructions wide),
		 * with a nap now and then for the workers sharing our CPU (every
		 * time when it is worker 0, on whom the others depend) */
		if (++drains % 16 == 0 || ipi)
			msleep(1);
		else
			cond_resched();
	}
	storm_leftovers(st);
	uint64_t t1 = local_clock();

	quiesce(caches, ncaches);
	take_counts(&after, caches, ncaches);
	for (unsigned i = 0; i < st->nworkers; i++)
		if (ks[i])
			KEXPECT_EQ(kthread_stop(ks[i]), 0);
	wait_threads_released(threads_before);
	KASSERT_EQ(st->ipi_errors, 0);

	KEXPECT_EQ(st->failures, 0);
	KEXPECT_EQ(st->corruptions, 0);
	KEXPECT_EQ(st->allocs, st->frees);
	KEXPECT_GT(st->allocs, long(st->nworkers * st->iters * 9 / 10));
	if (cpus_used > 1) /* most cross a CPU (the next worker's) unless the host starves a vCPU */
		KEXPECT_GT(st->remote_frees, 0);
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++)
		for (unsigned z = 0; z < MAX_NR_ZONES; z++)
			KEXPECT_EQ(after.zone_free[nid][z], before.zone_free[nid][z]);
	KEXPECT_EQ(after.pcp_pages, 0ul); /* drained, every CPU's list */
	for (unsigned i = 0; i < ncaches; i++) {
		KEXPECT_EQ(after.active_objs[i], before.active_objs[i]);
		KEXPECT_EQ(after.num_objs[i], before.num_objs[i]);
		KEXPECT_EQ(after.num_slabs[i], before.num_slabs[i]);
	}
	printk(KERN_INFO "    # storm: %u workers (%s) on %u of %u CPUs, %ld allocations, %ld freed on another CPU, "
	                 "%lu concurrent drains%s, %llu ms\n",
	       st->nworkers, ipi ? "a thread on CPU 0, cross-CPU calls elsewhere" : "bound threads", cpus_used,
	       online, st->allocs, st->remote_frees, drains, ipi ? "" : " and shrinks",
	       (unsigned long long)((t1 - t0) / 1000000));
	kmem_cache_destroy(st->cache);
}
} // namespace

KTEST(smp_alloc, storm_of_bound_threads_hands_objects_across_and_counts_come_back)
{
	run_storm(__ktest, false);
}

/* the other CPUs allocate and free in interrupt context (GFP_ATOMIC) while
 * CPU 0's thread does in task context */
KTEST(smp_alloc, storm_in_interrupts_on_other_cpus_and_counts_come_back)
{
	run_storm(__ktest, true);
}

namespace
{
/* each CPU's active slab of a cache, and its page list, left non-empty */
int touch_fn(void* data)
{
	auto* s = static_cast<struct kmem_cache*>(data);
	kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	free_page(__get_free_page(GFP_KERNEL));
	return wait_for_stop(int(raw_smp_processor_id()));
}
} // namespace

namespace
{
struct shrink_race {
	struct kmem_cache* cache;
	int stop;
	int running;
	long allocs, frees, failures, corruptions;
};
shrink_race the_shrink_race;

/* allocate 8, stamp, check, free; until told to stop */
int shrink_race_fn(void* data)
{
	auto* r = static_cast<shrink_race*>(data);
	uint64_t tag = uint64_t(raw_smp_processor_id()) << 56;
	__atomic_fetch_add(&r->running, 1, __ATOMIC_RELAXED);
	while (!__atomic_load_n(&r->stop, __ATOMIC_ACQUIRE)) {
		void* objs[8];
		for (auto& o : objs) {
			o = kmem_cache_alloc(r->cache, GFP_KERNEL);
			if (!o) {
				count(r->failures);
				continue;
			}
			count(r->allocs);
			lib::memcpy(o, &++tag, 8);
			lib::memcpy(static_cast<uint8_t*>(o) + r->cache->object_size - 8, &tag, 8);
		}
		for (unsigned i = 8; i-- > 0;) {
			if (!objs[i])
				continue;
			uint64_t a, z, want = tag - (7 - i);
			lib::memcpy(&a, objs[i], 8);
			lib::memcpy(&z, static_cast<uint8_t*>(objs[i]) + r->cache->object_size - 8, 8);
			if (a != z || (objs[7] && a != want))
				count(r->corruptions);
			kmem_cache_free(r->cache, objs[i]);
			count(r->frees);
		}
		cond_resched();
	}
	return wait_for_stop(0);
}
} // namespace

/*
 * kmem_cache_shrink back to back while a bound thread on every CPU
 * allocates and frees on its CPU slab: each shrink asks every CPU to give
 * its slab back (a cross-CPU call), which must never tear the owner's
 * fast path (a flush that reached into another CPU's kmem_cache_cpu would
 * hand out objects twice or lose them).  On one usable CPU it only checks
 * the counts.
 */
KTEST(smp_alloc, shrink_while_every_cpu_allocates)
{
	shrink_race* r = &the_shrink_race;
	*r = {};
	r->cache = kmem_cache_create("smp_alloc_shrink", 96, 0, SLAB_NO_MERGE, nullptr);
	KASSERT_TRUE(r->cache != nullptr);
	unsigned online = num_online_cpus();
	unsigned n = online > MAX_WORKERS ? MAX_WORKERS : online;
	int threads_before = nr_threads;
	struct task_struct* ks[MAX_WORKERS] = {};
	unsigned cpus_used = 0;
	for (unsigned i = 0; i < n; i++) {
		unsigned got;
		ks[i] = bound_thread(shrink_race_fn, r, nth_online_cpu(i), "ktest-shrink", i, &got);
		KASSERT_TRUE(ks[i] != nullptr);
		cpus_used += got == nth_online_cpu(i) ? 1 : 0;
	}
	struct slabinfo before, after;
	kmem_cache_shrink(r->cache);
	get_slabinfo(r->cache, &before);
	for (unsigned i = n; i-- > 0;)
		wake_up_process(ks[i]);
	while (__atomic_load_n(&r->running, __ATOMIC_RELAXED) < int(n))
		msleep(1);
	unsigned shrinks = 0;
	for (; shrinks < 400; shrinks++) {
		kmem_cache_shrink(r->cache);
		if (shrinks % 64 == 63)
			msleep(1); /* the workers on our CPU get their turn */
	}
	__atomic_store_n(&r->stop, 1, __ATOMIC_RELEASE);
	for (unsigned i = 0; i < n; i++)
		KEXPECT_EQ(kthread_stop(ks[i]), 0);
	wait_threads_released(threads_before);
	kmem_cache_shrink(r->cache);
	get_slabinfo(r->cache, &after);
	KEXPECT_EQ(r->failures, 0);
	KEXPECT_EQ(r->corruptions, 0);
	KEXPECT_EQ(r->allocs, r->frees);
	KEXPECT_EQ(after.active_objs, before.active_objs);
	KEXPECT_EQ(after.num_slabs, 0ul);
	printk(KERN_INFO "    # shrink race: %u threads on %u CPUs, %u shrinks, %ld allocations\n", n, cpus_used,
	       shrinks, r->allocs);
	kmem_cache_destroy(r->cache);
}

/* kmem_cache_shrink and kmem_cache_destroy reach the CPU slabs of every CPU
 * (a cross-CPU call to each), drain_all_pages every CPU's page list */
KTEST(smp_alloc, shrink_destroy_and_drain_reach_every_cpu)
{
	struct kmem_cache* s = kmem_cache_create("smp_alloc_flush", 64, 0, SLAB_NO_MERGE, nullptr);
	KASSERT_TRUE(s != nullptr);
	unsigned online = num_online_cpus();
	int threads_before = nr_threads;
	struct task_struct* ks[MAX_WORKERS] = {};
	unsigned n = online > MAX_WORKERS ? MAX_WORKERS : online;
	/* debug caches (slub_debug=) have no CPU slabs: every object goes
	 * through the node lists */
	bool cpu_slabs = !(s->flags & SLAB_DEBUG_FLAGS);
	unsigned cpu_of[MAX_WORKERS], distinct = 0;
	for (unsigned i = 0; i < n; i++) {
		ks[i] = bound_thread(touch_fn, s, nth_online_cpu(i), "ktest-touch", i, &cpu_of[i]);
		KASSERT_TRUE(ks[i] != nullptr);
		bool seen = false;
		for (unsigned j = 0; j < i; j++)
			seen |= cpu_of[j] == cpu_of[i];
		distinct += !seen;
		wake_up_process(ks[i]);
	}
	/* each has run once it sits in its wait loop */
	for (unsigned i = 0; i < n; i++)
		while (READ_TASK_STATE(ks[i]) != TASK_INTERRUPTIBLE)
			msleep(1);
	unsigned with_slab = 0, cpu;
	for_each_online_cpu(cpu) with_slab += __atomic_load_n(&s->cpu_slab[cpu].page, __ATOMIC_RELAXED) != nullptr;
	KEXPECT_EQ(with_slab, cpu_slabs ? distinct : 0);
	struct slabinfo info;
	get_slabinfo(s, &info);
	if (cpu_slabs)
		KEXPECT_EQ(info.num_slabs, (unsigned long)distinct); /* one CPU slab each */

	kmem_cache_shrink(s);
	with_slab = 0;
	for_each_online_cpu(cpu) with_slab += __atomic_load_n(&s->cpu_slab[cpu].page, __ATOMIC_RELAXED) != nullptr;
	KEXPECT_EQ(with_slab, 0u);
	get_slabinfo(s, &info);
	KEXPECT_EQ(info.num_slabs, 0ul);
	KEXPECT_EQ(info.active_objs, 0ul);

	drain_all_pages();
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat) for (auto& z : pgdat->node_zones) KEXPECT_EQ(zone_pcp_pages(&z), 0ul);

	for (unsigned i = 0; i < n; i++)
		KEXPECT_EQ(kthread_stop(ks[i]), int(cpu_of[i]));
	wait_threads_released(threads_before);
	kmem_cache_destroy(s);
}

/* ------------------------------------------------------------ benchmark */

namespace
{
struct bench_run {
	unsigned ncpus;
	long iters;
	bool pages; /* order-0 pages, else kmalloc-64 */
	unsigned cpu[MAX_WORKERS];
	int ready, finished;
	uint64_t start[MAX_WORKERS], end[MAX_WORKERS];
};
struct bench_worker {
	bench_run* run;
	unsigned index;
};
bench_run the_bench;
bench_worker bench_workers[MAX_WORKERS];

void bench_body(bench_worker* w)
{
	bench_run* r = w->run;
	gfp_t gfp = GFP_KERNEL;
	for (int i = 0; i < 1000; i++) { /* warm the CPU slab and the page list */
		if (r->pages)
			__free_pages(alloc_pages(gfp, 0), 0);
		else
			kfree(kmalloc(64, gfp));
	}
	/* start together: every worker is on a CPU of its own.  Not waiting
	 * for ever: a late worker must not hold the others past 100 ms */
	__atomic_fetch_add(&r->ready, 1, __ATOMIC_ACQ_REL);
	uint64_t deadline = local_clock() + 100000000; /* 100 ms */
	while (__atomic_load_n(&r->ready, __ATOMIC_ACQUIRE) < int(r->ncpus) && local_clock() < deadline)
		cpu_relax();
	uint64_t t0 = local_clock();
	if (r->pages) {
		for (long i = 0; i < r->iters; i++)
			__free_pages(alloc_pages(gfp, 0), 0);
	} else {
		for (long i = 0; i < r->iters; i++) {
			void* p = kmalloc(64, gfp);
			asm volatile("" : : "r"(p) : "memory");
			kfree(p);
		}
	}
	r->end[w->index] = local_clock();
	r->start[w->index] = t0;
	__atomic_fetch_add(&r->finished, 1, __ATOMIC_RELEASE);
}

int bench_fn(void* data)
{
	bench_body(static_cast<bench_worker*>(data));
	return wait_for_stop(0);
}

void bench_once(ktest& __ktest, unsigned ncpus, bool pages, long iters)
{
	bench_run* r = &the_bench;
	new (r) bench_run{};
	int threads_before = nr_threads;
	r->ncpus = ncpus;
	r->iters = iters;
	r->pages = pages;
	for (unsigned i = 0; i < ncpus; i++) {
		r->cpu[i] = nth_online_cpu(i);
		bench_workers[i] = {r, i};
	}
	struct task_struct* ks[MAX_WORKERS] = {};
	/* a bound thread per CPU */
	for (unsigned i = 0; i < ncpus; i++) {
		unsigned got;
		ks[i] = bound_thread(bench_fn, &bench_workers[i], r->cpu[i], "bench-alloc", i, &got);
		KASSERT_TRUE(ks[i] != nullptr);
	}
	unsigned nthreads = ncpus;
	/* CPU 0's thread last: it would spin at the start line where we run */
	for (unsigned i = nthreads; i-- > 0;)
		wake_up_process(ks[i]);
	while (__atomic_load_n(&r->finished, __ATOMIC_ACQUIRE) < int(ncpus))
		msleep(1);
	int bad = 0;
	for (unsigned i = 0; i < nthreads; i++)
		bad += kthread_stop(ks[i]) != 0;
	wait_threads_released(threads_before);
	KASSERT_EQ(bad, 0);
	uint64_t first = ~0ULL, last = 0;
	char per_cpu[160];
	size_t n = 0;
	per_cpu[0] = '\0';
	for (unsigned i = 0; i < ncpus; i++) {
		first = r->start[i] < first ? r->start[i] : first;
		last = r->end[i] > last ? r->end[i] : last;
		uint64_t ps = (r->end[i] - r->start[i]) * 1000 / uint64_t(iters);
		n += lib::scnprintf(per_cpu + n, sizeof(per_cpu) - n, "%s%llu.%llu", i ? " " : "",
		                    (unsigned long long)(ps / 1000), (unsigned long long)(ps % 1000 / 100));
	}
	uint64_t ns = last - first ? last - first : 1;
	unsigned long long ops_per_s = (unsigned long long)(uint64_t(iters) * ncpus * 1000000000ULL / ns);
	printk(KERN_INFO "# bench: smp %s alloc+free pairs, %u CPU%s (bound threads): %llu pairs/s total; ns/pair per "
	                 "CPU: %s\n",
	       pages ? "order-0 page" : "kmalloc-64", ncpus, ncpus > 1 ? "s" : "", ops_per_s, per_cpu);
}
} // namespace

/* kmalloc-64 and order-0 pages on 1, 2 and 4 CPUs at once (as many as are
 * online); each CPU on its own per-CPU slab and page list */
KTEST_EXPLICIT_ONLY(bench, smp_alloc)
{
	const unsigned counts[] = {1, 2, 4};
	for (unsigned ncpus : counts) {
		if (ncpus > num_online_cpus()) {
			printk(KERN_INFO "# bench: smp %u CPUs: skipped, %u online\n", ncpus, num_online_cpus());
			continue;
		}
		bench_once(__ktest, ncpus, false, 200000);
		bench_once(__ktest, ncpus, true, 200000);
	}
}
