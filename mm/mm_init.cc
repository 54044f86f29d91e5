/*
 * From memblock to the buddy allocator (Linux: mm/mm_init.c
 * free_area_init, memmap_init; mm/memblock.c memblock_free_all;
 * mm/page_alloc.c build_all_zonelists; mm/mm_init.c mem_init_print_info).
 *
 * Order: size every node and zone from memblock's memory regions; back
 * the struct pages of every zone span in the vmemmap (holes included, so
 * a buddy lookup never touches an unmapped struct page) and mark them all
 * reserved; free what memblock has not reserved into the buddy lists;
 * then watermarks, per-cpu list sizes and zonelists, which all depend on
 * the managed page counts.
 *
 * Runs once on the boot CPU before anything else allocates.
 */
#include <mm/mm_init.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <arch/pgtable.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <lib/string.h>

extern "C" char _text[], _etext[], _sdata[], _edata[], __bss_start[], __bss_stop[], _end[];
extern "C" char __init_begin[], __init_end[], __start_rodata[], __end_rodata[];

namespace {
pg_data_t pgdat_storage[MAX_NUMNODES];

constexpr unsigned long zone_limit_pfn[MAX_NR_ZONES] = {MAX_DMA_PFN, MAX_DMA32_PFN, ~0UL};

inline unsigned long pfn_up(phys_addr_t pa) { return (pa + PAGE_SIZE - 1) >> PAGE_SHIFT; }
inline unsigned long pfn_down(phys_addr_t pa) { return pa >> PAGE_SHIFT; }

/* pages of memory of node nid within [start_pfn, end_pfn) */
unsigned long present_pages_in(int nid, unsigned long start_pfn, unsigned long end_pfn)
{
	unsigned long n = 0;
	for_each_mem_range([&](phys_addr_t base, phys_addr_t end, int rnid) {
		if (rnid != nid)
			return;
		unsigned long s = pfn_up(base), e = pfn_down(end);
		if (s < start_pfn)
			s = start_pfn;
		if (e > end_pfn)
			e = end_pfn;
		if (e > s)
			n += e - s;
	});
	return n;
}

void print_zone_ranges()
{
	unsigned long start = pfn_up(memblock_start_of_DRAM()), end = pfn_down(memblock_end_of_DRAM());
	pr_info("Zone ranges:\n");
	unsigned long lo = 0;
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		unsigned long s = lo > start ? lo : start;
		unsigned long e = zone_limit_pfn[z] < end ? zone_limit_pfn[z] : end;
		if (s < e)
			pr_info("  %-8s [mem 0x%016llx-0x%016llx]\n", zone_names[z], (unsigned long long)s << PAGE_SHIFT,
				((unsigned long long)e << PAGE_SHIFT) - 1);
		else
			pr_info("  %-8s empty\n", zone_names[z]);
		lo = zone_limit_pfn[z];
	}
	pr_info("Early memory node ranges\n");
	for_each_mem_range([](phys_addr_t base, phys_addr_t end, int nid) {
		pr_info("  node %3d: [mem 0x%016llx-0x%016llx]\n", nid, (unsigned long long)base,
			(unsigned long long)end - 1);
	});
}

/* every struct page of [start_pfn, end_pfn): reserved, linked to its zone */
void init_struct_pages(unsigned long start_pfn, unsigned long end_pfn, unsigned zone, int nid)
{
	for (unsigned long pfn = start_pfn; pfn < end_pfn; pfn++) {
		struct page* p = pfn_to_page(pfn);
		lib::memset(static_cast<void*>(p), 0, sizeof(*p));
		p->lru.init();
		set_page_links(p, zone, nid);
		set_page_flag(p, PG_reserved);
		set_page_count(p, 1);
		p->alloc_order = -1;
	}
}

