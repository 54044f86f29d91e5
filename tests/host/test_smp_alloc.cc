// Host tests of the page allocator and SLUB on many CPUs: real std::threads,
// each playing one CPU (host_cpu = i), on the simulated 32 MiB machine of
// sim_machine.h.  The host has no interrupts, so the kernel's "interrupts
// off on my CPU" sections are no-ops here and the threads really race: each
// thread touches only its own CPU's per-CPU data (pageset[cpu], cpu_slab[cpu])
// as in the kernel, and everything shared goes through the allocator's locks.
//
// Objects and page blocks are handed from thread to thread through
// single-producer/single-consumer rings, so most frees happen on another
// CPU than the allocation (SLUB's __slab_free into a slab another CPU has
// frozen, the page allocator's per-CPU lists filling on one CPU and
// emptying on another).  At the end every counter is back where it started.
//
// Deterministic single-thread tests of the same paths switch host_cpu on one
// thread (legitimate: only one CPU runs at a time).
#include <mm/page_alloc.h>
#include <mm/slab.h>

#include "host_env.h"
#include "sim_machine.h"

#include <gtest/gtest.h>

#include <atomic>
#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <thread>
#include <vector>

namespace
{

constexpr unsigned NCPUS = 4;

// A machine with n CPUs: nr_cpu_ids is raised before the zones' per-CPU
// lists and the caches' CPU slabs are sized, as setup_arch does before mm init.
struct SmpMachine {
	std::unique_ptr<Machine> m;
	explicit SmpMachine(unsigned cpus, bool with_slab = true)
	{
		host_cpu = 0;
		host_set_nr_cpus(cpus);
		m = std::make_unique<Machine>();
		if (with_slab) {
			kmem_cache_reset_for_test();
			kmem_cache_init();
		}
	}
	~SmpMachine()
	{
		kmem_cache_reset_for_test();
		m.reset();
		host_set_nr_cpus(1);
		host_cpu = 0;
	}
};

// what a quiet machine looks like: free pages per zone (buddy lists plus
// per-CPU lists) and, per cache, slabinfo's counts and the partial lists
struct Snapshot {
	unsigned long zone_free[MAX_NR_ZONES];
	unsigned long zone_pcp[MAX_NR_ZONES];
	struct cache_counts {
		unsigned long active_objs, num_objs, num_slabs, nr_partial;
	};
	std::vector<cache_counts> caches;
	unsigned long slab_pages;
};

Snapshot snapshot(Machine& m, const std::vector<struct kmem_cache*>& caches)
{
	Snapshot s{};
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		s.zone_free[z] = zone_nr_free(&m.pgdat->node_zones[z]);
		s.zone_pcp[z] = zone_pcp_pages(&m.pgdat->node_zones[z]);
	}
	for (auto* c : caches) {
		struct slabinfo info;
		get_slabinfo(c, &info);
		s.caches.push_back({info.active_objs, info.num_objs, info.num_slabs, c->node[0]->nr_partial});
	}
	s.slab_pages = slab_unreclaimable_pages() + slab_reclaimable_pages();
	return s;
}

// every CPU slab flushed, empty slabs and per-CPU pages back to the buddy lists
void quiesce(const std::vector<struct kmem_cache*>& caches)
{
	for (auto* c : caches)
		kmem_cache_shrink(c);
	drain_all_pages();
}

void expect_same(const Snapshot& a, const Snapshot& b, const std::vector<struct kmem_cache*>& caches)
{
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		EXPECT_EQ(a.zone_free[z] + a.zone_pcp[z], b.zone_free[z] + b.zone_pcp[z]) << zone_names[z];
		EXPECT_EQ(b.zone_pcp[z], 0u) << zone_names[z] << ": drained";
	}
	for (size_t i = 0; i < caches.size(); i++) {
		EXPECT_EQ(a.caches[i].active_objs, b.caches[i].active_objs) << caches[i]->name;
		EXPECT_EQ(a.caches[i].num_objs, b.caches[i].num_objs) << caches[i]->name;
		EXPECT_EQ(a.caches[i].num_slabs, b.caches[i].num_slabs) << caches[i]->name;
		EXPECT_EQ(a.caches[i].nr_partial, b.caches[i].nr_partial) << caches[i]->name;
	}
	EXPECT_EQ(a.slab_pages, b.slab_pages);
}

