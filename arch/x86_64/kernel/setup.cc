/*
 * Machine setup for start_kernel (Linux: arch/x86/kernel/setup.c
 * setup_arch, e820.c e820__memory_setup and the mem= parameter).
 */
#include <arch/setup.h>
#include <arch/e820.h>
#include <arch/boot.h>
#include <kernel/params.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <drivers/acpi.h>
#include <arch/apic.h>
#include <lib/cmdline.h>
#include <mm/memblock.h>
#include <uapi/asm-generic/errno-base.h>

e820_table e820_table_kernel;
void init_mem_mapping();
void x86_numa_init();
void reserve_real_mode();    /* smpboot.cc */
void prefill_possible_map(); /* smpboot.cc */
extern "C" char _text[], _end[];

namespace
{
uint64_t mem_limit = ~0ULL;

void report_overlap(const e820_entry& a, const e820_entry& b, void*)
{
	pr_warn("e820: overlapping entries [mem 0x%016llx-0x%016llx] %s and [mem 0x%016llx-0x%016llx] %s; "
	        "the higher type wins\n",
	        (unsigned long long)a.addr, (unsigned long long)(a.addr + a.size - 1), e820_type_name(a.type),
	        (unsigned long long)b.addr, (unsigned long long)(b.addr + b.size - 1), e820_type_name(b.type));
}

void print_table(const char* who, const e820_table& t)
{
	for (uint32_t i = 0; i < t.nr_entries; i++) {
		const e820_entry& e = t.entries[i];
		pr_info("%s: [mem 0x%016llx-0x%016llx] %s\n", who, (unsigned long long)e.addr,
		        (unsigned long long)(e.addr + e.size - 1), e820_type_name(e.type));
	}
}

/* mem=: drop RAM above the limit (Linux: e820__range_remove) */
void apply_mem_limit()
{
	if (mem_limit == ~0ULL)
		return;
	e820_table& t = e820_table_kernel;
	uint32_t out = 0;
	for (uint32_t i = 0; i < t.nr_entries; i++) {
		e820_entry e = t.entries[i];
		if (e.type == e820_type::ram && e.addr + e.size > mem_limit) {
			if (e.addr >= mem_limit)
				continue;
			e.size = mem_limit - e.addr;
		}
		t.entries[out++] = e;
	}
	t.nr_entries = out;
	pr_info("e820: remove [mem 0x%016llx-0x%016llx] usable\n", (unsigned long long)mem_limit, ~0ULL);
	pr_info("user-defined physical RAM map:\n");
	print_table("user", t);
}

lib::Result<void> parse_memopt(std::string_view val)
{
	unsigned long long v = TRY(lib::parse_size(val));
	if (v == 0)
		return lib::Error{EINVAL};
	mem_limit = v;
	return lib::ok();
}
} // namespace
early_param("mem", parse_memopt);

void e820__memory_setup()
{
	if (boot_params.e820_firmware.nr_entries == 0)
		pr_err("e820: the boot loader gave no memory map\n");
	e820__sanitize(boot_params.e820_firmware, e820_table_kernel, report_overlap, nullptr);
	pr_info("BIOS-provided physical RAM map:\n");
	print_table("BIOS-e820", e820_table_kernel);
}

uint64_t e820__end_of_ram()
{
	uint64_t end = 0;
	for (uint32_t i = 0; i < e820_table_kernel.nr_entries; i++) {
		const e820_entry& e = e820_table_kernel.entries[i];
		if (e.type == e820_type::ram && e.addr + e.size > end)
			end = e.addr + e.size;
	}
	return end;
}

/* a range the allocators must never hand out: boot cannot go on without */
static void reserve_or_panic(phys_addr_t base, phys_addr_t size, const char* what)
{
	if (memblock_reserve_named(base, size, what).is_err())
		panic("memblock: cannot reserve %s", what);
}

/* usable RAM -> memblock.memory; what must never be handed out -> reserved */
void e820__memblock_setup()
{
	for (uint32_t i = 0; i < e820_table_kernel.nr_entries; i++) {
		const e820_entry& e = e820_table_kernel.entries[i];
		/* RAM that does not fit is left unused (memblock logs it) */
		if (e.type == e820_type::ram && memblock_add(e.addr, e.size).is_err())
			continue;
	}
	reserve_or_panic(__pa(_text), uint64_t(_end - _text), "kernel image");
	if (boot_params.info_size)
		reserve_or_panic(boot_params.info_start, boot_params.info_size, "boot loader information");
	for (uint32_t i = 0; i < boot_params.nr_modules; i++)
		reserve_or_panic(boot_params.modules[i].start, boot_params.modules[i].size, "boot module");
	reserve_real_mode(); /* the APs' trampoline page, before the low 1 MiB goes */
	reserve_or_panic(0, 1 << 20, "low 1 MiB (BIOS data, real-mode area)");
}

void setup_arch()
{
	e820__memory_setup();
	apply_mem_limit();
	init_mem_mapping();
	e820__memblock_setup();
	/* RAM the direct map could not cover must never be handed out */
	phys_addr_t mapped = __pa(high_memory);
	if (e820__end_of_ram() > mapped && memblock_remove(mapped, PHYS_ADDR_MAX - mapped).is_err())
		panic("memblock: cannot remove the RAM above the direct map");
	acpi_boot_table_init();
	acpi_boot_init(); /* the MADT: local APIC, IO-APICs, overrides, the CPUs */
	prefill_possible_map(); /* nr_cpu_ids, before any per-CPU allocation */
	x86_numa_init();
	memblock_dump_all();
}
