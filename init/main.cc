/*
 * start_kernel: the generic boot sequence (Linux: init/main.c).
 *
 * Called by x86_64_start_kernel on the boot CPU with interrupts off.  Each
 * subsystem issue adds its *_init() call here in dependency order.
 * Interrupts come on once the IDT (head64), the IRQ stack (needs vmalloc),
 * the interrupt controllers, the timers and the tick are set up, as
 * Linux's local_irq_enable() after time_init().  system_state turns
 * SYSTEM_RUNNING where init would start, which arms might_sleep().  With no
 * user space yet, the end of boot is either the in-kernel tests (ktest=)
 * or Linux's own message for a kernel without an init.
 */
#include <arch/boot.h>
#include <arch/setup.h>
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/panic.h>
#include <kernel/ktest.h>
#include <kernel/kallsyms.h>
#include <kernel/reboot.h>
#include <kernel/version.h>
#include <kernel/kernel.h>
#include <kernel/irqflags.h>
#include <kernel/time.h>
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
#include <arch/kaslr.h>
#include <arch/page.h>

extern "C" void (*__init_array_start[])(), (*__init_array_end[])();

namespace
{
const char* ktest_glob;

int set_ktest(std::string_view val)
{
	static char glob[128];
	if (val.empty() || val.size() >= sizeof(glob))
		return -1;
	lib::memcpy(glob, val.data(), val.size());
	glob[val.size()] = '\0';
	ktest_glob = glob;
	return 0;
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

void start_kernel()
{
	lib::format_symbol_hook = format_symbol;
	do_ctors();
	saved_command_line = boot_params.cmdline;
	parse_early_param();
	register_console();
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
	pr_info("kallsyms: %zu symbols\n", kallsyms_count());
	init_IRQ();
	init_timers();
	time_init();
	local_irq_enable();
	calibrate_delay();

	system_state = SYSTEM_RUNNING;

	if (ktest_glob) {
		int failed = ktest_run(ktest_glob);
		/* with QEMU's isa-debug-exit this ends the run: exit status 1 (pass) or 3 */
		qemu_debug_exit(failed ? 1 : 0);
		kernel_power_off();
	}
	panic("No working init found.  Try passing init= option to kernel. "
	      "(monolith has no user space yet)");
}
