/*
 * Interrupt dispatch, IRQ stacks, irq descriptors and /proc/interrupts
 * (Linux: arch/x86/kernel/irq.c common_interrupt/arch_show_interrupts,
 * irq_64.c irq_init_percpu_irqstack, asm/irq_stack.h
 * run_irq_on_irqstack_cond, kernel/irq/manage.c request_irq/free_irq,
 * kernel/irq/proc.c show_interrupts, kernel/irq/chip.c handle_fasteoi_irq).
 *
 * Every vector >= 0x20 reaches common_interrupt(regs, vector) from
 * entry_64.S.  When it arrived on a task stack, the rest runs on this
 * CPU's 16 KiB IRQ stack (call_on_irqstack); when the IRQ stack is
 * already in use (an interrupt nested in a softirq that runs on it) it
 * stays there.  handle_interrupt() then brackets the handler with
 * irq_enter()/irq_exit(), so preempt_count's HARDIRQ field is set while
 * it runs and pending softirqs run on the way out, still on the IRQ
 * stack.
 *
 * Data structures:
 *   pcpu_hot[cpu]   preempt_count, hardirq_stack_ptr/inuse, softirq bits
 *   irq_stat[cpu]   architecture counters (NMI, LOC, SPU...)
 *   irq_desc[irq]   for IRQ 0..NR_IRQS-1 on vector 0x30 + irq: handler,
 *                   dev_id, name, GSI and trigger, per-CPU counts
 *
 * Invariants: hardirq_stack_inuse is true exactly while this CPU runs on
 * its IRQ stack; the word at hardirq_stack_ptr then holds the stack
 * pointer to return to.  An irq_desc has a handler iff its IO-APIC pin is
 * routed to its vector (and unmasked unless disable_irq()ed).
 *
 * Lock order: irq_desc_lock (irqsave) -> ioapic_lock.  Handlers run
 * without it: a handler runs between in_progress++ and --, and free_irq
 * clears the handler, then waits for in_progress to reach 0 before it
 * clears dev_id and returns (synchronize_irq).
 */
#include <arch/apic.h>
#include <arch/current.h>
#include <arch/desc.h>
#include <arch/hardirq.h>
#include <arch/io_apic.h>
#include <arch/irq_vectors.h>
#include <arch/ptrace.h>
#include <kernel/hardirq.h>
#include <kernel/interrupt.h>
#include <kernel/cpumask.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/format.h>
#include <lib/spinlock.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>

struct pcpu_hot pcpu_hot[NR_CPUS];
irq_cpustat_t irq_stat[NR_CPUS];
unsigned int irq_err_count;

extern "C" void call_on_irqstack(pt_regs* regs, unsigned vector, void (*func)(pt_regs*, unsigned), uintptr_t tos);
void smp_apic_timer_interrupt();
void smp_spurious_interrupt(unsigned vector);
void smp_error_interrupt();
void sysvec_reschedule_ipi();       /* smp.cc */
void sysvec_call_function_single(); /* smp.cc */
void sysvec_reboot();               /* smp.cc */
bool nmi_stop_requested();          /* smp.cc */
void __do_softirq(); /* kernel/softirq.cc */

