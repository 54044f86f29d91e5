/*
 * CPU exception handling (Linux: arch/x86/kernel/traps.c, arch/x86/mm/
 * fault.c for the page-fault report).
 *
 * do_trap() is called by entry_64.S for every vector.  A page fault goes to
 * do_page_fault() (arch/x86_64/mm/fault.cc) first: demand paging,
 * copy-on-write, stack growth, SIGSEGV for a user fault.  Any other CPU
 * exception taken in the kernel is a bug, reported Linux-style (die())
 * before the kernel panics, unless the faulting instruction is in the
 * exception table (#PF, #GP: fixup_exception, <arch/extable.h>: the
 * user-memory accessors), which resumes at its fixup.  Vectors >= 32 are
 * interrupts: common_interrupt() (irq.cc) handles them; the NMI goes to
 * exc_nmi() with NMI accounting.
 *
 * From user mode (do_user_trap): an exception is the program's fault, not
 * the kernel's: the task gets Linux's signal for it (force_sig: #DE
 * SIGFPE, #UD SIGILL, #GP SIGSEGV, #BP SIGTRAP...) and, where Linux prints
 * one, the same line ("traps: prog[pid] general protection fault ip:...
 * sp:... error:0"), then leaves through the exit-to-user work, which
 * delivers the signal.  int $0x80 has no DPL-3 gate (no IA32 emulation), so
 * it is a #GP with error code 0x402 (vector 0x80, IDT): SIGSEGV, as Linux
 * without IA32_EMULATION.  An interrupt from user mode runs the same exit
 * work (a reschedule, a signal).  sync_regs and fixup_bad_iret give
 * entry_64.S the task-stack pt_regs to handle such an entry on.
 *
 * Kernel stack overflow (Linux: traps.c exc_double_fault,
 * handle_stack_overflow; fault.c page_fault_oops with VMAP_STACK): task
 * stacks come from vmalloc with an unmapped page below, so running off
 * the bottom faults there.  The CPU cannot push the #PF frame onto the
 * unmapped page and raises #DF, which runs on its own IST stack; a #PF
 * that does get delivered with CR2 in the guard page is moved to the #DF
 * stack before reporting (little stack is left).  Either way the report
 * is "BUG: TASK stack guard page was hit at ... (stack is ...)" and the
 * oops "kernel stack overflow (double-fault)" / "(page-fault)".
 */
#include <arch/ptrace.h>
#include <arch/hardirq.h>
#include <arch/irq_vectors.h>
#include <arch/processor.h>
#include <arch/stacktrace.h>
#include <arch/page.h>
#include <arch/desc.h>
#include <arch/extable.h>
#include <mm/vmalloc.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/preempt.h>
#include <kernel/sched.h>
#include <kernel/sched/task_stack.h>
#include <kernel/entry-common.h>
#include <kernel/signal.h>
#include <lib/format.h>
#include <lib/string.h>

namespace
{
const char* const exception_names[32] = {
    "divide error",
    "debug",
    "nmi",
    "int3",
    "overflow",
    "bounds",
    "invalid opcode",
    "device not available",
    "double fault",
    "coprocessor segment overrun",
    "invalid TSS",
    "segment not present",
    "stack segment",
    "general protection fault",
    "page fault",
    "spurious interrupt bug",
    "coprocessor error",
    "alignment check",
    "machine check",
    "simd error",
    "virtualization exception",
    "control protection fault",
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    nullptr,
    "VMM communication",
    "security exception",
    nullptr,
};

enum : uint64_t {
	X86_PF_PROT = 1 << 0,
	X86_PF_WRITE = 1 << 1,
	X86_PF_USER = 1 << 2,
	X86_PF_RSVD = 1 << 3,
	X86_PF_INSTR = 1 << 4,
	X86_PF_PK = 1 << 5,
};

/* "PGD 2a0b067 P4D 2a0b067 PUD 2a0c067 PMD 0" as Linux's dump_pagetable */
void dump_pagetable(uintptr_t address)
{
	const uint64_t* table = static_cast<const uint64_t*>(__va(read_cr3() & PAGE_MASK & ~_PAGE_NX));
	static const char* const names[] = {"PGD", "PUD", "PMD", "PTE"};
	static const unsigned shifts[] = {PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT, PAGE_SHIFT};
	char line[160];
	int n = 0;
	for (int level = 0; level < 4; level++) {
		uint64_t e = table[(address >> shifts[level]) & 511];
		n += lib::snprintf(line + n, sizeof(line) - n, "%s %lx ", names[level], (unsigned long)e);
		if (level == 0) /* four-level paging: the P4D is folded into the PGD */
			n += lib::snprintf(line + n, sizeof(line) - n, "P4D %lx ", (unsigned long)e);
		if (!(e & _PAGE_PRESENT) || (level > 0 && level < 3 && (e & _PAGE_PSE)))
			break;
		table = static_cast<const uint64_t*>(__va(e & 0x000ffffffffff000ULL));
	}
	printk(KERN_ALERT "%s\n", line);
}

[[noreturn]] void page_fault_oops(const pt_regs* regs, uint64_t err, uintptr_t address)
{
	if (address < PAGE_SIZE)
		printk(KERN_ALERT "BUG: kernel NULL pointer dereference, address: %016lx\n", (unsigned long)address);
	else
		printk(KERN_ALERT "BUG: unable to handle page fault for address: %016lx\n", (unsigned long)address);
	printk(KERN_ALERT "#PF: %s %s in %s mode\n", (err & X86_PF_USER) ? "user" : "supervisor",
	       (err & X86_PF_INSTR)   ? "instruction fetch"
	       : (err & X86_PF_WRITE) ? "write access"
	                              : "read access",
	       user_mode(regs) ? "user" : "kernel");
	printk(KERN_ALERT "#PF: error_code(0x%04lx) - %s\n", (unsigned long)err,
	       !(err & X86_PF_PROT)  ? "not-present page"
	       : (err & X86_PF_RSVD) ? "reserved bit violation"
	       : (err & X86_PF_PK)   ? "protection keys violation"
	                             : "permissions violation");
	dump_pagetable(address);
	die("Oops", regs, long(err));
}
struct stack_overflow_args {
	const pt_regs* regs;
	uintptr_t address;
};

void page_fault_stack_overflow(void* arg)
{
	auto* a = static_cast<stack_overflow_args*>(arg);
	handle_stack_overflow("kernel stack overflow (page-fault)", a->regs, a->address);
}
} // namespace

