/*
 * Kernel entry and exit (Linux: arch/x86/entry/entry_64.S: entry_SYSCALL_64,
 * the idtentry macros, error_entry/paranoid_entry, swapgs_restore_regs_and_
 * return_to_usermode, ret_from_fork_asm).
 *
 * System calls: entry_SYSCALL_64 is the LSTAR target (syscall_init, cpu.cc).
 * The CPU left the user %rip in %rcx, the user RFLAGS in %r11 and masked
 * RFLAGS with MSR_SYSCALL_MASK (interrupts off); %rsp and %gs are still the
 * user's.  swapgs, park the user %rsp in pcpu_hot.user_sp, load
 * pcpu_hot.top_of_stack (the task's stack top, = TSS.sp0), build struct
 * pt_regs there (orig_ax = the number, ax = -ENOSYS) and call
 * do_syscall_64(regs, nr) (common.cc), which runs the call and the exit
 * work and says whether SYSRET may return: only with %rcx == %rip
 * canonical and %r11 == RFLAGS sane; anything else leaves through IRET
 * (CVE-2012-0217: on Intel a SYSRET to a non-canonical %rcx faults in
 * ring 0 on the user's stack).
 *
 * Exceptions and interrupts: every vector has a 16-byte stub in
 * irq_entries_start: it pushes -1 where the CPU pushes no error code (so
 * the frame always has orig_ax), saves %rdi, loads the vector number into
 * %edi and jumps to common_entry, which saves the rest of struct pt_regs in
 * Linux's order and calls do_trap(regs, vector).  The stub address of
 * vector n is irq_entries_start + 16 * n (idt.cc relies on that).
 * Where the frame came from decides the GS base:
 *   - from user mode (CS.RPL 3): swapgs on entry; on exit do_trap has run
 *     the exit-to-user work and the frame leaves through
 *     swapgs_restore_regs_and_return_to_usermode;
 *   - from the IRET to user mode itself (#GP/#SS/#NP on irq_return_iret,
 *     e.g. a non-canonical return address): the GS base is already the
 *     user's; swapgs, fixup_bad_iret() (traps.cc) rebuilds the frame as a
 *     user-mode fault at the IRET's target, and it is handled as one
 *     (Linux: error_entry's .Lerror_bad_iret);
 *   - the IST vectors (#DB, NMI, #DF, #MC) can arrive anywhere, also
 *     between a swapgs and the SYSRET/IRET that follows it: they read
 *     MSR_GS_BASE and swap only if it holds a user value (the kernel's is
 *     always a kernel address, a user's is below TASK_SIZE_MAX: arch_prctl
 *     refuses others), as Linux's paranoid_entry; the answer rides in %r12.
 * Device interrupts arrive here on whatever stack was running; the switch
 * to the per-CPU IRQ stack happens in C (arch/x86_64/kernel/irq.cc) through
 * call_on_irqstack below, as Linux's run_irq_on_irqstack_cond does with
 * its inline-asm call_on_stack.
 *
 * Stack alignment: the kernel is built for a 16-byte aligned stack at each
 * call; a struct pt_regs (21 quadwords) on a 16-byte aligned top leaves
 * %rsp 8 off, hence the subq $8 around the calls.
 */
#include <arch/processor.h>
#include <arch/segment.h>
#include <arch/smap.h>
#include <kernel/smp.h>

#define ENOSYS 38

/* struct pt_regs offsets (Linux: arch/x86/entry/calling.h) */
#define R12 3*8
#define ORIG_RAX 15*8
#define RIP 16*8
#define CS 17*8
#define EFLAGS 18*8
#define RSP 19*8
#define SS 20*8

	.macro PUSH_REGS_AFTER_RDI
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
	.endm

	.macro POP_REGS
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
	.endm

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
	PUSH_REGS_AFTER_RDI
	cld
	ASM_CLAC			/* an interrupted usercopy's SMAP window stays closed here */
	movl %edi, %ebx			/* the vector, kept across the calls */
	testb $3, CS(%rsp)
	jnz .Lfrom_user
	/* from kernel mode: an IST vector checks which GS base is loaded */
	xorl %r12d, %r12d
	cmpl $1, %ebx
	je .Lparanoid
	cmpl $2, %ebx
	je .Lparanoid
	cmpl $8, %ebx
	je .Lparanoid
	cmpl $18, %ebx
	je .Lparanoid
	/* #NP, #SS, #GP on the IRET to user mode: the user GS base is loaded */
	leaq irq_return_iret(%rip), %rax
	cmpq %rax, RIP(%rsp)
	jne .Lkernel_call
	cmpl $11, %ebx
	jb .Lkernel_call
	cmpl $13, %ebx
	jbe .Lbad_iret
.Lkernel_call:
	movq %rsp, %rdi
	movl %ebx, %esi
	subq $8, %rsp
	call do_trap
	addq $8, %rsp
	testl %r12d, %r12d
	jz 1f
	swapgs				/* back to the user GS base the IST vector found */
1:	POP_REGS
	addq $8, %rsp			/* orig_ax / error code */
	iretq

.Lparanoid:
	movl $MSR_GS_BASE, %ecx
	rdmsr
	testl %edx, %edx
	js .Lkernel_call		/* a kernel address: the kernel GS base is loaded */
	swapgs
	movl $1, %r12d
	jmp .Lkernel_call

