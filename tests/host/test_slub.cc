// Host tests of SLUB and kmalloc (mm/slub.cc, mm/slab_common.cc) over the
// real buddy allocator on the simulated 32 MiB machine of sim_machine.h.
// Every test boots a fresh machine and runs kmem_cache_init on it.
#include <mm/slab.h>

#include "host_env.h"
#include "sim_machine.h"

#include <kernel/panic.h>
#include <lib/format.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstdint>
#include <cstring>
#include <map>
#include <random>
#include <set>
#include <string>
#include <vector>


namespace
{

struct SlubMachine {
	Machine m;
	explicit SlubMachine(const char* slub_debug = nullptr)
	{
		kmem_cache_reset_for_test();
		lib::no_hash_pointers = true; /* the reports' 0x%p show the address */
		if (slub_debug) {
			EXPECT_TRUE(setup_slub_debug(slub_debug).is_ok());
		}
		kmem_cache_init();
	}
	~SlubMachine()
	{
		lib::format_symbol_hook = nullptr;
		lib::no_hash_pointers = false;
		kmem_cache_reset_for_test();
	}
};

bool contains(const std::string& hay, const std::string& needle)
{
	return hay.find(needle) != std::string::npos;
}

std::string hex(const void* p)
{
	char buf[32];
	std::snprintf(buf, sizeof(buf), "0x%016lx", reinterpret_cast<unsigned long>(p));
	return buf;
}

struct page* slab_page(const void* x)
{
	return compound_head(virt_to_page(x));
}

// Is p the start of an object of slab `page` of cache s?
bool is_object_start(struct kmem_cache* s, struct page* page, const void* p)
{
	uintptr_t base = reinterpret_cast<uintptr_t>(page_address(page)) + s->red_left_pad;
	uintptr_t o = reinterpret_cast<uintptr_t>(p);
	return o >= base && (o - base) % s->size == 0 && (o - base) / s->size < page->objects;
}

// Walk a free chain, checking each link; returns its length or -1.
long walk_chain(struct kmem_cache* s, struct page* page, void* head, std::set<void*>& free_objs)
{
	long n = 0;
	for (void* p = head; p; p = slab_get_freepointer(s, p)) {
		EXPECT_TRUE(is_object_start(s, page, p)) << s->name << " bad free pointer " << p;
		if (!is_object_start(s, page, p))
			return -1;
		EXPECT_TRUE(free_objs.insert(p).second) << s->name << ": object " << p << " on two freelists";
		if (++n > page->objects)
			return -1;
	}
	return n;
}

// SLUB's invariants for one cache, given the objects the test holds.
// `leaked` counts objects a debug report deliberately kept out of use.
void check_cache(struct kmem_cache* s, const std::set<void*>& live, long leaked = 0)
{
	std::set<void*> free_objs;
	long slabs = 0;
	for (unsigned cpu = 0; cpu < 1; cpu++) {
		struct kmem_cache_cpu* c = &s->cpu_slab[cpu];
		if (!c->page) {
			EXPECT_EQ(c->freelist, nullptr);
			continue;
		}
		struct page* page = c->page;
		EXPECT_TRUE(PageSlab(page));
		EXPECT_EQ(page->slab_cache, s);
		EXPECT_EQ(page->frozen, 1);
		EXPECT_GE(walk_chain(s, page, c->freelist, free_objs), 0);
		long onpage = walk_chain(s, page, page->freelist, free_objs);
		EXPECT_EQ(long(page->inuse), long(page->objects) - onpage) << s->name << " cpu slab";
	}
	long total = 0, nr_slabs = 0;
	for (auto* n : s->node) {
		if (!n)
			continue;
		unsigned long partial = 0;
		struct page* page;
		list_for_each_entry(page, &n->partial, lru) {
			EXPECT_TRUE(PageSlab(page));
			EXPECT_EQ(page->slab_cache, s);
			EXPECT_EQ(page->frozen, 0);
			EXPECT_LT(page->inuse, page->objects) << s->name << ": full slab on the partial list";
			long len = walk_chain(s, page, page->freelist, free_objs);
			EXPECT_EQ(long(page->inuse), long(page->objects) - len) << s->name << " partial slab";
			partial++;
			slabs++;
		}
		EXPECT_EQ(partial, n->nr_partial) << s->name;
		list_for_each_entry(page, &n->full, lru) {
			EXPECT_EQ(page->inuse, page->objects);
			EXPECT_EQ(page->freelist, nullptr);
		}
		total += n->total_objects.load();
		nr_slabs += n->nr_slabs.load();
	}
	for (void* p : live) {
		struct page* page = slab_page(p);
		ASSERT_TRUE(PageSlab(page));
		EXPECT_EQ(page->slab_cache, s);
		EXPECT_TRUE(is_object_start(s, page, p));
		EXPECT_EQ(free_objs.count(p), 0u) << "live object " << p << " is on a freelist";
	}
	// every object of every slab is live, free on some chain, or leaked
	EXPECT_EQ(total, long(live.size() + free_objs.size()) + leaked) << s->name;
	EXPECT_GE(nr_slabs, slabs);
}

struct kmem_cache* kmalloc_cache(size_t size)
{
	return kmalloc_slab(size, GFP_KERNEL);
}

void shrink_all()
{
	for (auto& row : kmalloc_caches)
		for (auto* c : row)
			if (c)
				kmem_cache_shrink(c);
	kmem_cache_shrink(slub::kmem_cache_cache);
}

unsigned long free_pages_now()
{
	drain_all_pages();
	return nr_free_pages();
}

// ------------------------------------------------------------ basics

TEST(Slub, InitCreatesTheBootAndKmallocCaches)
{
	SlubMachine sm;
	EXPECT_TRUE(slab_is_available());
	EXPECT_TRUE(contains(host_console(), "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=1, Nodes=1"))
	    << host_console();
	const unsigned sizes[] = {8, 16, 32, 64, 96, 128, 192, 256, 512, 1024, 2048, 4096, 8192};
	const char* names[] = {"kmalloc-8",   "kmalloc-16",  "kmalloc-32",  "kmalloc-64",  "kmalloc-96",
	                       "kmalloc-128", "kmalloc-192", "kmalloc-256", "kmalloc-512", "kmalloc-1k",
	                       "kmalloc-2k",  "kmalloc-4k",  "kmalloc-8k"};
	for (unsigned i = 0; i < 13; i++) {
		struct kmem_cache* s = kmalloc_cache(sizes[i]);
		ASSERT_NE(s, nullptr);
		EXPECT_STREQ(s->name, names[i]);
		EXPECT_EQ(s->object_size, sizes[i]);
		struct kmem_cache* d = kmalloc_slab(sizes[i], GFP_DMA);
		ASSERT_NE(d, nullptr);
		EXPECT_EQ(std::string(d->name), std::string("dma-") + names[i]);
		EXPECT_TRUE(d->flags & SLAB_CACHE_DMA);
	}
	// Linux's geometry (the reference /proc/slabinfo): objects and pages per slab
	struct {
		unsigned size, objs, pages;
	} geo[] = {{8, 512, 1},  {16, 256, 1}, {32, 128, 1}, {64, 64, 1},  {96, 42, 1},  {128, 32, 1}, {192, 21, 1},
	           {256, 16, 1}, {512, 8, 1},  {1024, 8, 2}, {2048, 8, 4}, {4096, 8, 8}, {8192, 4, 8}};
	for (auto& g : geo) {
		struct kmem_cache* s = kmalloc_cache(g.size);
		EXPECT_EQ(s->oo_objects, g.objs) << s->name;
		EXPECT_EQ(1u << s->oo_order, g.pages) << s->name;
	}
}

TEST(Slub, SlabinfoMatchesLinuxFormat)
{
	SlubMachine sm;
	char buf[16384];
	size_t n = render_slabinfo(buf, sizeof(buf));
	std::string out(buf, n);
	EXPECT_EQ(out.substr(0, out.find('\n', out.find('\n') + 1) + 1),
	          "slabinfo - version: 2.1\n"
	          "# name            <active_objs> <num_objs> <objsize> <objperslab> <pagesperslab> : tunables <limit> "
	          "<batchcount> <sharedfactor> : slabdata <active_slabs> <num_slabs> <sharedavail>\n");
	// lines copied from Linux 6.1's /proc/slabinfo (linux-reference/slabinfo.txt)
	const char* expected[] = {
	    "dma-kmalloc-8k         0      0   8192    4    8 : tunables    0    0    0 : slabdata      0      0      "
	    "0\n",
	    "dma-kmalloc-1k         0      0   1024    8    2 : tunables    0    0    0 : slabdata      0      0      "
	    "0\n",
	    "dma-kmalloc-192        0      0    192   21    1 : tunables    0    0    0 : slabdata      0      0      "
	    "0\n",
	    "dma-kmalloc-96         0      0     96   42    1 : tunables    0    0    0 : slabdata      0      0      "
	    "0\n",
	    "dma-kmalloc-8          0      0      8  512    1 : tunables    0    0    0 : slabdata      0      0      "
	    "0\n",
	};
	for (const char* line : expected)
		EXPECT_TRUE(contains(out, line)) << line << out;
	// newest first: the dma caches on top, kmem_cache at the bottom, as Linux
	EXPECT_LT(out.find("dma-kmalloc-8k "), out.find("kmalloc-8k "));
	EXPECT_LT(out.find("kmem_cache_node "), out.find("kmem_cache "));
	EXPECT_EQ(out.rfind("kmem_cache "), out.rfind('\n', out.size() - 2) + 1);
	EXPECT_TRUE(contains(out, "kmem_cache_node "));

	// a cache with 3 objects in its CPU slab: all 16 count as active, as Linux
	struct kmem_cache* s = kmem_cache_create("slabinfo_test", 256, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(s, nullptr);
	void* a = kmem_cache_alloc(s, GFP_KERNEL);
	void* b = kmem_cache_alloc(s, GFP_KERNEL);
	void* c = kmem_cache_alloc(s, GFP_KERNEL);
	n = render_slabinfo(buf, sizeof(buf));
	out.assign(buf, n);
	EXPECT_TRUE(contains(out, "slabinfo_test         16     16    256   16    1 : tunables    0    0    0 : "
	                          "slabdata      1      1      0\n"))
	    << out;
	EXPECT_EQ(out.find("slabinfo_test"), out.find('\n', out.find('\n') + 1) + 1) << "the newest cache comes first";
	// on the partial list, the free objects are not active
	kmem_cache_shrink(s); /* deactivates the CPU slab onto the partial list */
	struct slabinfo info;
	get_slabinfo(s, &info);
	EXPECT_EQ(info.active_objs, 3u);
	EXPECT_EQ(info.num_objs, 16u);
	EXPECT_EQ(info.num_slabs, 1u);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, c);
	kmem_cache_destroy(s);
	n = render_slabinfo(buf, sizeof(buf));
	out.assign(buf, n);
	EXPECT_FALSE(contains(out, "slabinfo_test"));
}

TEST(Slub, ObjectAccountingAndPartialLists)
{
	SlubMachine sm;
	struct kmem_cache* s = kmem_cache_create("acct", 100, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(s, nullptr);
	EXPECT_EQ(s->size, 104u);
	EXPECT_EQ(s->object_size, 100u);
	const unsigned per = s->oo_objects;
	EXPECT_EQ(per, 4096u / 104);
	std::vector<void*> objs;
	std::set<void*> live;
	for (unsigned i = 0; i < per * 3 + 1; i++) {
		void* p = kmem_cache_alloc(s, GFP_KERNEL);
		ASSERT_NE(p, nullptr);
		objs.push_back(p);
		live.insert(p);
	}
	struct kmem_cache_node* n = s->node[0];
	EXPECT_EQ(n->nr_slabs.load(), 4);
	EXPECT_EQ(n->total_objects.load(), long(per * 4));
	EXPECT_EQ(n->nr_partial, 0u); /* three full slabs on no list, one CPU slab */
	struct page* cpu = s->cpu_slab[0].page;
	ASSERT_NE(cpu, nullptr);
	EXPECT_EQ(cpu, slab_page(objs.back()));
	EXPECT_EQ(cpu->inuse, cpu->objects); /* the CPU owns every object of its slab */
	check_cache(s, live);

	// freeing into a full slab puts it on the partial list
	struct page* first = slab_page(objs[0]);
	EXPECT_EQ(first->inuse, per);
	for (unsigned i = 0; i < 5; i++) {
		kmem_cache_free(s, objs[i]);
		live.erase(objs[i]);
	}
	EXPECT_EQ(first->inuse, per - 5);
	EXPECT_EQ(n->nr_partial, 1u);
	EXPECT_EQ(list_first_entry(&n->partial, struct page, lru), first);
	check_cache(s, live);

	// the CPU slab fills up; the next allocation takes the partial slab
	while (s->cpu_slab[0].freelist) {
		void* p = kmem_cache_alloc(s, GFP_KERNEL);
		objs.push_back(p);
		live.insert(p);
	}
	void* p = kmem_cache_alloc(s, GFP_KERNEL);
	live.insert(p);
	objs.push_back(p);
	EXPECT_EQ(slab_page(p), first);
	EXPECT_EQ(s->cpu_slab[0].page, first);
	EXPECT_EQ(n->nr_partial, 0u);
	EXPECT_EQ(n->nr_slabs.load(), 4);
	check_cache(s, live);

	for (void* o : live)
		kmem_cache_free(s, o);
	live.clear();
	check_cache(s, live);
	kmem_cache_destroy(s);
}

TEST(Slub, FreedObjectComesBackFirst)
{
	SlubMachine sm;
	struct kmem_cache* s = kmem_cache_create("reuse", 48, 0, SLAB_NO_MERGE, nullptr);
	void* a = kmem_cache_alloc(s, GFP_KERNEL);
	void* b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, a);
	EXPECT_EQ(kmem_cache_alloc(s, GFP_KERNEL), a);
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);
	EXPECT_EQ(kmem_cache_alloc(s, GFP_KERNEL), a); /* LIFO */
	EXPECT_EQ(kmem_cache_alloc(s, GFP_KERNEL), b);
	void* k = kmalloc(40, GFP_KERNEL);
	kfree(k);
	EXPECT_EQ(kmalloc(33, GFP_KERNEL), k);
	kfree(k);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
}