void handle_stack_overflow(const char* message, const pt_regs* regs, uintptr_t fault_address)
{
	uintptr_t lo = 0, hi = 0;
	const char* name = "TASK";
	get_stack_guard_info(fault_address, &lo, &hi, &name);
	printk(KERN_EMERG "BUG: %s stack guard page was hit at %p (stack is %p..%p)\n", name,
	       reinterpret_cast<void*>(fault_address), reinterpret_cast<void*>(lo), reinterpret_cast<void*>(hi));
	die(message, regs, 0);
}

/* arch/x86_64/mm/fault.cc: true when the fault is dealt with */
bool do_page_fault(pt_regs* regs, unsigned long error_code, unsigned long address);

namespace
{
struct user_trap {
	int signo;
	int si_code;
	const char* type; /* Linux's show_signal prefix: "trap " for do_trap's */
	bool show;        /* Linux logs it (show_unhandled_signals) */
};

user_trap user_trap_info(unsigned vector)
{
	switch (vector) {
	case 0:
		return {SIGFPE, FPE_INTDIV, "trap ", true};
	case 1:
		return {SIGTRAP, TRAP_TRACE, "", false};
	case 3:
		return {SIGTRAP, SI_KERNEL, "trap ", true};
	case 4:
	case 5:
	case 10:
		return {SIGSEGV, SI_KERNEL, "trap ", true};
	case 6:
		return {SIGILL, ILL_ILLOPN, "trap ", true};
	case 9:
		return {SIGFPE, SI_KERNEL, "trap ", true};
	case 11:
	case 12:
		return {SIGBUS, SI_KERNEL, "trap ", true};
	case 13:
		return {SIGSEGV, SI_KERNEL, "", true};
	case 16:
	case 19:
		return {SIGFPE, SI_KERNEL, "", false}; /* Linux's math_error does not log */
	case 17:
		return {SIGBUS, BUS_ADRALN, "trap ", true};
	default:
		return {SIGSEGV, SI_KERNEL, "trap ", true};
	}
}

/* Linux: show_signal (traps.c); print_vma_addr's " in prog[...]" needs the
 * mm's VMAs and joins with them */
void show_signal(struct task_struct* tsk, const char* type, const char* desc, const pt_regs* regs, long error_code)
{
	printk(KERN_INFO "traps: %s[%d] %s%s ip:%lx sp:%lx error:%lx\n", tsk->comm, task_pid_nr(tsk), type, desc,
	       (unsigned long)regs->ip, (unsigned long)regs->sp, (unsigned long)error_code);
}

void do_user_trap(pt_regs* regs, unsigned vector)
{
	if (vector >= FIRST_EXTERNAL_VECTOR) {
		regs->orig_ax = ~0ULL; /* not a system call (restart) */
		common_interrupt(regs, vector);
		irqentry_exit_to_user_mode(regs);
		return;
	}
	if (vector == 2) {
		exc_nmi(regs); /* NMIs stay blocked until the IRET: no exit work that may sleep */
		return;
	}
	if (vector == 18 || vector == 8) {
		/* a machine check or a double fault is the machine's problem */
		die(exception_names[vector], regs, 0);
	}
	long err = regs->orig_ax == ~0ULL ? 0 : long(regs->orig_ax);
	/* not a system call: nothing for the signal code to restart (Linux's
	 * idtentry stores -1 over the error code) */
	regs->orig_ax = ~0ULL;
	/* the sigcontext's trapno, err and cr2 (Linux: set_signal_archinfo, do_trap) */
	current->thread.trap_nr = vector;
	current->thread.error_code = (unsigned long)err;
	if (vector == 14) {
		current->thread.error_code |= 4; /* X86_PF_USER */
		current->thread.cr2 = read_cr2();
		/* demand paging, COW, stack growth, or SIGSEGV/SIGBUS with the
		 * "segfault at" line (arch/x86_64/mm/fault.cc); it turns
		 * interrupts on and off itself */
		do_page_fault(regs, (unsigned long)err, read_cr2());
		irqentry_exit_to_user_mode(regs);
		return;
	}
	arch_local_irq_enable(); /* user mode ran with interrupts on (Linux: cond_local_irq_enable) */
	struct task_struct* tsk = current;
	user_trap t = user_trap_info(vector);
	const char* name = exception_names[vector] ? exception_names[vector] : "reserved exception";
	if (t.show)
		show_signal(tsk, t.type, name, regs, err);
	if (t.si_code == SI_KERNEL)
		force_sig(t.signo);
	else
		force_sig_fault(t.signo, t.si_code, user_ptr<void>(regs->ip));
	irqentry_exit_to_user_mode(regs);
}
} // namespace

