/*
 * The direct map and the kernel-segment report (Linux: arch/x86/mm/init.c
 * init_mem_mapping, init_64.c; the report follows the show_kernel_seg
 * module of seed 001).
 *
 * Direct map: head.S maps physical 0..4 GiB at 0xffff888000000000 with
 * 2 MiB pages (firmware holes included, as early Linux did; nothing
 * touches MMIO through it).  init_mem_mapping() builds the final one at
 * PAGE_OFFSET, which KASLR may have moved (arch/x86_64/mm/kaslr.cc): the
 * low 4 GiB reuse head.S's page directories, RAM above 4 GiB gets 1 GiB
 * pages when the CPU has them, else 2 MiB pages from a static pool of
 * page directories.  high_memory is the end of RAM in the direct map.
 *
 * Lock order: none; runs once on the boot CPU before anything else.
 */
#include <arch/page.h>
#include <arch/fixmap.h>
#include <arch/e820.h>
#include <arch/processor.h>
#include <arch/setup.h>
#include <arch/kaslr.h>
#include <kernel/printk.h>
#include <lib/format.h>
#include <lib/string.h>
#include <arch/pgtable.h>
#include <mm/vmalloc.h>

void* high_memory;
constinit uintptr_t page_offset_base = PAGE_OFFSET_BASE;
constinit uintptr_t vmemmap_base = VMEMMAP_START_BASE;
constinit uintptr_t vmalloc_base = VMALLOC_START_BASE;

extern "C" {
extern uint64_t init_top_pgt[];
extern uint64_t boot_pd[];
extern char _text[], _etext[], _sdata[], _edata[], __bss_start[], __bss_stop[], _end[];
extern char __init_begin[], __init_end[], __start_rodata[], __end_rodata[];
}

namespace
{
constexpr unsigned DIRECT_MAP_PD_POOL = 60; /* 2 MiB pages: up to 64 GiB of RAM */
alignas(PAGE_SIZE) uint64_t pd_pool[DIRECT_MAP_PD_POOL][PTRS_PER_TABLE];
unsigned pd_pool_used;
constexpr uint64_t PHYS_PAGE_MASK = 0x000ffffffffff000ULL;
constexpr uint64_t BOOT_DIRECT_MAP_END = 4ULL << 30;

/* the direct map's own PDPT pages: two cover 512 GiB from any 1 GiB base */
alignas(PAGE_SIZE) uint64_t direct_map_pdpt[2][PTRS_PER_TABLE];

/*
 * Map physical [0, end) at base (1 GiB aligned): the first 4 GiB through
 * head.S's page directories (boot_pd, 2 MiB pages), the rest with 1 GiB
 * pages when the CPU has them, else 2 MiB pages from pd_pool.  Returns
 * the end actually mapped.
 */
uint64_t build_direct_map(uintptr_t base, uint64_t end)
{
	bool gbpages = cpuid(0x80000001).edx & (1u << 26);
	constexpr uint64_t flags = _PAGE_PRESENT | _PAGE_RW | _PAGE_GLOBAL | _PAGE_NX;
	unsigned pgd = unsigned(base >> PGDIR_SHIFT) & 511, pud0 = unsigned(base >> PUD_SHIFT) & 511;
	for (auto& page : direct_map_pdpt)
		for (auto& e : page)
			e = 0;
	uint64_t ngb = (end + PUD_SIZE - 1) >> PUD_SHIFT, g = 0;
	for (; g < ngb; g++) {
		unsigned slot = pud0 + unsigned(g);
		if (slot / PTRS_PER_TABLE >= 2 || pgd + slot / PTRS_PER_TABLE >= PTRS_PER_TABLE)
			break;
		uint64_t entry;
		if (g < 4) {
			entry = __pa(boot_pd + g * PTRS_PER_TABLE) | _PAGE_PRESENT | _PAGE_RW;
		} else if (gbpages) {
			entry = (g << PUD_SHIFT) | flags | _PAGE_PSE;
		} else {
			if (pd_pool_used == DIRECT_MAP_PD_POOL)
				break;
			uint64_t* pd = pd_pool[pd_pool_used++];
			for (unsigned i = 0; i < PTRS_PER_TABLE; i++)
				pd[i] = ((g << PUD_SHIFT) + i * PMD_SIZE) | flags | _PAGE_PSE;
			entry = __pa(pd) | _PAGE_PRESENT | _PAGE_RW;
		}
		direct_map_pdpt[slot / PTRS_PER_TABLE][slot % PTRS_PER_TABLE] = entry;
	}
	unsigned pages = (pud0 + unsigned(g) + PTRS_PER_TABLE - 1) / PTRS_PER_TABLE;
	for (unsigned i = 0; i < pages; i++)
		init_top_pgt[pgd + i] = __pa(direct_map_pdpt[i]) | _PAGE_PRESENT | _PAGE_RW;
	return g << PUD_SHIFT;
}

/* "   2.04 MB" style, two decimals, binary units, no floating point */
void format_size(char* buf, size_t size, uint64_t bytes)
{
	static const char* const units[] = {"KB", "MB", "GB", "TB"};
	unsigned u = 0;
	uint64_t unit = 1024;
	while (u < 3 && bytes >= unit * 1024)
		unit *= 1024, u++;
	uint64_t whole = bytes / unit;
	uint64_t frac = (bytes % unit) * 100 / unit;
	lib::snprintf(buf, size, "%7llu.%02llu %s", (unsigned long long)whole, (unsigned long long)frac, units[u]);
}

void region(const char* name, uintptr_t start, uintptr_t end)
{
	char sz[32];
	format_size(sz, sizeof(sz), end - start);
	pr_info("|%-18s 0x%016lx - 0x%016lx [%s]\n", name, (unsigned long)start, (unsigned long)end, sz);
}
/* how much of a region is in use, under its line */
void in_use(const char* what, uint64_t bytes)
{
	char sz[32];
	format_size(sz, sizeof(sz), bytes);
	pr_info("|  in use (%s):%*s[%s]\n", what, int(47 - lib::strlen(what)), "", sz);
}
} // namespace

