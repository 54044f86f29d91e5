/*
 * Boot information from the loader, into struct boot_params (Linux:
 * arch/x86/platform/pvh/enlighten.c for PVH; multiboot2 has no Linux
 * counterpart, GRUB's spec is the reference).
 *
 * Both formats are parsed defensively: sizes are checked against the
 * total, a malformed tag is reported and parsing stops there, and what was
 * read before it is kept.  Runs with the boot page tables, which map the
 * first 4 GiB at PAGE_OFFSET, where loaders put their information.
 */
#include <arch/boot.h>
#include <arch/page.h>
#include <kernel/printk.h>
#include <lib/string.h>

struct boot_params boot_params;

namespace
{
/* ---- PVH: struct hvm_start_info (xen/include/public/arch-x86/hvm/start_info.h) ---- */
constexpr uint32_t XEN_HVM_START_MAGIC_VALUE = 0x336ec578;
struct hvm_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr; /* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};
struct hvm_modlist_entry {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};
struct hvm_memmap_table_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/* ---- multiboot2 ---- */
enum : uint32_t {
	MB2_TAG_END = 0,
	MB2_TAG_CMDLINE = 1,
	MB2_TAG_LOADER_NAME = 2,
	MB2_TAG_MODULE = 3,
	MB2_TAG_MMAP = 6,
	MB2_TAG_EFI64 = 12,
	MB2_TAG_ACPI_OLD = 14,
	MB2_TAG_ACPI_NEW = 15,
};
struct mb2_tag {
	uint32_t type;
	uint32_t size;
};
struct mb2_mmap_entry {
	uint64_t addr;
	uint64_t len;
	uint32_t type;
	uint32_t zero;
};
constexpr uint32_t MB2_INFO_MAX = 1 << 20;
constexpr uint64_t LOW_4G = 1ULL << 32;

char loader_name_buf[64];

/* copy a NUL-terminated string of at most max bytes from physical memory */
void copy_phys_string(char* dst, size_t cap, uint64_t pa, size_t max)
{
	if (!pa || pa >= LOW_4G) {
		dst[0] = '\0';
		return;
	}
	const char* s = static_cast<const char*>(__va(pa));
	size_t n = lib::strnlen(s, max < cap - 1 ? max : cap - 1);
	lib::memcpy(dst, s, n);
	dst[n] = '\0';
}

void add_e820(struct boot_params& bp, uint64_t addr, uint64_t size, uint32_t type)
{
	e820_table& t = bp.e820_firmware;
	if (t.nr_entries >= E820_MAX_ENTRIES) {
		pr_warn("e820: too many entries; ignoring [mem 0x%016llx-0x%016llx]\n", (unsigned long long)addr,
		        (unsigned long long)(addr + size - 1));
		return;
	}
	t.entries[t.nr_entries++] = e820_entry{addr, size, e820_type(type)};
}

void add_module(struct boot_params& bp, uint64_t start, uint64_t size, uint64_t cmdline_pa, size_t cmdline_max)
{
	if (bp.nr_modules >= BOOT_MAX_MODULES) {
		pr_warn("boot: too many modules, ignoring one at %#llx\n", (unsigned long long)start);
		return;
	}
	boot_module& m = bp.modules[bp.nr_modules++];
	m.start = start;
	m.size = size;
	copy_phys_string(m.cmdline, sizeof(m.cmdline), cmdline_pa, cmdline_max);
}

void parse_pvh(struct boot_params& bp, uint64_t pa)
{
	bp.loader_name = "PVH (QEMU -kernel)";
	const hvm_start_info* si = static_cast<const hvm_start_info*>(__va(pa));
	if (!pa || pa >= LOW_4G || si->magic != XEN_HVM_START_MAGIC_VALUE) {
		pr_err("PVH: bad hvm_start_info at %#llx (magic %#x); no boot information\n", (unsigned long long)pa,
		       pa && pa < LOW_4G ? si->magic : 0);
		return;
	}
	copy_phys_string(bp.cmdline, sizeof(bp.cmdline), si->cmdline_paddr, COMMAND_LINE_SIZE);
	bp.acpi_rsdp = si->rsdp_paddr;
	if (si->nr_modules > BOOT_MAX_MODULES)
		pr_warn("PVH: %u modules, keeping the first %zu\n", si->nr_modules, BOOT_MAX_MODULES);
	const hvm_modlist_entry* mods = static_cast<const hvm_modlist_entry*>(__va(si->modlist_paddr));
	for (uint32_t i = 0; si->modlist_paddr && i < si->nr_modules && i < BOOT_MAX_MODULES; i++)
		add_module(bp, mods[i].paddr, mods[i].size, mods[i].cmdline_paddr, 63);
	if (si->version < 1 || !si->memmap_paddr) {
		pr_err("PVH: start_info version %u has no memory map\n", si->version);
		return;
	}
	const hvm_memmap_table_entry* mm = static_cast<const hvm_memmap_table_entry*>(__va(si->memmap_paddr));
	for (uint32_t i = 0; i < si->memmap_entries; i++)
		add_e820(bp, mm[i].addr, mm[i].size, mm[i].type);
}

} // namespace