namespace
{
struct irq_desc {
	irq_handler_t handler;
	void* dev_id;
	const char* name;
	uint32_t gsi;
	bool level;
	bool active_low;
	unsigned depth; /* disable_irq nesting */
	unsigned in_progress; /* CPUs running its handler now (synchronize_irq waits for 0) */
	unsigned int kstat_irqs[NR_CPUS];
};

irq_desc irq_descs[NR_IRQS];
lib::spinlock irq_desc_lock;
void* irq_stack_base[NR_CPUS];
pt_regs* irq_regs[NR_CPUS];

void handle_irq_desc(unsigned irq)
{
	irq_desc& d = irq_descs[irq];
	d.kstat_irqs[smp_processor_id()]++;
	/* announce first, then look: free_irq clears the handler, then
	 * waits for in_progress to drain before it touches dev_id */
	__atomic_add_fetch(&d.in_progress, 1, __ATOMIC_SEQ_CST);
	irq_handler_t handler = __atomic_load_n(&d.handler, __ATOMIC_SEQ_CST);
	if (handler)
		handler(int(irq), d.dev_id);
	else
		inc_irq_stat(irq_unexpected_count);
	__atomic_sub_fetch(&d.in_progress, 1, __ATOMIC_RELEASE);
	apic_eoi(); /* fasteoi flow: after the handler, for edge and level alike */
}

void unexpected_vector(unsigned vector)
{
	inc_irq_stat(irq_unexpected_count);
	if (irq_stat[smp_processor_id()].irq_unexpected_count <= 10) /* Linux: pr_emerg_ratelimited */
		pr_emerg("__common_interrupt: %u.%u No irq handler for vector\n", smp_processor_id(), vector);
	apic_eoi();
}

/* on the IRQ stack, interrupts off */
void handle_interrupt(pt_regs* regs, unsigned vector)
{
	unsigned cpu = smp_processor_id();
	pt_regs* old = irq_regs[cpu];
	irq_regs[cpu] = regs;
	irq_enter();
	if (vector == LOCAL_TIMER_VECTOR)
		smp_apic_timer_interrupt();
	else if (vector == SPURIOUS_APIC_VECTOR)
		smp_spurious_interrupt(vector);
	else if (vector == ERROR_APIC_VECTOR)
		smp_error_interrupt();
	else if (vector == RESCHEDULE_VECTOR)
		sysvec_reschedule_ipi();
	else if (vector == CALL_FUNCTION_SINGLE_VECTOR)
		sysvec_call_function_single();
	else if (vector == REBOOT_VECTOR)
		sysvec_reboot();
	else if (vector >= IRQ0_VECTOR && vector < IRQ0_VECTOR + NR_IRQS)
		handle_irq_desc(vector - IRQ0_VECTOR);
	else
		unexpected_vector(vector);
	irq_exit();
	irq_regs[cpu] = old;
}

void run_softirq_on_stack(pt_regs*, unsigned)
{
	__do_softirq();
}

/* "%10u ": one CPU's column */
int put_counts(char* buf, size_t size, unsigned v)
{
	return lib::snprintf(buf, size, "%10u ", v);
}
} // namespace

void irq_init_percpu_irqstack(unsigned int cpu)
{
	if (irq_stack_base[cpu])
		return;
	/* vmalloc leaves the page below every area unmapped (the previous
	 * area's guard, or nothing at all): overflowing the IRQ stack faults
	 * into the double-fault IST stack instead of corrupting memory */
	void* stack = vmalloc(IRQ_STACK_SIZE);
	if (!stack)
		panic("IRQ stack: out of memory for CPU %u", cpu);
	irq_stack_base[cpu] = stack;
	pcpu_hot[cpu].hardirq_stack_ptr = reinterpret_cast<uintptr_t>(stack) + IRQ_STACK_SIZE - 16;
}

bool irq_stack_bounds(unsigned int cpu, uintptr_t* lo, uintptr_t* hi)
{
	if (cpu >= NR_CPUS || !irq_stack_base[cpu])
		return false;
	*lo = reinterpret_cast<uintptr_t>(irq_stack_base[cpu]);
	*hi = *lo + IRQ_STACK_SIZE;
	return true;
}

void common_interrupt(pt_regs* regs, unsigned vector)
{
	struct pcpu_hot* hot = this_cpu_hot();
	if (hot->hardirq_stack_inuse || !hot->hardirq_stack_ptr) {
		handle_interrupt(regs, vector);
		return;
	}
	hot->hardirq_stack_inuse = true;
	call_on_irqstack(regs, vector, handle_interrupt, hot->hardirq_stack_ptr);
	hot->hardirq_stack_inuse = false;
}

/* softirqs from task context (local_bh_enable) also run on the IRQ stack,
 * as Linux's do_softirq_own_stack; interrupts are off here */
void do_softirq_own_stack()
{
	struct pcpu_hot* hot = this_cpu_hot();
	if (hot->hardirq_stack_inuse || !hot->hardirq_stack_ptr) {
		run_softirq_on_stack(nullptr, 0);
		return;
	}
	hot->hardirq_stack_inuse = true;
	call_on_irqstack(nullptr, 0, run_softirq_on_stack, hot->hardirq_stack_ptr);
	hot->hardirq_stack_inuse = false;
}

