/*
 * The page-fault handler for user addresses (Linux: arch/x86/mm/fault.c
 * do_user_addr_fault, access_error, bad_area, show_signal_msg;
 * mm/memory.c print_vma_addr).
 *
 * Vector 14 comes here first from do_trap (traps.cc) with CR2.  A fault on
 * a user address is looked up in current's mm: inside a VMA (or below a
 * stack VMA that may grow) and allowed by its flags, handle_mm_fault maps
 * the page and the instruction restarts; this is also how the kernel's
 * own accesses to user memory (the usercopy routines, kthread_use_mm
 * users) fault pages in.  Otherwise a user-mode access gets SIGSEGV
 * (SEGV_MAPERR: no VMA; SEGV_ACCERR: the VMA forbids it) and Linux's
 * "segfault at" line, and a kernel-mode access goes back to do_trap:
 * the exception table's fixup (EFAULT from a usercopy), else the oops.
 *
 * Kernel addresses are not handled here (do_page_fault returns false):
 * the kernel half is shared and preallocated, so such a fault is a bug,
 * oopsed by traps.cc after the exception table.
 *
 * Lock order: mm->mmap_lock for reading (tried first: a kernel fault with
 * no fixup while the lock is held elsewhere would deadlock; Linux's
 * mmap_read_trylock dance), then what handle_mm_fault takes.
 */
#include <arch/extable.h>
#include <arch/processor.h>
#include <arch/ptrace.h>
#include <arch/stacktrace.h>
#include <kernel/irqflags.h>
#include <kernel/jiffies.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/signal.h>
#include <mm/mm.h>

/* the error code the CPU pushes (Linux: enum x86_pf_error_code) */
enum {
	PF_PROT = 1 << 0,  /* 0: not present; 1: protection */
	PF_WRITE = 1 << 1, /* 0: read; 1: write */
	PF_USER = 1 << 2,  /* 0: kernel mode; 1: user mode */
	PF_RSVD = 1 << 3,  /* a reserved bit was set in an entry */
	PF_INSTR = 1 << 4, /* an instruction fetch */
};

#define X86_CR4_SMAP (1UL << 21)
#define X86_EFLAGS_AC (1UL << 18)

void vma_file_name(struct file* f, char* buf, size_t size); /* mm/mmap.cc */