/* entry_64.S, on an entry from user mode: the task-stack pt_regs to work
 * on.  An IST vector (#DB, NMI, #MC) from user mode arrived on its IST
 * stack; the exit work may sleep, so its frame moves to the task stack
 * (Linux: sync_regs) */
extern "C" pt_regs* sync_regs(pt_regs* eregs)
{
	pt_regs* regs = current_pt_regs();
	if (regs != eregs)
		*regs = *eregs;
	return regs;
}

/*
 * entry_64.S, when the IRET that returns to user mode faults (#GP on a
 * non-canonical %rip or a bad selector): the fault was taken in kernel mode
 * on the stack the IRET frame sat on (the top of the task stack), with the
 * user's registers loaded.  Rebuild it as the user-mode fault it is, at
 * the task's pt_regs: the user's registers from this frame, ip...ss from
 * the IRET frame at bad->sp, the error code; the caller handles it as a
 * fault from user mode there (Linux: fixup_bad_iret).
 */
extern "C" pt_regs* fixup_bad_iret(pt_regs* bad)
{
	pt_regs tmp;
	lib::memcpy(&tmp, bad, offsetof(pt_regs, ip)); /* general registers and the error code */
	lib::memcpy(&tmp.ip, reinterpret_cast<const void*>(bad->sp), sizeof(pt_regs) - offsetof(pt_regs, ip));
	pt_regs* regs = current_pt_regs();
	*regs = tmp; /* may overlap bad: copied out first */
	return regs;
}

extern "C" void do_trap(pt_regs* regs, unsigned vector)
{
	if (user_mode(regs)) {
		do_user_trap(regs, vector);
		return;
	}
	if (vector >= FIRST_EXTERNAL_VECTOR) {
		regs->orig_ax = ~0ULL; /* not a system call (restart) */
		common_interrupt(regs, vector);
		/* back on the interrupted stack, interrupts off: preempt the
		 * interrupted task if a reschedule is due and it is preemptible
		 * (Linux: irqentry_exit_cond_resched) */
		if (!preempt_count() && need_resched() && (regs->flags & X86_EFLAGS_IF))
			preempt_schedule_irq();
		return;
	}
	if (vector == 2) {
		exc_nmi(regs);
		return;
	}
	/* a fault on a user address first: handle_mm_fault or SIGSEGV (mm/fault.cc) */
	if (vector == 14 && do_page_fault(regs, regs->orig_ax, read_cr2()))
		return;
	if ((vector == 14 || vector == 13) && fixup_exception(regs))
		return;
	if (vector == 14) {
		uintptr_t address = read_cr2();
		uintptr_t lo, hi;
		const char* name;
		if (is_vmalloc_addr(reinterpret_cast<void*>(address)) && get_stack_guard_info(address, &lo, &hi, &name)) {
			stack_overflow_args a{regs, address};
			call_on_stack(page_fault_stack_overflow, &a, exception_stack_top(0) - 16);
		}
		page_fault_oops(regs, regs->orig_ax, address);
	}
	if (vector == 8) {
		uintptr_t address = read_cr2();
		uintptr_t lo, hi;
		const char* name;
		if (get_stack_guard_info(address, &lo, &hi, &name))
			handle_stack_overflow("kernel stack overflow (double-fault)", regs, address);
	}
	if (vector == 8)
		printk(KERN_EMERG "traps: PANIC: double fault, error_code: 0x%lx\n", (unsigned long)regs->orig_ax);
	const char* name = exception_names[vector] ? exception_names[vector] : "reserved exception";
	/* error code is meaningful only for the vectors that push one */
	long err = regs->orig_ax == ~0ULL ? 0 : long(regs->orig_ax);
	die(name, regs, err);
}