TEST(Slub, Alignment)
{
	SlubMachine sm;
	struct kmem_cache* a128 = kmem_cache_create("align128", 40, 128, 0, nullptr);
	struct kmem_cache* hw40 = kmem_cache_create("hw40", 40, 0, SLAB_HWCACHE_ALIGN, nullptr);
	struct kmem_cache* hw20 = kmem_cache_create("hw20", 20, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, nullptr);
	struct kmem_cache* odd = kmem_cache_create("odd", 13, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_TRUE(a128 && hw40 && hw20 && odd);
	EXPECT_EQ(a128->size, 128u);
	EXPECT_EQ(hw40->size, 64u);
	EXPECT_EQ(hw20->size, 32u); /* Linux halves the line for small objects */
	EXPECT_EQ(odd->size, 16u);
	std::vector<std::pair<struct kmem_cache*, void*>> held;
	for (int i = 0; i < 200; i++) {
		void* p = kmem_cache_alloc(a128, GFP_KERNEL);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 128, 0u);
		held.push_back({a128, p});
		p = kmem_cache_alloc(hw40, GFP_KERNEL);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u);
		held.push_back({hw40, p});
		p = kmem_cache_alloc(hw20, GFP_KERNEL);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 32, 0u);
		held.push_back({hw20, p});
		p = kmem_cache_alloc(odd, GFP_KERNEL);
		EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 8, 0u);
		held.push_back({odd, p});
	}
	// kmalloc of a power of two is naturally aligned (physically: the host's
	// "direct map" buffer itself is only page aligned)
	for (size_t size = 8; size <= 8192; size *= 2) {
		void* p = kmalloc(size, GFP_KERNEL);
		EXPECT_EQ(__pa(p) % size, 0u) << size;
		kfree(p);
	}
	for (auto& [c, p] : held)
		kmem_cache_free(c, p);
	for (auto* c : {a128, hw40, hw20, odd})
		kmem_cache_destroy(c);
}

