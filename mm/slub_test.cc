/*
 * ktests for SLUB and kmalloc on real memory (mm/slub.cc,
 * mm/slab_common.cc): the seed's slab3_maxsize and slab4_actualsize
 * exercises as KTAP diagnostics, /proc/slabinfo, operator new/delete;
 * deliberate misuse under slub_debug for the harness (explicit only);
 * the fast-path benchmark (bench.slub, explicit only).
 */
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <new>

namespace
{
struct page* slab_page(const void* x)
{
	return compound_head(virt_to_page(x));
}

char slabinfo_buf[32768];
} // namespace

KTEST(slub, caches_are_up)
{
	KEXPECT_TRUE(slab_is_available());
	char line[96];
	lib::snprintf(line, sizeof(line), "SLUB: HWalign=64, Order=0-3, MinObjects=0, CPUs=%u, Nodes=1", nr_cpu_ids);
	KEXPECT_TRUE(ktest_log_contains(line));
	for (unsigned i = 1; i <= KMALLOC_SHIFT_HIGH; i++) {
		if (i == 1 || i == 2 || i >= KMALLOC_SHIFT_LOW) {
			KASSERT_TRUE(kmalloc_caches[KMALLOC_NORMAL][i] != nullptr);
			KASSERT_TRUE(kmalloc_caches[KMALLOC_DMA][i] != nullptr);
			KEXPECT_EQ(kmalloc_caches[KMALLOC_NORMAL][i]->object_size, kmalloc_size(i));
		}
	}
}

KTEST(slub, kmalloc_kfree_on_real_memory)
{
	static void* held[64];
	for (unsigned i = 0; i < 64; i++) {
		size_t size = 8 + i * 127; /* up to kmalloc-8k */
		held[i] = kmalloc(size, GFP_KERNEL);
		KASSERT_TRUE(held[i] != nullptr);
		KEXPECT_TRUE(PageSlab(slab_page(held[i])));
		KEXPECT_GE(ksize(held[i]), size);
		lib::memset(held[i], int(i), size);
	}
	for (unsigned i = 0; i < 64; i++) {
		const uint8_t* b = static_cast<const uint8_t*>(held[i]);
		KEXPECT_EQ(b[0], i);
		KEXPECT_EQ(b[8 + i * 127 - 1], i);
		kfree(held[i]);
	}
	void* z = kzalloc(3000, GFP_KERNEL);
	KASSERT_TRUE(z != nullptr);
	bool zero = true;
	for (unsigned i = 0; i < 3000; i++)
		zero &= static_cast<uint8_t*>(z)[i] == 0;
	KEXPECT_TRUE(zero);
	kfree(z);
	KEXPECT_TRUE(kmalloc(0, GFP_KERNEL) == ZERO_SIZE_PTR);
	kfree(ZERO_SIZE_PTR);
	kfree(nullptr);
	KEXPECT_TRUE(kmalloc_array(~size_t(0) / 2, 4, GFP_KERNEL) == nullptr);
	void* d = kmalloc(100, GFP_DMA);
	KASSERT_TRUE(d != nullptr);
	KEXPECT_EQ(page_zonenum(slab_page(d)), unsigned(ZONE_DMA));
	kfree(d);
}

