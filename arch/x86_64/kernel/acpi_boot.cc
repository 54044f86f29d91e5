/*
 * The ACPI MADT ("APIC" table): local APICs, IO-APICs, interrupt source
 * overrides, NMI lines (Linux: arch/x86/kernel/acpi/boot.c acpi_boot_init,
 * acpi_parse_madt, acpi_parse_lapic/ioapic/int_src_ovr/lapic_nmi;
 * drivers/acpi/tables.c acpi_table_print_madt_entry for the messages).
 *
 * Called from setup_arch after the tables are found, as in Linux; prints
 * the same lines Linux does for the same facts:
 *   ACPI: LAPIC_NMI (acpi_id[0xff] dfl dfl lint[0x1])
 *   IOAPIC[0]: apic_id 0, version 32, address 0xfec00000, GSI 0-23
 *   ACPI: INT_SRC_OVR (bus 0 bus_irq 0 global_irq 2 dfl dfl)
 *   ACPI: Using ACPI (MADT) for SMP configuration information
 * Every entry's length is checked against the table before it is read.
 *
 * Data: mp_lapic_addr, the CPUs found (nr_lapics); the IO-APICs and the
 * overrides go to io_apic.cc.  Lock order: boot only, no locks.
 */
#include <arch/apic.h>
#include <arch/io_apic.h>
#include <drivers/acpi.h>
#include <kernel/printk.h>
#include <lib/string.h>

void generic_processor_info(unsigned apicid, bool enabled); /* smpboot.cc */

uint64_t mp_lapic_addr;

namespace
{
struct acpi_table_madt {
	acpi_table_header header;
	uint32_t address; /* local APIC physical address */
	uint32_t flags;   /* bit 0: PCAT_COMPAT, dual 8259 present */
} __attribute__((packed));

struct acpi_subtable_header {
	uint8_t type;
	uint8_t length;
} __attribute__((packed));

enum : uint8_t {
	ACPI_MADT_TYPE_LOCAL_APIC = 0,
	ACPI_MADT_TYPE_IO_APIC = 1,
	ACPI_MADT_TYPE_INTERRUPT_OVERRIDE = 2,
	ACPI_MADT_TYPE_NMI_SOURCE = 3,
	ACPI_MADT_TYPE_LOCAL_APIC_NMI = 4,
	ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE = 5,
};

struct acpi_madt_local_apic {
	acpi_subtable_header header;
	uint8_t processor_id;
	uint8_t id;
	uint32_t lapic_flags;
} __attribute__((packed));
struct acpi_madt_io_apic {
	acpi_subtable_header header;
	uint8_t id;
	uint8_t reserved;
	uint32_t address;
	uint32_t global_irq_base;
} __attribute__((packed));
struct acpi_madt_interrupt_override {
	acpi_subtable_header header;
	uint8_t bus;
	uint8_t source_irq;
	uint32_t global_irq;
	uint16_t inti_flags;
} __attribute__((packed));
struct acpi_madt_nmi_source {
	acpi_subtable_header header;
	uint16_t inti_flags;
	uint32_t global_irq;
} __attribute__((packed));
struct acpi_madt_local_apic_nmi {
	acpi_subtable_header header;
	uint8_t processor_id;
	uint16_t inti_flags;
	uint8_t lint;
} __attribute__((packed));
struct acpi_madt_local_apic_override {
	acpi_subtable_header header;
	uint16_t reserved;
	uint64_t address;
} __attribute__((packed));

const char* const mps_inti_flags_polarity[] = {"dfl", "high", "res", "low"};
const char* const mps_inti_flags_trigger[] = {"dfl", "edge", "res", "level"};
constexpr uint16_t ACPI_MADT_POLARITY_MASK = 3, ACPI_MADT_TRIGGER_MASK = 3 << 2;
constexpr uint32_t ACPI_MADT_ENABLED = 1;

unsigned nr_lapics;

/* calls fn(entry) for each entry of the given type, in table order */
template <typename Fn> void for_each_madt_entry(const acpi_table_madt* madt, uint8_t type, Fn fn)
{
	const uint8_t* p = reinterpret_cast<const uint8_t*>(madt) + sizeof(*madt);
	const uint8_t* end = reinterpret_cast<const uint8_t*>(madt) + madt->header.length;
	while (p + sizeof(acpi_subtable_header) <= end) {
		auto* h = reinterpret_cast<const acpi_subtable_header*>(p);
		if (h->length < sizeof(acpi_subtable_header) || p + h->length > end) {
			pr_err("ACPI: MADT: bad entry length %u at offset %zu, ignoring the rest\n", h->length,
			       size_t(p - reinterpret_cast<const uint8_t*>(madt)));
			return;
		}
		if (h->type == type)
			fn(h);
		p += h->length;
	}
}
} // namespace

