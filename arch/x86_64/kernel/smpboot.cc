/*
 * Finding and starting the other processors (Linux: arch/x86/kernel/
 * apic/apic.c generic_processor_info; smpboot.c prefill_possible_map,
 * native_smp_prepare_cpus, do_boot_cpu, wakeup_secondary_cpu_via_init,
 * start_secondary; kernel/smp.c smp_init, setup_max_cpus, nosmp,
 * maxcpus=, nr_cpus=; arch/x86/realmode/init.c reserve_real_mode).
 *
 * Numbering: the MADT's enabled local APICs, in table order, get logical
 * CPU numbers; the boot CPU is always 0 (its APIC ID from CPUID leaf 1,
 * as the APIC is not mapped yet when the MADT is read).  nr_cpus=N caps
 * the possible CPUs, maxcpus=N how many come up at boot; nosmp (or
 * maxcpus=0) leaves one possible CPU, as Linux's prefill_possible_map.
 * Disabled MADT entries (hot-pluggable CPUs) are counted and left out:
 * there is no CPU hotplug.
 *
 * Starting CPU n (do_boot_cpu, on the boot CPU in kernel_init):
 *   1. its idle task (fork_idle: "swapper/n", whose stack it starts on),
 *      its exception stacks and IRQ stack, its pcpu_hot (cpu_number,
 *      current_task = the idle task) are made ready;
 *   2. INIT, then two STARTUP IPIs with the trampoline page's number
 *      (arch/x86_64/realmode/trampoline.S): real mode -> long mode on the
 *      trampoline page table (identity map of the first 2 MiB + the
 *      kernel's upper half) -> secondary_startup_64 -> start_secondary;
 *   3. start_secondary loads cpu n's GDT/TSS, the IDT and the kernel page
 *      table, sets up its local APIC and timer, marks itself online and
 *      enters the idle loop with interrupts on;
 *   4. the boot CPU waits up to 10 s for that (Linux's limit); a CPU that
 *      does not answer is reported ("do_boot_cpu failed") and skipped.
 * One CPU is started at a time: smpboot_initial_gs (that CPU's pcpu_hot,
 * whose boot_stack is its idle task's stack) and the trampoline header
 * are the one AP's in flight.  A CPU given up on is sent INIT again
 * (back to waiting for a STARTUP) and smpboot_initial_gs is zeroed: one
 * that reaches secondary_startup_64 late halts there.
 *
 * Invariants: a CPU is in cpu_online_mask only once it can take
 * interrupts (IDT, APIC, IRQ stack) and its rq->idle runs on it.
 * Lock order: none (kernel_init alone starts CPUs).
 */
#include <arch/apic.h>
#include <arch/desc.h>
#include <arch/hardirq.h>
#include <arch/page.h>
#include <arch/pgtable.h>
#include <arch/processor.h>
#include <kernel/cpumask.h>
#include <kernel/irqflags.h>
#include <kernel/params.h>
#include <kernel/preempt.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <kernel/time.h>
#include <lib/cmdline.h>
#include <lib/format.h>
#include <lib/scope.h>
#include <lib/string.h>
#include <mm/memblock.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno-base.h>

unsigned x86_cpu_to_apicid[NR_CPUS];
unsigned setup_max_cpus = NR_CPUS; /* maxcpus= / nosmp: how many come up at boot */

extern "C" {
extern const char trampoline_start[], trampoline_end[];
extern uint32_t trampoline_cr3, trampoline_efer;
extern uint64_t trampoline_entry64;
void secondary_startup_64();
/* read by secondary_startup_64: the starting CPU's pcpu_hot, or 0 */
uint64_t smpboot_initial_gs;
[[noreturn]] void start_secondary();
}
void smp_init_call_queues(); /* kernel/smp.cc */