// the buddy lists agree with the counters and hold only free-block heads
void check_free_lists(Machine& m)
{
	for (auto& z : m.pgdat->node_zones) {
		unsigned long pages = 0;
		for (unsigned o = 0; o < MAX_ORDER; o++) {
			unsigned long n = 0;
			struct page* p;
			list_for_each_entry(p, &z.free_area[o].free_list, lru) {
				ASSERT_TRUE(PageBuddy(p));
				ASSERT_EQ(p->private_, o);
				n++;
			}
			ASSERT_EQ(n, z.free_area[o].nr_free) << z.name << " order " << o;
			pages += n << o;
		}
		ASSERT_EQ(pages, zone_nr_free(&z)) << z.name;
		for (unsigned cpu = 0; cpu < nr_cpu_ids; cpu++) {
			int n = 0;
			lib::list_head* l;
			list_for_each(l, &z.pageset[cpu].list)
				n++;
			ASSERT_EQ(n, z.pageset[cpu].count) << z.name << " cpu " << cpu;
		}
	}
}

// ---- the hand-over rings ----

enum Kind : uint32_t { KMALLOC, CACHE, PAGES };
struct Item {
	void* p;
	Kind kind;
	uint32_t arg; // kmalloc size, or page order
	uint64_t tag; // written into the memory by the allocating thread
};

struct Ring { // one producer, one consumer
	static constexpr unsigned N = 256;
	Item slots[N];
	alignas(64) std::atomic<unsigned> head{0}; // consumer's
	alignas(64) std::atomic<unsigned> tail{0}; // producer's
	bool push(const Item& it)
	{
		unsigned t = tail.load(std::memory_order_relaxed);
		if (t - head.load(std::memory_order_acquire) == N)
			return false;
		slots[t % N] = it;
		tail.store(t + 1, std::memory_order_release);
		return true;
	}
	bool pop(Item& it)
	{
		unsigned h = head.load(std::memory_order_relaxed);
		if (h == tail.load(std::memory_order_acquire))
			return false;
		it = slots[h % N];
		head.store(h + 1, std::memory_order_release);
		return true;
	}
};

struct Storm {
	struct kmem_cache* cache = nullptr;
	Ring inbox[NCPUS];
	std::atomic<bool> producer_done[NCPUS] = {};
	std::atomic<long> allocs{0}, frees{0}, remote_frees{0}, failures{0}, corruptions{0};
	std::atomic<bool> go{false};
};

constexpr unsigned kmalloc_sizes[] = {8, 24, 64, 96, 192, 256, 1000, 2048, 8192};

size_t item_bytes(const Item& it, const Storm& st)
{
	switch (it.kind) {
	case KMALLOC:
		return it.arg;
	case CACHE:
		return st.cache->object_size;
	default:
		return PAGE_SIZE << it.arg;
	}
}

// stamp the first and last 8 bytes: another owner of the same memory shows
void stamp(const Item& it, const Storm& st)
{
	size_t n = item_bytes(it, st);
	auto* b = static_cast<uint8_t*>(it.p);
	std::memcpy(b, &it.tag, 8);
	std::memcpy(b + n - 8, &it.tag, 8);
}

bool stamp_ok(const Item& it, const Storm& st)
{
	size_t n = item_bytes(it, st);
	auto* b = static_cast<const uint8_t*>(it.p);
	uint64_t a, z;
	std::memcpy(&a, b, 8);
	std::memcpy(&z, b + n - 8, 8);
	return a == it.tag && z == it.tag;
}

