// Benchmark (not a test): the cost of an allocate+free pair of the buddy
// allocator on the host, order 0 (the per-cpu list path), 3 and 9.
// Prints ns and TSC cycles per pair; run by tools/bench/alloc.sh.
#include "sim_machine.h"

#include <chrono>
#include <cstdio>
#include <x86intrin.h>

namespace {
void bench(unsigned order, long iters)
{
	Machine m;
	m.no_watermarks();
	// warm up: fill the per-cpu list, fault the struct pages in
	for (long i = 0; i < 1000; i++)
		__free_pages(alloc_pages(GFP_KERNEL, order), order);
	auto t0 = std::chrono::steady_clock::now();
	uint64_t c0 = __rdtsc();
	for (long i = 0; i < iters; i++) {
		struct page* p = alloc_pages(GFP_KERNEL, order);
		__free_pages(p, order);
	}
	uint64_t c1 = __rdtsc();
	auto t1 = std::chrono::steady_clock::now();
	double ns = std::chrono::duration<double, std::nano>(t1 - t0).count() / double(iters);
	std::printf("host  order-%u alloc+free pair: %8.1f ns %8.1f cycles\n", order, ns,
		    double(c1 - c0) / double(iters));
}
} // namespace

int main()
{
	bench(0, 20000000);
	bench(3, 5000000);
	bench(9, 2000000);
	return 0;
}
