/*
 * ACPI tables and S5 power-off (Linux: drivers/acpi/tables.c,
 * drivers/acpi/sleep.c acpi_power_off).
 */
#pragma once
#include <cstdint>

struct acpi_table_header {
	char signature[4];
	uint32_t length;
	uint8_t revision;
	uint8_t checksum;
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	char asl_compiler_id[4];
	uint32_t asl_compiler_revision;
} __attribute__((packed));

/* find the RSDP, list the tables, read the FADT and the \_S5 object */
void acpi_boot_table_init();
/* a table by signature ("APIC", "FACP"...), nullptr if absent */
const acpi_table_header* acpi_get_table(const char* sig);
/* enter S5 through PM1a/PM1b control; returns only on failure */
void acpi_power_off();
