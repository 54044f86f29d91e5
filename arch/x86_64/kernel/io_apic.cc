/*
 * The I/O APIC (Linux: arch/x86/kernel/apic/io_apic.c mp_register_ioapic,
 * io_apic_read/io_apic_write, ioapic_read_entry/ioapic_write_entry,
 * clear_IO_APIC, mask_ioapic_irq/unmask_ioapic_irq;
 * arch/x86/kernel/acpi/boot.c mp_override_legacy_irq).
 *
 * Data structures: ioapics[] (MADT id, physical base, fixmap address,
 * version, GSI range), isa_irq_override[16] (the MADT's interrupt source
 * overrides: GSI, trigger, polarity per ISA IRQ).
 *
 * Each IO-APIC is mapped uncached at its fixmap slot FIX_IO_APIC_BASE_0+n.
 * Registers are accessed by writing the index to IOREGSEL (+0x00) and
 * the value through IOWIN (+0x10), so each access pair holds ioapic_lock.
 *
 * Invariants: every pin is masked except those request_irq() unmasked;
 * a redirection entry is written high word first and low word last (the
 * low word holds the mask bit, so the pin is never live half-written).
 *
 * Lock order: ioapic_lock (irqsave) is a leaf.
 */
#include <arch/apic.h>
#include <arch/fixmap.h>
#include <arch/io_apic.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/spinlock.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct ioapic {
	unsigned id;
	uint64_t phys;
	volatile uint32_t* base;
	unsigned version;
	unsigned nr_registers;
	mp_ioapic_gsi gsi_config;
};

struct isa_override {
	bool present;
	uint32_t gsi;
	bool level;
	bool active_low;
};

ioapic ioapics[MAX_IO_APICS];
int nr_ioapics;
isa_override isa_irq_override[16];
lib::spinlock ioapic_lock;

constexpr unsigned IO_APIC_ID = 0x00, IO_APIC_VERSION = 0x01, IO_APIC_REDTBL = 0x10;

uint32_t io_apic_read(int apic, unsigned reg)
{
	ioapics[apic].base[0] = reg;
	return ioapics[apic].base[4];
}

void io_apic_write(int apic, unsigned reg, uint32_t v)
{
	ioapics[apic].base[0] = reg;
	ioapics[apic].base[4] = v;
}

IO_APIC_route_entry __ioapic_read_entry(int apic, int pin)
{
	uint64_t lo = io_apic_read(apic, IO_APIC_REDTBL + 2 * pin);
	uint64_t hi = io_apic_read(apic, IO_APIC_REDTBL + 2 * pin + 1);
	uint64_t raw = lo | (hi << 32);
	IO_APIC_route_entry e;
	lib::memcpy(&e, &raw, sizeof(e));
	return e;
}

void __ioapic_write_entry(int apic, int pin, IO_APIC_route_entry e)
{
	uint64_t raw;
	lib::memcpy(&raw, &e, sizeof(raw));
	io_apic_write(apic, IO_APIC_REDTBL + 2 * pin + 1, uint32_t(raw >> 32));
	io_apic_write(apic, IO_APIC_REDTBL + 2 * pin, uint32_t(raw));
}

void set_masked(uint32_t gsi, bool masked)
{
	int apic = mp_find_ioapic(gsi);
	if (apic < 0)
		return;
	int pin = mp_find_ioapic_pin(apic, gsi);
	lib::spin_lock_irqsave_guard g(ioapic_lock);
	IO_APIC_route_entry e = __ioapic_read_entry(apic, pin);
	e.masked = masked;
	__ioapic_write_entry(apic, pin, e);
}
} // namespace

void mp_register_ioapic(unsigned id, uint64_t address, uint32_t gsi_base)
{
	if (nr_ioapics >= MAX_IO_APICS) {
		pr_err("Max # of I/O APICs (%d) exceeded (found %d), skipping\n", MAX_IO_APICS, nr_ioapics + 1);
		return;
	}
	int idx = nr_ioapics;
	ioapic& io = ioapics[idx];
	auto slot = fixed_addresses(FIX_IO_APIC_BASE_0 + idx);
	set_fixmap_nocache(slot, address & PAGE_MASK);
	io.base = reinterpret_cast<volatile uint32_t*>(fix_to_virt(slot) + (address & ~PAGE_MASK));
	io.id = id;
	io.phys = address;
	uint32_t ver = io_apic_read(idx, IO_APIC_VERSION);
	if (ver == 0xffffffff) {
		pr_err("IOAPIC[%d]: no IO-APIC at 0x%llx, skipping\n", idx, (unsigned long long)address);
		clear_fixmap(slot);
		return;
	}
	io.version = ver & 0xff;
	io.nr_registers = ((ver >> 16) & 0xff) + 1;
	io.gsi_config.gsi_base = gsi_base;
	io.gsi_config.gsi_end = gsi_base + io.nr_registers - 1;
	nr_ioapics++;
	pr_info("IOAPIC[%d]: apic_id %u, version %u, address 0x%llx, GSI %u-%u\n", idx, id, io.version,
	        (unsigned long long)address, io.gsi_config.gsi_base, io.gsi_config.gsi_end);
}