void acpi_boot_init()
{
	auto* madt = reinterpret_cast<const acpi_table_madt*>(acpi_get_table("APIC"));
	if (!madt || madt->header.length < sizeof(*madt)) {
		pr_warn("ACPI: no MADT: local APIC at its default address, no IO-APIC\n");
		return;
	}
	mp_lapic_addr = madt->address;

	for_each_madt_entry(madt, ACPI_MADT_TYPE_LOCAL_APIC_OVERRIDE, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_local_apic_override))
			return;
		auto* e = reinterpret_cast<const acpi_madt_local_apic_override*>(h);
		pr_info("ACPI: LAPIC_ADDR_OVR (address[0x%llx])\n", (unsigned long long)e->address);
		mp_lapic_addr = e->address;
	});
	for_each_madt_entry(madt, ACPI_MADT_TYPE_LOCAL_APIC, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_local_apic))
			return;
		auto* e = reinterpret_cast<const acpi_madt_local_apic*>(h);
		pr_debug("ACPI: LAPIC (acpi_id[0x%02x] lapic_id[0x%02x] %s)\n", e->processor_id, e->id,
		         (e->lapic_flags & ACPI_MADT_ENABLED) ? "enabled" : "disabled");
		if (e->lapic_flags & ACPI_MADT_ENABLED)
			nr_lapics++;
		generic_processor_info(e->id, e->lapic_flags & ACPI_MADT_ENABLED);
	});
	for_each_madt_entry(madt, ACPI_MADT_TYPE_LOCAL_APIC_NMI, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_local_apic_nmi))
			return;
		auto* e = reinterpret_cast<const acpi_madt_local_apic_nmi*>(h);
		pr_info("ACPI: LAPIC_NMI (acpi_id[0x%02x] %s %s lint[0x%x])\n", e->processor_id,
		        mps_inti_flags_polarity[e->inti_flags & ACPI_MADT_POLARITY_MASK],
		        mps_inti_flags_trigger[(e->inti_flags & ACPI_MADT_TRIGGER_MASK) >> 2], e->lint);
	});
	for_each_madt_entry(madt, ACPI_MADT_TYPE_IO_APIC, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_io_apic))
			return;
		auto* e = reinterpret_cast<const acpi_madt_io_apic*>(h);
		pr_debug("ACPI: IOAPIC (id[0x%02x] address[0x%08x] gsi_base[%u])\n", e->id, e->address,
		         e->global_irq_base);
		mp_register_ioapic(e->id, e->address, e->global_irq_base);
	});
	for_each_madt_entry(madt, ACPI_MADT_TYPE_INTERRUPT_OVERRIDE, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_interrupt_override))
			return;
		auto* e = reinterpret_cast<const acpi_madt_interrupt_override*>(h);
		uint16_t pol = e->inti_flags & ACPI_MADT_POLARITY_MASK;
		uint16_t trig = (e->inti_flags & ACPI_MADT_TRIGGER_MASK) >> 2;
		pr_info("ACPI: INT_SRC_OVR (bus %u bus_irq %u global_irq %u %s %s)\n", e->bus, e->source_irq,
		        e->global_irq, mps_inti_flags_polarity[pol], mps_inti_flags_trigger[trig]);
		mp_override_legacy_irq(e->source_irq, pol, trig, e->global_irq);
	});
	for_each_madt_entry(madt, ACPI_MADT_TYPE_NMI_SOURCE, [](const acpi_subtable_header* h) {
		if (h->length < sizeof(acpi_madt_nmi_source))
			return;
		auto* e = reinterpret_cast<const acpi_madt_nmi_source*>(h);
		pr_info("ACPI: NMI_SRC (%s %s global_irq %u)\n",
		        mps_inti_flags_polarity[e->inti_flags & ACPI_MADT_POLARITY_MASK],
		        mps_inti_flags_trigger[(e->inti_flags & ACPI_MADT_TRIGGER_MASK) >> 2], e->global_irq);
	});
	pr_info("ACPI: Using ACPI (MADT) for SMP configuration information\n");
}