bool allocate(Item& it, Storm& st, std::mt19937& rng, unsigned cpu, uint64_t seq)
{
	unsigned r = rng() % 100;
	if (r < 45) {
		it.kind = KMALLOC;
		it.arg = kmalloc_sizes[rng() % (sizeof(kmalloc_sizes) / sizeof(kmalloc_sizes[0]))];
		it.p = kmalloc(it.arg, GFP_KERNEL);
	} else if (r < 60) {
		it.kind = CACHE;
		it.arg = 0;
		it.p = kmem_cache_alloc(st.cache, GFP_KERNEL);
	} else {
		unsigned o = rng() % 10;
		it.kind = PAGES;
		it.arg = o < 6 ? 0 : o < 8 ? 1 : o < 9 ? 2 : 3;
		struct page* page = alloc_pages(GFP_KERNEL, it.arg);
		it.p = page ? page_address(page) : nullptr;
	}
	if (!it.p) {
		st.failures++;
		return false;
	}
	it.tag = uint64_t(cpu) << 56 | seq;
	stamp(it, st);
	st.allocs++;
	return true;
}

void release(const Item& it, Storm& st, unsigned cpu)
{
	if (!stamp_ok(it, st))
		st.corruptions++;
	if (unsigned(it.tag >> 56) != cpu)
		st.remote_frees++;
	switch (it.kind) {
	case KMALLOC:
		kfree(it.p);
		break;
	case CACHE:
		kmem_cache_free(st.cache, it.p);
		break;
	case PAGES:
		free_pages(reinterpret_cast<unsigned long>(it.p), it.arg);
		break;
	}
	st.frees++;
}

// One CPU: allocate, hand most to the next CPU, free what the previous CPU
// handed over; a few stay local for a while (partial slabs, local frees).
void storm_cpu(Storm& st, unsigned cpu, unsigned ncpus, unsigned iters)
{
	host_cpu = cpu;
	std::mt19937 rng(1234 + cpu);
	std::vector<Item> local;
	Ring& out = st.inbox[(cpu + 1) % ncpus];
	Ring& in = st.inbox[cpu];
	while (!st.go.load(std::memory_order_acquire))
		std::this_thread::yield();
	auto drain_inbox = [&] {
		Item got;
		while (in.pop(got))
			release(got, st, cpu);
	};
	for (unsigned i = 0; i < iters; i++) {
		Item it;
		if (allocate(it, st, rng, cpu, i)) {
			if (rng() % 8 == 0) {
				local.push_back(it);
			} else {
				/* the next CPU's inbox is full: empty ours while it catches
				 * up (every CPU drains while it waits: no cycle of waiters) */
				while (!out.push(it)) {
					drain_inbox();
					std::this_thread::yield();
				}
			}
		}
		if (local.size() > 32 || (!local.empty() && rng() % 4 == 0)) {
			size_t k = rng() % local.size();
			release(local[k], st, cpu);
			local[k] = local.back();
			local.pop_back();
		}
		if (i % 4 == 0)
			drain_inbox();
	}
	for (auto& it : local)
		release(it, st, cpu);
	st.producer_done[cpu].store(true, std::memory_order_release);
	unsigned prev = (cpu + ncpus - 1) % ncpus;
	for (;;) {
		bool done = st.producer_done[prev].load(std::memory_order_acquire);
		Item got;
		bool any = false;
		while (in.pop(got)) {
			release(got, st, cpu);
			any = true;
		}
		if (done && !any)
			break;
		if (!any)
			std::this_thread::yield();
	}
}