void parse_multiboot2(struct boot_params& bp, uint64_t pa)
{
	bp.loader_name = "multiboot2";
	if (!pa || pa >= LOW_4G || (pa & 7)) {
		pr_err("multiboot2: bad boot information address %#llx\n", (unsigned long long)pa);
		return;
	}
	const uint8_t* base = static_cast<const uint8_t*>(__va(pa));
	uint32_t total = *reinterpret_cast<const uint32_t*>(base);
	if (total < 16 || total > MB2_INFO_MAX) {
		pr_err("multiboot2: implausible boot information size %u\n", total);
		return;
	}
	bp.info_start = pa;
	bp.info_size = total;
	for (uint32_t off = 8; off + sizeof(mb2_tag) <= total;) {
		const mb2_tag* tag = reinterpret_cast<const mb2_tag*>(base + off);
		if (tag->size < sizeof(mb2_tag) || tag->size > total - off) {
			pr_err("multiboot2: malformed tag (type %u, size %u) at offset %u; ignoring the rest\n",
			       tag->type, tag->size, off);
			return;
		}
		const uint8_t* body = base + off + sizeof(mb2_tag);
		uint32_t body_len = tag->size - sizeof(mb2_tag);
		switch (tag->type) {
		case MB2_TAG_END:
			return;
		case MB2_TAG_CMDLINE:
			copy_phys_string(bp.cmdline, sizeof(bp.cmdline), __pa(body), body_len);
			break;
		case MB2_TAG_LOADER_NAME:
			copy_phys_string(loader_name_buf, sizeof(loader_name_buf), __pa(body), body_len);
			bp.loader_name = loader_name_buf;
			break;
		case MB2_TAG_MODULE: {
			if (body_len < 8)
				goto malformed;
			const uint32_t* m = reinterpret_cast<const uint32_t*>(body);
			if (m[1] < m[0]) {
				pr_err("multiboot2: module with end %#x before start %#x ignored\n", m[1], m[0]);
				break;
			}
			add_module(bp, m[0], m[1] - m[0], __pa(body + 8), body_len - 8);
			break;
		}
		case MB2_TAG_MMAP: {
			if (body_len < 8)
				goto malformed;
			uint32_t entry_size = reinterpret_cast<const uint32_t*>(body)[0];
			if (entry_size < sizeof(mb2_mmap_entry) || (entry_size & 7))
				goto malformed;
			for (uint32_t e = 8; e + entry_size <= body_len; e += entry_size) {
				const mb2_mmap_entry* me = reinterpret_cast<const mb2_mmap_entry*>(body + e);
				add_e820(bp, me->addr, me->len, me->type);
			}
			break;
		}
		case MB2_TAG_EFI64:
			bp.efi = true;
			break;
		case MB2_TAG_ACPI_OLD:
		case MB2_TAG_ACPI_NEW:
			/* the tag holds a copy of the RSDP; prefer the ACPI 2.0 one */
			if (body_len >= 20 && (!bp.acpi_rsdp || tag->type == MB2_TAG_ACPI_NEW))
				bp.acpi_rsdp = __pa(body);
			break;
		default:
			break;
		}
		off += (tag->size + 7) & ~7u;
		continue;
	malformed:
		pr_err("multiboot2: malformed tag (type %u, size %u) at offset %u; ignoring it\n", tag->type, tag->size,
		       off);
		off += (tag->size + 7) & ~7u;
	}
}

void setup_boot_params(uint32_t protocol, uint64_t info_pa)
{
	boot_params.protocol = protocol;
	boot_params.loader_name = "unknown";
	switch (protocol) {
	case BOOT_PROTO_PVH:
		parse_pvh(boot_params, info_pa);
		break;
	case BOOT_PROTO_MB2:
		parse_multiboot2(boot_params, info_pa);
		break;
	default:
		pr_err("boot: entered through the multiboot2 entry without the multiboot2 magic; "
		       "no boot information\n");
		break;
	}
}
