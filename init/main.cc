/*
 * start_kernel: the generic boot sequence (Linux: init/main.c).
 *
 * Called by x86_64_start_kernel on the boot CPU with interrupts off.  Each
 * subsystem issue adds its *_init() call here in dependency order.
 * Interrupts come on once the IDT (head64), the IRQ stack (needs vmalloc),
 * the interrupt controllers, the timers and the tick are set up, as
 * Linux's local_irq_enable() after time_init().  system_state turns
 * SYSTEM_RUNNING where init would start, which arms might_sleep().
 *
 * Boot flow, as Linux's: start_kernel -> sched_init (init_task becomes
 * the idle task) ... -> rest_init: kernel_thread(kernel_init) is pid 1,
 * kernel_thread(kthreadd) pid 2, and the boot context schedules and then
 * idles (cpu_startup_entry).  kernel_init ends boot: with no user space
 * yet, the in-kernel tests (ktest=) or Linux's own message for a kernel
 * without an init.  kernel_init keeps init_task's comm "swapper/0" until
 * an exec would rename it, as Linux.
 */
#include <arch/boot.h>
#include <arch/setup.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/console.h>
#include <kernel/panic.h>
#include <kernel/ktest.h>
#include <kernel/kallsyms.h>
#include <kernel/reboot.h>
#include <kernel/version.h>
#include <kernel/kernel.h>
#include <kernel/irqflags.h>
#include <kernel/time.h>
#include <kernel/timekeeping.h>
#include <kernel/timer.h>
#include <arch/hardirq.h>
#include <lib/format.h>
#include <lib/string.h>
#include <mm/mm_init.h>
#include <mm/meminfo.h>
#include <mm/slab.h>
#include <mm/vmalloc.h>
#include <kernel/pid.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <uapi/linux/sched.h>
#include <kernel/kthread.h>
#include <kernel/random.h>
#include <fs/fs.h>
#include <kernel/wait.h>
#include <arch/kaslr.h>
#include <arch/page.h>
#include <uapi/asm-generic/errno-base.h>

extern "C" void (*__init_array_start[])(), (*__init_array_end[])();
void smp_init(); /* arch/x86_64/kernel/smpboot.cc */
void populate_rootfs(); /* init/initramfs.cc */

namespace
{
const char* ktest_glob;

lib::Result<void> set_ktest(std::string_view val)
{
	static char glob[128];
	if (val.empty() || val.size() >= sizeof(glob))
		return lib::Error{EINVAL};
	lib::memcpy(glob, val.data(), val.size());
	glob[val.size()] = '\0';
	ktest_glob = glob;
	return lib::ok();
}

/* %pS / %ps in lib::vsnprintf go through the symbol table */
int format_symbol(char* buf, size_t size, uintptr_t addr, bool with_offset)
{
	const char* name;
	size_t sz, off;
	if (!kallsyms_lookup(addr, &name, &sz, &off))
		return -1;
	if (!with_offset)
		return lib::snprintf(buf, size, "%s", name);
	return lib::snprintf(buf, size, "%s+0x%zx/0x%zx", name, off, sz);
}

void do_ctors()
{
	for (auto** f = __init_array_start; f < __init_array_end; f++)
		(*f)();
}
} // namespace
__setup("ktest", set_ktest);

/* pid 1: the end of boot, then (later) user space's init */
static int kernel_init(void*)
{
	/* wait for kthreadd, as Linux's kernel_init waits for kthreadd_done */
	while (!kthreadd_task)
		schedule_timeout_uninterruptible(1);
	smp_init(); /* the other CPUs (arch/x86_64/kernel/smpboot.cc) */
	sched_init_smp(); /* stoppers, balancing, init may run anywhere */
	vsprintf_init_hashval(); /* %p hashes from here on (Linux: subsys_initcall) */
	populate_rootfs(); /* the initramfs into "/" (Linux: rootfs_initcall) */
	system_state = SYSTEM_RUNNING;

	if (ktest_glob) {
		/* the cases run on CPU 0 (ktest.h): "this CPU" stays put in a case */
		struct cpumask cpu0 = cpumask_of(0);
		WARN_ON(set_cpus_allowed_ptr(current, &cpu0).is_err());
		int failed = ktest_run(ktest_glob);
		/* with QEMU's isa-debug-exit this ends the run: exit status 1 (pass) or 3 */
		qemu_debug_exit(failed ? 1 : 0);
		kernel_power_off();
	}
	panic("No working init found.  Try passing init= option to kernel. "
	      "(monolith has no user space yet)");
}

