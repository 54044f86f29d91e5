/*
 * panic, WARN and taint (Linux: kernel/panic.c, lib/dump_stack.c).
 *
 * panic() prints "Kernel panic - not syncing: <msg>", a backtrace, and then
 * follows panic=N as Linux does: N > 0 restarts after N seconds, N < 0
 * restarts at once, 0 (default) halts forever.  Tests boot with panic=-1
 * and QEMU's -no-reboot so that a panic ends the run immediately.
 */
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/params.h>
#include <kernel/reboot.h>
#include <kernel/smp.h>
#include <kernel/time.h>
#include <arch/stacktrace.h>
#include <arch/processor.h>
#include <arch/irqflags.h>
#include <lib/format.h>
#include <lib/cmdline.h>
#include <kernel/version.h>
#include <arch/page.h>
#include <kernel/sched.h>

namespace
{
unsigned long tainted_mask;
long panic_timeout;
bool in_panic;
char taint_buf[40];
const char taint_letters[TAINT_FLAGS_COUNT + 1] = "PFSRMBUDAWCIOELKXTN";
} // namespace

void add_taint(taint_flag flag)
{
	tainted_mask |= 1UL << flag;
}

const char* print_tainted()
{
	if (!tainted_mask)
		return "Not tainted";
	int n = lib::snprintf(taint_buf, sizeof(taint_buf), "Tainted: ");
	for (unsigned i = 0; i < TAINT_FLAGS_COUNT; i++) {
		bool set = tainted_mask & (1UL << i);
		taint_buf[n++] = i == TAINT_PROPRIETARY_MODULE ? (set ? 'P' : 'G') : (set ? taint_letters[i] : ' ');
	}
	taint_buf[n] = '\0';
	return taint_buf;
}

const char* current_comm()
{
	return current->comm;
}

void dump_stack_print_info(const char* log_lvl)
{
	printk("%sCPU: %d PID: %d Comm: %.*s %s %s %s\n", log_lvl, raw_smp_processor_id(), task_pid_nr(current),
	       TASK_COMM_LEN, current->comm, print_tainted(), MONOLITH_RELEASE, MONOLITH_BUILD_VERSION);
	printk("%sHardware name: QEMU Standard PC\n", log_lvl);
}

__attribute__((noinline)) void dump_stack()
{
	dump_stack_print_info(KERN_DEFAULT);
	uintptr_t sp = reinterpret_cast<uintptr_t>(__builtin_frame_address(0));
	show_trace_log_lvl(sp, sp, KERN_DEFAULT);
}

void __warn(const char* file, int line, uintptr_t caller)
{
	printk(KERN_WARNING "------------[ cut here ]------------\n");
	printk(KERN_WARNING "WARNING: CPU: %d PID: %d at %s:%d %pS\n", raw_smp_processor_id(), task_pid_nr(current), file,
	       line, reinterpret_cast<void*>(caller));
	printk(KERN_WARNING "Modules linked in:\n");
	add_taint(TAINT_WARN);
	dump_stack();
	printk(KERN_WARNING "---[ end trace %016x ]---\n", 0);
}

void panic(const char* fmt, ...)
{
	arch_local_irq_disable();
	/* one CPU panics; another that gets here too just stops (panic_cpu) */
	if (__atomic_exchange_n(&in_panic, true, __ATOMIC_SEQ_CST))
		halt_forever();
	console_flush_on_panic();
	char buf[256];
	va_list ap;
	va_start(ap, fmt);
	lib::vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	printk(KERN_EMERG "Kernel panic - not syncing: %s\n", buf);
	if (!oops_in_progress)
		dump_stack();
	/* bust_spinlocks(1): printk no longer waits for its lock, which a
	 * CPU stopped by NMI below may hold for good */
	oops_in_progress = true;
	smp_send_stop(); /* the others stop before the reboot or the final halt */
	if (kaslr_virt_offset) /* as Linux's dump_kernel_offset, so addresses can be decoded */
		printk(KERN_EMERG "Kernel Offset: 0x%lx from 0x%lx (relocation range: 0x%lx-0x%lx)\n", kaslr_virt_offset,
		       (unsigned long)__START_KERNEL, (unsigned long)__START_KERNEL_map,
		       (unsigned long)(__START_KERNEL_map + KERNEL_IMAGE_SIZE - 1));
	if (panic_timeout > 0) {
		printk(KERN_EMERG "Rebooting in %ld seconds..\n", panic_timeout);
		mdelay(uint64_t(panic_timeout) * 1000);
	}
	if (panic_timeout != 0)
		machine_restart();
	printk(KERN_EMERG "---[ end Kernel panic - not syncing: %s ]---\n", buf);
	halt_forever();
}

static lib::Result<void> set_panic_timeout(std::string_view val)
{
	panic_timeout = long(TRY(lib::parse_int(val)));
	return lib::ok();
}
early_param("panic", set_panic_timeout);

/* lib/'s LIB_ASSERT hook (<lib/assert.h>): a failed assertion is a kernel bug */
void lib_assert_fail(const char* expr, const char* file, int line)
{
	printk(KERN_EMERG "kernel BUG at %s:%d! (%s)\n", file, line, expr);
	__builtin_trap();
}