TEST(Slub, SizeClassesAndKsizeForEverySize)
{
	SlubMachine sm;
	for (size_t size = 1; size <= 8192; size++) {
		void* p = kmalloc(size, GFP_KERNEL);
		ASSERT_NE(p, nullptr) << size;
		size_t expect = kmalloc_size(kmalloc_index(size));
		size_t ks = ksize(p);
		ASSERT_GE(ks, size);
		ASSERT_EQ(ks, expect) << size;
		ASSERT_EQ(slab_page(p)->slab_cache, kmalloc_cache(size));
		ASSERT_EQ(static_cast<struct kmem_cache*>(slab_page(p)->slab_cache)->object_size, expect);
		static_cast<uint8_t*>(p)[ks - 1] = 1; /* the whole ksize is usable */
		kfree(p);
	}
	EXPECT_EQ(kmalloc_index(20), 5u);
	EXPECT_EQ(kmalloc_size(kmalloc_index(65)), 96u);
	EXPECT_EQ(kmalloc_size(kmalloc_index(96)), 96u);
	EXPECT_EQ(kmalloc_size(kmalloc_index(97)), 128u);
	EXPECT_EQ(kmalloc_size(kmalloc_index(129)), 192u);
	EXPECT_EQ(kmalloc_size(kmalloc_index(193)), 256u);
	void* seed = kmalloc(20, GFP_KERNEL); /* the seed's 20-byte struct */
	EXPECT_EQ(ksize(seed), 32u);
	kfree(seed);
}