pt_regs* get_irq_regs()
{
	return irq_regs[smp_processor_id()];
}

void exc_nmi(pt_regs*)
{
	if (nmi_stop_requested()) /* smp_send_stop's last resort: does not return */
		return;
	nmi_enter();
	inc_irq_stat(__nmi_count);
	pr_emerg("Uhhuh. NMI received for unknown reason on CPU %u.\n", smp_processor_id());
	nmi_exit();
}

void init_IRQ()
{
	irq_init_percpu_irqstack(smp_processor_id());
	apic_intr_mode_init();
}

/* ---------------------------------------------------------------- IRQs */

lib::Result<void> request_irq(unsigned int irq, irq_handler_t handler, unsigned long flags, const char* name,
                              void* dev_id)
{
	if (irq >= NR_IRQS || !handler)
		return lib::Error(EINVAL);
	uint32_t gsi;
	bool level, active_low;
	if (irq < NR_IRQS_LEGACY) {
		acpi_isa_irq_to_gsi(irq, &gsi, &level, &active_low);
	} else {
		gsi = irq;
		level = flags & (IRQF_TRIGGER_HIGH | IRQF_TRIGGER_LOW);
		active_low = flags & (IRQF_TRIGGER_LOW | IRQF_TRIGGER_FALLING);
	}
	if (mp_find_ioapic(gsi) < 0)
		return lib::Error(EINVAL);
	lib::spin_lock_irqsave_guard g(irq_desc_lock);
	for (unsigned i = 0; i < NR_IRQS; i++)
		if (irq_descs[i].handler && (i == irq || irq_descs[i].gsi == gsi))
			return lib::Error(EBUSY); /* no IRQF_SHARED yet */
	irq_desc& d = irq_descs[irq];
	d.gsi = gsi;
	d.level = level;
	d.active_low = active_low;
	d.name = name;
	d.dev_id = dev_id;
	d.depth = 0;
	d.handler = handler;
	if (lib::Result<void> r = ioapic_route_gsi(gsi, uint8_t(ISA_IRQ_VECTOR(irq)), level, active_low); r.is_err()) {
		d.handler = nullptr;
		return r;
	}
	unmask_ioapic_gsi(gsi);
	return {};
}

const char* free_irq(unsigned int irq, void* dev_id)
{
	if (irq >= NR_IRQS)
		return nullptr;
	irq_desc& d = irq_descs[irq];
	{
		lib::spin_lock_irqsave_guard g(irq_desc_lock);
		if (!d.handler || d.dev_id != dev_id) {
			WARN_ON(true); /* Linux: "Trying to free already-free IRQ %d" */
			return nullptr;
		}
		mask_ioapic_gsi(d.gsi);
		__atomic_store_n(&d.handler, nullptr, __ATOMIC_SEQ_CST);
	}
	/* synchronize_irq: a handler another CPU entered before the mask may
	 * still run (with dev_id); never call this from the handler itself */
	while (__atomic_load_n(&d.in_progress, __ATOMIC_SEQ_CST))
		cpu_relax();
	lib::spin_lock_irqsave_guard g(irq_desc_lock);
	d.dev_id = nullptr;
	return d.name;
}

void disable_irq(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return;
	lib::spin_lock_irqsave_guard g(irq_desc_lock);
	irq_desc& d = irq_descs[irq];
	if (d.handler && d.depth++ == 0)
		mask_ioapic_gsi(d.gsi);
}

void enable_irq(unsigned int irq)
{
	if (irq >= NR_IRQS)
		return;
	lib::spin_lock_irqsave_guard g(irq_desc_lock);
	irq_desc& d = irq_descs[irq];
	if (!d.handler || WARN_ON(d.depth == 0)) /* Linux: "Unbalanced enable for IRQ %d" */
		return;
	if (--d.depth == 0)
		unmask_ioapic_gsi(d.gsi);
}

unsigned int kstat_irqs_cpu(unsigned int irq, unsigned int cpu)
{
	return irq < NR_IRQS && cpu < NR_CPUS ? irq_descs[irq].kstat_irqs[cpu] : 0;
}