/*
 * Linux's rest_init: pid 1 (kernel_init) and pid 2 (kthreadd) are created
 * here, in that order, and the boot context becomes the idle task.
 */
[[noreturn]] static void rest_init()
{
	lib::Result<pid_t> pid = kernel_thread(kernel_init, nullptr, nullptr, CLONE_FS);
	if (pid != 1)
		panic("rest_init: kernel_init got pid %d", pid.is_ok() ? pid.value() : -pid.error());
	pid = kernel_thread(kthreadd, nullptr, "kthreadd", CLONE_FS | CLONE_FILES);
	if (pid.is_err())
		panic("rest_init: no kthreadd (%d)", -pid.error());
	{
		lib::spin_lock_irqsave_guard g(tasklist_lock);
		kthreadd_task = find_task_by_vpid(pid.value());
	}
	if (!kthreadd_task)
		panic("rest_init: no kthreadd (pid %d)", pid.value());
	/* the boot CPU idles from here on: cpu_startup_entry(CPUHP_ONLINE) */
	schedule();
	cpu_startup_entry();
}

void start_kernel()
{
	lib::format_symbol_hook = format_symbol;
	do_ctors();
	saved_command_line = boot_params.cmdline;
	parse_early_param();
	console_init(); /* the consoles register: console= is known */
	pr_notice("monolith version %s (%s) %s\n", MONOLITH_RELEASE, MONOLITH_COMPILER, MONOLITH_BUILD_VERSION);
	pr_info("Command line: %s\n", saved_command_line);
	pr_info("Boot loader: %s%s\n", boot_params.loader_name, boot_params.efi ? " (UEFI)" : "");
	if (kaslr_enabled())
		pr_info("KASLR: kernel offset 0x%lx from 0x%lx, loaded at physical 0x%lx\n", kaslr_virt_offset,
			(unsigned long)__START_KERNEL, (unsigned long)(LOAD_PHYSICAL_ADDR + phys_base));
	else
		pr_info("KASLR disabled\n");
	setup_arch();
	for (uint32_t i = 0; i < boot_params.nr_modules; i++)
		pr_info("boot module %u: [mem 0x%016llx-0x%016llx]%s%s\n", i,
		        (unsigned long long)boot_params.modules[i].start,
		        (unsigned long long)(boot_params.modules[i].start + boot_params.modules[i].size - 1),
		        boot_params.modules[i].cmdline[0] ? " " : "", boot_params.modules[i].cmdline);
	mm_core_init();
	kmem_cache_init();
	vmalloc_init();
	show_kernel_segment();
	show_meminfo(); /* /proc/meminfo's kernel-memory lines, SLUB and vmalloc included */
	parse_args();
	pid_idr_init(); /* after parse_args: pid_max= sizes the map */
	fork_init();
	proc_caches_init(); /* mm_struct, vm_area_struct caches; the zero page */
	vfs_caches_init(); /* the dcache, inodes, files, and rootfs mounted at / */
	sched_init(); /* init_task becomes this CPU's idle task */
	pr_info("kallsyms: %zu symbols\n", kallsyms_count());
	init_IRQ();
	init_timers();
	timekeeping_init(); /* CLOCK_REALTIME from the CMOS RTC */
	time_init();
	random_init(saved_command_line); /* the CRNG: "random: crng init done" */
	local_irq_enable();
	calibrate_delay();

	rest_init();
}
