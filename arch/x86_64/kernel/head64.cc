/*
 * First C++ code, on the boot page tables (Linux: arch/x86/kernel/head64.c
 * x86_64_start_kernel).
 *
 * Order matters: the GS base first, so `current` (a %gs-relative load)
 * is init_task even in the earliest oops; the early console next so a crash
 * in any later step can report (printk keeps the log until console_init);
 * the GDT and IDT next so a fault is an oops, not a triple fault; then the
 * clock (timestamps) and the loader's information, while the low identity
 * map still exists; then the identity map goes, so a NULL dereference
 * faults from here on.
 */
#include <arch/boot.h>
#include <arch/desc.h>
#include <arch/page.h>
#include <arch/processor.h>
#include <drivers/serial.h>
#include <kernel/time.h>

extern "C" uint64_t init_top_pgt[];
void start_kernel();

extern "C" [[noreturn]] void x86_64_start_kernel(uint32_t protocol, uint32_t info_pa)
{
	setup_percpu_gs(0); /* `current` (init_task) works from here on */
	serial8250::early_console_init(); /* ttyS0, for a crash before console_init */
	cpu_init_gdt_tss();
	idt_setup();
	cpu_init(0); /* SYSCALL, SMEP/SMAP, FPU */
	tsc_init();
	setup_boot_params(protocol, info_pa);
	init_top_pgt[0] = 0; /* drop the identity map of the low 4 GiB */
	__flush_tlb_local();
	start_kernel();
	halt_forever();
}