KTEST(slub, kmem_cache_round_trip)
{
	static int ctor_calls;
	ctor_calls = 0;
	struct kmem_cache* s = kmem_cache_create("slub_ktest", 200, 0, SLAB_HWCACHE_ALIGN | SLAB_NO_MERGE, [](void* p) {
		ctor_calls++;
		lib::memset(p, 0x11, 200);
	});
	KASSERT_TRUE(s != nullptr);
	if (!(s->flags & SLAB_DEBUG_FLAGS)) /* slub_debug widens the stride */
		KEXPECT_EQ(s->size, 256u);
	static void* objs[1000];
	for (unsigned i = 0; i < 1000; i++) {
		objs[i] = kmem_cache_alloc(s, GFP_KERNEL);
		KASSERT_TRUE(objs[i] != nullptr);
		KEXPECT_EQ(reinterpret_cast<uintptr_t>(objs[i]) % 64, 0u);
		KEXPECT_EQ(static_cast<uint8_t*>(objs[i])[199], 0x11);
	}
	KEXPECT_EQ(unsigned(ctor_calls) % s->oo_objects, 0u);
	struct slabinfo info;
	get_slabinfo(s, &info);
	KEXPECT_GE(info.num_objs, 1000u);
	for (unsigned i = 0; i < 1000; i++)
		kmem_cache_free(s, objs[i]);
	kmem_cache_shrink(s);
	get_slabinfo(s, &info);
	KEXPECT_EQ(info.num_slabs, 0u);
	kmem_cache_destroy(s);
}

KTEST(slub, empty_slabs_go_back)
{
	struct kmem_cache* s = kmem_cache_create("slub_ktest_pages", 512, 0, SLAB_NO_MERGE, nullptr);
	KASSERT_TRUE(s != nullptr);
	KASSERT_TRUE(ktest_quiesce());
	unsigned long before = nr_free_pages();
	static void* objs[4000];
	for (auto& p : objs)
		p = kmem_cache_alloc(s, GFP_KERNEL);
	drain_all_pages();
	KEXPECT_GE(before - nr_free_pages(), 500u);
	for (auto* p : objs)
		kmem_cache_free(s, p);
	kmem_cache_shrink(s);
	drain_all_pages();
	KEXPECT_EQ(nr_free_pages(), before);
	kmem_cache_destroy(s);
}

/* the seed's slab3_maxsize: the largest single kmalloc */
KTEST(slub, slab3_maxsize)
{
	size_t largest = 0;
	printk(KERN_INFO "    # slab3_maxsize: order        size  result\n");
	for (unsigned order = 0; order <= MAX_ORDER; order++) {
		size_t size = PAGE_SIZE << order;
		void* p = kmalloc(size, GFP_KERNEL | __GFP_NOWARN);
		printk(KERN_INFO "    # slab3_maxsize: %5u %11zu  %s\n", order, size, p ? "ok" : "failed");
		if (p) {
			largest = size;
			static_cast<uint8_t*>(p)[size - 1] = 1;
			kfree(p);
		}
	}
	printk(KERN_INFO "    # slab3_maxsize: largest kmalloc: %zu bytes (%zu MiB)\n", largest, largest >> 20);
	KEXPECT_EQ(largest, size_t(4) << 20);
	KEXPECT_EQ(largest, KMALLOC_MAX_SIZE);
}

/* the seed's slab4_actualsize: what kmalloc really gives */
KTEST(slub, slab4_actualsize)
{
	static const struct {
		size_t req, expect;
	} sizes[] = {{20, 32},     {50, 64},     {100, 128},   {200, 256},   {500, 512},     {1000, 1024},
	             {2000, 2048}, {4000, 4096}, {5000, 8192}, {8192, 8192}, {10000, 16384}, {70000, 131072}};
	/* the book's columns: waste % is the share of the object left unused */
	printk(KERN_INFO "    # slab4_actualsize: kmalloc(      n) :  Actual : Wastage : Waste %%\n");
	for (const auto& e : sizes) {
		void* p = kmalloc(e.req, GFP_KERNEL);
		KASSERT_TRUE(p != nullptr);
		size_t actual = ksize(p);
		printk(KERN_INFO "    # slab4_actualsize: kmalloc(%7zu) : %7zu : %7zu : %3zu%%\n", e.req, actual,
		       actual - e.req, (actual - e.req) * 100 / actual);
		KEXPECT_EQ(actual, e.expect);
		kfree(p);
	}
}

