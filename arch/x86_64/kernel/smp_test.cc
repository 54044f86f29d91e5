/*
 * In-kernel tests of the CPUs and the IPIs: every CPU the MADT names is
 * online, cross-CPU calls run on their target in hard interrupt context
 * (single, async, on_each_cpu), the reschedule IPI arrives, a CPU that is
 * not online is refused, and the TLB shootdown: after vfree on one CPU,
 * another CPU that had the page in its TLB cannot read it any more.  The
 * bad-input case: a STARTUP aimed at an APIC ID no CPU has is reported
 * and skipped.
 */
#include <arch/apic.h>
#include <arch/extable.h>
#include <arch/hardirq.h>
#include <arch/irqflags.h>
#include <arch/processor.h>
#include <arch/segment.h>
#include <kernel/cpumask.h>
#include <kernel/ktest.h>
#include <kernel/preempt.h>
#include <kernel/time.h>
#include <lib/format.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>

lib::Result<void> do_boot_cpu(unsigned apicid, int cpu, unsigned timeout_ms); /* smpboot.cc */
extern unsigned setup_max_cpus;                                  /* maxcpus= */

namespace
{
/* the other online CPU with the highest number, or NR_CPUS */
unsigned other_cpu()
{
	unsigned self = raw_smp_processor_id(), cpu, found = NR_CPUS;
	for_each_online_cpu(cpu)
	{
		if (cpu != self)
			found = cpu;
	}
	return found;
}

struct call_record {
	int cpu = -1;
	bool in_irq = false;
	bool irqs_off = false;
	int calls = 0;
};

void record_call(void* arg)
{
	auto* r = static_cast<call_record*>(arg);
	r->cpu = int(smp_processor_id());
	r->in_irq = in_hardirq();
	r->irqs_off = irqs_disabled();
	__atomic_add_fetch(&r->calls, 1, __ATOMIC_RELAXED);
}

void count_on(void* arg)
{
	auto* counts = static_cast<int*>(arg);
	__atomic_add_fetch(&counts[smp_processor_id()], 1, __ATOMIC_RELAXED);
}

struct nofault_read {
	const void* addr;
	lib::Result<void> ret;
	uint64_t value;
};

void read_nofault(void* arg)
{
	auto* r = static_cast<nofault_read*>(arg);
	r->ret = copy_from_kernel_nofault(&r->value, r->addr, sizeof(r->value));
}
} // namespace

KTEST(smp, every_present_cpu_is_online)
{
	KEXPECT_GE(num_online_cpus(), 1u);
	/* all present CPUs, or as many as maxcpus= allows */
	unsigned present = cpumask_weight(cpu_present_mask);
	KEXPECT_EQ(num_online_cpus(), present < setup_max_cpus ? present : setup_max_cpus ? setup_max_cpus : 1);
	char line[64];
	lib::snprintf(line, sizeof(line), "smp: Brought up 1 node, %u CPU", num_online_cpus());
	KEXPECT_TRUE(ktest_log_contains(line));
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		/* each one runs its own idle task and took ticks of its own */
		KEXPECT_NE(pcpu_hot[cpu].current_task, nullptr);
		KEXPECT_EQ(pcpu_hot[cpu].cpu_number, cpu);
		KEXPECT_NE(x86_cpu_to_apicid[cpu], BAD_APICID);
	}
	mdelay(20);
	for_each_online_cpu(cpu) KEXPECT_GT(irq_stat[cpu].apic_timer_irqs, 0u);
}

KTEST(smp, call_function_single_runs_on_the_target_in_hardirq)
{
	unsigned cpu;
	for_each_online_cpu(cpu)
	{
		call_record r;
		KEXPECT_OK(smp_call_function_single(int(cpu), record_call, &r, 1));
		KEXPECT_EQ(r.cpu, int(cpu));
		KEXPECT_EQ(r.calls, 1);
		KEXPECT_TRUE(r.irqs_off);
		/* a remote call arrives by IPI; the local one is a plain call */
		preempt_disable();
		bool remote = cpu != smp_processor_id();
		preempt_enable();
		if (remote)
			KEXPECT_TRUE(r.in_irq);
	}
}