.Lbad_iret:
	/* the IRET to user mode faulted: the user GS base is loaded */
	swapgs
	xorl %ebp, %ebp			/* the frame chain ends at the user boundary */
	movq %rsp, %rdi
	subq $8, %rsp
	call fixup_bad_iret		/* the user-mode frame to handle instead */
	movq %rax, %rsp
	jmp .Lfrom_user_swapped

.Lfrom_user:
	swapgs
	xorl %ebp, %ebp			/* the frame chain ends at the user boundary */
	/* an IST vector from user mode is on its IST stack: move the frame
	 * to the task stack, where the exit work may sleep (Linux: sync_regs) */
	movq %rsp, %rdi
	subq $8, %rsp
	call sync_regs
	movq %rax, %rsp
.Lfrom_user_swapped:
	movq %rsp, %rdi
	movl %ebx, %esi
	subq $8, %rsp
	call do_trap			/* runs the exit-to-user work at its end */
	addq $8, %rsp
	jmp swapgs_restore_regs_and_return_to_usermode

/*
 * The return to user mode through IRET (Linux: swapgs_restore_regs_and_
 * return_to_usermode): %rsp points at the struct pt_regs to restore, the
 * exit work is done and interrupts are off.  A fault on the iretq itself
 * (a non-canonical %rip, a bad segment) comes back through common_entry's
 * .Lbad_iret.
 */
	.globl swapgs_restore_regs_and_return_to_usermode
	.type swapgs_restore_regs_and_return_to_usermode, @function
swapgs_restore_regs_and_return_to_usermode:
	POP_REGS
	addq $8, %rsp			/* orig_ax */
	swapgs
	.globl irq_return_iret
irq_return_iret:
	iretq
	.size swapgs_restore_regs_and_return_to_usermode, . - swapgs_restore_regs_and_return_to_usermode

/*
 * The SYSCALL instruction's entry (Linux: entry_SYSCALL_64), see the top of
 * this file.  Interrupts are off (MSR_SYSCALL_MASK clears IF) until
 * do_syscall_64 turns them on.
 */
	.balign 16
	.globl entry_SYSCALL_64
	.type entry_SYSCALL_64, @function
entry_SYSCALL_64:
	swapgs
	movq %rsp, %gs:PCPU_HOT_USER_SP
	movq %gs:PCPU_HOT_TOP_OF_STACK, %rsp
	pushq $__USER_DS		/* pt_regs->ss */
	pushq %gs:PCPU_HOT_USER_SP	/* pt_regs->sp */
	pushq %r11			/* pt_regs->flags */
	pushq $__USER_CS		/* pt_regs->cs */
	pushq %rcx			/* pt_regs->ip */
	pushq %rax			/* pt_regs->orig_ax: the number */
	pushq %rdi
	pushq %rsi
	pushq %rdx
	pushq %rcx
	pushq $-ENOSYS			/* pt_regs->ax */
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
	xorl %ebp, %ebp
	movq %rsp, %rdi
	movslq %eax, %rsi		/* int nr, as Linux's */
	subq $8, %rsp
	call do_syscall_64		/* true: SYSRET may return */
	addq $8, %rsp
	testb %al, %al
	jz swapgs_restore_regs_and_return_to_usermode
	/* SYSRET: %rcx = %rip and %r11 = RFLAGS, checked by do_syscall_64 */
	POP_REGS
	movq RIP-ORIG_RAX(%rsp), %rcx
	movq EFLAGS-ORIG_RAX(%rsp), %r11
	movq RSP-ORIG_RAX(%rsp), %rsp
	swapgs
	sysretq
	.size entry_SYSCALL_64, . - entry_SYSCALL_64

/*
 * The CSTAR target: a SYSCALL from 32-bit compatibility mode, which only
 * AMD CPUs deliver.  There is no IA32 emulation: -ENOSYS straight back
 * (Linux: ignore_sysret, for kernels without CONFIG_IA32_EMULATION).
 */
	.globl ignore_sysret
	.type ignore_sysret, @function
ignore_sysret:
	movl $-ENOSYS, %eax
	sysretl
	.size ignore_sysret, . - ignore_sysret

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
 * The first instruction of a new task (Linux: ret_from_fork_asm).
 * copy_thread left %rbx = fn, %r12 = arg and %rbp = 0 (the end of the
 * frame chain) in its frame, and the task's struct pt_regs right above
 * it (%rsp points at it here); %rax is prev from __switch_to.
 * ret_from_fork(prev, fn, arg, regs) finishes the switch and runs fn: a
 * kernel thread exits there; a user-mode thread (user_mode_thread, or fn
 * NULL for a fork child later) comes back and returns to user mode with
 * the registers start_thread put in its pt_regs, as Linux's kernel_init
 * does after kernel_execve.
 */
	.globl ret_from_fork_asm
	.type ret_from_fork_asm, @function
ret_from_fork_asm:
	movq %rax, %rdi
	movq %rbx, %rsi
	movq %r12, %rdx
	movq %rsp, %rcx
	subq $8, %rsp
	call ret_from_fork		/* returns with interrupts off, exit work done */
	addq $8, %rsp
	jmp swapgs_restore_regs_and_return_to_usermode
	.size ret_from_fork_asm, . - ret_from_fork_asm
