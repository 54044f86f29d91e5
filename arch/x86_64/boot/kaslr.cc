/*
 * Randomizing where the kernel image runs (Linux: arch/x86/boot/compressed/
 * kaslr.c chooses, arch/x86/boot/compressed/misc.c handle_relocations
 * applies).
 *
 * Linux's decompressor relocates the kernel before it runs; monolith is
 * not compressed, so the kernel moves itself, early in head.S:
 *   1. kaslr_early() (this file) runs at the link-time addresses, reads
 *      "nokaslr" from the loader's command line, and draws two offsets:
 *      virtual, a 2 MiB step keeping the image inside its 1 GiB window;
 *      physical (phys_base, as Linux names it), a 2 MiB-aligned slot of
 *      RAM below 4 GiB, above 16 MiB, clear of everything the loader
 *      placed (its information, the command line, the modules).  It copies
 *      the whole image (text to bss) to the new physical slot and points
 *      the copy's page tables at the copy; kaslr_pd maps the moved window.
 *   2. kaslr_relocate (head.S) adds the virtual offset to every absolute
 *      kernel address listed in .kaslr_relocs (tools/build/relocs.py), in
 *      the copy, then from the identity-mapped alias of the copy's own code
 *      switches CR3 to the copy's page tables and re-enters
 *      startup_64_high at the moved address.
 *
 * Constraint: until the switch, nothing may store a pointer to kernel
 * text or data computed at run time; this file only writes numbers and
 * page-table entries.  The loader's information is read through the
 * identity map, which is still present.
 */
#include <arch/kaslr.h>
#include <arch/boot.h>
#include <arch/e820.h>
#include <arch/page.h>
#include <arch/archrandom.h>
#include <arch/processor.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <kernel/params.h>
#include <uapi/asm-generic/errno-base.h>

extern "C" char _text[], _end[];
extern "C" uint64_t boot_pdpt_kernel[];

unsigned long kaslr_virt_offset;
unsigned long phys_base; /* physical load address - LOAD_PHYSICAL_ADDR (Linux's name) */
alignas(PAGE_SIZE) uint64_t kaslr_pd[PTRS_PER_TABLE];
/* read by kaslr_relocate (head.S) */
extern "C" {
unsigned long kaslr_reloc_virt;
unsigned long kaslr_reloc_phys;
unsigned long kaslr_reloc_window; /* the new kernel-window PDPT entry */
}
extern "C" uint64_t init_top_pgt[], boot_pdpt_low[];

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

/* the value of the last key=value on the command line; found tells */
std::string_view cmdline_get(std::string_view cmdline, std::string_view key, bool* found)
{
	lib::cmdline_iter it(cmdline);
	lib::cmdline_param p;
	std::string_view value;
	*found = false;
	while (it.next(p)) {
		if (p.key == key) {
			*found = true;
			value = p.value;
		}
	}
	return value;
}

bool cmdline_has(std::string_view cmdline, std::string_view key)
{
	bool found;
	cmdline_get(cmdline, key, &found);
	return found;
}

/* phys range [start, end) */
struct range {
	uint64_t start, end;
};
constexpr unsigned MAX_AVOID = 24;

/* What the loader gave: RAM ranges, and ranges the new image must avoid. */
struct loader_map {
	range ram[E820_MAX_ENTRIES];
	unsigned nr_ram = 0;
	range avoid[MAX_AVOID];
	unsigned nr_avoid = 0;
	void add_ram(uint64_t s, uint64_t len)
	{
		if (nr_ram < E820_MAX_ENTRIES && len)
			ram[nr_ram++] = {s, s + len};
	}
	void add_avoid(uint64_t s, uint64_t len)
	{
		if (nr_avoid < MAX_AVOID && len)
			avoid[nr_avoid++] = {s, s + len};
	}
	bool fits(uint64_t s, uint64_t e) const
	{
		bool in_ram = false;
		for (unsigned i = 0; i < nr_ram; i++)
			in_ram |= s >= ram[i].start && e <= ram[i].end;
		if (!in_ram)
			return false;
		for (unsigned i = 0; i < nr_avoid; i++)
			if (s < avoid[i].end && avoid[i].start < e)
				return false;
		return true;
	}
};

template <typename T> T read_phys(uint64_t pa)
{
	T v;
	lib::memcpy(&v, reinterpret_cast<const void*>(uintptr_t(pa)), sizeof(T));
	return v;
}

