/*
 * CPU exception handling (Linux: arch/x86/kernel/traps.c, arch/x86/mm/
 * fault.c for the page-fault report).
 *
 * do_trap() is called by entry_64.S for every vector.  There is no user
 * space yet and no exception-table fixup, so every CPU exception taken in
 * the kernel is a bug: it is reported Linux-style (die()) and the kernel
 * panics.  Vectors >= 32 are interrupts: common_interrupt() (irq.cc)
 * handles them; the NMI goes to exc_nmi() with NMI accounting.
 */
#include <arch/ptrace.h>
#include <arch/hardirq.h>
#include <arch/irq_vectors.h>
#include <arch/processor.h>
#include <arch/stacktrace.h>
#include <arch/page.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/format.h>

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
} // namespace

extern "C" void do_trap(pt_regs* regs, unsigned vector)
{
	if (vector >= FIRST_EXTERNAL_VECTOR) {
		common_interrupt(regs, vector);
		return;
	}
	if (vector == 2) {
		exc_nmi(regs);
		return;
	}
	if (vector == 14)
		page_fault_oops(regs, regs->orig_ax, read_cr2());
	if (vector == 8)
		printk(KERN_EMERG "traps: PANIC: double fault, error_code: 0x%lx\n", (unsigned long)regs->orig_ax);
	const char* name = exception_names[vector] ? exception_names[vector] : "reserved exception";
	/* error code is meaningful only for the vectors that push one */
	long err = regs->orig_ax == ~0ULL ? 0 : long(regs->orig_ax);
	die(name, regs, err);
}