TEST(Slub, KmallocLargeAndTheLimit)
{
	SlubMachine sm;
	unsigned long before = free_pages_now();
	void* p = kmalloc(8193, GFP_KERNEL);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % PAGE_SIZE, 0u);
	EXPECT_EQ(ksize(p), 16384u);
	EXPECT_FALSE(PageSlab(slab_page(p)));
	EXPECT_EQ(slab_unreclaimable_pages() >= 4, true);
	unsigned long unrecl = slab_unreclaimable_pages();
	void* q = kzalloc(70000, GFP_KERNEL);
	ASSERT_NE(q, nullptr);
	EXPECT_EQ(ksize(q), 131072u);
	EXPECT_EQ(slab_unreclaimable_pages(), unrecl + 32);
	for (size_t i = 0; i < 70000; i++)
		ASSERT_EQ(static_cast<uint8_t*>(q)[i], 0);
	// a pointer into the middle of a large block is refused
	host_console().clear();
	kfree(static_cast<char*>(q) + 4096);
	EXPECT_TRUE(contains(host_console(), "BUG kfree (Not tainted): Invalid object pointer")) << host_console();
	kfree(q);
	kfree(p);
	EXPECT_EQ(free_pages_now(), before);
	EXPECT_EQ(slab_unreclaimable_pages(), unrecl - 4);

	// 4 MiB is the largest; one byte more fails with one warning
	void* big = kmalloc(4 << 20, GFP_KERNEL);
	ASSERT_NE(big, nullptr);
	EXPECT_EQ(ksize(big), size_t(4) << 20);
	kfree(big);
	host_console().clear();
	EXPECT_EQ(kmalloc((4 << 20) + 1, GFP_KERNEL), nullptr);
	const std::string& log = host_console();
	EXPECT_TRUE(contains(log, "page allocation failure: order:11")) << log;
	EXPECT_EQ(log.find("page allocation failure"), log.rfind("page allocation failure")) << "one warning";
	host_console().clear();
	EXPECT_EQ(kmalloc(size_t(1) << 40, GFP_KERNEL | __GFP_NOWARN), nullptr);
	EXPECT_EQ(host_console(), "");
	EXPECT_EQ(free_pages_now(), before);
}

