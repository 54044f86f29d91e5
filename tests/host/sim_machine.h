// A small simulated machine for the page-allocator host tests and the
// host benchmark: 32 MiB of "physical memory" in a host buffer, pfn 0
// reserved, ZONE_DMA below 16 MiB and ZONE_DMA32 above, one node, set up
// through the same functions mm/mm_init.cc calls in the kernel.
#pragma once
#include <mm/page_alloc.h>

#include "host_env.h"

#include <cstdlib>
#include <new>

namespace {

using page_t = struct page;
constexpr unsigned long NPAGES = 8192;	    // 32 MiB
constexpr unsigned long DMA_END_PFN = 4096; // 16 MiB, as on a PC

struct Machine {
	uint8_t* mem = nullptr;
	struct page* pages = nullptr;
	pg_data_t* pgdat = nullptr;

	explicit Machine(bool poison = false)
	{
		host_reset_env();
		page_poisoning_enabled = poison;
		mem = static_cast<uint8_t*>(std::aligned_alloc(PAGE_SIZE, NPAGES * PAGE_SIZE));
		pages = static_cast<struct page*>(std::aligned_alloc(64, NPAGES * sizeof(struct page)));
		pgdat = new pg_data_t{};
		page_offset_base = reinterpret_cast<uintptr_t>(mem);
		vmemmap_base = reinterpret_cast<uintptr_t>(pages);
		node_data[0] = pgdat;
		pgdat->node_id = 0;
		zone_init_free_lists(&pgdat->node_zones[ZONE_DMA], pgdat, ZONE_DMA, 0, DMA_END_PFN, DMA_END_PFN);
		zone_init_free_lists(&pgdat->node_zones[ZONE_DMA32], pgdat, ZONE_DMA32, DMA_END_PFN,
				     NPAGES - DMA_END_PFN, NPAGES - DMA_END_PFN);
		zone_init_free_lists(&pgdat->node_zones[ZONE_NORMAL], pgdat, ZONE_NORMAL, NPAGES, 0, 0);
		for (unsigned long pfn = 0; pfn < NPAGES; pfn++) {
			struct page* p = &pages[pfn];
			new (p) page_t{};
			set_page_links(p, pfn < DMA_END_PFN ? ZONE_DMA : ZONE_DMA32, 0);
			set_page_flag(p, PG_reserved);
			set_page_count(p, 1);
			p->alloc_order = -1;
		}
		free_pages_core_range(1, NPAGES); // pfn 0 stays reserved, as Linux keeps it
		setup_per_zone_wmarks();
		setup_per_zone_lowmem_reserve();
		for (auto& z : pgdat->node_zones)
			zone_pcp_init(&z);
		build_all_zonelists();
	}
	~Machine()
	{
		node_data[0] = nullptr;
		delete pgdat;
		std::free(pages);
		std::free(mem);
		page_poisoning_enabled = false;
	}
	struct zone* dma() { return &pgdat->node_zones[ZONE_DMA]; }
	struct zone* dma32() { return &pgdat->node_zones[ZONE_DMA32]; }
	void no_watermarks()
	{
		for (auto& z : pgdat->node_zones) {
			for (auto& w : z._watermark)
				w = 0;
			for (auto& r : z.lowmem_reserve)
				r = 0;
		}
	}
	unsigned long pcp_pages()
	{
		unsigned long n = 0;
		for (auto& z : pgdat->node_zones)
			for (auto& pcp : z.pageset)
				n += pcp.count;
		return n;
	}
	unsigned long nr_free(struct zone* z, unsigned order) { return z->free_area[order].nr_free; }
};


} // namespace
