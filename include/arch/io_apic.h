/*
 * The I/O APIC (Linux: arch/x86/include/asm/io_apic.h,
 * arch/x86/kernel/apic/io_apic.c).
 *
 * Each IO-APIC serves a range of global system interrupts (GSIs); its
 * registers are reached through an index (IOREGSEL, +0x00) and a window
 * (IOWIN, +0x10); each pin has a 64-bit redirection entry (registers
 * 0x10 + 2 * pin, low word first).
 *
 *   mp_register_ioapic(id, address, gsi_base)   from the MADT
 *   setup_IO_APIC()                             mask every pin
 *   ioapic_route_gsi(gsi, vector, level, active_low)  program a pin, masked
 *   unmask_ioapic_gsi(gsi) / mask_ioapic_gsi(gsi)
 *   acpi_isa_irq_to_gsi(irq, &gsi, &level, &active_low)  through the overrides
 *
 * Invariants: a pin is unmasked only while a handler is registered for
 * its IRQ (request_irq/free_irq); every other pin stays masked.
 * Lock order: ioapic_lock (irqsave) is a leaf; entries are written high
 * word first and low word (with the mask bit) last, read low then high.
 */
#pragma once
#include <cstdint>
#include <lib/result.h>

#define MAX_IO_APICS 8

struct IO_APIC_route_entry {
	uint64_t vector : 8, delivery_mode : 3, dest_mode_logical : 1, delivery_status : 1, active_low : 1, irr : 1,
	    is_level : 1, masked : 1, reserved_0 : 15, reserved_1 : 17, virt_destid_8_14 : 7, destid_0_7 : 8;
};
static_assert(sizeof(IO_APIC_route_entry) == 8);

struct mp_ioapic_gsi {
	uint32_t gsi_base;
	uint32_t gsi_end;
};

/* register an IO-APIC from the MADT; prints Linux's IOAPIC[n] line */
void mp_register_ioapic(unsigned id, uint64_t address, uint32_t gsi_base);
/* an ISA interrupt source override from the MADT */
void mp_override_legacy_irq(uint8_t bus_irq, uint16_t polarity, uint16_t trigger, uint32_t gsi);

int nr_ioapics_registered();
/* the IO-APIC index serving gsi, -1 if none */
int mp_find_ioapic(uint32_t gsi);
/* its pin for gsi */
int mp_find_ioapic_pin(int ioapic, uint32_t gsi);
const mp_ioapic_gsi* mp_ioapic_gsi_routing(int ioapic);

IO_APIC_route_entry ioapic_read_entry(int apic, int pin);
void ioapic_write_entry(int apic, int pin, IO_APIC_route_entry e);

/* mask every pin of every IO-APIC (Linux: clear_IO_APIC at setup) */
void setup_IO_APIC();
/* program gsi to deliver vector to the boot CPU, left masked; EINVAL if
 * no IO-APIC serves it */
lib::Result<void> ioapic_route_gsi(uint32_t gsi, uint8_t vector, bool level, bool active_low);
void mask_ioapic_gsi(uint32_t gsi);
void unmask_ioapic_gsi(uint32_t gsi);
bool ioapic_gsi_masked(uint32_t gsi);

/* ISA IRQ -> GSI with trigger and polarity, after the MADT's overrides
 * (identity, edge, active high without one) */
void acpi_isa_irq_to_gsi(unsigned isa_irq, uint32_t* gsi, bool* level, bool* active_low);
