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
 *
 * Device interrupts arrive here on whatever stack was running; the switch
 * to the per-CPU IRQ stack happens in C (arch/x86_64/kernel/irq.cc) through
 * call_on_irqstack below, as Linux's run_irq_on_irqstack_cond does with
 * its inline-asm call_on_stack.
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

/*
 * void call_on_irqstack(struct pt_regs* regs, unsigned vector,
 *                       void (*func)(struct pt_regs*, unsigned), uintptr_t tos)
 *
 * Run func(regs, vector) on another stack whose top slot is tos (16-byte
 * aligned, Linux's hardirq_stack_ptr).  The interrupted %rsp is stored at
 * (tos), the word the unwinder reads to get back to the previous stack,
 * and restored from there afterwards.  The frame built here (push %rbp)
 * links func's frame to the interrupted stack's frame chain.
 */
	.globl call_on_irqstack
	.type call_on_irqstack, @function
call_on_irqstack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rsp, (%rcx)
	movq %rcx, %rsp
	call *%rdx
	popq %rsp
	popq %rbp
	ret
	.size call_on_irqstack, . - call_on_irqstack

/*
 * void call_on_stack(void (*fn)(void*), void* arg, uintptr_t stack_top)
 *
 * Run fn(arg) with %rsp at stack_top (16-byte aligned), then come back
 * (Linux: asm/irq_stack.h call_on_stack).  The frame built here links
 * fn's frame chain to the caller's stack, so a backtrace taken on the
 * new stack continues on the old one.  The page-fault path uses it to
 * report a stack overflow on the #DF stack; the stack-overflow ktest to
 * run on a fresh task stack.
 */
	.globl call_on_stack
	.type call_on_stack, @function
call_on_stack:
	pushq %rbp
	movq %rsp, %rbp
	movq %rdx, %rsp
	movq %rdi, %rax
	movq %rsi, %rdi
	call *%rax
	movq %rbp, %rsp
	popq %rbp
	ret
	.size call_on_stack, . - call_on_stack

/*
 * struct task_struct* __switch_to_asm(struct task_struct* prev,
 *                                     struct task_struct* next,
 *                                     unsigned long* prev_sp,
 *                                     unsigned long next_sp)
 *
 * The context switch proper (Linux: __switch_to_asm).  Push the
 * callee-saved registers on prev's stack - that is struct
 * inactive_task_frame, with the return address on top of it - save %rsp
 * in prev->thread.sp, load next's, pop next's frame and tail-call
 * __switch_to(prev, next), whose `ret` returns into whatever called
 * __switch_to_asm in next (__schedule), or to ret_from_fork_asm for a new
 * task.  %rax carries prev to the other side.  %rbp is in the frame, so a
 * sleeping task's frame chain starts at its saved %rbp.
 */
	.globl __switch_to_asm
	.type __switch_to_asm, @function
__switch_to_asm:
	pushq %rbp
	pushq %rbx
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
	movq %rsp, (%rdx)
	movq %rcx, %rsp
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %rbx
	popq %rbp
	jmp __switch_to
	.size __switch_to_asm, . - __switch_to_asm

/*
 * The first instruction of a new kernel thread (Linux: ret_from_fork_asm).
 * copy_thread left %rbx = fn, %r12 = arg and %rbp = 0 (the end of the frame
 * chain) in its frame; %rax is prev from __switch_to.
 * ret_from_fork(prev, fn, arg) finishes the switch, runs fn and exits.
 */
	.globl ret_from_fork_asm
	.type ret_from_fork_asm, @function
ret_from_fork_asm:
	movq %rax, %rdi
	movq %rbx, %rsi
	movq %r12, %rdx
	call ret_from_fork
	ud2
	.size ret_from_fork_asm, . - ret_from_fork_asm