TEST(SmpAlloc, FourCpusPassObjectsAndPagesAroundAndEveryCounterComesBack)
{
	SmpMachine sm(NCPUS);
	Machine& m = *sm.m;
	auto st = std::make_unique<Storm>();
	st->cache = kmem_cache_create("smp_storm_200", 200, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(st->cache, nullptr);
	std::vector<struct kmem_cache*> caches = {st->cache};
	for (unsigned size : kmalloc_sizes)
		caches.push_back(kmalloc_slab(size, GFP_KERNEL));
	quiesce(caches);
	Snapshot before = snapshot(m, caches);

	const unsigned iters = 40000;
	std::vector<std::thread> threads;
	for (unsigned cpu = 0; cpu < NCPUS; cpu++)
		threads.emplace_back(storm_cpu, std::ref(*st), cpu, NCPUS, iters);
	st->go.store(true, std::memory_order_release);
	for (auto& t : threads)
		t.join();

	EXPECT_EQ(st->failures.load(), 0);
	EXPECT_EQ(st->corruptions.load(), 0);
	EXPECT_EQ(st->allocs.load(), st->frees.load());
	EXPECT_GT(st->remote_frees.load(), st->frees.load() / 2) << "most frees happen on another CPU";

	// each CPU's slab is still there until flushed, and pages sit on the lists
	quiesce(caches);
	for (auto* c : caches)
		for (unsigned cpu = 0; cpu < NCPUS; cpu++)
			EXPECT_EQ(c->cpu_slab[cpu].page, nullptr) << c->name << " cpu " << cpu;
	Snapshot after = snapshot(m, caches);
	expect_same(before, after, caches);
	check_free_lists(m);
	EXPECT_EQ(host_taint(), 0u) << host_console();
	kmem_cache_destroy(st->cache);
}

// The page allocator alone, with a fifth thread draining every CPU's list
// all the while: the owners must fall back to the buddy lists (or wait)
// while their list is being drained, and no page may be lost or doubled.
TEST(SmpAlloc, RemoteDrainsRaceWithPerCpuLists)
{
	SmpMachine sm(NCPUS, false);
	Machine& m = *sm.m;
	drain_all_pages();
	unsigned long free_before[MAX_NR_ZONES];
	for (unsigned z = 0; z < MAX_NR_ZONES; z++)
		free_before[z] = zone_nr_free(&m.pgdat->node_zones[z]);

	std::atomic<bool> stop{false};
	std::atomic<long> failures{0}, corruptions{0};
	std::atomic<long> drains{0};
	Ring rings[NCPUS];
	std::atomic<bool> done[NCPUS] = {};
	auto worker = [&](unsigned cpu) {
		host_cpu = cpu;
		std::mt19937 rng(99 + cpu);
		Ring& out = rings[(cpu + 1) % NCPUS];
		Ring& in = rings[cpu];
		auto put = [&](const Item& it) {
			uint64_t v;
			std::memcpy(&v, it.p, 8);
			if (v != it.tag)
				corruptions++;
			free_pages(reinterpret_cast<unsigned long>(it.p), it.arg);
		};
		for (unsigned i = 0; i < 30000; i++) {
			unsigned order = rng() % 16 ? 0 : rng() % 4;
			struct page* page = alloc_pages(GFP_KERNEL, order);
			if (!page) {
				failures++;
				continue;
			}
			Item it{page_address(page), PAGES, order, uint64_t(cpu) << 56 | i};
			std::memcpy(it.p, &it.tag, 8);
			if (!out.push(it))
				put(it);
			Item got;
			if (in.pop(got))
				put(got);
		}
		done[cpu].store(true, std::memory_order_release);
		unsigned prev = (cpu + NCPUS - 1) % NCPUS;
		for (;;) {
			bool d = done[prev].load(std::memory_order_acquire);
			Item got;
			bool any = false;
			while (in.pop(got)) {
				put(got);
				any = true;
			}
			if (d && !any)
				break;
			std::this_thread::yield();
		}
	};
	std::thread drainer([&] {
		while (!stop.load(std::memory_order_relaxed)) {
			drain_all_pages();
			drains++;
		}
	});
	std::vector<std::thread> threads;
	for (unsigned cpu = 0; cpu < NCPUS; cpu++)
		threads.emplace_back(worker, cpu);
	for (auto& t : threads)
		t.join();
	stop = true;
	drainer.join();

	EXPECT_EQ(failures.load(), 0);
	EXPECT_EQ(corruptions.load(), 0);
	EXPECT_GT(drains.load(), 0);
	check_free_lists(m);
	drain_all_pages();
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		EXPECT_EQ(zone_pcp_pages(&m.pgdat->node_zones[z]), 0u);
		EXPECT_EQ(zone_nr_free(&m.pgdat->node_zones[z]), free_before[z]) << zone_names[z];
	}
	EXPECT_EQ(host_taint(), 0u) << host_console();
}

