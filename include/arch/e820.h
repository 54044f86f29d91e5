/*
 * The firmware memory map (Linux: arch/x86/include/asm/e820/api.h).
 *
 * e820__sanitize() turns the loader's list, which may be unsorted and
 * overlapping, into a sorted list of disjoint ranges, merging neighbours
 * of the same type.  Where ranges overlap, the higher type number wins
 * (reserved over usable), as Linux's e820__update_table does; every
 * overlap is reported through the callback.  Pure: built into the host
 * tests as well.
 */
#pragma once
#include <arch/boot.h>

using e820_report_fn = void (*)(const e820_entry& a, const e820_entry& b, void* arg);

/* in -> out (out may not alias in); returns the number of entries in out */
uint32_t e820__sanitize(const e820_table& in, e820_table& out, e820_report_fn report, void* arg);

/* "usable", "reserved", "ACPI data" ... */
const char* e820_type_name(e820_type t);

/* the sanitized map the kernel uses */
extern e820_table e820_table_kernel;
/* sanitize boot_params.e820_firmware and print it (setup_arch) */
void e820__memory_setup();
/* end of the highest usable RAM range */
uint64_t e820__end_of_ram();