TEST(Slub, ZeroSizeAndNull)
{
	SlubMachine sm;
	EXPECT_EQ(kmalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	EXPECT_EQ(reinterpret_cast<uintptr_t>(ZERO_SIZE_PTR), 16u);
	EXPECT_EQ(kzalloc(0, GFP_KERNEL), ZERO_SIZE_PTR);
	EXPECT_EQ(ksize(ZERO_SIZE_PTR), 0u);
	EXPECT_EQ(ksize(nullptr), 0u);
	host_console().clear();
	kfree(ZERO_SIZE_PTR);
	kfree(nullptr);
	kfree_sensitive(nullptr);
	EXPECT_EQ(host_console(), "");
}

TEST(Slub, KmallocArrayAndKcalloc)
{
	SlubMachine sm;
	EXPECT_EQ(kmalloc_array(SIZE_MAX / 2, 4, GFP_KERNEL), nullptr);
	EXPECT_EQ(kcalloc(size_t(1) << 62, 8, GFP_KERNEL), nullptr);
	EXPECT_EQ(kmalloc_array(0, 100, GFP_KERNEL), ZERO_SIZE_PTR);
	uint32_t* a = static_cast<uint32_t*>(kmalloc_array(10, sizeof(uint32_t), GFP_KERNEL));
	ASSERT_NE(a, nullptr);
	EXPECT_EQ(ksize(a), 64u); /* 40 bytes: kmalloc-64 */
	kfree(a);
	uint64_t* z = static_cast<uint64_t*>(kmalloc(256, GFP_KERNEL));
	std::memset(z, 0xff, 256);
	kfree(z);
	z = static_cast<uint64_t*>(kcalloc(32, sizeof(uint64_t), GFP_KERNEL));
	for (int i = 0; i < 32; i++)
		EXPECT_EQ(z[i], 0u);
	kfree(z);
}

TEST(Slub, KreallocKeepsContents)
{
	SlubMachine sm;
	char* p = static_cast<char*>(krealloc(nullptr, 20, GFP_KERNEL));
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(ksize(p), 32u);
	std::strcpy(p, "monolith slub");
	EXPECT_EQ(krealloc(p, 30, GFP_KERNEL), p); /* fits in ksize: same object */
	char* q = static_cast<char*>(krealloc(p, 5000, GFP_KERNEL));
	ASSERT_NE(q, nullptr);
	EXPECT_NE(q, p);
	EXPECT_STREQ(q, "monolith slub");
	EXPECT_EQ(ksize(q), 8192u);
	char* r = static_cast<char*>(krealloc(q, 100000, GFP_KERNEL)); /* into kmalloc_large */
	ASSERT_NE(r, nullptr);
	EXPECT_STREQ(r, "monolith slub");
	EXPECT_EQ(krealloc(r, 10, GFP_KERNEL), r); /* shrinking keeps the object */
	EXPECT_EQ(krealloc(r, 0, GFP_KERNEL), ZERO_SIZE_PTR);
	// r was freed: its block went back
	struct kmem_cache* k32 = kmalloc_cache(32);
	void* s = kmalloc(20, GFP_KERNEL);
	EXPECT_EQ(slab_page(s)->slab_cache, k32);
	kfree(s);
	char* t = static_cast<char*>(kmalloc(64, GFP_KERNEL));
	std::memset(t, 0x5c, 64);
	kfree_sensitive(t);
	/* the object is free: its bytes outside the free pointer are zero */
	struct kmem_cache* k64 = kmalloc_cache(64);
	for (unsigned i = 0; i < 64; i++)
		if (i < k64->offset || i >= k64->offset + 8) {
			EXPECT_EQ(t[i], 0) << i;
		}
}

TEST(Slub, EmptySlabsGoBackToTheBuddyAllocator)
{
	SlubMachine sm;
	// a first create/destroy cycle settles the bookkeeping objects' slabs
	kmem_cache_destroy(kmem_cache_create("cycle", 200, 0, SLAB_NO_MERGE, nullptr));
	unsigned long before = free_pages_now();
	struct kmem_cache* s = kmem_cache_create("cycle", 200, 0, SLAB_NO_MERGE, nullptr);
	ASSERT_NE(s, nullptr);
	std::vector<void*> objs;
	for (int i = 0; i < 10000; i++)
		objs.push_back(kmem_cache_alloc(s, GFP_KERNEL));
	EXPECT_GT(before - free_pages_now(), 400u);
	std::shuffle(objs.begin(), objs.end(), std::mt19937(1));
	for (void* p : objs)
		kmem_cache_free(s, p);
	// beyond min_partial, empty slabs went back as soon as they emptied
	EXPECT_EQ(s->min_partial, 5u); /* ilog2(200)/2 = 3, clamped to 5 */
	EXPECT_LE(s->node[0]->nr_partial, s->min_partial);
	EXPECT_LE(s->node[0]->nr_slabs.load(), long(s->min_partial) + 1);
	check_cache(s, {});
	kmem_cache_shrink(s);
	EXPECT_EQ(s->node[0]->nr_slabs.load(), 0);
	EXPECT_EQ(s->node[0]->nr_partial, 0u);
	kmem_cache_destroy(s);
	EXPECT_EQ(free_pages_now(), before);

	// and through kmalloc: everything freed, shrink, pages are back
	for (auto& row : kmalloc_caches)
		for (auto* c : row)
			if (c)
				kmem_cache_shrink(c);
	unsigned long k0 = free_pages_now();
	std::vector<void*> ks;
	for (int i = 0; i < 20000; i++)
		ks.push_back(kmalloc(8 + (i * 37) % 3000, GFP_KERNEL));
	for (void* p : ks)
		kfree(p);
	for (auto& row : kmalloc_caches)
		for (auto* c : row)
			if (c)
				kmem_cache_shrink(c);
	EXPECT_EQ(free_pages_now(), k0);
}

TEST(Slub, DestroyWithObjectsLeftKeepsTheCache)
{
	SlubMachine sm;
	struct kmem_cache* s = kmem_cache_create("leaky", 64, 0, SLAB_NO_MERGE, nullptr);
	void* p = kmem_cache_alloc(s, GFP_KERNEL);
	host_console().clear();
	kmem_cache_destroy(s);
	EXPECT_TRUE(contains(host_console(), "kmem_cache_destroy leaky: Slab cache still has objects"))
	    << host_console();
	EXPECT_TRUE(contains(host_console(), "BUG leaky (Not tainted): Objects remaining in leaky on "
	                                     "__kmem_cache_shutdown()"));
	EXPECT_TRUE(contains(host_console(), "Object " + hex(p)));
	// still usable, and destroyable once empty
	void* q = kmem_cache_alloc(s, GFP_KERNEL);
	EXPECT_NE(q, nullptr);
	kmem_cache_free(s, q);
	kmem_cache_free(s, p);
	host_console().clear();
	kmem_cache_destroy(s);
	EXPECT_FALSE(contains(host_console(), "still has objects"));
}

TEST(Slub, CacheMerging)
{
	SlubMachine sm;
	struct kmem_cache* k64 = kmalloc_cache(64);
	struct kmem_cache* a = kmem_cache_create("merge60", 60, 0, 0, nullptr);
	EXPECT_EQ(a, k64);
	EXPECT_EQ(k64->refcount, 2);
	struct kmem_cache* b = kmem_cache_create("merge64", 64, 8, 0, nullptr);
	EXPECT_EQ(b, k64);
	EXPECT_EQ(k64->refcount, 3);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
	EXPECT_EQ(k64->refcount, 1);
	void* p = kmalloc(64, GFP_KERNEL); /* kmalloc-64 lives on */
	kfree(p);

	static int ctor_calls;
	auto ctor = [](void*) { ctor_calls++; };
	struct kmem_cache* c = kmem_cache_create("with_ctor", 64, 0, 0, ctor);
	struct kmem_cache* d = kmem_cache_create("no_merge", 64, 0, SLAB_NO_MERGE, nullptr);
	struct kmem_cache* e = kmem_cache_create("dma64", 64, 0, SLAB_CACHE_DMA, nullptr);
	struct kmem_cache* r1 = kmem_cache_create("rcl1", 300, 0, SLAB_RECLAIM_ACCOUNT, nullptr);
	struct kmem_cache* r2 = kmem_cache_create("rcl2", 298, 0, SLAB_RECLAIM_ACCOUNT, nullptr);
	struct kmem_cache* big = kmem_cache_create("k72", 72, 0, 0, nullptr); /* 96 - 72 >= 8: no */
	EXPECT_NE(c, k64);
	EXPECT_NE(d, k64);
	EXPECT_EQ(e, kmalloc_slab(64, GFP_DMA)); /* same DMA flag: dma-kmalloc-64 */
	EXPECT_NE(r1, kmalloc_cache(300));
	EXPECT_EQ(r2, r1);
	EXPECT_NE(big, kmalloc_cache(72));
	EXPECT_STREQ(big->name, "k72");
	// the constructor runs once per object when its slab is made
	void* o = kmem_cache_alloc(c, GFP_KERNEL);
	EXPECT_EQ(ctor_calls, int(c->oo_objects));
	kmem_cache_free(c, o);
	for (auto* x : {c, d, e, r1, r2, big})
		kmem_cache_destroy(x);
}

TEST(Slub, HardenedFreelist)
{
	SlubMachine sm;
	struct kmem_cache* s = kmem_cache_create("hardened", 64, 0, SLAB_NO_MERGE, nullptr);
	struct kmem_cache* t = kmem_cache_create("hardened2", 64, 0, SLAB_NO_MERGE, nullptr);
	EXPECT_NE(s->random, t->random);
	void* a = kmem_cache_alloc(s, GFP_KERNEL);
	void* b = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, b);
	kmem_cache_free(s, a);     /* a -> b */
	EXPECT_EQ(s->offset, 32u); /* mid-object, as Linux */
	uintptr_t raw;
	std::memcpy(&raw, static_cast<char*>(a) + s->offset, sizeof(raw));
	EXPECT_NE(raw, reinterpret_cast<uintptr_t>(b)) << "the stored pointer is encoded";
	EXPECT_EQ(slab_get_freepointer(s, a), b);
	uintptr_t slot = reinterpret_cast<uintptr_t>(a) + s->offset;
	EXPECT_EQ(raw, reinterpret_cast<uintptr_t>(b) ^ s->random ^ __builtin_bswap64(slot));
	EXPECT_EQ(kmem_cache_alloc(s, GFP_KERNEL), a);
	EXPECT_EQ(kmem_cache_alloc(s, GFP_KERNEL), b);
	kmem_cache_free(s, a);
	kmem_cache_free(s, b);
	kmem_cache_destroy(s);
	kmem_cache_destroy(t);
}