void mp_override_legacy_irq(uint8_t bus_irq, uint16_t polarity, uint16_t trigger, uint32_t gsi)
{
	if (bus_irq >= 16)
		return;
	isa_override& o = isa_irq_override[bus_irq];
	o.present = true;
	o.gsi = gsi;
	/* MPS INTI flags: polarity 1 high, 3 low; trigger 1 edge, 3 level;
	 * 0 means "as the bus says": ISA is edge, active high */
	o.active_low = polarity == 3;
	o.level = trigger == 3;
}

void acpi_isa_irq_to_gsi(unsigned isa_irq, uint32_t* gsi, bool* level, bool* active_low)
{
	*gsi = isa_irq;
	*level = false;
	*active_low = false;
	if (isa_irq < 16 && isa_irq_override[isa_irq].present) {
		*gsi = isa_irq_override[isa_irq].gsi;
		*level = isa_irq_override[isa_irq].level;
		*active_low = isa_irq_override[isa_irq].active_low;
	}
}

int nr_ioapics_registered()
{
	return nr_ioapics;
}

int mp_find_ioapic(uint32_t gsi)
{
	for (int i = 0; i < nr_ioapics; i++)
		if (gsi >= ioapics[i].gsi_config.gsi_base && gsi <= ioapics[i].gsi_config.gsi_end)
			return i;
	return -1;
}

int mp_find_ioapic_pin(int apic, uint32_t gsi)
{
	if (apic < 0 || apic >= nr_ioapics)
		return -1;
	return int(gsi - ioapics[apic].gsi_config.gsi_base);
}

const mp_ioapic_gsi* mp_ioapic_gsi_routing(int apic)
{
	return apic >= 0 && apic < nr_ioapics ? &ioapics[apic].gsi_config : nullptr;
}

IO_APIC_route_entry ioapic_read_entry(int apic, int pin)
{
	lib::spin_lock_irqsave_guard g(ioapic_lock);
	return __ioapic_read_entry(apic, pin);
}

void ioapic_write_entry(int apic, int pin, IO_APIC_route_entry e)
{
	lib::spin_lock_irqsave_guard g(ioapic_lock);
	__ioapic_write_entry(apic, pin, e);
}

void setup_IO_APIC()
{
	for (int apic = 0; apic < nr_ioapics; apic++)
		for (unsigned pin = 0; pin < ioapics[apic].nr_registers; pin++) {
			IO_APIC_route_entry e{};
			e.masked = 1;
			ioapic_write_entry(apic, int(pin), e);
		}
	if (!nr_ioapics)
		pr_warn("APIC: no IO-APIC in the MADT: device interrupts cannot be routed\n");
}

lib::Result<void> ioapic_route_gsi(uint32_t gsi, uint8_t vector, bool level, bool active_low)
{
	int apic = mp_find_ioapic(gsi);
	if (apic < 0)
		return lib::Error{EINVAL};
	IO_APIC_route_entry e{};
	e.vector = vector;
	e.delivery_mode = 0;     /* fixed */
	e.dest_mode_logical = 0; /* physical: destid is an APIC ID */
	e.active_low = active_low;
	e.is_level = level;
	e.masked = 1;
	e.destid_0_7 = boot_cpu_physical_apicid & 0xff;
	ioapic_write_entry(apic, mp_find_ioapic_pin(apic, gsi), e);
	return lib::ok();
}

void mask_ioapic_gsi(uint32_t gsi)
{
	set_masked(gsi, true);
}

void unmask_ioapic_gsi(uint32_t gsi)
{
	set_masked(gsi, false);
}

bool ioapic_gsi_masked(uint32_t gsi)
{
	int apic = mp_find_ioapic(gsi);
	if (apic < 0)
		return true;
	return ioapic_read_entry(apic, mp_find_ioapic_pin(apic, gsi)).masked;
}
