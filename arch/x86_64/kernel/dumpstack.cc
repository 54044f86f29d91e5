/*
 * Oops reports and backtraces (Linux: arch/x86/kernel/dumpstack.c,
 * process_64.c __show_regs, unwind_frame.c).
 *
 * The kernel is built with frame pointers: every frame starts with
 * [saved rbp][return address], and the chain ends at rbp == 0 (set in
 * head.S).  The walker trusts a link only while it moves strictly upwards
 * inside the stack it is on, or leaves it for another stack the kernel
 * knows (get_stack_bounds: task, IRQ, exception stacks) and has not
 * walked yet, so a corrupt rbp ends the trace instead of faulting inside
 * the oops or looping.  Each stack's frames are framed by Linux's markers
 * (" <IRQ>" ... " </IRQ>", " <TASK>" ... " </TASK>", " <NMI>"...): an
 * interrupt handler's frames on the IRQ stack link, through
 * call_on_irqstack's frame, to the interrupted task stack.
 *
 * A fault while an oops is already being printed is reported once and
 * the CPU stops (die_nest), it never recurses.
 */
#include <arch/stacktrace.h>
#include <kernel/uaccess.h>
#include <lib/string.h>
#include <arch/ptrace.h>
#include <arch/desc.h>
#include <arch/processor.h>
#include <arch/irqflags.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/kallsyms.h>

extern "C" char _text[], _etext[];

namespace
{
int die_counter;
int die_nest;

bool in_kernel_text(uintptr_t a)
{
	return a >= reinterpret_cast<uintptr_t>(_text) && a < reinterpret_cast<uintptr_t>(_etext);
}

/* Walk the chain; calls fn(ret_addr) per frame (false stops the walk)
 * and mark(stack_name, entering) when a stack's frames begin and end. */
template <typename Fn, typename Mark> void walk_frames(uintptr_t sp, uintptr_t bp, Fn fn, Mark mark)
{
	uintptr_t lo, hi;
	const char* name;
	if (!get_stack_bounds(sp, &lo, &hi, &name)) {
		/* sp on an unknown stack: try the frame pointer's own stack */
		if (!get_stack_bounds(bp, &lo, &hi, &name)) {
			mark("TASK", true);
			mark("TASK", false);
			return;
		}
	}
	constexpr unsigned MAX_STACKS = 4;
	uintptr_t visited[MAX_STACKS] = {lo};
	unsigned nr_visited = 1;
	mark(name, true);
	for (unsigned depth = 0; depth < 64; depth++) {
		if (bp < lo || bp > hi - 16 || (bp & 7)) {
			/* left this stack: follow only onto a known, unvisited one */
			uintptr_t nlo, nhi;
			const char* nname;
			bool ok = !(bp & 7) && nr_visited < MAX_STACKS && get_stack_bounds(bp, &nlo, &nhi, &nname) &&
			          bp <= nhi - 16;
			for (unsigned i = 0; ok && i < nr_visited; i++)
				ok = visited[i] != nlo;
			if (!ok)
				break;
			mark(name, false);
			visited[nr_visited++] = nlo;
			lo = nlo;
			hi = nhi;
			name = nname;
			mark(name, true);
		}
		const uintptr_t* frame = reinterpret_cast<const uintptr_t*>(bp);
		uintptr_t ret = frame[1];
		if (!in_kernel_text(ret))
			break;
		if (!fn(ret))
			break;
		uintptr_t next = frame[0];
		if (next >= lo && next < hi && next <= bp)
			break;
		bp = next;
	}
	mark(name, false);
}

} // namespace

void show_opcodes(const pt_regs* regs, const char* loglvl)
{
	constexpr unsigned PROLOGUE = 42, EPILOGUE = 21, N = PROLOGUE + 1 + EPILOGUE;
	uintptr_t ip = regs->ip;
	uint8_t bytes[N];
	bool ok;
	if (user_mode(regs)) /* the program's code: through the user accessors */
		ok = ip >= PROLOGUE && !copy_from_user(bytes, user_ptr<const void>(ip - PROLOGUE), N);
	else if ((ok = in_kernel_text(ip - PROLOGUE) && in_kernel_text(ip + EPILOGUE + 1)))
		lib::memcpy(bytes, reinterpret_cast<const void*>(ip - PROLOGUE), N);
	if (!ok) {
		printk("%sCode: Unable to access opcode bytes at 0x%lx.\n", loglvl, (unsigned long)ip);
		return;
	}
	char buf[3 * N + 16];
	unsigned n = 0;
	static const char hex[] = "0123456789abcdef";
	for (unsigned i = 0; i < N; i++) { /* 42 before, <ip>, 21 after */
		bool at = i == PROLOGUE;
		if (i)
			buf[n++] = ' ';
		if (at)
			buf[n++] = '<';
		buf[n++] = hex[bytes[i] >> 4];
		buf[n++] = hex[bytes[i] & 15];
		if (at)
			buf[n++] = '>';
	}
	buf[n] = '\0';
	printk("%sCode: %s\n", loglvl, buf);
}

