/*
 * What the boot loader handed us, normalised (Linux: struct boot_params in
 * arch/x86/include/uapi/asm/bootparam.h, filled by the PVH and the
 * multiboot2 front ends in arch/x86_64/boot/).
 *
 * Invariant: after setup_boot_params() every field is a copy in kernel
 * memory or a physical address; nothing points into loader memory that
 * may be reused.
 */
#pragma once

#define BOOT_PROTO_PVH 1
#define BOOT_PROTO_MB2 2
#define BOOT_PROTO_BAD_MAGIC 3

#ifndef __ASSEMBLY__
#include <cstddef>
#include <cstdint>

inline constexpr size_t COMMAND_LINE_SIZE = 2048;
inline constexpr size_t E820_MAX_ENTRIES = 128;
inline constexpr size_t BOOT_MAX_MODULES = 8;

enum class e820_type : uint32_t {
	ram = 1,
	reserved = 2,
	acpi = 3,
	nvs = 4,
	unusable = 5,
	pmem = 7,
};

struct e820_entry {
	uint64_t addr;
	uint64_t size;
	e820_type type;
};

struct e820_table {
	uint32_t nr_entries;
	e820_entry entries[E820_MAX_ENTRIES];
};

struct boot_module {
	uint64_t start; /* physical */
	uint64_t size;
	char cmdline[64];
};

struct boot_params {
	uint32_t protocol; /* BOOT_PROTO_* */
	const char* loader_name;
	char cmdline[COMMAND_LINE_SIZE];
	e820_table e820_firmware; /* as the loader gave it */
	uint32_t nr_modules;
	boot_module modules[BOOT_MAX_MODULES];
	uint64_t acpi_rsdp; /* physical address, 0 if the loader gave none */
	bool efi;           /* booted through UEFI firmware (GRUB reported an EFI system table) */
	uint64_t info_start, info_size; /* the loader's information block, kept reserved: it holds the RSDP copy */
};

extern struct boot_params boot_params;

/* head64.cc: parse the loader's information at physical address info_pa */
void setup_boot_params(uint32_t protocol, uint64_t info_pa);
/* the multiboot2 parser on its own (ktests feed it crafted information) */
void parse_multiboot2(struct boot_params& bp, uint64_t info_pa);
#endif
