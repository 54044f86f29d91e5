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
 * the idle task) ... -> rest_init: user_mode_thread(kernel_init) is pid 1,
 * kernel_thread(kthreadd) pid 2, and the boot context schedules and then
 * idles (cpu_startup_entry).  kernel_init ends boot: the loaders, the
 * vDSO and the character devices, the initramfs into "/", fds 0-2 on
 * /dev/console, then the in-kernel tests (ktest=) or user space: rdinit=
 * (default /init) if it exists, else init=, else /sbin/init, /etc/init,
 * /bin/init, /bin/sh, else Linux's "No working init found" panic.  The
 * exec leaves kernel_init's pt_regs set for the new program, and
 * kernel_init's return takes pid 1 to user mode (ret_from_fork).
 * kernel_init keeps init_task's comm "swapper/0" until the exec renames
 * it, as Linux.
 */
#include <arch/boot.h>
#include <arch/setup.h>
#include <kernel/cred.h>
#include <kernel/futex.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <drivers/devtmpfs.h>
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
#include <kernel/signal.h>
#include <kernel/sched/task.h>
#include <uapi/linux/sched.h>
#include <kernel/kthread.h>
#include <kernel/random.h>
#include <fs/binfmts.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/namei.h>
#include <uapi/linux/fcntl.h>
#include <kernel/wait.h>
#include <arch/kaslr.h>
#include <arch/page.h>
#include <uapi/asm-generic/errno-base.h>

extern "C" void (*__init_array_start[])(), (*__init_array_end[])();
void smp_init(); /* arch/x86_64/kernel/smpboot.cc */
void populate_rootfs(); /* init/initramfs.cc */
lib::Result<void> chr_dev_init();     /* drivers/char/mem.cc */
lib::Result<void> console_dev_init(); /* drivers/tty/console_dev.cc */

