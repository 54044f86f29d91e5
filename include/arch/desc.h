/*
 * Descriptor tables: GDT, TSS, IDT (Linux: asm/desc.h, asm/desc_defs.h,
 * asm/processor.h struct x86_hw_tss).
 */
#pragma once
#include <cstdint>
#include <arch/segment.h>

struct [[gnu::packed]] x86_hw_tss {
	uint32_t reserved1;
	uint64_t sp0, sp1, sp2;
	uint64_t reserved2;
	uint64_t ist[7];
	uint32_t reserved3, reserved4;
	uint16_t reserved5;
	uint16_t io_bitmap_base;
};
static_assert(sizeof(x86_hw_tss) == 104);

/* load this CPU's GDT, TSS (with its IST stacks) and segment registers */
void cpu_init_gdt_tss();
/* build the IDT (every vector) and load it */
void idt_setup();

/* the stack [lo, hi) that contains sp, if it is one the kernel knows */
bool get_stack_bounds(uintptr_t sp, uintptr_t* lo, uintptr_t* hi, const char** name);