namespace
{
unsigned num_processors, disabled_cpus;
unsigned setup_possible_cpus = NR_CPUS; /* nr_cpus= */
bool apicid_map_ready;
phys_addr_t real_mode_page; /* the trampoline's page, below 1 MiB */
uint64_t kernel_cr3;        /* the boot CPU's page table, for the APs */
volatile int cpu_callin = -1; /* the AP in flight writes its number here */

lib::Result<void> nosmp_param(std::string_view)
{
	setup_max_cpus = 0;
	return lib::ok();
}
lib::Result<void> maxcpus_param(std::string_view v)
{
	unsigned long long n = TRY(lib::parse_uint(v));
	setup_max_cpus = n > NR_CPUS ? NR_CPUS : unsigned(n);
	return lib::ok();
}
lib::Result<void> nr_cpus_param(std::string_view v)
{
	unsigned long long n = TRY(lib::parse_uint(v));
	if (n == 0)
		return lib::Error{EINVAL};
	setup_possible_cpus = n > NR_CPUS ? NR_CPUS : unsigned(n);
	return lib::ok();
}

void reset_apicid_map()
{
	if (apicid_map_ready)
		return;
	for (auto& id : x86_cpu_to_apicid)
		id = BAD_APICID;
	/* the boot CPU is CPU 0: CPUID.1:EBX[31:24] is its initial APIC ID */
	x86_cpu_to_apicid[0] = cpuid(1).ebx >> 24;
	apicid_map_ready = true;
}

/* the trampoline page table: an identity map of [0, 2 MiB) and the
 * kernel's half; below 4 GiB, as CR3 is loaded in 32-bit mode */
struct page* tramp_pages[3]; /* pgd, pud, pmd of the AP in flight */

void free_trampoline_pgd()
{
	for (auto& p : tramp_pages) {
		if (p)
			__free_pages(p, 0);
		p = nullptr;
	}
}

/* the trampoline's page table (in tramp_pages); its physical address */
lib::Result<uint64_t> build_trampoline_pgd()
{
	struct page** pages = tramp_pages;
	lib::scope_exit undo([] { free_trampoline_pgd(); });
	for (int i = 0; i < 3; i++) {
		pages[i] = alloc_pages(GFP_KERNEL | __GFP_DMA32 | __GFP_ZERO, 0);
		if (!pages[i])
			return lib::Error{ENOMEM};
	}
	undo.release();
	auto* pgd = static_cast<uint64_t*>(page_address(pages[0]));
	auto* pud = static_cast<uint64_t*>(page_address(pages[1]));
	auto* pmd = static_cast<uint64_t*>(page_address(pages[2]));
	pmd[0] = 0 | _PAGE_PRESENT | _PAGE_RW | _PAGE_PSE;
	pud[0] = __pa(pmd) | _PAGE_PRESENT | _PAGE_RW;
	pgd[0] = __pa(pud) | _PAGE_PRESENT | _PAGE_RW;
	const auto* kpgd = static_cast<const uint64_t*>(__va(kernel_cr3 & PAGE_MASK));
	for (unsigned i = PTRS_PER_TABLE / 2; i < PTRS_PER_TABLE; i++)
		pgd[i] = kpgd[i];
	return __pa(pgd);
}

/* INIT, then STARTUP twice (Linux: wakeup_secondary_cpu_via_init); the
 * error status of the sends, 0 when the APIC accepted them */
uint32_t wakeup_secondary_cpu_via_init(unsigned apicid, phys_addr_t start_eip)
{
	apic_write(APIC_ESR, 0);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
	bool send_ok = apic_wait_icr_idle().is_ok();
	udelay(10);
	apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid); /* deassert */
	send_ok &= apic_wait_icr_idle().is_ok();
	uint32_t accept = 0;
	for (int j = 1; j <= 2 && send_ok; j++) {
		apic_write(APIC_ESR, 0);
		apic_icr_write(APIC_DM_STARTUP | uint32_t(start_eip >> 12), apicid);
		udelay(j == 1 ? 10 : 300);
		send_ok &= apic_wait_icr_idle().is_ok();
		udelay(10);
		apic_write(APIC_ESR, 0);
		accept = apic_read(APIC_ESR) & 0xEF;
		if (accept)
			break;
	}
	return send_ok ? accept : 0x100; /* 0x100: the ICR never went idle */
}

bool cpu_ready(int cpu)
{
	return __atomic_load_n(&cpu_callin, __ATOMIC_ACQUIRE) == cpu;
}
} // namespace
early_param("nosmp", nosmp_param);
early_param("maxcpus", maxcpus_param);
early_param("nr_cpus", nr_cpus_param);

