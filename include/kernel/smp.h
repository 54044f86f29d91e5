/*
 * CPU identity and cross-CPU calls (Linux: include/linux/smp.h,
 * arch/x86/include/asm/smp.h).
 *
 * smp_processor_id() is one %gs-relative load of this CPU's
 * pcpu_hot.cpu_number (<arch/current.h>; offset PCPU_HOT_CPU_NUMBER).  It
 * is stable only while the caller cannot migrate: preemption or
 * interrupts disabled, or a task bound to one CPU.  On the host (unit
 * tests) each thread plays a CPU: host_cpu is thread-local.
 *
 * Cross-CPU calls (kernel/smp.cc): smp_call_function_single() runs
 * func(info) on one CPU in hard interrupt context (CALL_FUNCTION_SINGLE_
 * VECTOR), on_each_cpu() on every online CPU, the caller's included
 * (with interrupts off there).  wait: return only after func returned
 * everywhere.  Never call them with interrupts disabled (two CPUs waiting
 * for each other's IPI deadlock), as Linux's WARN says.
 */
#pragma once

/* offsets in struct pcpu_hot (<arch/current.h> checks them); usable from
 * assembly (realmode/trampoline.S), as the rest of this file is not */
#define PCPU_HOT_CURRENT_TASK 0
#define PCPU_HOT_PREEMPT_COUNT 8
#define PCPU_HOT_CPU_NUMBER 12
#define PCPU_HOT_BOOT_STACK 32
#define PCPU_HOT_TOP_OF_STACK 40 /* entry_SYSCALL_64's kernel stack */
#define PCPU_HOT_USER_SP 48      /* entry_SYSCALL_64's scratch slot for the user %rsp */

#ifndef __ASSEMBLY__
#include <cstddef>
#include <lib/result.h>

inline constexpr unsigned NR_CPUS = 64;

#if __STDC_HOSTED__
extern thread_local unsigned host_cpu; /* host tests: the CPU this thread plays */
static inline unsigned raw_smp_processor_id() { return host_cpu; }
#else
static inline unsigned raw_smp_processor_id()
{
	unsigned cpu;
	asm volatile("movl %%gs:%c1, %0" : "=r"(cpu) : "i"(PCPU_HOT_CPU_NUMBER));
	return cpu;
}
#endif
#if __STDC_HOSTED__
static inline unsigned smp_processor_id() { return raw_smp_processor_id(); }
#else
/*
 * debug_smp_processor_id (boot parameter, Linux's CONFIG_DEBUG_PREEMPT
 * check): smp_processor_id() in code that may migrate (preemptible,
 * interrupts on, not bound to one CPU) reports "BUG: using
 * smp_processor_id() in preemptible ..." once per call site's caller;
 * raw_smp_processor_id() is the unchecked read for code that only wants
 * a hint (statistics, messages).
 */
extern bool debug_smp_processor_id_on;
unsigned debug_smp_processor_id();
static inline unsigned smp_processor_id()
{
	if (__builtin_expect(debug_smp_processor_id_on, 0))
		return debug_smp_processor_id();
	return raw_smp_processor_id();
}
#endif

/* CPUs the kernel may use: possible at most, online now (cpumask.h) */
extern unsigned nr_cpu_ids;

typedef void (*smp_call_func_t)(void* info);
/* func(info) on cpu; ENXIO if cpu is not online.  wait: until it returned */
lib::Result<void> smp_call_function_single(int cpu, smp_call_func_t func, void* info, int wait);
/* func(info) on every other online CPU */
void smp_call_function(smp_call_func_t func, void* info, int wait);
/* func(info) on every online CPU, this one included */
void on_each_cpu(smp_call_func_t func, void* info, int wait);
/* make cpu run schedule() soon: RESCHEDULE_VECTOR (arch) */
void smp_send_reschedule(int cpu);
/* halt every other CPU for good (panic, power off, restart) */
void smp_send_stop();
#endif /* __ASSEMBLY__ */
