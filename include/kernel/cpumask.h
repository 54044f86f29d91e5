/*
 * CPU masks (Linux: include/linux/cpumask.h).
 *
 * A cpumask is NR_CPUS bits.  The kernel's masks, as Linux's:
 *   cpu_possible_mask  CPUs that may ever run (the MADT's enabled ones,
 *                      cut by nr_cpus= / NR_CPUS, and to 1 by nosmp or
 *                      maxcpus=0); fixed at boot
 *   cpu_present_mask   the same here (no hotplug)
 *   cpu_online_mask    CPUs up and scheduling; a CPU sets its own bit
 *                      (set_cpu_online) once it can take interrupts
 * nr_cpu_ids is one past the highest possible CPU.
 *
 * Invariants: online is a subset of present is a subset of possible.
 * Bits are set and cleared with atomic operations; readers may race with
 * a CPU coming online and must cope (as Linux's).
 */
#pragma once
#include <kernel/smp.h>

struct cpumask {
	unsigned long bits[(NR_CPUS + 63) / 64];
};

static inline void cpumask_clear(struct cpumask* m)
{
	for (auto& b : m->bits)
		b = 0;
}
static inline void cpumask_setall(struct cpumask* m)
{
	for (unsigned i = 0; i < NR_CPUS; i++)
		m->bits[i / 64] |= 1UL << (i % 64);
}
static inline bool cpumask_test_cpu(unsigned cpu, const struct cpumask* m)
{
	return cpu < NR_CPUS && (__atomic_load_n(&m->bits[cpu / 64], __ATOMIC_RELAXED) >> (cpu % 64)) & 1;
}
static inline void cpumask_set_cpu(unsigned cpu, struct cpumask* m)
{
	__atomic_fetch_or(&m->bits[cpu / 64], 1UL << (cpu % 64), __ATOMIC_SEQ_CST);
}
static inline void cpumask_clear_cpu(unsigned cpu, struct cpumask* m)
{
	__atomic_fetch_and(&m->bits[cpu / 64], ~(1UL << (cpu % 64)), __ATOMIC_SEQ_CST);
}
static inline unsigned cpumask_weight(const struct cpumask* m)
{
	unsigned n = 0;
	for (const auto& w : m->bits)
		for (unsigned long b = __atomic_load_n(&w, __ATOMIC_RELAXED); b; b &= b - 1)
			n++; /* hweight64 without POPCNT (the kernel builds for baseline x86-64) */
	return n;
}
/* the first set bit at or after cpu; NR_CPUS if none */
static inline unsigned cpumask_next_from(unsigned cpu, const struct cpumask* m)
{
	for (; cpu < NR_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, m))
			return cpu;
	return NR_CPUS;
}
static inline unsigned cpumask_first(const struct cpumask* m)
{
	return cpumask_next_from(0, m);
}
/* the first CPU set in both; NR_CPUS if none (cpumask_any_and) */
static inline unsigned cpumask_first_and(const struct cpumask* a, const struct cpumask* b)
{
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		if (cpumask_test_cpu(cpu, a) && cpumask_test_cpu(cpu, b))
			return cpu;
	return NR_CPUS;
}
static inline bool cpumask_intersects(const struct cpumask* a, const struct cpumask* b)
{
	return cpumask_first_and(a, b) < NR_CPUS;
}
static inline bool cpumask_equal(const struct cpumask* a, const struct cpumask* b)
{
	for (unsigned i = 0; i < sizeof(a->bits) / sizeof(a->bits[0]); i++)
		if (a->bits[i] != b->bits[i])
			return false;
	return true;
}
static inline struct cpumask cpumask_of(unsigned cpu)
{
	struct cpumask m = {};
	m.bits[cpu / 64] = 1UL << (cpu % 64);
	return m;
}

#define for_each_cpu(cpu, mask) for ((cpu) = cpumask_first(mask); (cpu) < NR_CPUS; (cpu) = cpumask_next_from((cpu) + 1, mask))

extern struct cpumask __cpu_possible_mask, __cpu_present_mask, __cpu_online_mask;
#define cpu_possible_mask ((const struct cpumask*)&__cpu_possible_mask)
#define cpu_present_mask ((const struct cpumask*)&__cpu_present_mask)
#define cpu_online_mask ((const struct cpumask*)&__cpu_online_mask)

#define for_each_possible_cpu(cpu) for_each_cpu((cpu), cpu_possible_mask)
#define for_each_present_cpu(cpu) for_each_cpu((cpu), cpu_present_mask)
#define for_each_online_cpu(cpu) for_each_cpu((cpu), cpu_online_mask)

static inline bool cpu_online(unsigned cpu)
{
	return cpumask_test_cpu(cpu, cpu_online_mask);
}
static inline bool cpu_possible(unsigned cpu)
{
	return cpumask_test_cpu(cpu, cpu_possible_mask);
}
static inline unsigned num_online_cpus()
{
	return cpumask_weight(cpu_online_mask);
}
static inline unsigned num_possible_cpus()
{
	return cpumask_weight(cpu_possible_mask);
}
static inline void set_cpu_online(unsigned cpu, bool online)
{
	if (online)
		cpumask_set_cpu(cpu, &__cpu_online_mask);
	else
		cpumask_clear_cpu(cpu, &__cpu_online_mask);
}
static inline void set_cpu_possible(unsigned cpu, bool possible)
{
	if (possible)
		cpumask_set_cpu(cpu, &__cpu_possible_mask);
	else
		cpumask_clear_cpu(cpu, &__cpu_possible_mask);
}
static inline void set_cpu_present(unsigned cpu, bool present)
{
	if (present)
		cpumask_set_cpu(cpu, &__cpu_present_mask);
	else
		cpumask_clear_cpu(cpu, &__cpu_present_mask);
}
