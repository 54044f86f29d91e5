/*
 * Exception and interrupt entry (Linux: arch/x86/entry/entry_64.S,
 * idtentry macros).
 *
 * Every vector has a 16-byte stub in irq_entries_start: it pushes -1 where
 * the CPU pushes no error code (so the frame always has orig_ax), saves
 * %rdi, loads the vector number into %edi and jumps to common_entry, which
 * saves the rest of struct pt_regs in Linux's order and calls
 * do_trap(regs, vector).  The stub address of vector n is
 * irq_entries_start + 16 * n (idt.cc relies on that).
 *
 * Entry from user mode (swapgs, kernel stack from TSS.sp0) arrives with
 * user space; today every vector is taken in kernel mode.
 */
#include <arch/segment.h>

	.text
	.balign 16
	.globl irq_entries_start
irq_entries_start:
	vector = 0
	.rept 256
	.balign 16
	/* vectors with a CPU-pushed error code: 8, 10-14, 17, 21, 29, 30 */
	.if !((vector == 8) || (vector >= 10 && vector <= 14) || (vector == 17) || (vector == 21) || (vector == 29) || (vector == 30))
	pushq $-1
	.endif
	pushq %rdi
	movl $vector, %edi
	jmp common_entry
	vector = vector + 1
	.endr
	.globl irq_entries_end
irq_entries_end:

	.balign 16
common_entry:
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq %rax
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %rbx
	pushq %rbp
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	cld
	movl %edi, %esi			/* vector */
	movq %rsp, %rdi			/* struct pt_regs * */
	/* the CPU aligned the frame to 16; 21 quadwords leave us 8 off */
	subq $8, %rsp
	call do_trap
	addq $8, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbp
	popq %rbx
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rax
	popq %rcx
	popq %rdx
	popq %rsi
	popq %rdi
	addq $8, %rsp			/* orig_ax / error code */
	iretq