namespace
{
void show_code(const pt_regs* regs)
{
	show_opcodes(regs, KERN_DEFAULT);
}

void show_ip(const pt_regs* regs, const char* lvl)
{
	printk("%sRIP: %04lx:%pS\n", lvl, (unsigned long)(regs->cs & 0xffff), reinterpret_cast<void*>(regs->ip));
}
} // namespace

void show_trace_log_lvl(uintptr_t sp, uintptr_t bp, const char* log_lvl)
{
	printk("%sCall Trace:\n", log_lvl);
	walk_frames(
	    sp, bp,
	    [&](uintptr_t ret) {
		    char sym[KSYM_SYMBOL_LEN];
		    sprint_backtrace(sym, sizeof(sym), ret);
		    printk("%s %s\n", log_lvl, sym);
		    return true;
	    },
	    [&](const char* stack, bool entering) { printk("%s %s%s>\n", log_lvl, entering ? "<" : "</", stack); });
}

unsigned stack_trace_save_bp(uintptr_t sp, uintptr_t bp, uintptr_t* trace, unsigned max)
{
	unsigned n = 0;
	walk_frames(
	    sp, bp,
	    [&](uintptr_t ret) {
		    if (n < max)
			    trace[n++] = ret;
		    return n < max;
	    },
	    [](const char*, bool) {});
	return n;
}

void show_regs(const pt_regs* regs)
{
	dump_stack_print_info(KERN_DEFAULT);
	show_ip(regs, KERN_DEFAULT);
	show_code(regs);
	printk(KERN_DEFAULT "RSP: %04lx:%016lx EFLAGS: %08lx\n", (unsigned long)(regs->ss & 0xffff),
	       (unsigned long)regs->sp, (unsigned long)regs->flags);
	printk(KERN_DEFAULT "RAX: %016lx RBX: %016lx RCX: %016lx\n", (unsigned long)regs->ax, (unsigned long)regs->bx,
	       (unsigned long)regs->cx);
	printk(KERN_DEFAULT "RDX: %016lx RSI: %016lx RDI: %016lx\n", (unsigned long)regs->dx, (unsigned long)regs->si,
	       (unsigned long)regs->di);
	printk(KERN_DEFAULT "RBP: %016lx R08: %016lx R09: %016lx\n", (unsigned long)regs->bp, (unsigned long)regs->r8,
	       (unsigned long)regs->r9);
	printk(KERN_DEFAULT "R10: %016lx R11: %016lx R12: %016lx\n", (unsigned long)regs->r10, (unsigned long)regs->r11,
	       (unsigned long)regs->r12);
	printk(KERN_DEFAULT "R13: %016lx R14: %016lx R15: %016lx\n", (unsigned long)regs->r13, (unsigned long)regs->r14,
	       (unsigned long)regs->r15);
	uint16_t ds, es;
	asm volatile("movw %%ds, %0; movw %%es, %1" : "=r"(ds), "=r"(es));
	printk(KERN_DEFAULT "FS:  %016lx GS:  %016lx knlGS: %016lx\n", (unsigned long)rdmsr(MSR_FS_BASE),
	       (unsigned long)rdmsr(MSR_GS_BASE), (unsigned long)rdmsr(MSR_KERNEL_GS_BASE));
	printk(KERN_DEFAULT "CS:  %04lx DS: %04x ES: %04x CR0: %016lx\n", (unsigned long)(regs->cs & 0xffff), ds, es,
	       (unsigned long)read_cr0());
	printk(KERN_DEFAULT "CR2: %016lx CR3: %016lx CR4: %016lx\n", (unsigned long)read_cr2(),
	       (unsigned long)read_cr3(), (unsigned long)read_cr4());
	show_trace_log_lvl(regs->sp, regs->bp, KERN_DEFAULT);
}

void die(const char* str, const pt_regs* regs, long err)
{
	arch_local_irq_disable();
	if (die_nest++) {
		/* faulted while reporting: say so once and stop this CPU */
		oops_in_progress = true;
		console_flush_on_panic();
		printk(KERN_EMERG "Fixing recursive fault but reboot is needed!\n");
		halt_forever();
	}
	oops_in_progress = true;
	console_flush_on_panic();
	printk(KERN_DEFAULT "%s: %04lx [#%d] SMP NOPTI\n", str, (unsigned long)(err & 0xffff), ++die_counter);
	show_regs(regs);
	printk(KERN_DEFAULT "Modules linked in:\n");
	printk(KERN_DEFAULT "---[ end trace %016x ]---\n", 0);
	show_ip(regs, KERN_EMERG);
	add_taint(TAINT_DIE);
	panic("Fatal exception");
}