void free_area_init_node(int nid)
{
	unsigned long node_start = ~0UL, node_end = 0;
	for_each_mem_range([&](phys_addr_t base, phys_addr_t end, int rnid) {
		if (rnid != nid)
			return;
		if (pfn_up(base) < node_start)
			node_start = pfn_up(base);
		if (pfn_down(end) > node_end)
			node_end = pfn_down(end);
	});
	if (node_end <= node_start)
		return;
	pg_data_t* pgdat = &pgdat_storage[nid];
	node_data[nid] = pgdat;
	pgdat->node_id = nid;
	pgdat->node_start_pfn = node_start;
	pgdat->node_spanned_pages = node_end - node_start;
	pgdat->node_present_pages = present_pages_in(nid, node_start, node_end);
	pr_info("Initmem setup node %d [mem 0x%016llx-0x%016llx]\n", nid, (unsigned long long)node_start << PAGE_SHIFT,
		((unsigned long long)node_end << PAGE_SHIFT) - 1);
	unsigned long lo = 0;
	for (unsigned z = 0; z < MAX_NR_ZONES; z++) {
		unsigned long s = lo > node_start ? lo : node_start;
		unsigned long e = zone_limit_pfn[z] < node_end ? zone_limit_pfn[z] : node_end;
		lo = zone_limit_pfn[z];
		struct zone* zone = &pgdat->node_zones[z];
		if (s >= e) {
			zone_init_free_lists(zone, pgdat, z, s < e ? s : 0, 0, 0);
			continue;
		}
		unsigned long present = present_pages_in(nid, s, e);
		zone_init_free_lists(zone, pgdat, z, s, e - s, present);
		pgdat->nr_zones = int(z) + 1;
		if (e - s > present)
			pr_info("On node %d, zone %s: %lu pages in unavailable ranges\n", nid, zone_names[z],
				e - s - present);
		uintptr_t vstart = reinterpret_cast<uintptr_t>(pfn_to_page(s));
		uintptr_t vend = reinterpret_cast<uintptr_t>(pfn_to_page(e));
		if (vmemmap_populate(vstart, vend, nid).is_err())
			panic("mm: out of memory for the struct pages of node %d zone %s", nid, zone_names[z]);
		init_struct_pages(s, e, z, nid);
	}
}

unsigned long kb(const char* a, const char* b) { return (unsigned long)(b - a) >> 10; }

} // namespace

void show_free_areas_report()
{
	static char buf[8192];
	render_buddyinfo(buf, sizeof(buf));
	printk_lines(KERN_INFO, buf);
	render_meminfo_basic(buf, sizeof(buf));
	printk_lines(KERN_INFO, buf);
	/* the free-page part of /proc/zoneinfo: in the log, on the console with loglevel=8 */
	render_zoneinfo_free(buf, sizeof(buf));
	printk_lines(KERN_DEBUG, buf);
}

void mm_core_init()
{
	print_zone_ranges();
	for (unsigned nid = 0; nid < MAX_NUMNODES; nid++)
		free_area_init_node(int(nid));
	if (!NODE_DATA(0))
		panic("mm: no memory on node 0");
	/* A node's zone span may cover another node's memory when nodes
	 * interleave; memblock says whose each page is. */
	for_each_mem_range([](phys_addr_t base, phys_addr_t end, int nid) {
		for (unsigned long pfn = pfn_up(base); pfn < pfn_down(end); pfn++) {
			unsigned z = pfn < MAX_DMA_PFN ? ZONE_DMA : pfn < MAX_DMA32_PFN ? ZONE_DMA32 : ZONE_NORMAL;
			if (page_to_nid(pfn_to_page(pfn)) != nid)
				set_page_links(pfn_to_page(pfn), z, nid);
		}
	});

	/* memblock -> buddy: everything not reserved */
	unsigned long physpages = 0;
	for_each_mem_range([&](phys_addr_t base, phys_addr_t end, int) {
		if (pfn_down(end) > pfn_up(base))
			physpages += pfn_down(end) - pfn_up(base);
	});
	for_each_free_mem_range(NUMA_NO_NODE, [](phys_addr_t start, phys_addr_t end, int) {
		if (pfn_down(end) > pfn_up(start))
			free_pages_core_range(pfn_up(start), pfn_down(end));
	});

	setup_per_zone_wmarks();
	setup_per_zone_lowmem_reserve();
	unsigned nodes = 0;
	pg_data_t* pgdat;
	for_each_online_pgdat(pgdat)
	{
		nodes++;
		for (auto& z : pgdat->node_zones)
			zone_pcp_init(&z);
	}
	build_all_zonelists();
	pr_info("Built %u zonelists, mobility grouping off.  Total pages: %lu\n", nodes, totalram_pages());
	unsigned long total_kb = totalram_pages() << (PAGE_SHIFT - 10);
	pr_info("Memory: %luK/%luK available (%luK kernel code, %luK rwdata, %luK rodata, %luK init, %luK bss, "
		"%luK reserved)\n",
		total_kb, physpages << (PAGE_SHIFT - 10), kb(_text, _etext), kb(_sdata, _edata),
		kb(__start_rodata, __end_rodata), kb(__init_begin, __init_end), kb(__bss_start, __bss_stop),
		(physpages << (PAGE_SHIFT - 10)) - total_kb);
	show_free_areas_report();
}