TEST(Slub, AccountingAndNodes)
{
	SlubMachine sm;
	unsigned long r0 = slab_reclaimable_pages(), u0 = slab_unreclaimable_pages();
	struct kmem_cache* r = kmem_cache_create("dentry_like", 192, 0, SLAB_RECLAIM_ACCOUNT | SLAB_NO_MERGE, nullptr);
	void* p = kmem_cache_alloc_node(r, GFP_KERNEL, 0);
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(page_to_nid(slab_page(p)), 0);
	EXPECT_EQ(slab_reclaimable_pages(), r0 + (1u << r->oo_order));
	EXPECT_EQ(slab_page(p)->flags & (1UL << PG_slab), 1UL << PG_slab);
	void* q = kmalloc_node(3000, GFP_KERNEL, 0);
	EXPECT_EQ(page_to_nid(slab_page(q)), 0);
	EXPECT_GE(slab_unreclaimable_pages(), u0);
	void* d = kmalloc(100, GFP_DMA);
	ASSERT_NE(d, nullptr);
	EXPECT_EQ(page_zonenum(slab_page(d)), unsigned(ZONE_DMA));
	EXPECT_STREQ(static_cast<struct kmem_cache*>(slab_page(d)->slab_cache)->name, "dma-kmalloc-128");
	void* z = kmem_cache_zalloc(r, GFP_KERNEL);
	for (int i = 0; i < 192; i++)
		EXPECT_EQ(static_cast<uint8_t*>(z)[i], 0);
	kfree(d);
	kfree(q);
	kmem_cache_free(r, z);
	kmem_cache_free(r, p);
	kmem_cache_shrink(r);
	EXPECT_EQ(slab_reclaimable_pages(), r0);
	kmem_cache_destroy(r);
}

// ------------------------------------------------------------ stress

TEST(Slub, RandomizedStressKeepsInvariants)
{
	SlubMachine sm;
	std::mt19937_64 rng(20240601);
	shrink_all();
	unsigned long start = free_pages_now();
	struct kmem_cache* own[3] = {
	    kmem_cache_create("stress_a", 24, 0, SLAB_NO_MERGE, nullptr),
	    kmem_cache_create("stress_b", 700, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, nullptr),
	    kmem_cache_create("stress_c", 3000, 0, SLAB_NO_MERGE, nullptr),
	};
	struct obj {
		void* p;
		struct kmem_cache* cache; /* NULL: kmalloc */
		size_t size;
		uint8_t tag;
	};
	std::vector<obj> live;
	const size_t kmalloc_sizes[] = {8, 13, 64, 96, 100, 150, 192, 256, 500, 1024, 2000, 4000, 8192, 9000};
	long ops = 0;
	auto check_all = [&] {
		std::map<struct kmem_cache*, std::set<void*>> by_cache;
		for (auto& o : live) {
			struct page* pg = slab_page(o.p);
			if (!PageSlab(pg))
				continue;
			ASSERT_TRUE(by_cache[static_cast<struct kmem_cache*>(pg->slab_cache)].insert(o.p).second);
		}
		for (auto* c : own) /* the kstrdup'ed cache names are kmalloc objects too */
			by_cache[kmalloc_cache(std::strlen(c->name) + 1)].insert(const_cast<char*>(c->name));
		for (auto* c : own)
			check_cache(c, by_cache[c]);
		for (auto& row : kmalloc_caches)
			for (auto* c : row)
				if (c)
					check_cache(c, by_cache[c]);
		// live objects never overlap
		std::vector<std::pair<uintptr_t, uintptr_t>> ranges;
		for (auto& o : live)
			ranges.push_back({reinterpret_cast<uintptr_t>(o.p), reinterpret_cast<uintptr_t>(o.p) + o.size});
		std::sort(ranges.begin(), ranges.end());
		for (size_t i = 1; i < ranges.size(); i++)
			ASSERT_LE(ranges[i - 1].second, ranges[i].first);
	};
	const long total_ops = 1200000;
	for (; ops < total_ops; ops++) {
		// drift between filling up and draining so slabs go full, partial and empty
		long phase = (ops / 100000) % 2;
		size_t target = phase ? 200 : 6000;
		bool do_alloc = live.empty() || (live.size() < target ? rng() % 100 < 60 : rng() % 100 < 40);
		if (do_alloc) {
			obj o{};
			unsigned pick = rng() % 10;
			if (pick < 3) {
				o.cache = own[pick];
				o.size = o.cache->object_size;
				o.p = kmem_cache_alloc(o.cache, GFP_KERNEL);
			} else {
				o.size = kmalloc_sizes[rng() % (pick == 9 ? 14 : 12)];
				o.p = kmalloc(o.size, (rng() % 16 == 0) ? GFP_DMA : GFP_KERNEL);
			}
			ASSERT_NE(o.p, nullptr) << "op " << ops;
			o.tag = uint8_t(rng());
			std::memset(o.p, o.tag, o.size < 64 ? o.size : 64);
			live.push_back(o);
		} else {
			size_t i = rng() % live.size();
			obj o = live[i];
			live[i] = live.back();
			live.pop_back();
			const uint8_t* b = static_cast<const uint8_t*>(o.p);
			for (size_t k = 0; k < (o.size < 64 ? o.size : 64); k++)
				ASSERT_EQ(b[k], o.tag) << "object " << o.p << " overwritten, op " << ops;
			if (o.cache)
				kmem_cache_free(o.cache, o.p);
			else
				kfree(o.p);
		}
		if (ops % 100000 == 99999) {
			check_all();
			if (HasFatalFailure() || HasFailure())
				return;
		}
	}
	EXPECT_EQ(host_console().find("BUG"), std::string::npos) << host_console();
	for (auto& o : live) {
		if (o.cache)
			kmem_cache_free(o.cache, o.p);
		else
			kfree(o.p);
	}
	live.clear();
	check_all();
	for (auto* c : own)
		kmem_cache_destroy(c);
	shrink_all();
	EXPECT_EQ(free_pages_now(), start);
}

// ------------------------------------------------------------ slub_debug

// %pS on the host: name the helpers below so the reports' callers can be checked
__attribute__((noinline)) void free_helper(void* p)
{
	kfree(p);
	asm volatile("" ::: "memory"); /* no tail call: the caller must be this function */
}
__attribute__((noinline)) void* alloc_helper(size_t size)
{
	void* p = kmalloc(size, GFP_KERNEL);
	asm volatile("" ::: "memory");
	return p;
}
__attribute__((noinline)) void cache_free_helper(struct kmem_cache* s, void* p)
{
	kmem_cache_free(s, p);
	asm volatile("" ::: "memory");
}