KTEST(slub, slabinfo)
{
	void* hold = kmalloc(64, GFP_KERNEL);
	size_t n = render_slabinfo(slabinfo_buf, sizeof(slabinfo_buf));
	KASSERT_GT(n, 100u);
	KEXPECT_EQ(lib::strncmp(slabinfo_buf, "slabinfo - version: 2.1\n# name            <active_objs>", 55), 0);
	/* print the kmalloc lines, as `grep kmalloc /proc/slabinfo` */
	for (char *line = slabinfo_buf, *nl; *line; line = nl + 1) {
		nl = lib::strchr(line, '\n');
		if (!nl)
			break;
		*nl = '\0';
		if (lib::strncmp(line, "kmalloc-", 8) == 0 || lib::strncmp(line, "kmem_cache", 10) == 0 ||
		    lib::strncmp(line, "slabinfo", 8) == 0 || line[0] == '#')
			printk(KERN_INFO "    # %s\n", line);
	}
	struct slabinfo info;
	get_slabinfo(kmalloc_caches[KMALLOC_NORMAL][6], &info);
	KEXPECT_GE(info.active_objs, 1u);
	KEXPECT_EQ(info.num_objs % kmalloc_caches[KMALLOC_NORMAL][6]->oo_objects, 0u);
	kfree(hold);
	KEXPECT_GT(slab_unreclaimable_pages(), 0u);
}

KTEST(slub, operator_new_delete)
{
	struct thing {
		int a = 7;
		long b[10] = {};
	};
	thing* t = new thing;
	KASSERT_TRUE(t != nullptr);
	KEXPECT_EQ(t->a, 7);
	KEXPECT_EQ(ksize(t), 96u);
	delete t;
	int* v = new int[1000];
	KEXPECT_EQ(ksize(v), 4096u);
	delete[] v;
	int* n = new (std::nothrow) int(5);
	KASSERT_TRUE(n != nullptr);
	KEXPECT_EQ(*n, 5);
	delete n;
	struct alignas(256) wide {
		char c[40];
	};
	wide* w = new wide;
	KEXPECT_EQ(reinterpret_cast<uintptr_t>(w) % 256, 0u);
	delete w;
}

/* ---- deliberate misuse: each prints a slab_bug report ("BUG <cache> (...)") ---- */

namespace
{
/* kmalloc-64 when slub_debug covers it, else a private debug cache */
struct kmem_cache* debug_cache()
{
	struct kmem_cache* k64 = kmalloc_caches[KMALLOC_NORMAL][6];
	if ((k64->flags & SLAB_DEBUG_FLAGS) == SLAB_DEBUG_FLAGS)
		return k64;
	static struct kmem_cache* own;
	if (!own)
		own = kmem_cache_create("slub_debug_test", 64, 0, SLAB_DEBUG_FLAGS, nullptr);
	return own;
}
bool reported(const char* what)
{
	char needle[96];
	lib::snprintf(needle, sizeof(needle), "BUG %s (", debug_cache()->name);
	return ktest_log_contains(needle) && ktest_log_contains(what);
}
} // namespace

KTEST_EXPLICIT_ONLY(slub, redzone_overwrite)
{
	struct kmem_cache* s = debug_cache();
	uint8_t* p = static_cast<uint8_t*>(kmem_cache_alloc(s, GFP_KERNEL));
	KASSERT_TRUE(p != nullptr);
	p[64] = 0x78;
	kmem_cache_free(s, p);
	KEXPECT_TRUE(reported("Right Redzone overwritten"));
}

KTEST_EXPLICIT_ONLY(slub, use_after_free)
{
	struct kmem_cache* s = debug_cache();
	uint8_t* p = static_cast<uint8_t*>(kmem_cache_alloc(s, GFP_KERNEL));
	KASSERT_TRUE(p != nullptr);
	kmem_cache_free(s, p);
	p[10] = 0x12;
	void* q = kmem_cache_alloc(s, GFP_KERNEL);
	KEXPECT_TRUE(reported("Poison overwritten"));
	kmem_cache_free(s, q);
}