/* Fill m from the loader's information (through the identity map); EINVAL
 * when it is unusable, and then the kernel stays where it is. */
/* a map with no RAM in it tells nothing about where the kernel may go */
lib::Result<void> loader_map_usable(const loader_map& m)
{
	if (m.nr_ram == 0)
		return lib::Error{EINVAL};
	return lib::ok();
}

lib::Result<void> read_loader_map(uint32_t protocol, uint32_t info_pa, loader_map& m)
{
	if (!info_pa)
		return lib::Error{EINVAL};
	if (protocol == BOOT_PROTO_PVH) {
		if (read_phys<uint32_t>(info_pa) != 0x336ec578 || read_phys<uint32_t>(info_pa + 4) < 1)
			return lib::Error{EINVAL};
		uint32_t nr_modules = read_phys<uint32_t>(info_pa + 12);
		uint64_t modlist = read_phys<uint64_t>(info_pa + 16), cmdline = read_phys<uint64_t>(info_pa + 24);
		uint64_t memmap = read_phys<uint64_t>(info_pa + 40);
		uint32_t entries = read_phys<uint32_t>(info_pa + 48);
		m.add_avoid(info_pa, PAGE_SIZE);
		if (cmdline)
			m.add_avoid(cmdline, COMMAND_LINE_SIZE);
		m.add_avoid(memmap, uint64_t(entries) * 24);
		m.add_avoid(modlist, uint64_t(nr_modules) * 32);
		for (uint32_t i = 0; i < nr_modules && i < 8; i++)
			m.add_avoid(read_phys<uint64_t>(modlist + i * 32), read_phys<uint64_t>(modlist + i * 32 + 8));
		for (uint32_t i = 0; i < entries && i < E820_MAX_ENTRIES; i++)
			if (read_phys<uint32_t>(memmap + i * 24 + 16) == uint32_t(e820_type::ram))
				m.add_ram(read_phys<uint64_t>(memmap + i * 24), read_phys<uint64_t>(memmap + i * 24 + 8));
		return loader_map_usable(m);
	}
	if (protocol != BOOT_PROTO_MB2)
		return lib::Error{EINVAL};
	uint32_t total = read_phys<uint32_t>(info_pa);
	if (total < 16 || total > (1u << 20))
		return lib::Error{EINVAL};
	m.add_avoid(info_pa, total);
	for (uint32_t off = 8; off + 8 <= total;) {
		uint32_t type = read_phys<uint32_t>(info_pa + off), size = read_phys<uint32_t>(info_pa + off + 4);
		if (size < 8 || size > total - off || type == 0)
			break;
		if (type == 3 && size >= 16) { /* module */
			uint32_t s = read_phys<uint32_t>(info_pa + off + 8), e = read_phys<uint32_t>(info_pa + off + 12);
			if (e > s)
				m.add_avoid(s, e - s);
		} else if (type == 6 && size >= 16) { /* memory map */
			uint32_t esize = read_phys<uint32_t>(info_pa + off + 8);
			for (uint32_t e = 16; esize >= 24 && e + esize <= size; e += esize)
				if (read_phys<uint32_t>(info_pa + off + e + 16) == uint32_t(e820_type::ram))
					m.add_ram(read_phys<uint64_t>(info_pa + off + e), read_phys<uint64_t>(info_pa + off + e + 8));
		}
		off += (size + 7) & ~7u;
	}
	return loader_map_usable(m);
}

/* A random 2 MiB-aligned slot for [0, size) in RAM in [16 MiB, 4 GiB),
 * avoiding the loader's data and the running image, or the current spot. */
