/*
 * Descriptor tables: GDT, TSS, IDT (Linux: asm/desc.h, asm/desc_defs.h,
 * asm/processor.h struct x86_hw_tss).
 */
#pragma once
#include <cstdint>
#include <arch/segment.h>
#include <lib/result.h>

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

/* load cpu's GDT, TSS (with its IST stacks) and segment registers; on
 * an AP the exception stacks must have been set up first */
void cpu_init_gdt_tss(unsigned cpu = 0);
/* an AP's exception stacks (vmalloc, guarded); ENOMEM.  Those allocated
 * stay on failure, and a second call allocates only the missing ones */
lib::Result<void> alloc_exception_stacks(unsigned cpu);
/* build the IDT (every vector) and load it */
void idt_setup();
/* load the (built) IDT on this CPU */
void load_idt();

/* make this CPU ready for user mode: SYSCALL MSRs, SMEP/SMAP, FPU (the
 * boot CPU, cpu 0, also probes what the machine has) */
void cpu_init(unsigned cpu);

/* point this CPU's GS base at its pcpu_hot */
void setup_percpu_gs(unsigned cpu);
/* the top of this CPU's exception stack for IST slot ist_index (0: #DF) */
uintptr_t exception_stack_top(int ist_index);
/* cpu's TSS (its IST slots, sp0) */
struct x86_hw_tss* cpu_tss_of(unsigned cpu);
/* addr is in the guard page below current's task stack: [lo, hi) is that
 * stack and name "TASK" (Linux: get_stack_guard_info) */
bool get_stack_guard_info(uintptr_t addr, uintptr_t* lo, uintptr_t* hi, const char** name);

/* the stack [lo, hi) that contains sp, if it is one the kernel knows */
bool get_stack_bounds(uintptr_t sp, uintptr_t* lo, uintptr_t* hi, const char** name);
