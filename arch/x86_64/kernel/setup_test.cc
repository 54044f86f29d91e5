/*
 * ktests for the machine set-up: memory map, direct map, descriptor tables
 * (arch/x86_64/kernel/, arch/x86_64/mm/init.cc).
 */
#include <kernel/ktest.h>
#include <arch/e820.h>
#include <arch/kaslr.h>
#include <arch/page.h>
#include <arch/processor.h>
#include <arch/segment.h>
#include <drivers/acpi.h>

KTEST(boot, e820_sorted_disjoint)
{
	const e820_table& t = e820_table_kernel;
	KASSERT_GT(t.nr_entries, 1u);
	for (uint32_t i = 1; i < t.nr_entries; i++) {
		KEXPECT_LE(t.entries[i - 1].addr + t.entries[i - 1].size, t.entries[i].addr);
		/* neighbours of one type would have been merged */
		if (t.entries[i - 1].addr + t.entries[i - 1].size == t.entries[i].addr)
			KEXPECT_NE(uint32_t(t.entries[i - 1].type), uint32_t(t.entries[i].type));
	}
}

KTEST(boot, direct_map_round_trip)
{
	static int probe = 1234;
	phys_addr_t pa = __pa(&probe);
	KEXPECT_EQ(pa, reloc_hide(&probe) - __START_KERNEL_map - kaslr_virt_offset + phys_base);
	/* the same physical byte seen through the direct map */
	int* alias = static_cast<int*>(__va(pa));
	KEXPECT_EQ(*alias, 1234);
	*alias = 5678;
	KEXPECT_EQ(probe, 5678);
	KEXPECT_EQ(__pa(alias), pa);
}

KTEST(boot, high_memory_is_end_of_ram)
{
	KEXPECT_EQ(reinterpret_cast<uintptr_t>(high_memory), PAGE_OFFSET + e820__end_of_ram());
}

KTEST(boot, identity_map_removed)
{
	extern uint64_t init_top_pgt[];
	KEXPECT_EQ(init_top_pgt[0], 0u);
}

KTEST(boot, kernel_at_16mib)
{
	extern char _text[], _end[];
	/* physical 16 MiB and virtual 0xffffffff81000000, each plus its KASLR offset */
	KEXPECT_EQ(__pa(_text), 0x1000000u + phys_base);
	KEXPECT_EQ(phys_base % (2UL << 20), 0u);
	KEXPECT_LT(__pa(_end), 1ULL << 32);
	KEXPECT_EQ(reloc_hide(_text), 0xffffffff81000000UL + kaslr_virt_offset);
	KEXPECT_EQ(kaslr_virt_offset % (2UL << 20), 0u);
	KEXPECT_LE(reloc_hide(_end), 0xffffffffc0000000UL);
}

KTEST(boot, segments_and_tss)
{
	uint16_t cs, ss, tr;
	asm volatile("movw %%cs, %0; movw %%ss, %1; str %2" : "=r"(cs), "=r"(ss), "=r"(tr));
	KEXPECT_EQ(cs, __KERNEL_CS);
	KEXPECT_EQ(ss, __KERNEL_DS);
	KEXPECT_EQ(tr, GDT_ENTRY_TSS * 8);
}

KTEST(boot, acpi_tables_found)
{
	KEXPECT_TRUE(acpi_get_table("FACP") != nullptr);
	KEXPECT_TRUE(acpi_get_table("DSDT") != nullptr);
	KEXPECT_TRUE(acpi_get_table("NOPE") == nullptr);
}

/* every byte of RAM is reachable through the direct map: touch the first
 * and last word of each usable range (above 4 GiB too, when there is RAM) */
KTEST(boot, direct_map_covers_all_ram)
{
	const e820_table& t = e820_table_kernel;
	unsigned ranges = 0;
	for (uint32_t i = 0; i < t.nr_entries; i++) {
		const e820_entry& e = t.entries[i];
		if (e.type != e820_type::ram || e.size < 16)
			continue;
		ranges++;
		const uint64_t ends[2] = {e.addr, e.addr + e.size - 8};
		for (uint64_t pa : ends) {
			volatile uint64_t* p = static_cast<volatile uint64_t*>(__va(pa));
			uint64_t old = *p;
			*p = 0x5a5a5a5a12345678ULL ^ pa;
			KEXPECT_EQ(*p, 0x5a5a5a5a12345678ULL ^ pa);
			*p = old;
		}
	}
	KEXPECT_GT(ranges, 0u);
}

/* KASLR's regions: 1 GiB aligned, in order, apart, inside their space */
KTEST(boot, memory_regions_in_place)
{
	const uintptr_t gib = 1UL << 30;
	KEXPECT_EQ(PAGE_OFFSET % gib, 0u);
	KEXPECT_EQ(VMALLOC_START % gib, 0u);
	KEXPECT_EQ(VMEMMAP_START % gib, 0u);
	KEXPECT_GE(PAGE_OFFSET, 0xffff888000000000UL);
	KEXPECT_GE(VMALLOC_START, reinterpret_cast<uintptr_t>(high_memory));
	KEXPECT_GT(VMEMMAP_START, VMALLOC_END);
	KEXPECT_LE(VMEMMAP_END, 0xfffffe0000000000UL);
	if (!kaslr_enabled()) /* nokaslr: Linux's fixed addresses */
		KEXPECT_EQ(PAGE_OFFSET, 0xffff888000000000UL);
}