uint64_t choose_phys(const loader_map& m, uint64_t cur, uint64_t size, bool must_move)
{
	constexpr uint64_t lo = LOAD_PHYSICAL_ADDR, hi = 1ULL << 32;
	uint64_t slots = 1; /* the current location is always a candidate */
	for (uint64_t p = lo; p + size <= hi; p += PMD_SIZE)
		slots += p != cur && !(p < cur + size && cur < p + size) && m.fits(p, p + size);
	uint64_t pick = slots > 1 && must_move ? 1 + kaslr_get_random_long() % (slots - 1)
					       : kaslr_get_random_long() % slots;
	if (pick == 0)
		return cur;
	for (uint64_t p = lo; p + size <= hi; p += PMD_SIZE)
		if (p != cur && !(p < cur + size && cur < p + size) && m.fits(p, p + size) && --pick == 0)
			return p;
	return cur;
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
	unsigned long v;
	if (cpu_has_rdrand() && rdrand_long(&v))
		r ^= v;
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

	/* link-time physical extent of the image (these fold to constants,
	 * which is right here: nothing has moved yet) */
	uint64_t phys_start = uintptr_t(_text) - __START_KERNEL_map;
	uint64_t image_bytes = uintptr_t(_end) - uintptr_t(_text);
	uint64_t span = (image_bytes + PMD_SIZE - 1) & ~(PMD_SIZE - 1);
	if (phys_start + span > KERNEL_IMAGE_SIZE)
		return 0;

	uint64_t vslots = (KERNEL_IMAGE_SIZE - phys_start - span) / PMD_SIZE + 1;
	/* kaslr_mode=virtual|physical moves only one of the two, and surely:
	 * a debugging aid that lets the tests cover each path on purpose */
	bool forced;
	std::string_view mode = cmdline_get(cmdline, "kaslr_mode", &forced);
	bool move_virt = !forced || mode == "virtual", move_phys = !forced || mode == "physical";
	uint64_t vdelta = 0;
	if (move_virt)
		vdelta = (forced && vslots > 1 ? 1 + kaslr_get_random_long() % (vslots - 1)
					       : kaslr_get_random_long() % vslots) *
			 PMD_SIZE;
	static loader_map map; /* large: not on the boot stack */
	uint64_t new_phys = move_phys && read_loader_map(protocol, info_pa, map).is_ok()
	                        ? choose_phys(map, phys_start, span, forced)
	                        : phys_start;
	uint64_t pdelta = new_phys - phys_start;
	if (!vdelta && !pdelta)
		return 0;

	/* everything the copy must carry is set before copying */
	kaslr_virt_offset = vdelta;
	phys_base = pdelta;
	kaslr_reloc_virt = vdelta;
	kaslr_reloc_phys = pdelta;
	/* installed by kaslr_relocate from the identity alias: writing it here
	 * would pull the running window from under us when only the virtual
	 * address moves (pdelta == 0, the live table) */
	kaslr_reloc_window = (uintptr_t(kaslr_pd) - __START_KERNEL_map + pdelta) | _PAGE_PRESENT | _PAGE_RW;
	for (auto& e : kaslr_pd)
		e = 0;
	/* the moved window maps only the image: stale pointers fault */
	for (uint64_t off = 0; off < span; off += PMD_SIZE)
		kaslr_pd[(phys_start + vdelta + off) >> PMD_SHIFT] =
			(new_phys + off) | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE | _PAGE_GLOBAL;
	if (pdelta)
		lib::memcpy(reinterpret_cast<void*>(uintptr_t(new_phys)), reinterpret_cast<void*>(uintptr_t(phys_start)),
			    image_bytes);

	/* the copy's page tables point into the copy (identity-mapped access) */
	auto in_copy = [&](const void* sym) {
		return reinterpret_cast<uint64_t*>(uintptr_t(uintptr_t(sym) - __START_KERNEL_map + pdelta));
	};
	uint64_t old_lo = phys_start, old_hi = phys_start + image_bytes;
	auto fix = [&](uint64_t* table, unsigned n) {
		for (unsigned i = 0; i < n; i++) {
			uint64_t pa = table[i] & 0x000ffffffffff000ULL;
			if ((table[i] & _PAGE_PRESENT) && !(table[i] & _PAGE_PSE) && pa >= old_lo && pa < old_hi)
				table[i] += pdelta;
		}
	};
	if (pdelta) {
		fix(in_copy(init_top_pgt), PTRS_PER_TABLE);
		fix(in_copy(boot_pdpt_low), PTRS_PER_TABLE);
		fix(in_copy(boot_pdpt_kernel), PTRS_PER_TABLE);
	}
	return 1;
}

/* Both are decided in kaslr_early; registered so they are not "unknown". */
static lib::Result<void> nokaslr_param(std::string_view)
{
	return lib::ok();
}
static lib::Result<void> kaslr_param(std::string_view)
{
	return lib::ok();
}
static lib::Result<void> kaslr_mode_param(std::string_view val)
{
	if (val != "virtual" && val != "physical")
		return lib::Error{EINVAL};
	return lib::ok();
}
early_param("nokaslr", nokaslr_param);
early_param("kaslr", kaslr_param);
early_param("kaslr_mode", kaslr_mode_param);