KTEST(smp, async_call_completes)
{
	unsigned target = other_cpu();
	if (target == NR_CPUS)
		KTEST_SKIP("needs 2 CPUs");
	call_record r;
	KASSERT_OK(smp_call_function_single(int(target), record_call, &r, 0));
	uint64_t end = ktime_get_ns() + 1000000000ULL;
	while (!__atomic_load_n(&r.calls, __ATOMIC_ACQUIRE) && ktime_get_ns() < end)
		cpu_relax();
	KEXPECT_EQ(r.calls, 1);
	KEXPECT_EQ(r.cpu, int(target));
}

KTEST(smp, on_each_cpu_runs_once_everywhere)
{
	static int counts[NR_CPUS];
	for (int round = 0; round < 100; round++)
		on_each_cpu(count_on, counts, 1);
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		KEXPECT_EQ(counts[cpu], cpu_online(cpu) ? 100 : 0);
}

KTEST(smp, calls_to_a_cpu_not_online_are_enxio)
{
	call_record r;
	KEXPECT_ERR(smp_call_function_single(int(NR_CPUS), record_call, &r, 1), ENXIO);
	KEXPECT_ERR(smp_call_function_single(-1, record_call, &r, 1), ENXIO);
	if (nr_cpu_ids < NR_CPUS)
		KEXPECT_ERR(smp_call_function_single(int(nr_cpu_ids), record_call, &r, 1), ENXIO);
	KEXPECT_EQ(r.calls, 0);
}

KTEST(smp, reschedule_ipi_arrives)
{
	unsigned target = other_cpu();
	if (target == NR_CPUS)
		KTEST_SKIP("needs 2 CPUs");
	unsigned before = __atomic_load_n(&irq_stat[target].irq_resched_count, __ATOMIC_RELAXED);
	for (int i = 0; i < 10; i++) {
		smp_send_reschedule(int(target));
		/* one at a time: two sent before the first is taken merge into one */
		uint64_t end = ktime_get_ns() + 1000000000ULL;
		while (__atomic_load_n(&irq_stat[target].irq_resched_count, __ATOMIC_RELAXED) < before + unsigned(i) + 1 &&
		       ktime_get_ns() < end)
			cpu_relax();
	}
	KEXPECT_EQ(__atomic_load_n(&irq_stat[target].irq_resched_count, __ATOMIC_RELAXED), before + 10);
}

KTEST(tlb, vfree_shoots_down_other_cpus_translations)
{
	unsigned target = other_cpu();
	if (target == NR_CPUS)
		KTEST_SKIP("needs 2 CPUs");
	for (int round = 0; round < 20; round++) {
		auto* p = static_cast<uint64_t*>(vmalloc(PAGE_SIZE));
		KASSERT_TRUE(p != nullptr);
		*p = 0x5eed0000u + unsigned(round);
		/* the other CPU reads it: its TLB now holds the translation */
		nofault_read r{p, lib::Error{EINVAL}, 0};
		KASSERT_OK(smp_call_function_single(int(target), read_nofault, &r, 1));
		KEXPECT_OK(r.ret);
		KEXPECT_EQ(r.value, 0x5eed0000u + unsigned(round));
		unsigned tlb_before = irq_stat[target].irq_tlb_count;
		vfree(p);
		KEXPECT_GT(irq_stat[target].irq_tlb_count, tlb_before);
		/* a stale entry would still read the freed page */
		nofault_read after{p, lib::Error{EINVAL}, 0};
		KASSERT_OK(smp_call_function_single(int(target), read_nofault, &after, 1));
		KEXPECT_ERR(after.ret, EFAULT);
	}
}

/* vfree with interrupts off cannot shoot down: it waits, still mapped,
 * until a vmalloc or vfree that can (Linux: vfree_atomic) */