/* one MADT local APIC entry (acpi_boot_init); Linux's generic_processor_info */
void generic_processor_info(unsigned apicid, bool enabled)
{
	reset_apicid_map();
	if (!enabled) {
		disabled_cpus++;
		return;
	}
	num_processors++;
	if (apicid == x86_cpu_to_apicid[0]) {
		set_cpu_possible(0, true);
		set_cpu_present(0, true);
		return;
	}
	unsigned cpu = num_possible_cpus();
	if (cpu >= setup_possible_cpus) {
		pr_warn("APIC: NR_CPUS/possible_cpus limit of %u reached. Processor %u/0x%x ignored.\n",
		        setup_possible_cpus, num_processors - 1, apicid);
		return;
	}
	for (unsigned i = 0; i < cpu; i++)
		if (x86_cpu_to_apicid[i] == apicid) {
			pr_warn("APIC: duplicate APIC ID 0x%x in the MADT, ignored\n", apicid);
			return;
		}
	x86_cpu_to_apicid[cpu] = apicid;
	set_cpu_possible(cpu, true);
	set_cpu_present(cpu, true);
}

/* after the MADT: fix nr_cpu_ids (Linux: prefill_possible_map) */
void prefill_possible_map()
{
	reset_apicid_map();
	set_cpu_possible(0, true);
	set_cpu_present(0, true);
	unsigned possible = num_possible_cpus();
	/* nosmp / maxcpus=0: Linux keeps one possible CPU (the others stay
	 * out of every per-CPU array); maxcpus=N > 0 only limits the boot */
	if (!setup_max_cpus && possible > 1) {
		pr_warn("smpboot: %u Processors exceeds max_cpus limit of %u\n", possible, setup_max_cpus);
		for (unsigned cpu = 1; cpu < NR_CPUS; cpu++) {
			set_cpu_possible(cpu, false);
			set_cpu_present(cpu, false);
		}
		possible = 1;
	}
	nr_cpu_ids = 0;
	unsigned cpu;
	for_each_possible_cpu(cpu) nr_cpu_ids = cpu + 1;
	pr_info("smpboot: Allowing %u CPUs, 0 hotplug CPUs\n", possible);
}

/* setup_arch, before the low 1 MiB is reserved (Linux: reserve_real_mode) */
void reserve_real_mode()
{
	phys_addr_t p = memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, 0x1000, 0xA0000);
	if (!p) {
		pr_warn("smpboot: no free page below 640 KiB for the real-mode trampoline: no APs\n");
		return;
	}
	/* memblock_phys_alloc_range reserved it; this only names it in the log */
	if (memblock_reserve_named(p, PAGE_SIZE, "real-mode trampoline").is_ok())
		real_mode_page = p;
}

/*
 * Start one AP with the given APIC ID as logical CPU cpu; timeout_ms for
 * its sign of life.  EIO (reported) if it never answers, ENODEV without a
 * trampoline page, ENOMEM.  Also the entry point of the bad-input ktest,
 * which aims it at an APIC ID no CPU has.
 */