int host_symbol(char* buf, size_t size, uintptr_t addr, bool)
{
	struct {
		const char* name;
		uintptr_t start;
	} syms[] = {{"free_helper", reinterpret_cast<uintptr_t>(&free_helper)},
	            {"alloc_helper", reinterpret_cast<uintptr_t>(&alloc_helper)},
	            {"cache_free_helper", reinterpret_cast<uintptr_t>(&cache_free_helper)}};
	for (auto& s : syms)
		if (addr > s.start && addr < s.start + 400)
			return lib::snprintf(buf, size, "%s+0x%lx/0x190", s.name, (unsigned long)(addr - s.start));
	return -1;
}

struct DebugMachine : SlubMachine {
	explicit DebugMachine(const char* opts = "") : SlubMachine(opts)
	{
		lib::format_symbol_hook = host_symbol;
		host_console().clear();
	}
};

TEST(SlubDebug, BootParameterSelectsCaches)
{
	{
		DebugMachine dm("FZ,kmalloc-64");
		EXPECT_EQ(kmalloc_cache(64)->flags & SLAB_DEBUG_FLAGS, SLAB_CONSISTENCY_CHECKS | SLAB_RED_ZONE);
		EXPECT_EQ(kmalloc_cache(128)->flags & SLAB_DEBUG_FLAGS, 0u);
	}
	{
		DebugMachine dm("");
		struct kmem_cache* k64 = kmalloc_cache(64);
		EXPECT_EQ(k64->flags & SLAB_DEBUG_FLAGS, SLAB_DEBUG_FLAGS);
		EXPECT_GT(k64->size, 64u); /* red zones and tracks widen the stride */
		EXPECT_EQ(k64->object_size, 64u);
		void* p = kmalloc(20, GFP_KERNEL);
		EXPECT_EQ(ksize(p), 32u); /* still the usable size */
		EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 32, 0u);
		kfree(p);
		// debug caches never merge
		EXPECT_NE(kmem_cache_create("nomerge", 64, 0, 0, nullptr), k64);
	}
	{
		DebugMachine dm("P,stress*,kmalloc-8");
		EXPECT_EQ(kmalloc_cache(8)->flags & SLAB_DEBUG_FLAGS, SLAB_POISON);
		struct kmem_cache* s = kmem_cache_create("stress_x", 40, 0, 0, nullptr);
		EXPECT_EQ(s->flags & SLAB_DEBUG_FLAGS, SLAB_POISON);
		EXPECT_EQ(kmalloc_cache(16)->flags & SLAB_DEBUG_FLAGS, 0u);
	}
}

TEST(SlubDebug, RightRedzoneOverwritten)
{
	DebugMachine dm;
	struct kmem_cache* k64 = kmalloc_cache(64);
	uint8_t* p = static_cast<uint8_t*>(alloc_helper(64));
	ASSERT_NE(p, nullptr);
	EXPECT_EQ(p[-1], SLUB_RED_ACTIVE);
	EXPECT_EQ(p[0], POISON_FREE); /* as Linux: an allocated object keeps its poison until written */
	p[64] = 0x78;                 /* one byte past the end */
	free_helper(p);
	const std::string& log = host_console();
	if (std::getenv("SLUB_TEST_SHOW")) /* to look at a report */
		std::fputs(log.c_str(), stderr);
	EXPECT_TRUE(contains(log, "=============================================================================\n"));
	EXPECT_TRUE(contains(log, "BUG kmalloc-64 (Not tainted): Right Redzone overwritten")) << log;
	EXPECT_TRUE(contains(log, "INFO: " + hex(p + 64) + "-" + hex(p + 64) + " @offset=")) << log;
	EXPECT_TRUE(contains(log, "First byte 0x78 instead of 0xcc")) << log;
	EXPECT_TRUE(contains(log, "INFO: kfree(" + hex(p) + ") called from free_helper+0x")) << log;
	EXPECT_TRUE(contains(log, "Allocated in alloc_helper+0x")) << log;
	EXPECT_TRUE(contains(log, "Object " + hex(p) + " @offset="));
	EXPECT_TRUE(contains(log, "FIX kmalloc-64: Restoring Right Redzone"));
	EXPECT_TRUE(contains(log, "FIX kmalloc-64: Object at " + hex(p) + " not freed"));
	EXPECT_TRUE(host_taint() & (1UL << TAINT_BAD_PAGE));
	EXPECT_EQ(p[64], SLUB_RED_ACTIVE); /* restored */
	// the object stayed allocated (leaked); everything else works
	check_cache(k64, {}, 1);
	host_console().clear();
	std::set<void*> live;
	for (int i = 0; i < 100; i++)
		live.insert(kmalloc(64, GFP_KERNEL));
	EXPECT_EQ(live.count(p), 0u);
	check_cache(k64, live, 1);
	for (void* q : live)
		kfree(q);
	EXPECT_EQ(host_console().find("BUG"), std::string::npos) << host_console();
}

TEST(SlubDebug, LeftRedzoneAndPoisonChecks)
{
	DebugMachine dm;
	uint8_t* p = static_cast<uint8_t*>(kmalloc(100, GFP_KERNEL)); /* kmalloc-128 */
	p[-3] = 0;
	free_helper(p);
	EXPECT_TRUE(contains(host_console(), "BUG kmalloc-128 (Not tainted): Left Redzone overwritten"))
	    << host_console();
	EXPECT_TRUE(contains(host_console(), "First byte 0x0 instead of 0xcc"));
}

