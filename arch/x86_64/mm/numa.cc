/*
 * NUMA nodes from the ACPI SRAT (Linux: arch/x86/mm/srat.c,
 * drivers/acpi/numa/srat.c, arch/x86/mm/numa.c numa_init).
 *
 * Each enabled SRAT memory-affinity entry assigns a physical range to a
 * proximity domain; domains become node ids in order of appearance.  When
 * there is no SRAT, or it leaves memory without a node, everything is
 * node 0, as Linux's dummy_numa_init ("Faking a node").  SRAT ranges
 * must not overlap (ACPI requires it); coverage is checked by bytes.
 */
#include <drivers/acpi.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/mmzone.h>

namespace {
struct srat_mem_affinity {
	uint8_t type; /* 1 */
	uint8_t length; /* 40 */
	uint32_t proximity_domain;
	uint16_t reserved1;
	uint32_t base_lo, base_hi, length_lo, length_hi;
	uint32_t reserved2;
	uint32_t flags; /* bit 0: enabled */
	uint64_t reserved3;
} __attribute__((packed));
static_assert(sizeof(srat_mem_affinity) == 40);

int pxm_to_node_map[MAX_NUMNODES];
unsigned nr_pxm;
constexpr unsigned MAX_SRAT_RANGES = 64;
struct {
	uint64_t base, end;
} srat_ranges[MAX_SRAT_RANGES];
unsigned nr_srat_ranges;

/* bytes of memblock memory that some SRAT range covers */
uint64_t srat_covered()
{
	uint64_t covered = 0;
	for_each_mem_range([&](phys_addr_t base, phys_addr_t end, int) {
		for (unsigned i = 0; i < nr_srat_ranges; i++) {
			uint64_t s = base > srat_ranges[i].base ? base : srat_ranges[i].base;
			uint64_t e = end < srat_ranges[i].end ? end : srat_ranges[i].end;
			if (e > s)
				covered += e - s;
		}
	});
	return covered;
}

int pxm_to_node(uint32_t pxm)
{
	for (unsigned i = 0; i < nr_pxm; i++)
		if (uint32_t(pxm_to_node_map[i]) == pxm)
			return int(i);
	if (nr_pxm == MAX_NUMNODES)
		return NUMA_NO_NODE;
	pxm_to_node_map[nr_pxm] = int(pxm);
	return int(nr_pxm++);
}

bool acpi_numa_init()
{
	const acpi_table_header* srat = acpi_get_table("SRAT");
	if (!srat)
		return false;
	const uint8_t* p = reinterpret_cast<const uint8_t*>(srat) + sizeof(acpi_table_header) + 12;
	const uint8_t* end = reinterpret_cast<const uint8_t*>(srat) + srat->length;
	bool any = false;
	while (p + 2 <= end && p[1] >= 2 && p + p[1] <= end) {
		if (p[0] == 1 && p[1] >= sizeof(srat_mem_affinity)) {
			srat_mem_affinity ma;
			lib::memcpy(&ma, p, sizeof(ma));
			uint64_t base = (uint64_t(ma.base_hi) << 32) | ma.base_lo;
			uint64_t len = (uint64_t(ma.length_hi) << 32) | ma.length_lo;
			if ((ma.flags & 1) && len) {
				int node = pxm_to_node(ma.proximity_domain);
				if (node == NUMA_NO_NODE) {
					pr_warn("ACPI: SRAT: too many proximity domains; ignoring PXM %u\n",
						ma.proximity_domain);
				} else {
					pr_info("ACPI: SRAT: Node %d PXM %u [mem 0x%08llx-0x%08llx]\n", node,
						ma.proximity_domain, (unsigned long long)base,
						(unsigned long long)(base + len - 1));
					/* no room to split: the range keeps its old node (logged),
					 * and the SRAT then does not cover all memory */
					if (memblock_set_node(base, len, node).is_ok()) {
						if (nr_srat_ranges < MAX_SRAT_RANGES)
							srat_ranges[nr_srat_ranges++] = {base, base + len};
						any = true;
					}
				}
			}
		}
		p += p[1];
	}
	return any;
}
} // namespace

void x86_numa_init()
{
	bool srat = acpi_numa_init();
	if (srat && srat_covered() == memblock_phys_mem_size())
		return;
	if (srat)
		pr_warn("NUMA: SRAT leaves memory without a node; using one node\n");
	else
		pr_info("No NUMA configuration found\n");
	pr_info("Faking a node at [mem 0x%016llx-0x%016llx]\n", (unsigned long long)memblock_start_of_DRAM(),
		(unsigned long long)memblock_end_of_DRAM() - 1);
	/* one node for everything: no split, it cannot run out of regions */
	WARN_ON(memblock_set_node(0, PHYS_ADDR_MAX, 0).is_err());
}