KTEST(tlb, vfree_with_interrupts_off_is_deferred)
{
	unsigned long before = nr_vfree_deferred();
	auto* p = static_cast<uint64_t*>(vmalloc(PAGE_SIZE));
	KASSERT_TRUE(p != nullptr);
	*p = 0xabcdef;
	unsigned long flags = arch_local_irq_save();
	vfree(p);
	bool still_there = find_vm_area(p) != nullptr;
	unsigned long waiting = nr_vfree_deferred();
	arch_local_irq_restore(flags);
	KEXPECT_TRUE(still_there);
	KEXPECT_EQ(waiting, before + 1);
	vfree(nullptr); /* any vfree (or vmalloc) with interrupts on drains */
	KEXPECT_EQ(nr_vfree_deferred(), 0ul);
	KEXPECT_TRUE(find_vm_area(p) == nullptr);
	uint64_t v;
	KEXPECT_ERR(copy_from_kernel_nofault(&v, p, sizeof(v)), EFAULT);
	unsigned target = other_cpu();
	if (target != NR_CPUS) {
		nofault_read r{p, lib::Error{EINVAL}, 0};
		KEXPECT_OK(smp_call_function_single(int(target), read_nofault, &r, 1));
		KEXPECT_ERR(r.ret, EFAULT);
	}
}

KTEST(tlb, copy_from_kernel_nofault_refuses_and_survives)
{
	uint64_t v = 0, src = 0x1122334455667788ULL;
	KEXPECT_OK(copy_from_kernel_nofault(&v, &src, sizeof(v)));
	KEXPECT_EQ(v, src);
	/* a user address and a non-canonical one: ERANGE, no access made */
	KEXPECT_ERR(copy_from_kernel_nofault(&v, reinterpret_cast<void*>(0x1000), 8), ERANGE);
	KEXPECT_ERR(copy_from_kernel_nofault(&v, reinterpret_cast<void*>(0x0000900000000000UL), 8), ERANGE);
	/* an unmapped kernel address: the fault is fixed up, EFAULT */
	void* q = vmalloc(PAGE_SIZE);
	KASSERT_TRUE(q != nullptr);
	vfree(q);
	KEXPECT_ERR(copy_from_kernel_nofault(&v, q, 8), EFAULT);
}

/* bad input: a CPU that never answers is reported and skipped */
KTEST(smp, a_cpu_that_does_not_start_is_reported_and_skipped)
{
	/* an APIC ID no CPU has, as a logical CPU number nobody uses */
	unsigned cpu = nr_cpu_ids;
	if (cpu >= NR_CPUS)
		KTEST_SKIP("every logical CPU number is in use");
	unsigned online = num_online_cpus();
	KEXPECT_ERR(do_boot_cpu(0xf0, int(cpu), 200), EIO);
	KEXPECT_TRUE(ktest_log_contains("(APIC ID 0xf0) did not start in 200 ms, skipped"));
	KEXPECT_FALSE(cpu_online(cpu));
	KEXPECT_EQ(num_online_cpus(), online);
}

namespace
{
void read_cpunode(void* info)
{
	unsigned p;
	asm("lsl %1, %0" : "=r"(p) : "r"(__CPUNODE_SEG));
	static_cast<unsigned*>(info)[smp_processor_id()] = p;
}
} // namespace

/* the vDSO's getcpu reads the CPU number from the limit of a per-CPU GDT
 * segment (LSL works at any privilege level for a DPL 3 segment) */
KTEST(smp, cpunode_segment_holds_each_cpus_number)
{
	static unsigned seen[NR_CPUS];
	for (unsigned& s : seen)
		s = ~0u;
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		if (!cpu_online(cpu))
			continue;
		KASSERT_OK(smp_call_function_single(int(cpu), read_cpunode, seen, 1));
		KEXPECT_EQ(seen[cpu] & VDSO_CPUNODE_MASK, cpu);
		KEXPECT_EQ(seen[cpu] >> VDSO_CPUNODE_BITS, 0u); /* one node */
	}
}
