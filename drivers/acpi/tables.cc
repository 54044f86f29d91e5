/*
 * ACPI table discovery and S5 soft-off (Linux: drivers/acpi/tables.c,
 * osl.c acpi_os_get_root_pointer, drivers/acpi/sleep.c acpi_power_off;
 * Linux interprets AML with ACPICA, we only pattern-match the \_S5 package).
 *
 * RSDP: from the loader (PVH start_info, multiboot2 ACPI tag), else the
 * legacy BIOS scan of the EBDA and 0xE0000-0xFFFFF.  Every table is checked
 * for length and checksum before use; a bad one is reported and skipped.
 * Tables are read through the direct map, which covers the low 4 GiB and
 * all RAM.
 */
#include <drivers/acpi.h>
#include <arch/page.h>
#include <arch/io.h>
#include <arch/boot.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <lib/string.h>

namespace
{
struct acpi_rsdp {
	char signature[8];
	uint8_t checksum;
	char oem_id[6];
	uint8_t revision;
	uint32_t rsdt_address;
	uint32_t length; /* revision >= 2 from here */
	uint64_t xsdt_address;
	uint8_t extended_checksum;
	uint8_t reserved[3];
} __attribute__((packed));

constexpr unsigned MAX_TABLES = 64;
const acpi_table_header* tables[MAX_TABLES];
unsigned nr_tables;

/* S5 state from the FADT and DSDT */
uint16_t pm1a_cnt, pm1b_cnt, smi_cmd;
uint8_t acpi_enable_value;
uint8_t slp_typa, slp_typb;
bool s5_valid;

uint8_t checksum(const void* p, size_t n)
{
	const uint8_t* b = static_cast<const uint8_t*>(p);
	uint8_t sum = 0;
	for (size_t i = 0; i < n; i++)
		sum = uint8_t(sum + b[i]);
	return sum;
}

bool mapped(uint64_t pa, uint64_t len)
{
	uint64_t end = uint64_t(static_cast<char*>(high_memory) - reinterpret_cast<char*>(PAGE_OFFSET));
	if (end < (4ULL << 30))
		end = 4ULL << 30; /* the boot direct map covers all of the low 4 GiB */
	return pa && pa + len > pa && pa + len <= end;
}

const acpi_rsdp* scan_rsdp(uint64_t start, uint64_t len)
{
	for (uint64_t pa = start; pa + 20 <= start + len; pa += 16) {
		const acpi_rsdp* r = static_cast<const acpi_rsdp*>(__va(pa));
		if (lib::memcmp(r->signature, "RSD PTR ", 8) == 0 && checksum(r, 20) == 0)
			return r;
	}
	return nullptr;
}

const acpi_rsdp* find_rsdp()
{
	if (boot_params.acpi_rsdp) {
		const acpi_rsdp* r = static_cast<const acpi_rsdp*>(__va(boot_params.acpi_rsdp));
		if (mapped(boot_params.acpi_rsdp, 20) && lib::memcmp(r->signature, "RSD PTR ", 8) == 0 &&
		    checksum(r, 20) == 0)
			return r;
		pr_warn("ACPI: the RSDP the boot loader gave at %#llx is invalid; scanning\n",
		        (unsigned long long)boot_params.acpi_rsdp);
	}
	uint64_t ebda = uint64_t(*static_cast<const uint16_t*>(__va(0x40e))) << 4;
	if (ebda >= 0x80000 && ebda < 0xa0000)
		if (const acpi_rsdp* r = scan_rsdp(ebda, 1024))
			return r;
	return scan_rsdp(0xe0000, 0x20000);
}

const acpi_table_header* map_table(uint64_t pa)
{
	if (!mapped(pa, sizeof(acpi_table_header)))
		return nullptr;
	const acpi_table_header* h = static_cast<const acpi_table_header*>(__va(pa));
	if (h->length < sizeof(acpi_table_header) || h->length > (16u << 20) || !mapped(pa, h->length)) {
		pr_warn("ACPI: table at %#llx has a bad length %u; ignored\n", (unsigned long long)pa, h->length);
		return nullptr;
	}
	if (checksum(h, h->length) != 0)
		pr_warn("ACPI: %.4s at %#llx has a bad checksum\n", h->signature, (unsigned long long)pa);
	return h;
}

void print_table(const acpi_table_header* h)
{
	pr_info("ACPI: %.4s 0x%016llX %06X (v%02d %-6.6s %-8.8s %08X %-4.4s %08X)\n", h->signature,
	        (unsigned long long)__pa(h), h->length, h->revision, h->oem_id, h->oem_table_id, h->oem_revision,
	        h->asl_compiler_id, h->asl_compiler_revision);
}

void add_table(const acpi_table_header* h)
{
	if (!h)
		return;
	print_table(h);
	if (nr_tables < MAX_TABLES)
		tables[nr_tables++] = h;
}

/* AML: Zero (0x00), One (0x01), BytePrefix (0x0a) n */
const uint8_t* aml_integer(const uint8_t* p, const uint8_t* end, uint8_t* out)
{
	if (p >= end)
		return nullptr;
	if (*p == 0x00 || *p == 0x01) {
		*out = *p;
		return p + 1;
	}
	if (*p == 0x0a && p + 1 < end) {
		*out = p[1];
		return p + 2;
	}
	return nullptr;
}

/* the \_S5_ package: Name(_S5_, Package(){SLP_TYPa, SLP_TYPb, ...}) */
void find_s5(const acpi_table_header* dsdt)
{
	const uint8_t* p = reinterpret_cast<const uint8_t*>(dsdt) + sizeof(acpi_table_header);
	const uint8_t* end = reinterpret_cast<const uint8_t*>(dsdt) + dsdt->length;
	for (; p + 8 < end; p++) {
		if (lib::memcmp(p, "_S5_", 4) != 0 || p[4] != 0x12) /* PackageOp */
			continue;
		const uint8_t* q = p + 5;
		q += 1 + (*q >> 6); /* PkgLength: lead byte says how many follow */
		q += 1;             /* NumElements */
		if (q >= end)
			break;
		q = aml_integer(q, end, &slp_typa);
		if (!q || !aml_integer(q, end, &slp_typb))
			break;
		s5_valid = true;
		return;
	}
	pr_warn("ACPI: no \\_S5 object in the DSDT; power off will halt instead\n");
}

void parse_fadt(const acpi_table_header* fadt)
{
	const uint8_t* f = reinterpret_cast<const uint8_t*>(fadt);
	auto u32 = [&](unsigned off) {
		uint32_t v;
		lib::memcpy(&v, f + off, 4);
		return v;
	};
	if (fadt->length < 76) {
		pr_warn("ACPI: FADT too short (%u bytes)\n", fadt->length);
		return;
	}
	smi_cmd = uint16_t(u32(48));
	acpi_enable_value = f[52];
	pm1a_cnt = uint16_t(u32(64));
	pm1b_cnt = uint16_t(u32(68));
	uint64_t dsdt_pa = u32(40);
	if (fadt->length >= 148) {
		uint64_t x;
		lib::memcpy(&x, f + 140, 8);
		if (x)
			dsdt_pa = x;
	}
	const acpi_table_header* dsdt = map_table(dsdt_pa);
	if (!dsdt || lib::memcmp(dsdt->signature, "DSDT", 4) != 0) {
		pr_warn("ACPI: no valid DSDT at %#llx\n", (unsigned long long)dsdt_pa);
		return;
	}
	add_table(dsdt);
	find_s5(dsdt);
}
} // namespace