KTEST_EXPLICIT_ONLY(slub, double_free)
{
	struct kmem_cache* s = debug_cache();
	void* p = kmem_cache_alloc(s, GFP_KERNEL);
	kmem_cache_free(s, p);
	kmem_cache_free(s, p);
	KEXPECT_TRUE(reported("Object already free"));
}

KTEST_EXPLICIT_ONLY(slub, invalid_free)
{
	struct kmem_cache* s = debug_cache();
	uint8_t* p = static_cast<uint8_t*>(kmem_cache_alloc(s, GFP_KERNEL));
	kmem_cache_free(s, p + 8);
	KEXPECT_TRUE(reported("Invalid object pointer"));
	kmem_cache_free(s, p);
	struct page* pg = alloc_pages(GFP_KERNEL, 0);
	kfree(page_address(pg));
	KEXPECT_TRUE(ktest_log_contains("BUG kfree ("));
	__free_pages(pg, 0);
}

KTEST_EXPLICIT_ONLY(slub, wrong_cache)
{
	struct kmem_cache* a = kmem_cache_create("slub_cache_a", 100, 0, SLAB_NO_MERGE, nullptr);
	struct kmem_cache* b = kmem_cache_create("slub_cache_b", 100, 0, SLAB_NO_MERGE, nullptr);
	void* x = kmem_cache_alloc(a, GFP_KERNEL);
	kmem_cache_free(b, x);
	KEXPECT_TRUE(ktest_log_contains("BUG slub_cache_b ("));
	KEXPECT_TRUE(ktest_log_contains("Wrong slab cache. slub_cache_b but object is from slub_cache_a"));
	kmem_cache_destroy(a);
	kmem_cache_destroy(b);
}

/* ---- benchmark (not a test): fast-path allocate+free pairs ---- */

#include <arch/processor.h>
#include <kernel/time.h>

namespace
{
void report(const char* what, long iters, uint64_t t0, uint64_t t1, uint64_t c0, uint64_t c1)
{
	uint64_t ps = (t1 - t0) * 1000 / uint64_t(iters);
	printk(KERN_INFO "# bench: kernel %s alloc+free pair: %llu.%llu ns %llu cycles\n", what,
	       (unsigned long long)(ps / 1000), (unsigned long long)(ps % 1000 / 100),
	       (unsigned long long)((c1 - c0) / uint64_t(iters)));
}
} // namespace

KTEST_EXPLICIT_ONLY(bench, slub)
{
	const long iters = 500000;
	for (int i = 0; i < 1000; i++)
		kfree(kmalloc(64, GFP_KERNEL));
	uint64_t t0 = local_clock(), c0 = rdtsc();
	for (long i = 0; i < iters; i++) {
		void* p = kmalloc(64, GFP_KERNEL);
		asm volatile("" : : "r"(p) : "memory");
		kfree(p);
	}
	uint64_t c1 = rdtsc(), t1 = local_clock();
	report("kmalloc-64", iters, t0, t1, c0, c1);

	struct kmem_cache* s = kmem_cache_create("bench_256", 256, 0, SLAB_NO_MERGE, nullptr);
	KASSERT_TRUE(s != nullptr);
	for (int i = 0; i < 1000; i++)
		kmem_cache_free(s, kmem_cache_alloc(s, GFP_KERNEL));
	t0 = local_clock();
	c0 = rdtsc();
	for (long i = 0; i < iters; i++) {
		void* p = kmem_cache_alloc(s, GFP_KERNEL);
		asm volatile("" : : "r"(p) : "memory");
		kmem_cache_free(s, p);
	}
	c1 = rdtsc();
	t1 = local_clock();
	report("kmem_cache-256", iters, t0, t1, c0, c1);
	kmem_cache_destroy(s);
}

/* kmalloc(0) hands out ZERO_SIZE_PTR, which faults when touched (page 0 is never mapped) */
KTEST_EXPLICIT_ONLY(slub, zero_size_ptr_faults)
{
	volatile char* p = static_cast<volatile char*>(kmalloc(0, GFP_KERNEL));
	(void)*p;
}
