/*
 * The interrupt descriptor table (Linux: arch/x86/kernel/idt.c).
 *
 * Every one of the 256 vectors points at its stub in entry_64.S, as an
 * interrupt gate (interrupts off on entry).  Double fault, NMI, machine
 * check and debug run on their IST stacks; the breakpoint gate is DPL 3 so
 * that user-space int3 works once user space exists.
 */
#include <arch/desc.h>
#include <cstddef>

extern "C" char irq_entries_start[];

namespace
{
struct gate_desc {
	uint16_t offset_low;
	uint16_t segment;
	uint8_t ist;
	uint8_t type_attr; /* P | DPL | type (0xE = interrupt gate) */
	uint16_t offset_middle;
	uint32_t offset_high;
	uint32_t reserved;
};
static_assert(sizeof(gate_desc) == 16);

constexpr unsigned NR_VECTORS = 256;
constexpr unsigned STUB_SIZE = 16;
alignas(4096) gate_desc idt_table[NR_VECTORS];

struct [[gnu::packed]] desc_ptr {
	uint16_t size;
	uint64_t address;
};

void set_gate(unsigned vec, uint8_t ist, uint8_t dpl)
{
	uint64_t addr = reinterpret_cast<uint64_t>(irq_entries_start + vec * STUB_SIZE);
	idt_table[vec] = gate_desc{uint16_t(addr),       __KERNEL_CS,          ist, uint8_t(0x8e | (dpl << 5)),
	                           uint16_t(addr >> 16), uint32_t(addr >> 32), 0};
}
} // namespace

void idt_setup()
{
	for (unsigned v = 0; v < NR_VECTORS; v++)
		set_gate(v, 0, 0);
	set_gate(1, IST_INDEX_DB, 0);
	set_gate(2, IST_INDEX_NMI, 0);
	set_gate(3, 0, 3);
	set_gate(8, IST_INDEX_DF, 0);
	set_gate(18, IST_INDEX_MCE, 0);
	load_idt();
}

/* every CPU shares the one table (Linux: load_current_idt) */
void load_idt()
{
	desc_ptr idtr{sizeof(idt_table) - 1, reinterpret_cast<uint64_t>(idt_table)};
	asm volatile("lidt %0" ::"m"(idtr));
}