lib::Result<void> do_boot_cpu(unsigned apicid, int cpu, unsigned timeout_ms)
{
	if (!real_mode_page)
		return lib::Error{ENODEV};
	/* what can fail comes first: nothing may point at a half-made CPU */
	TRY(alloc_exception_stacks(unsigned(cpu)));
	uint64_t pgd = TRY(build_trampoline_pgd());
	lib::scope_exit undo_pgd([] { free_trampoline_pgd(); });
	struct task_struct* idle = TRY(fork_idle(cpu));
	undo_pgd.release(); /* the AP runs on them: freed once it is up */
	irq_init_percpu_irqstack(unsigned(cpu));
	struct pcpu_hot* hot = &pcpu_hot[cpu];
	hot->cpu_number = unsigned(cpu);
	hot->current_task = idle;
	hot->preempt_count = PREEMPT_ENABLED;
	hot->boot_stack = task_stack_top(idle);

	char* tramp = static_cast<char*>(__va(real_mode_page));
	size_t size = size_t(trampoline_end - trampoline_start);
	lib::memcpy(tramp, trampoline_start, size);
	auto field = [&](const void* sym) { return tramp + (static_cast<const char*>(sym) - trampoline_start); };
	*reinterpret_cast<uint32_t*>(field(&trampoline_cr3)) = uint32_t(pgd);
	*reinterpret_cast<uint32_t*>(field(&trampoline_efer)) = uint32_t(rdmsr(MSR_EFER) & ~(1ULL << 10)); /* not LMA */
	*reinterpret_cast<uint64_t*>(field(&trampoline_entry64)) = reinterpret_cast<uint64_t>(secondary_startup_64);
	__atomic_store_n(&cpu_callin, -1, __ATOMIC_SEQ_CST);
	__atomic_store_n(&smpboot_initial_gs, reinterpret_cast<uint64_t>(hot), __ATOMIC_SEQ_CST);

	uint32_t err = wakeup_secondary_cpu_via_init(apicid, real_mode_page);
	int boot_error = err ? int(err) : 0;
	if (!err) {
		uint64_t end = ktime_get_ns() + uint64_t(timeout_ms) * 1000000;
		while (!cpu_ready(cpu) && ktime_get_ns() < end)
			udelay(20);
		if (!cpu_ready(cpu)) {
			pr_err("smpboot: CPU%d (APIC ID 0x%x) did not start in %u ms, skipped\n", cpu, apicid,
			       timeout_ms);
			boot_error = -1; /* Linux's value for "no sign of life" */
		}
	}
	if (boot_error) {
		pr_err("smpboot: do_boot_cpu failed(%d) to wakeup CPU#%d\n", boot_error, cpu);
		/* a CPU that has not read its word yet halts when it does; one
		 * still in real mode is put back to waiting for a STARTUP */
		__atomic_store_n(&smpboot_initial_gs, 0, __ATOMIC_SEQ_CST);
		/* best effort: the CPU is given up on either way */
		apic_icr_write(APIC_INT_LEVELTRIG | APIC_INT_ASSERT | APIC_DM_INIT, apicid);
		(void)apic_wait_icr_idle();
		apic_icr_write(APIC_INT_LEVELTRIG | APIC_DM_INIT, apicid);
		(void)apic_wait_icr_idle();
		/* its idle task, stacks and trampoline tables are kept (a CPU
		 * that slipped through runs on them) */
		for (auto& p : tramp_pages)
			p = nullptr;
		return lib::Error{EIO};
	}
	/* the AP is on the kernel page table now: the trampoline's tables go */
	__atomic_store_n(&smpboot_initial_gs, 0, __ATOMIC_SEQ_CST);
	free_trampoline_pgd();
	return lib::ok();
}

/* kernel_init, before the scheduler's SMP set-up (Linux: smp_init) */
void smp_init()
{
	kernel_cr3 = read_cr3();
	smp_init_call_queues();
	pr_info("smp: Bringing up secondary CPUs ...\n");
	char line[256];
	int n = 0;
	bool any = false;
	unsigned cpu;
	for_each_present_cpu(cpu)
	{
		if (cpu == 0)
			continue;
		if (num_online_cpus() >= setup_max_cpus)
			break;
		if (!any) {
			pr_info("x86: Booting SMP configuration:\n");
			n = lib::snprintf(line, sizeof(line), ".... node  #0, CPUs:     ");
			any = true;
		}
		if (do_boot_cpu(x86_cpu_to_apicid[cpu], int(cpu), 10000).is_ok() && n < int(sizeof(line)) - 8)
			n += lib::snprintf(line + n, sizeof(line) - size_t(n),  " #%u", cpu);
	}
	if (any)
		pr_info("%s\n", line);
	unsigned online = num_online_cpus();
	pr_info("smp: Brought up 1 node, %u CPU%s\n", online, online == 1 ? "" : "s");
	unsigned long lpj = loops_per_jiffy * online;
	pr_info("smpboot: Total of %u processors activated (%lu.%02lu BogoMIPS)\n", online, lpj / (500000 / HZ),
	        (lpj / (5000 / HZ)) % 100);
}

/* the AP's first C++ code: %gs and the idle task's stack are set */
extern "C" [[noreturn]] void start_secondary()
{
	unsigned cpu = smp_processor_id();
	load_idt(); /* first: a fault from here on is an oops, not a triple fault */
	cpu_init_gdt_tss(cpu);
	write_cr3(kernel_cr3); /* off the trampoline's identity map */
	__flush_tlb_all();
	cpu_init(cpu); /* SYSCALL, SMEP/SMAP, FPU: as the boot CPU */
	setup_local_APIC();
	setup_secondary_APIC_clock();
	set_cpu_online(cpu, true);
	__atomic_store_n(&cpu_callin, int(cpu), __ATOMIC_RELEASE);
	local_irq_enable();
	cpu_startup_entry();
}