/*
 * /proc/interrupts, as Linux's show_interrupts + arch_show_interrupts:
 *            CPU0
 *   0:        121   IO-APIC   2-edge      timer
 * NMI:          0   Non-maskable interrupts
 * LOC:        405   Local timer interrupts
 * ...
 * ERR:          0
 * prec is 3: the width of the largest IRQ number Linux reports (nr_irqs
 * 256 on this machine).
 */
size_t show_interrupts(char* buf, size_t size)
{
	constexpr int prec = 3;
	size_t n = 0;
	auto put = [&](int r) {
		if (r > 0)
			n = n + size_t(r) < size ? n + size_t(r) : (size ? size - 1 : 0);
	};
	unsigned cpu;
	put(lib::snprintf(buf + n, size - n, "%*s", prec + 8, ""));
	for_each_online_cpu(cpu) put(lib::snprintf(buf + n, size - n, "CPU%-8u", cpu));
	put(lib::snprintf(buf + n, size - n, "\n"));
	for (unsigned irq = 0; irq < NR_IRQS; irq++) {
		const irq_desc& d = irq_descs[irq];
		unsigned any = 0;
		for_each_online_cpu(cpu) any |= d.kstat_irqs[cpu];
		if (!d.handler && !any)
			continue;
		put(lib::snprintf(buf + n, size - n, "%*d: ", prec, int(irq)));
		for_each_online_cpu(cpu) put(put_counts(buf + n, size - n, d.kstat_irqs[cpu]));
		put(lib::snprintf(buf + n, size - n, " %8s", "IO-APIC"));
		put(lib::snprintf(buf + n, size - n, " %*lu", prec,
		                  (unsigned long)mp_find_ioapic_pin(mp_find_ioapic(d.gsi), d.gsi)));
		put(lib::snprintf(buf + n, size - n, "-%-8s", d.level ? "fasteoi" : "edge"));
		if (d.handler)
			put(lib::snprintf(buf + n, size - n, "  %s", d.name));
		put(lib::snprintf(buf + n, size - n, "\n"));
	}
	struct row {
		const char* sym;
		unsigned int irq_cpustat_t::*v; /* nullptr: not counted here, 0 */
		const char* text;
	} rows[] = {
	    {"NMI", &irq_cpustat_t::__nmi_count, "Non-maskable interrupts"},
	    {"LOC", &irq_cpustat_t::apic_timer_irqs, "Local timer interrupts"},
	    {"SPU", &irq_cpustat_t::irq_spurious_count, "Spurious interrupts"},
	    {"PMI", &irq_cpustat_t::apic_perf_irqs, "Performance monitoring interrupts"},
	    {"IWI", &irq_cpustat_t::apic_irq_work_irqs, "IRQ work interrupts"},
	    {"RTR", nullptr, "APIC ICR read retries"},
	    {"RES", &irq_cpustat_t::irq_resched_count, "Rescheduling interrupts"},
	    {"CAL", &irq_cpustat_t::irq_call_count, "Function call interrupts"},
	    {"TLB", &irq_cpustat_t::irq_tlb_count, "TLB shootdowns"},
	    {"TRM", &irq_cpustat_t::irq_thermal_count, "Thermal event interrupts"},
	    {"THR", &irq_cpustat_t::irq_threshold_count, "Threshold APIC interrupts"},
	    {"DFR", &irq_cpustat_t::irq_deferred_error_count, "Deferred Error APIC interrupts"},
	    {"MCE", nullptr, "Machine check exceptions"},
	    {"MCP", nullptr, "Machine check polls"},
	};
	for (const row& r : rows) {
		put(lib::snprintf(buf + n, size - n, "%*s: ", prec, r.sym));
		for_each_online_cpu(cpu) put(put_counts(buf + n, size - n, r.v ? irq_stat[cpu].*r.v : 0));
		put(lib::snprintf(buf + n, size - n, "  %s\n", r.text));
	}
	put(lib::snprintf(buf + n, size - n, "%*s: %10u\n", prec, "ERR", irq_err_count));
	put(lib::snprintf(buf + n, size - n, "%*s: %10u\n", prec, "MIS", 0u));
	return n;
}
