/*
 * Randomizing the kernel's memory regions (Linux: arch/x86/mm/kaslr.c,
 * CONFIG_RANDOMIZE_MEMORY).
 *
 * The direct map, vmalloc and vmemmap regions keep their order and sizes
 * but slide, each by a random multiple of 1 GiB, inside
 * [0xffff888000000000, 0xfffffe0000000000): the free space is shared out
 * among the regions in turn, so they never overlap.  Sizes as Linux: the
 * direct map gets the RAM rounded up to a TiB plus 10 TiB of padding,
 * vmalloc VMALLOC_SIZE_TB (32 TiB), vmemmap 1 TiB.
 */
#include <arch/kaslr.h>
#include <arch/page.h>

namespace {
constexpr uintptr_t vaddr_start = PAGE_OFFSET_BASE;
constexpr uintptr_t vaddr_end = 0xfffffe0000000000UL; /* CPU_ENTRY_AREA_BASE */
constexpr unsigned TB_SHIFT = 40;
constexpr uintptr_t PHYSICAL_PADDING_TB = 10;
} // namespace

void kernel_randomize_memory(uint64_t ram_end)
{
	uintptr_t memory_tb = ((ram_end + (1UL << TB_SHIFT) - 1) >> TB_SHIFT) + PHYSICAL_PADDING_TB;
	struct {
		uintptr_t* base;
		uintptr_t size_tb;
	} regions[] = {
		{&page_offset_base, memory_tb},
		{&vmalloc_base, VMALLOC_SIZE_TB},
		{&vmemmap_base, 1},
	};
	constexpr unsigned n = sizeof(regions) / sizeof(regions[0]);
	uintptr_t remain = vaddr_end - vaddr_start;
	for (auto& r : regions)
		remain -= r.size_tb << TB_SHIFT;
	uintptr_t vaddr = vaddr_start;
	for (unsigned i = 0; i < n; i++) {
		uintptr_t entropy = remain / (n - i);
		entropy = (kaslr_get_random_long() % (entropy + 1)) & ~(PUD_SIZE - 1);
		vaddr += entropy;
		*regions[i].base = vaddr;
		vaddr += regions[i].size_tb << TB_SHIFT;
		vaddr = (vaddr + PUD_SIZE) & ~(PUD_SIZE - 1); /* round_up(vaddr + 1, PUD_SIZE) */
		remain -= entropy;
	}
}
