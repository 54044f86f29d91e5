/*
 * Deliberate failures that prove the test harness catches them (no Linux
 * counterpart; Linux has lkdtm for provoking crashes).
 *
 * All are KTEST_EXPLICIT: a glob like ktest=* never selects them; only
 * their exact name does (ktest=selftest.oops_null).  tests/e2e runs each
 * and requires the harness to report the failure.
 */
#include <kernel/ktest.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/reboot.h>
#include <kernel/sched.h>
#include <kernel/smp.h>
#include <arch/processor.h>

KTEST_EXPLICIT_ONLY(selftest, must_fail)
{
	KEXPECT_EQ(1 + 1, 3);
}

KTEST_EXPLICIT_ONLY(selftest, oops_null)
{
	volatile int* p = nullptr;
	(void)*p;
}

KTEST_EXPLICIT_ONLY(selftest, bug)
{
	BUG();
}

KTEST_EXPLICIT_ONLY(selftest, warn)
{
	KEXPECT_TRUE(WARN_ON(true));
}

/* with debug_smp_processor_id: kernel_init may migrate here, so this is
 * reported (and the harness fails the run on the BUG line) */
KTEST_EXPLICIT_ONLY(selftest, smp_processor_id_preemptible)
{
	/* free to migrate (the runner is pinned to CPU 0, which is safe) */
	KEXPECT_OK(set_cpus_allowed_ptr(current, cpu_possible_mask));
	KEXPECT_LT(smp_processor_id(), NR_CPUS);
	struct cpumask cpu0 = cpumask_of(0);
	KEXPECT_OK(set_cpus_allowed_ptr(current, &cpu0));
}

KTEST_EXPLICIT_ONLY(selftest, hang)
{
	halt_forever();
}

/* An exception raised with an unusable stack: the CPU cannot push the
 * #UD frame, the #PF that causes cannot be pushed either, and the double
 * fault is delivered on its own IST stack. */
KTEST_EXPLICIT_ONLY(selftest, double_fault)
{
	asm volatile("movq $0x1000, %%rsp\n\tud2" ::: "memory");
}

/* A malformed KTAP report, which the harness must reject although every
 * case passed: a top-level result line beyond the plan (1..1 suites, but
 * this suite's result and the one printed here make 2). */
KTEST_EXPLICIT_ONLY(selftest, ktap_extra_result)
{
	printk(KERN_INFO "ok 2 selftest_phantom_suite\n");
}

/* A report that stops in the middle: QEMU exits (isa-debug-exit, the
 * "passed" status) before the suite's result and the "# Totals" line. */
KTEST_EXPLICIT_ONLY(selftest, ktap_ends_early)
{
	qemu_debug_exit(0);
}
