// Host stand-ins for the architecture side of the kernel (see host_env.h):
// the serial console, the clock, the direct-map and vmemmap bases, and the
// stack dump.  The real printk and ring buffer run on top of them.
#include "host_env.h"

#include <arch/page.h>
#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <kernel/panic.h>
#include <kernel/printk.h>

#include <arch/current.h>
struct pcpu_hot pcpu_hot[NR_CPUS]; /* preempt_count: in task context on the host */
thread_local unsigned host_cpu; /* each test thread may play its own CPU */
unsigned nr_cpu_ids = 1;       /* the CPUs host tests play; a test may raise it */

uintptr_t page_offset_base;
uintptr_t vmemmap_base;
uintptr_t vmalloc_base = VMALLOC_START_BASE;
unsigned long kaslr_virt_offset;
unsigned long phys_base;

namespace {
std::string console;
unsigned long taint;
} // namespace

std::string& host_console() { return console; }
unsigned long host_taint() { return taint; }
void host_reset_env()
{
	register_console(); /* first: it replays what was logged before */
	console.clear();
	taint = 0;
}

namespace serial8250 {
void write(const char* s, size_t n) { console.append(s, n); }
} // namespace serial8250

uint64_t local_clock() { return 0; }
// no atomic contexts on the host: might_sleep() has nothing to check
void __might_sleep(const char*, int) {}
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
