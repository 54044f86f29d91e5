/*
 * The application processors' first instructions (Linux: arch/x86/
 * realmode/rm/trampoline_64.S, arch/x86/kernel/head_64.S
 * secondary_startup_64).
 *
 * An AP starts in 16-bit real mode at CS:IP = (vector << 8):0 after the
 * STARTUP IPI, i.e. at the physical page vector * 4096 below 1 MiB.  The
 * boot CPU copies trampoline_start..trampoline_end to such a page (the
 * real-mode page setup_arch reserved) and fills the header fields
 * (trampoline_cr3, _efer, _entry64).  The code runs from any page: it
 * finds its base from %cs and patches its own GDT pointer and far-jump
 * targets before using them.
 *
 *   16-bit: base = %cs << 4; GDT; CR0.PE          -> 32-bit
 *   32-bit: CR4.PAE|PGE; CR3 = trampoline_cr3 (below 4 GiB: an identity
 *           map of the first 2 MiB plus the kernel's upper half);
 *           EFER = trampoline_efer (LME, NXE as the boot CPU); CR0.PG
 *                                                  -> 64-bit
 *   64-bit: jump to trampoline_entry64 = secondary_startup_64, in the
 *           kernel image at its (randomized) virtual address
 * secondary_startup_64 then reads the one word the boot CPU left in
 * smpboot_initial_gs, this CPU's pcpu_hot: it becomes the GS base, and
 * the stack is that pcpu_hot's boot_stack (its idle task's).  Zero means
 * the boot CPU gave up on this CPU: it halts.  Then start_secondary
 * (arch/x86_64/kernel/smpboot.cc) loads the kernel's GDT, IDT and page
 * table.
 *
 * The blob lives in .rodata and is never executed where it is linked.
 */
#include <arch/processor.h> /* MSR_EFER, MSR_GS_BASE */
#include <kernel/smp.h>       /* PCPU_HOT_BOOT_STACK */

	.section .rodata.trampoline, "a"
	.balign 16
	.globl trampoline_start
	.code16
trampoline_start:
	cli
	cld
	movw %cs, %ax
	movw %ax, %ds
	movw %ax, %es
	movw %ax, %ss
	xorl %ebx, %ebx
	movw %ax, %bx
	shll $4, %ebx				/* %ebx = the page's linear address */
	leal (tr_gdt - trampoline_start)(%ebx), %eax
	movl %eax, (tr_gdt_desc + 2 - trampoline_start)
	leal (tr_start32 - trampoline_start)(%ebx), %eax
	movl %eax, (tr_jmp32 - trampoline_start)
	leal (tr_start64 - trampoline_start)(%ebx), %eax
	movl %eax, (tr_jmp64 - trampoline_start)
	lgdtl (tr_gdt_desc - trampoline_start)
	movl %cr0, %eax
	andl $0x9fffffff, %eax			/* CD, NW off: caches on (INIT left them off) */
	orl $1, %eax				/* PE */
	movl %eax, %cr0
	ljmpl *(tr_jmp32 - trampoline_start)

	.code32
tr_start32:
	movl $0x18, %eax			/* __KERNEL_DS */
	movl %eax, %ds
	movl %eax, %es
	movl %eax, %ss
	movl %eax, %fs
	movl %eax, %gs
	movl %cr4, %eax
	orl $((1 << 5) | (1 << 7)), %eax	/* PAE | PGE */
	movl %eax, %cr4
	movl (trampoline_cr3 - trampoline_start)(%ebx), %eax
	movl %eax, %cr3
	movl $MSR_EFER, %ecx
	movl (trampoline_efer - trampoline_start)(%ebx), %eax
	xorl %edx, %edx
	wrmsr
	movl %cr0, %eax
	orl $0x80010033, %eax			/* PG | WP | NE | ET | MP | PE */
	movl %eax, %cr0
	ljmpl *(tr_jmp64 - trampoline_start)(%ebx)

	.code64
tr_start64:
	movl %ebx, %ebx				/* upper half undefined after the mode switch */
	jmpq *(trampoline_entry64 - trampoline_start)(%rbx)

	.balign 8
tr_gdt:
	.quad 0
	.quad 0x00cf9b000000ffff		/* 0x08 __KERNEL32_CS */
	.quad 0x00af9b000000ffff		/* 0x10 __KERNEL_CS */
	.quad 0x00cf93000000ffff		/* 0x18 __KERNEL_DS */
tr_gdt_end:
tr_gdt_desc:
	.word tr_gdt_end - tr_gdt - 1
	.long 0					/* patched: linear address of tr_gdt */
tr_jmp32:
	.long 0					/* patched: tr_start32 */
	.word 0x08
tr_jmp64:
	.long 0					/* patched: tr_start64 */
	.word 0x10
	.balign 8
	.globl trampoline_cr3, trampoline_efer, trampoline_entry64
trampoline_cr3:
	.long 0
trampoline_efer:
	.long 0
trampoline_entry64:
	.quad 0
	.globl trampoline_end
trampoline_end:

	.text
	.code64
	.globl secondary_startup_64
secondary_startup_64:
	movq smpboot_initial_gs(%rip), %rax	/* one read: gs and stack agree */
	testq %rax, %rax
	jz 1f					/* too late: the boot CPU gave up */
	movq PCPU_HOT_BOOT_STACK(%rax), %rsp
	movl $MSR_GS_BASE, %ecx
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	xorl %ebp, %ebp				/* ends the frame-pointer chain */
	call start_secondary
1:	cli
	hlt
	jmp 1b