TEST(SlubDebug, UseAfterFreeIsPoisonOverwritten)
{
	DebugMachine dm;
	struct kmem_cache* k64 = kmalloc_cache(64);
	uint8_t* p = static_cast<uint8_t*>(kmalloc(64, GFP_KERNEL));
	ASSERT_NE(p, nullptr);
	free_helper(p);
	EXPECT_EQ(host_console().find("BUG"), std::string::npos) << host_console();
	EXPECT_EQ(p[0], POISON_FREE);
	EXPECT_EQ(p[63], POISON_END);
	p[10] = 0x12;               /* use after free */
	void* q = alloc_helper(64); /* the same object would come back: checked first */
	const std::string& log = host_console();
	EXPECT_TRUE(contains(log, "BUG kmalloc-64 (Not tainted): Poison overwritten")) << log;
	EXPECT_TRUE(contains(log, "INFO: " + hex(p + 10) + "-" + hex(p + 10) + " @offset=")) << log;
	EXPECT_TRUE(contains(log, "First byte 0x12 instead of 0x6b"));
	EXPECT_TRUE(contains(log, "called from alloc_helper+0x")) << log;
	EXPECT_TRUE(contains(log, "Freed in free_helper+0x")) << log;
	EXPECT_TRUE(contains(log, "FIX kmalloc-64: Marking all objects used"));
	ASSERT_NE(q, nullptr);
	EXPECT_NE(q, p);
	EXPECT_NE(slab_page(q), slab_page(p)); /* the suspect slab is out of service */
	EXPECT_TRUE(host_taint() & (1UL << TAINT_BAD_PAGE));
	std::set<void*> live{q};
	check_cache(k64, live, long(slab_page(p)->objects));
	kfree(q);
}

TEST(SlubDebug, DoubleFree)
{
	DebugMachine dm;
	struct kmem_cache* k64 = kmalloc_cache(64);
	void* a = kmalloc(64, GFP_KERNEL);
	void* p = kmalloc(64, GFP_KERNEL);
	kfree(p);
	free_helper(p);
	const std::string& log = host_console();
	EXPECT_TRUE(contains(log, "BUG kmalloc-64 (Not tainted): Object already free")) << log;
	EXPECT_TRUE(contains(log, "INFO: kfree(" + hex(p) + ") called from free_helper+0x")) << log;
	EXPECT_TRUE(contains(log, "Object " + hex(p) + " @offset="));
	std::set<void*> live{a};
	check_cache(k64, live);
	// a double free that is not the head of the freelist is caught too
	void* b = kmalloc(64, GFP_KERNEL);
	void* c = kmalloc(64, GFP_KERNEL);
	kfree(b);
	kfree(c);
	host_console().clear();
	free_helper(b);
	EXPECT_TRUE(contains(host_console(), "Object already free")) << host_console();
	check_cache(k64, live);
	kfree(a);
}

TEST(SlubDebug, InvalidPointers)
{
	DebugMachine dm;
	struct kmem_cache* k64 = kmalloc_cache(64);
	uint8_t* p = static_cast<uint8_t*>(kmalloc(64, GFP_KERNEL));
	free_helper(p + 8);
	const std::string& log = host_console();
	EXPECT_TRUE(contains(log, "BUG kmalloc-64 (Not tainted): Invalid object pointer " + hex(p + 8))) << log;
	EXPECT_TRUE(contains(log, "called from free_helper+0x")) << log;
	std::set<void*> live{p};
	check_cache(k64, live);
	// a page that is neither a slab nor a kmalloc_large block
	struct page* pg = alloc_pages(GFP_KERNEL, 0);
	host_console().clear();
	free_helper(page_address(pg));
	EXPECT_TRUE(contains(host_console(), "BUG kfree (Tainted: ")) << host_console();
	EXPECT_TRUE(contains(host_console(),
	                     "Invalid object pointer " + hex(page_address(pg)) + ": not from a slab nor kmalloc_large"))
	    << host_console();
	EXPECT_TRUE(contains(host_console(), "called from free_helper+0x"));
	EXPECT_EQ(page_ref_count(pg), 1); /* not freed */
	__free_pages(pg, 0);
	kfree(p);
	check_cache(k64, {});
}

TEST(SlubDebug, WrongCache)
{
	DebugMachine dm;
	struct kmem_cache* a = kmem_cache_create("cache_a", 100, 0, 0, nullptr);
	struct kmem_cache* b = kmem_cache_create("cache_b", 100, 0, 0, nullptr);
	ASSERT_NE(a, b);
	void* x = kmem_cache_alloc(a, GFP_KERNEL);
	void* keep = kmem_cache_alloc(a, GFP_KERNEL);
	cache_free_helper(b, x);
	const std::string& log = host_console();
	EXPECT_TRUE(contains(log, "BUG cache_b (Not tainted): kmem_cache_free: Wrong slab cache. cache_b but object "
	                          "is from cache_a"))
	    << log;
	EXPECT_TRUE(contains(log, "INFO: kmem_cache_free(" + hex(x) + ") called from cache_free_helper+0x")) << log;
	// as Linux, the object went back to its own cache
	check_cache(a, {keep});
	check_cache(b, {});
	kmem_cache_free(a, keep);
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

// The always-on checks catch misuse in caches without slub_debug too.
TEST(SlubDebug, HardenedChecksWithoutDebug)
{
	SlubMachine sm;
	lib::format_symbol_hook = host_symbol;
	struct kmem_cache* k64 = kmalloc_cache(64);
	EXPECT_EQ(k64->flags & SLAB_DEBUG_FLAGS, 0u);
	void* p = kmalloc(64, GFP_KERNEL);
	host_console().clear();
	kfree(p);
	free_helper(p);
	EXPECT_TRUE(contains(host_console(), "BUG kmalloc-64 (Not tainted): Object already free")) << host_console();
	EXPECT_TRUE(contains(host_console(), "called from free_helper+0x"));
	check_cache(k64, {});
	void* q = kmalloc(64, GFP_KERNEL);
	EXPECT_EQ(q, p);
	host_console().clear();
	free_helper(static_cast<char*>(q) + 1);
	EXPECT_TRUE(contains(host_console(), "BUG kmalloc-64 (Tainted: G    B             ): Invalid object pointer"))
	    << host_console();
	check_cache(k64, {q});
	// a double free into a slab that is not the CPU slab
	std::vector<void*> many;
	for (int i = 0; i < 200; i++)
		many.push_back(kmalloc(64, GFP_KERNEL));
	kfree(many[0]);
	host_console().clear();
	kfree(many[0]);
	EXPECT_TRUE(contains(host_console(), "Object already free")) << host_console();
	many.erase(many.begin());
	std::set<void*> live(many.begin(), many.end());
	live.insert(q);
	check_cache(k64, live);
	for (void* o : live)
		kfree(o);
}

} // namespace