void acpi_boot_table_init()
{
	const acpi_rsdp* rsdp = find_rsdp();
	if (!rsdp) {
		pr_warn("ACPI: no RSDP found; ACPI disabled\n");
		return;
	}
	pr_info("ACPI: RSDP 0x%016llX %06X (v%02d %-6.6s)\n", (unsigned long long)__pa(rsdp),
	        rsdp->revision >= 2 ? rsdp->length : 20, rsdp->revision, rsdp->oem_id);
	bool xsdt = rsdp->revision >= 2 && rsdp->xsdt_address;
	const acpi_table_header* root = map_table(xsdt ? rsdp->xsdt_address : rsdp->rsdt_address);
	if (!root) {
		pr_warn("ACPI: no valid %s; ACPI disabled\n", xsdt ? "XSDT" : "RSDT");
		return;
	}
	print_table(root);
	unsigned entry = xsdt ? 8 : 4;
	unsigned n = (root->length - sizeof(acpi_table_header)) / entry;
	const uint8_t* e = reinterpret_cast<const uint8_t*>(root) + sizeof(acpi_table_header);
	for (unsigned i = 0; i < n; i++) {
		uint64_t pa = 0;
		lib::memcpy(&pa, e + i * entry, entry);
		const acpi_table_header* h = map_table(pa);
		add_table(h);
		if (h && lib::memcmp(h->signature, "FACP", 4) == 0)
			parse_fadt(h);
	}
	if (s5_valid)
		pr_info("ACPI: PM: S5 (soft-off) through PM1a_CNT %#x, SLP_TYP %u\n", pm1a_cnt, slp_typa);
}

const acpi_table_header* acpi_get_table(const char* sig)
{
	for (unsigned i = 0; i < nr_tables; i++)
		if (lib::memcmp(tables[i]->signature, sig, 4) == 0)
			return tables[i];
	return nullptr;
}

void acpi_power_off()
{
	if (!s5_valid || !pm1a_cnt)
		return;
	constexpr uint16_t SCI_EN = 1, SLP_EN = 1 << 13;
	/* still in legacy mode: ask the firmware to switch to ACPI mode */
	if (!(inw(pm1a_cnt) & SCI_EN) && smi_cmd && acpi_enable_value) {
		outb(acpi_enable_value, smi_cmd);
		for (int i = 0; i < 300 && !(inw(pm1a_cnt) & SCI_EN); i++)
			mdelay(10);
	}
	outw(uint16_t((slp_typa << 10) | SLP_EN), pm1a_cnt);
	if (pm1b_cnt)
		outw(uint16_t((slp_typb << 10) | SLP_EN), pm1b_cnt);
	mdelay(100);
}
