/*
 * Randomizing where the kernel image runs (Linux: arch/x86/boot/compressed/
 * kaslr.c chooses, arch/x86/boot/compressed/misc.c handle_relocations
 * applies).
 *
 * Linux's decompressor relocates the kernel before it runs; monolith is
 * not compressed, so the kernel relocates itself, early in head.S:
 *   1. kaslr_early() (this file) runs at the link-time addresses, reads
 *      "nokaslr" from the loader's command line, draws a 2 MiB-aligned
 *      offset that keeps the image inside its 1 GiB window, and fills
 *      kaslr_pd, the page directory of the moved window;
 *   2. kaslr_relocate (head.S) adds the offset to every absolute kernel
 *      address listed in .kaslr_relocs (tools/build/relocs.py), switches
 *      the window to kaslr_pd from the identity-mapped alias of its own
 *      code, and re-enters startup_64_high at the moved address.
 * Only the virtual address moves: the image stays at physical 16 MiB
 * where the loader put it.
 *
 * Constraint: until the switch, nothing may store a pointer to kernel
 * text or data computed at run time; this file only writes numbers and
 * page-table entries.  The loader's information is read through the
 * identity map, which is still present.
 */
#include <arch/kaslr.h>
#include <arch/boot.h>
#include <arch/page.h>
#include <arch/processor.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <kernel/params.h>

extern "C" char _text[], _end[];
extern "C" uint64_t boot_pdpt_kernel[];

unsigned long kaslr_virt_offset;
alignas(PAGE_SIZE) uint64_t kaslr_pd[PTRS_PER_TABLE];

namespace {
bool kaslr_on;
bool kaslr_done;

/* the loader's command line, read in place through the identity map */
std::string_view boot_cmdline(uint32_t protocol, uint32_t info_pa)
{
	if (!info_pa)
		return {};
	if (protocol == BOOT_PROTO_PVH) {
		const uint32_t* si = reinterpret_cast<const uint32_t*>(uintptr_t(info_pa));
		if (si[0] != 0x336ec578)
			return {};
		uint64_t pa;
		lib::memcpy(&pa, si + 6, 8); /* cmdline_paddr */
		if (!pa || pa >= (1ULL << 32))
			return {};
		const char* s = reinterpret_cast<const char*>(uintptr_t(pa));
		return std::string_view(s, lib::strnlen(s, COMMAND_LINE_SIZE));
	}
	if (protocol == BOOT_PROTO_MB2) {
		const uint8_t* base = reinterpret_cast<const uint8_t*>(uintptr_t(info_pa));
		uint32_t total;
		lib::memcpy(&total, base, 4);
		if (total < 16 || total > (1u << 20))
			return {};
		for (uint32_t off = 8; off + 8 <= total;) {
			uint32_t type, size;
			lib::memcpy(&type, base + off, 4);
			lib::memcpy(&size, base + off + 4, 4);
			if (size < 8 || size > total - off || type == 0)
				break;
			if (type == 1) {
				const char* s = reinterpret_cast<const char*>(base + off + 8);
				return std::string_view(s, lib::strnlen(s, size - 8));
			}
			off += (size + 7) & ~7u;
		}
	}
	return {};
}

bool cmdline_has(std::string_view cmdline, std::string_view key)
{
	lib::cmdline_iter it(cmdline);
	lib::cmdline_param p;
	bool found = false;
	while (it.next(p))
		found |= p.key == key;
	return found;
}

uint64_t mix64(uint64_t x)
{
	x ^= x >> 30;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 27;
	x *= 0x94d049bb133111ebULL;
	return x ^ (x >> 31);
}
} // namespace

uint64_t kaslr_get_random_long()
{
	static uint64_t counter;
	uint64_t r = rdtsc() + (++counter << 32);
	if (cpuid(1).ecx & (1u << 30)) { /* RDRAND */
		for (int i = 0; i < 10; i++) {
			uint64_t v;
			bool ok;
			asm volatile("rdrand %0; setc %1" : "=r"(v), "=qm"(ok));
			if (ok) {
				r ^= v;
				break;
			}
		}
	}
	return mix64(r);
}

bool kaslr_enabled() { return kaslr_on; }

extern "C" unsigned long kaslr_early(uint32_t protocol, uint32_t info_pa)
{
	if (kaslr_done)
		return 0;
	kaslr_done = true;
	std::string_view cmdline = boot_cmdline(protocol, info_pa);
	if (cmdline_has(cmdline, "nokaslr"))
		return 0;
	kaslr_on = true;

	/* physical extent of the image, in 2 MiB pages */
	uint64_t phys_start = (uintptr_t(_text) - __START_KERNEL_map) & ~(PMD_SIZE - 1);
	uint64_t phys_end = (uintptr_t(_end) - __START_KERNEL_map + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (phys_end > KERNEL_IMAGE_SIZE)
		return 0;
	uint64_t slots = (KERNEL_IMAGE_SIZE - phys_end) / PMD_SIZE + 1;
	uint64_t delta = (kaslr_get_random_long() % slots) * PMD_SIZE;
	if (delta == 0)
		return 0;

	/* the moved window maps only the image: stale pointers fault */
	for (auto& e : kaslr_pd)
		e = 0;
	for (uint64_t pa = phys_start; pa < phys_end; pa += PMD_SIZE)
		kaslr_pd[(pa + delta) >> PMD_SHIFT] = pa | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL;
	kaslr_virt_offset = delta;
	return delta;
}

/* Both are decided in kaslr_early; registered so they are not "unknown". */
static int nokaslr_param(std::string_view) { return 0; }
static int kaslr_param(std::string_view) { return 0; }
early_param("nokaslr", nokaslr_param);
early_param("kaslr", kaslr_param);
