// Benchmark (not a test): SLUB's allocate+free pair on the fast path, on
// the host over the simulated machine: kmalloc-64 through kmalloc/kfree,
// and a 256-byte kmem_cache.  Prints ns and TSC cycles per pair.
#include <mm/slab.h>

#include "sim_machine.h"

#include <chrono>
#include <cstdarg>
#include <cstdlib>
#include <cstdio>
#include <x86intrin.h>


namespace
{
template <typename Alloc, typename Free> void bench(const char* what, long iters, Alloc alloc, Free free)
{
	for (long i = 0; i < 10000; i++)
		free(alloc());
	auto t0 = std::chrono::steady_clock::now();
	uint64_t c0 = __rdtsc();
	for (long i = 0; i < iters; i++) {
		void* p = alloc();
		asm volatile("" : : "r"(p) : "memory");
		free(p);
	}
	uint64_t c1 = __rdtsc();
	auto t1 = std::chrono::steady_clock::now();
	double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / double(iters);
	std::printf("host  %-28s %8.1f ns %8.1f cycles\n", what, ns, double(c1 - c0) / double(iters));
}
} // namespace

int main()
{
	Machine m;
	m.no_watermarks();
	kmem_cache_reset_for_test();
	kmem_cache_init();
	bench(
	    "kmalloc-64 alloc+free pair:", 20000000, [] { return kmalloc(64, GFP_KERNEL); }, [](void* p) { kfree(p); });
	struct kmem_cache* s = kmem_cache_create("bench_256", 256, 0, SLAB_NO_MERGE, nullptr);
	bench(
	    "kmem_cache 256 alloc+free pair:", 20000000, [s] { return kmem_cache_alloc(s, GFP_KERNEL); },
	    [s](void* p) { kmem_cache_free(s, p); });
	// a batch of 1000 first: the pairs then cross slabs and the partial list
	static void* batch[1000];
	auto t0 = std::chrono::steady_clock::now();
	const int rounds = 20000;
	for (int r = 0; r < rounds; r++) {
		for (auto& p : batch)
			p = kmalloc(64, GFP_KERNEL);
		for (auto* p : batch)
			kfree(p);
	}
	auto t1 = std::chrono::steady_clock::now();
	std::printf("host  %-28s %8.1f ns\n", "kmalloc-64 batch of 1000:",
	            std::chrono::duration<double, std::nano>(t1 - t0).count() / (rounds * 1000.0));
	kmem_cache_destroy(s);
	return 0;
}