namespace
{
const char* ktest_glob;
/* rdinit= (default "/init": the initramfs's) and init= (Linux's
 * ramdisk_execute_command and execute_command) */
const char* ramdisk_execute_command = "/init";
const char* execute_command;

lib::Result<void> copy_param(std::string_view val, char* buf, size_t size, const char** out)
{
	if (val.empty() || val.size() >= size)
		return lib::Error{EINVAL};
	lib::memcpy(buf, val.data(), val.size());
	buf[val.size()] = '\0';
	*out = buf;
	return lib::ok();
}
lib::Result<void> rdinit_setup(std::string_view val)
{
	static char buf[256];
	return copy_param(val, buf, sizeof(buf), &ramdisk_execute_command);
}
lib::Result<void> init_setup(std::string_view val)
{
	static char buf[256];
	return copy_param(val, buf, sizeof(buf), &execute_command);
}

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
__setup("rdinit", rdinit_setup);
__setup("init", init_setup);

namespace
{
/* fds 0, 1 and 2 of init: /dev/console (Linux: console_on_rootfs) */
void console_on_rootfs()
{
	lib::Result<struct file*> file = filp_open("/dev/console", O_RDWR, 0);
	if (file.is_err()) {
		pr_err("Warning: unable to open an initial console.\n");
		return;
	}
	for (int i = 0; i < 3; i++) {
		lib::Result<int> fd = get_unused_fd_flags(0);
		if (fd.is_err())
			break;
		fd_install(unsigned(fd.value()), get_file(file.value()));
	}
	fput(file.value());
}

/* Linux's run_init_process: argv_init with the name in front, envp_init */
lib::Result<void> run_init_process(const char* init_filename)
{
	argv_init[0] = init_filename;
	pr_info("Run %s as init process\n", init_filename);
	return kernel_execve(init_filename, argv_init, envp_init);
}

lib::Result<void> try_to_run_init_process(const char* init_filename)
{
	lib::Result<void> r = run_init_process(init_filename);
	if (r.is_err() && r.error() != ENOENT)
		pr_err("Starting init: %s exists but couldn't execute it (error %d)\n", init_filename, -r.error());
	return r;
}
} // namespace

/* pid 1: the end of boot, then (later) user space's init */
static int kernel_init(void*)
{
	/* wait for kthreadd, as Linux's kernel_init waits for kthreadd_done */
	while (!kthreadd_task)
		schedule_timeout_uninterruptible(1);
	smp_init(); /* the other CPUs (arch/x86_64/kernel/smpboot.cc) */
	sched_init_smp(); /* stoppers, balancing, init may run anywhere */
	futex_init(); /* the futex hash table, sized from the CPUs (Linux: core_initcall) */
	vsprintf_init_hashval(); /* %p hashes from here on (Linux: subsys_initcall) */
	/* what Linux's initcalls do before user space: the loaders, the vDSO,
	 * the character devices, then the initramfs into "/" */
	init_elf_binfmt();
	init_script_binfmt();
	init_vdso();
	devtmpfs_init(); /* before any driver creates its node (Linux: driver_init) */
	if (chr_dev_init().is_err() || console_dev_init().is_err())
		pr_err("chr_dev_init: cannot register the memory devices or /dev/console\n");
	populate_rootfs(); /* the initramfs into "/" (Linux: rootfs_initcall) */
	console_on_rootfs();
	system_state = SYSTEM_RUNNING;

	if (ktest_glob) {
		/* In ktest mode pid 1 never enters user space: it runs the cases
		 * and powers off, a kernel thread in all but its birth, and the
		 * cases treat it as one (kthread_use_mm, copy_process of a
		 * kernel thread): say so */
		current->flags |= PF_KTHREAD;
		/* the cases run on CPU 0 (ktest.h): "this CPU" stays put in a case */
		struct cpumask cpu0 = cpumask_of(0);
		WARN_ON(set_cpus_allowed_ptr(current, &cpu0).is_err());
		int failed = ktest_run(ktest_glob);
		/* with QEMU's isa-debug-exit this ends the run: exit status 1 (pass) or 3 */
		qemu_debug_exit(failed ? 1 : 0);
		kernel_power_off();
	}

	/* Linux's kernel_init: rdinit= (default /init) if it is there, then
	 * init=, then the usual places; returning 0 enters the new program */
	bool have_rdinit = false;
	if (ramdisk_execute_command) {
		struct path path;
		if (kern_path(ramdisk_execute_command, 0, &path).is_ok()) {
			have_rdinit = true;
			path_put(&path);
			lib::Result<void> r = run_init_process(ramdisk_execute_command);
			if (r.is_ok())
				return 0;
			pr_err("Failed to execute %s (error %d)\n", ramdisk_execute_command, -r.error());
		}
	}
	/* no init in the initramfs: Linux's prepare_namespace, whose only
	 * part here is devtmpfs.mount= (there is no root= device yet) */
	if (!have_rdinit)
		devtmpfs_mount();
	if (execute_command) {
		lib::Result<void> r = run_init_process(execute_command);
		if (r.is_ok())
			return 0;
		panic("Requested init %s failed (error %d).", execute_command, -r.error());
	}
	for (const char* f : {"/sbin/init", "/etc/init", "/bin/init", "/bin/sh"})
		if (try_to_run_init_process(f).is_ok())
			return 0;
	panic("No working init found.  Try passing init= option to kernel. "
	      "See Linux Documentation/admin-guide/init.rst for guidance.");
}

/*
 * Linux's rest_init: pid 1 (kernel_init) and pid 2 (kthreadd) are created
 * here, in that order, and the boot context becomes the idle task.
 */
[[noreturn]] static void rest_init()
{
	lib::Result<pid_t> pid = user_mode_thread(kernel_init, nullptr, CLONE_FS);
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
	signals_init(); /* the sigqueue cache (Linux: start_kernel) */
	cred_init();
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