namespace
{
/* Linux's printk_ratelimit: 10 messages per 5 seconds */
bool fault_ratelimit()
{
	static unsigned long begin, printed;
	unsigned long now = jiffies;
	if (!begin || now - begin > 5UL * HZ) {
		begin = now;
		printed = 0;
	}
	return printed++ < 10;
}

/* " in prog[400000+1000]" when ip lies in a file mapping (Linux: print_vma_addr) */
void print_vma_addr(const char* prefix, unsigned long ip)
{
	struct mm_struct* mm = current->mm;
	if (!mm || !down_read_trylock(&mm->mmap_lock))
		return;
	struct vm_area_struct* vma = vma_lookup(mm, ip);
	if (vma && vma->vm_file) {
		char name[64];
		vma_file_name(vma->vm_file, name, sizeof(name));
		printk(KERN_CONT "%s%s[%lx+%lx]", prefix, name, vma->vm_start, vma->vm_end - vma->vm_start);
	}
	up_read(&mm->mmap_lock);
}

void show_signal_msg(const pt_regs* regs, unsigned long error_code, unsigned long address)
{
	if (!fault_ratelimit())
		return;
	const char* loglvl = current->pid > 1 ? KERN_INFO : KERN_EMERG;
	printk("%s%s[%d]: segfault at %lx ip %px sp %px error %lx", loglvl, current->comm, current->pid, address,
	       reinterpret_cast<void*>(regs->ip), reinterpret_cast<void*>(regs->sp), error_code);
	print_vma_addr(" in ", regs->ip);
	/* the likely CPU (Linux 6.1.y, as Debian's prints it): QEMU's default
	 * topology has one core per socket, so the socket is the APIC ID
	 * above the per-package bits CPUID 1 gives */
	unsigned cpu = raw_smp_processor_id();
	uint32_t ebx = cpuid(1).ebx;
	unsigned apicid = ebx >> 24, per_pkg = (ebx >> 16) & 0xff, bits = 0;
	while ((1u << bits) < per_pkg)
		bits++;
	printk(KERN_CONT " likely on CPU %u (core %u, socket %u)", cpu, apicid & ((1u << bits) - 1), apicid >> bits);
	printk(KERN_CONT "\n");
	show_opcodes(regs, loglvl);
}

/* does vma forbid this access? (Linux: access_error) */
bool access_error(unsigned long error_code, struct vm_area_struct* vma)
{
	if (error_code & PF_WRITE)
		return !(vma->vm_flags & VM_WRITE);
	if (error_code & PF_INSTR)
		return !(vma->vm_flags & VM_EXEC);
	if (error_code & PF_PROT) /* a read of a present page: protection keys only */
		return true;
	return !(vma->vm_flags & (VM_READ | VM_EXEC | VM_WRITE));
}

/* a fault nobody resolves: SIGSEGV for user mode, false (fixup or oops) for the kernel */
bool bad_area(const pt_regs* regs, unsigned long error_code, unsigned long address, int si_code)
{
	if (!user_mode(regs))
		return false;
	show_signal_msg(regs, error_code, address);
	force_sig_fault(SIGSEGV, si_code, user_ptr<void>(address));
	return true;
}

bool user_addr_fault(pt_regs* regs, unsigned long error_code, unsigned long address)
{
	struct mm_struct* mm = current->mm;
	bool user = user_mode(regs);
	if (!user) {
		/* the kernel executing user memory (SMEP's case), a reserved bit,
		 * or touching user memory outside stac/clac (SMAP): a bug */
		if (error_code & (PF_INSTR | PF_RSVD))
			return false;
		if ((read_cr4() & X86_CR4_SMAP) && !(regs->flags & X86_EFLAGS_AC))
			return false;
		/* atomic context or no address space: the exception table decides */
		if (in_atomic() || !mm)
			return false;
	} else if (!mm) {
		return bad_area(regs, error_code, address, SEGV_MAPERR);
	}
	if (error_code & PF_RSVD)
		return bad_area(regs, error_code, address, SEGV_MAPERR);

	unsigned int flags = FAULT_FLAG_ALLOW_RETRY | FAULT_FLAG_KILLABLE;
	if (user)
		flags |= FAULT_FLAG_USER;
	if (error_code & PF_WRITE)
		flags |= FAULT_FLAG_WRITE;
	if (error_code & PF_INSTR)
		flags |= FAULT_FLAG_INSTRUCTION;

	if (!down_read_trylock(&mm->mmap_lock)) {
		if (!user && !search_exception_tables(regs->ip))
			return false; /* a kernel bug holding the lock, not a usercopy */
		down_read(&mm->mmap_lock);
	}
	struct vm_area_struct* vma = find_vma(mm, address);
	int si_code = SEGV_MAPERR;
	vm_fault_t fault = 0;
	bool ok = false;
	if (vma && (vma->vm_start <= address || ((vma->vm_flags & VM_GROWSDOWN) && expand_stack(vma, address).is_ok()))) {
		if (access_error(error_code, vma)) {
			si_code = SEGV_ACCERR;
		} else {
			fault = handle_mm_fault(vma, address, flags);
			ok = true;
		}
	}
	up_read(&mm->mmap_lock);
	if (!ok)
		return bad_area(regs, error_code, address, si_code);
	if (!(fault & VM_FAULT_ERROR))
		return true;
	if (!user)
		return false;
	if (fault & VM_FAULT_OOM) { /* Linux: pagefault_out_of_memory; no OOM killer here */
		pr_err("Out of memory: %s[%d] page fault at %lx\n", current->comm, current->pid, address);
		force_sig(SIGKILL);
		return true;
	}
	if (fault & VM_FAULT_SIGBUS) {
		force_sig_fault(SIGBUS, BUS_ADRERR, user_ptr<void>(address));
		return true;
	}
	return bad_area(regs, error_code, address, SEGV_MAPERR);
}
} // namespace


bool do_page_fault(pt_regs* regs, unsigned long error_code, unsigned long address)
{
	if (address >= TASK_SIZE_MAX) {
		if (!user_mode(regs))
			return false; /* a kernel address from the kernel: traps.cc oopses */
		return bad_area(regs, error_code, address, SEGV_MAPERR);
	}
	/* as Linux's exc_page_fault: interrupts back on if the faulting context had them */
	bool irqs = regs->flags & X86_EFLAGS_IF;
	if (irqs)
		local_irq_enable();
	bool handled = user_addr_fault(regs, error_code, address);
	if (irqs)
		local_irq_disable();
	return handled;
}
