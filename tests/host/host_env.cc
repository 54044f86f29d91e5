// Host stand-ins for the architecture side of the kernel (see host_env.h):
// a console capturing printk, the clock, the direct-map and vmemmap bases, the
// stack dump, the CPU masks and cross-CPU calls.  The real printk and ring
// buffer run on top of them.
#include "host_env.h"

#include <arch/page.h>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/console.h>
#include <kernel/mutex.h>
#include <thread>
#include <uapi/asm-generic/errno-base.h>

#include <arch/current.h>
#include <kernel/cpumask.h>
struct pcpu_hot pcpu_hot[NR_CPUS]; /* preempt_count: in task context on the host */
thread_local unsigned host_cpu; /* each test thread may play its own CPU */
unsigned nr_cpu_ids = 1;       /* the CPUs host tests play; a test may raise it */
struct cpumask __cpu_possible_mask = {{1UL}};
struct cpumask __cpu_present_mask = {{1UL}};
struct cpumask __cpu_online_mask = {{1UL}};

void host_set_nr_cpus(unsigned n)
{
	nr_cpu_ids = n;
	cpumask_clear(&__cpu_possible_mask);
	for (unsigned cpu = 0; cpu < n; cpu++)
		set_cpu_possible(cpu, true);
	__cpu_present_mask = __cpu_possible_mask;
	__cpu_online_mask = __cpu_possible_mask;
}

// Cross-CPU calls: the host has no IPIs, so the calling thread plays each
// target CPU in turn (host_cpu switched for the call).  That is the
// kernel's guarantee only if the threads playing those CPUs are not inside
// the allocator meanwhile: tests call these with the other threads quiet.
lib::Result<void> smp_call_function_single(int cpu, smp_call_func_t func, void* info, int)
{
	if (cpu < 0 || !cpu_online(unsigned(cpu)))
		return lib::Error{ENXIO};
	unsigned self = host_cpu;
	host_cpu = unsigned(cpu);
	func(info);
	host_cpu = self;
	return lib::ok();
}
void smp_call_function(smp_call_func_t func, void* info, int wait)
{
	unsigned cpu;
	for_each_online_cpu(cpu)
		if (cpu != host_cpu)
			if (smp_call_function_single(int(cpu), func, info, wait).is_err())
				abort(); /* an online CPU refused: the host harness is broken */
}
void on_each_cpu(smp_call_func_t func, void* info, int wait)
{
	smp_call_function(func, info, wait);
	func(info);
}

uintptr_t page_offset_base;
uintptr_t vmemmap_base;
uintptr_t vmalloc_base = VMALLOC_START_BASE;
unsigned long kaslr_virt_offset;
unsigned long phys_base;

namespace {
std::string console_out;
unsigned long taint;
void host_console_write(struct console*, const char* s, unsigned n) { console_out.append(s, n); }
struct console host_con = {"host", host_console_write, nullptr, nullptr, CON_PRINTBUFFER, -1, nullptr, nullptr};
} // namespace

// no console_initcall on the host: host_reset_env registers host_con itself
asm(".pushsection .data\n.globl __con_initcall_start\n.globl __con_initcall_end\n"
    "__con_initcall_start:\n__con_initcall_end:\n.popsection\n");

std::string& host_console() { return console_out; }
unsigned long host_taint() { return taint; }
void host_reset_env()
{
	static bool registered;
	if (!registered) /* first: it replays what was logged before */
		register_console(&host_con);
	registered = true;
	console_out.clear();
	taint = 0;
}


uint64_t local_clock() { return 0; }
// the tick never runs on the host: slub_debug's tracks record jiffies 0
extern "C" {
volatile unsigned long jiffies;
}
// no atomic contexts on the host: might_sleep() has nothing to check
void __might_sleep(const char*, int) {}
// slab_mutex: kernel/locking/mutex.cc sleeps through the scheduler; here
// a thread that finds the mutex taken yields until it is free.  The owner
// is an address unique to the thread (there is no task_struct).
namespace
{
thread_local char host_task;
struct task_struct* host_current() { return reinterpret_cast<struct task_struct*>(&host_task); }
} // namespace
void mutex_init(struct mutex* lock) { lock->owner.store(nullptr); }
void mutex_lock(struct mutex* lock)
{
	for (;;) {
		struct task_struct* expected = nullptr;
		if (lock->owner.compare_exchange_strong(expected, host_current(), std::memory_order_acquire))
			return;
		if (expected == host_current()) {
			std::fprintf(stderr, "host mutex_lock: recursive locking\n");
			std::abort();
		}
		std::this_thread::yield();
	}
}
void mutex_unlock(struct mutex* lock)
{
	if (lock->owner.load() != host_current()) {
		std::fprintf(stderr, "host mutex_unlock: not the owner\n");
		std::abort();
	}
	lock->owner.store(nullptr, std::memory_order_release);
}
const char* current_comm() { return "host-test"; }
void dump_stack() { printk(KERN_DEFAULT "Call Trace: (host test: no stack dump)\n"); }
void add_taint(taint_flag flag) { taint |= 1UL << flag; }
// kernel/panic.cc is arch-bound; reports print the taint and SLAB_PANIC panics
const char* print_tainted() { return taint ? "Tainted: G    B             " : "Not tainted"; }
void panic(const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	std::vfprintf(stderr, fmt, ap);
	va_end(ap);
	std::abort();
}

// The CRNG (drivers/char/random.cc) is kernel-only: SLUB's per-cache
// freelist keys come from a fixed-seed generator here, so host runs
// repeat (SplitMix64).
#include <atomic>
#include <kernel/random.h>
uint64_t get_random_u64()
{
	static std::atomic<uint64_t> state{0x9e3779b97f4a7c15ull};
	uint64_t z = state.fetch_add(0x9e3779b97f4a7c15ull, std::memory_order_relaxed);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}