void init_mem_mapping()
{
	uint64_t ram_end = e820__end_of_ram();
	uint64_t end = ram_end > BOOT_DIRECT_MAP_END ? ram_end : BOOT_DIRECT_MAP_END;
	unsigned old_pgd = unsigned(page_offset_base >> PGDIR_SHIFT) & 511;
	if (kaslr_enabled())
		kernel_randomize_memory(ram_end);
	uint64_t got = build_direct_map(page_offset_base, end);
	unsigned new_pgd = unsigned(page_offset_base >> PGDIR_SHIFT) & 511;
	if (old_pgd != new_pgd && old_pgd != new_pgd + 1)
		init_top_pgt[old_pgd] = 0; /* head.S's direct map is gone */
	__flush_tlb_all();
	if (got < ram_end) {
		pr_warn("mm: direct map ends at %#llx; RAM above it is not used\n", (unsigned long long)got);
		ram_end = got;
	}
	high_memory = __va(ram_end);
}

void show_kernel_segment()
{
	const char* bar = "+------------------------------------------------------------------------------+";
	pr_info("Kernel segment layout [by decreasing address]\n");
	pr_info("%s\n", bar);
	region("fixmap region:", FIXADDR_START, FIXADDR_TOP);
	region("module region:", MODULES_VADDR, MODULES_END);
	region("kernel image:", reinterpret_cast<uintptr_t>(_text), reinterpret_cast<uintptr_t>(_end));
	region("  text:", reinterpret_cast<uintptr_t>(_text), reinterpret_cast<uintptr_t>(_etext));
	region("  rodata:", reinterpret_cast<uintptr_t>(__start_rodata), reinterpret_cast<uintptr_t>(__end_rodata));
	region("  init:", reinterpret_cast<uintptr_t>(__init_begin), reinterpret_cast<uintptr_t>(__init_end));
	region("  data:", reinterpret_cast<uintptr_t>(_sdata), reinterpret_cast<uintptr_t>(_edata));
	region("  bss:", reinterpret_cast<uintptr_t>(__bss_start), reinterpret_cast<uintptr_t>(__bss_stop));
	region("vmemmap region:", VMEMMAP_START, VMEMMAP_END + 1);
	in_use("struct pages", vmemmap_bytes);
	region("vmalloc region:", VMALLOC_START, VMALLOC_END + 1);
	in_use("vmalloc", vmalloc_nr_pages() << PAGE_SHIFT);
	region("lowmem region:", PAGE_OFFSET, reinterpret_cast<uintptr_t>(high_memory));
	pr_info("|                     ^^^^^^^^^^^^^^^^     ^^^^^^^^^^^^^^^^\n");
	pr_info("|                        PAGE_OFFSET          high_memory\n");
	pr_info("%s\n", bar);
	region("User VAS:", 0, TASK_SIZE);
	pr_info("|  TASK_SIZE = 0x%016lx\n", (unsigned long)TASK_SIZE);
	pr_info("%s\n", bar);
	pr_info("_text=0x%016lx _etext=0x%016lx __init_begin=0x%016lx __init_end=0x%016lx\n", (unsigned long)_text,
	        (unsigned long)_etext, (unsigned long)__init_begin, (unsigned long)__init_end);
	pr_info("_sdata=0x%016lx _edata=0x%016lx __bss_start=0x%016lx __bss_stop=0x%016lx\n", (unsigned long)_sdata,
	        (unsigned long)_edata, (unsigned long)__bss_start, (unsigned long)__bss_stop);
}