// Remote frees into a slab another CPU has frozen wait on page->freelist
// until that CPU collects them; frees into a full slab that no CPU holds
// put it back on the partial list.  One thread, switching CPUs.
TEST(SmpAlloc, RemoteFreesReachTheSlabAndItsOwner)
{
	SmpMachine sm(2);
	struct kmem_cache* s = kmem_cache_create("smp_remote_128", 128, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(s, nullptr);
	const unsigned objs = s->oo_objects;

	host_cpu = 0;
	std::vector<void*> a;
	for (unsigned i = 0; i < objs; i++)
		a.push_back(kmem_cache_alloc(s, GFP_KERNEL));
	struct page* slab = compound_head(virt_to_page(a[0]));
	for (void* p : a)
		ASSERT_EQ(compound_head(virt_to_page(p)), slab) << "the first slab is CPU 0's";
	EXPECT_EQ(s->cpu_slab[0].page, slab);
	EXPECT_EQ(s->cpu_slab[0].freelist, nullptr);
	EXPECT_EQ(slab->frozen, 1);

	// CPU 1 frees half of them: they go to the frozen slab's page->freelist
	host_cpu = 1;
	for (unsigned i = 0; i < objs / 2; i++)
		kmem_cache_free(s, a[i]);
	EXPECT_EQ(s->cpu_slab[1].page, nullptr) << "CPU 1 took no slab by freeing";
	EXPECT_EQ(slab->inuse, objs - objs / 2);
	EXPECT_NE(slab->freelist, nullptr);
	EXPECT_EQ(slab->frozen, 1) << "still CPU 0's";
	EXPECT_EQ(s->node[0]->nr_partial, 0u) << "a frozen slab is on no list";

	// CPU 0's next allocation collects them (get_freelist)
	host_cpu = 0;
	std::vector<void*> again;
	for (unsigned i = 0; i < objs / 2; i++) {
		again.push_back(kmem_cache_alloc(s, GFP_KERNEL));
		EXPECT_EQ(compound_head(virt_to_page(again.back())), slab);
	}
	EXPECT_EQ(slab->freelist, nullptr);

	// the slab is full: the next allocation unfreezes it and takes another
	void* other = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_NE(compound_head(virt_to_page(other)), slab);
	EXPECT_EQ(slab->frozen, 0);
	EXPECT_EQ(s->node[0]->nr_partial, 0u) << "a full slab is on no list";

	// a remote free into the full unfrozen slab puts it on the partial list
	host_cpu = 1;
	kmem_cache_free(s, again[0]);
	EXPECT_EQ(s->node[0]->nr_partial, 1u);
	for (unsigned i = 1; i < again.size(); i++)
		kmem_cache_free(s, again[i]);
	for (unsigned i = objs / 2; i < objs; i++)
		kmem_cache_free(s, a[i]);
	EXPECT_EQ(slab->inuse, 0);
	kmem_cache_free(s, other);

	struct slabinfo info;
	kmem_cache_shrink(s);
	get_slabinfo(s, &info);
	EXPECT_EQ(info.active_objs, 0u);
	EXPECT_EQ(info.num_slabs, 0u) << "shrink flushed both CPUs and freed the empty slabs";
	EXPECT_EQ(s->cpu_slab[0].page, nullptr);
	EXPECT_EQ(s->cpu_slab[1].page, nullptr);
	host_cpu = 0;
	kmem_cache_destroy(s);
	EXPECT_EQ(host_taint(), 0u) << host_console();
}

// kmem_cache_shrink and destroy flush every CPU's active slab, not only the
// caller's; drain_all_pages empties every CPU's list.
TEST(SmpAlloc, ShrinkDestroyAndDrainReachEveryCpu)
{
	SmpMachine sm(NCPUS);
	Machine& m = *sm.m;
	struct kmem_cache* s = kmem_cache_create("smp_flush_64", 64, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(s, nullptr);
	drain_all_pages();
	unsigned long free_before = zone_nr_free(m.dma32()) + zone_nr_free(m.dma());
	for (unsigned cpu = 0; cpu < NCPUS; cpu++) {
		host_cpu = cpu;
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
		free_page(__get_free_page(GFP_KERNEL));
		EXPECT_NE(s->cpu_slab[cpu].page, nullptr);
	}
	host_cpu = 0;
	EXPECT_GE(m.pcp_pages(), NCPUS) << "each CPU keeps its freed page on its list";
	drain_all_pages();
	EXPECT_EQ(m.pcp_pages(), 0u);
	struct slabinfo info;
	get_slabinfo(s, &info);
	EXPECT_EQ(info.num_slabs, NCPUS);
	kmem_cache_shrink(s);
	for (unsigned cpu = 0; cpu < NCPUS; cpu++)
		EXPECT_EQ(s->cpu_slab[cpu].page, nullptr) << "cpu " << cpu;
	get_slabinfo(s, &info);
	EXPECT_EQ(info.num_slabs, 0u);
	drain_all_pages();
	EXPECT_EQ(zone_nr_free(m.dma32()) + zone_nr_free(m.dma()), free_before);

	// destroy with slabs held by other CPUs: they are flushed, not reported
	for (unsigned cpu = 0; cpu < NCPUS; cpu++) {
		host_cpu = cpu;
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	}
	host_cpu = 0;
	kmem_cache_destroy(s);
	EXPECT_EQ(host_console().find("still has objects"), std::string::npos) << host_console();
	EXPECT_EQ(host_taint(), 0u) << host_console();
}

// zoneinfo shows a pageset per online CPU; pcp high is the low watermark
// split between the CPUs (Linux's zone_highsize)
TEST(SmpAlloc, PagesetsPerCpu)
{
	unsigned long high1;
	{
		SmpMachine sm(1, false);
		high1 = sm.m->dma32()->pageset[0].high;
	}
	SmpMachine sm(NCPUS, false);
	struct zone* z = sm.m->dma32();
	for (unsigned cpu = 0; cpu < NCPUS; cpu++) {
		EXPECT_EQ(z->pageset[cpu].high, z->pageset[0].high);
		EXPECT_GE(z->pageset[cpu].high, 4 * z->pageset[cpu].batch);
	}
	EXPECT_LE(static_cast<unsigned long>(z->pageset[0].high), high1);
	static char buf[16384];
	render_zoneinfo_free(buf, sizeof(buf));
	std::string info(buf);
	for (unsigned cpu = 0; cpu < NCPUS; cpu++)
		EXPECT_NE(info.find("    cpu: " + std::to_string(cpu) + "\n"), std::string::npos) << info;
	EXPECT_EQ(info.find("    cpu: 4\n"), std::string::npos);
}

} // namespace

namespace
{
// Every cache has nr_cpu_ids CPU slabs, sized when it is created: the count
// is fixed before kmem_cache_init (setup_arch, from the MADT) and may not
// grow afterwards.
TEST(SmpAllocDeathTest, NrCpuIdsMayNotGrowAfterKmemCacheInit)
{
	EXPECT_DEATH(
	    {
		    SmpMachine sm(2);
		    host_set_nr_cpus(4);
		    kmem_cache_create("late_cpus", 64, 0, SLAB_NO_MERGE, nullptr);
	    },
	    "nr_cpu_ids grew from 2 to 4 after kmem_cache_init");
}
} // namespace
