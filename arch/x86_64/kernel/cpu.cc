/*
 * Per-CPU GDT and TSS (Linux: arch/x86/kernel/cpu/common.c cpu_init,
 * gdt_page, cpu_tss_rw; exception stacks from cpu_entry_area).
 *
 * The GDT holds Linux's selectors (__KERNEL_CS 0x10, __USER_CS 0x33 ...)
 * and the 16-byte TSS descriptor at 0x40.  The TSS's interrupt stack table
 * gives the double fault, NMI, machine check and debug exceptions their own
 * stacks, so a kernel stack overflow still gets a report.
 * Per CPU, as Linux's gdt_page and cpu_tss_rw: gdt_pages[cpu], cpu_tss[cpu]
 * (static, 128 + 104 bytes each); the boot CPU's exception stacks are
 * static (it needs them before any allocator), an AP's are vmalloc'ed by
 * the boot CPU before the AP starts (alloc_exception_stacks), one vmalloc
 * area per stack, so each has an unmapped page below it.
 *
 * get_stack_bounds() names the stacks the unwinder may walk: the running
 * task's kernel stack (current->stack, THREAD_SIZE bytes; init_stack for
 * the boot task), the IRQ stacks and the exception stacks, and, while
 * show_stack() walks a sleeping task, that task's stack (stack_walk_task;
 * set and cleared by the walker, one walk at a time).
 * cpu_init() (every CPU, Linux: cpu_init/syscall_init/setup_smep/
 * setup_smap/fpu__init_cpu) makes a CPU ready for user mode: SYSCALL's
 * MSRs (STAR with Linux's selectors, LSTAR = entry_SYSCALL_64, CSTAR =
 * ignore_sysret, SYSCALL_MASK = TF DF IF IOPL AC NT, EFER.SCE), SMEP and
 * SMAP when CPUID has them, the FPU (fpu/init.cc).  NX is on since the
 * first page tables (head.S, the AP trampoline), when the CPU has it.
 * get_stack_guard_info() tells whether an address lies in the unmapped
 * page just below current's stack (Linux: get_stack_guard_info in
 * asm/stacktrace.h): a task stack from vmalloc has no mapping there, so
 * running off its bottom faults (VMAP_STACK).
 */
#include <arch/desc.h>
#include <arch/fpu.h>
#include <arch/hardirq.h>
#include <arch/smap.h>
#include <arch/page.h>
#include <arch/current.h>
#include <arch/processor.h>
#include <cstddef>
#include <kernel/sched.h>
#include <mm/vmalloc.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
constexpr uint64_t gdt_template[] = {
    0,
    0x00cf9b000000ffff, /* __KERNEL32_CS */
    0x00af9b000000ffff, /* __KERNEL_CS: 64-bit, DPL 0 */
    0x00cf93000000ffff, /* __KERNEL_DS */
    0x00cffb000000ffff, /* __USER32_CS */
    0x00cff3000000ffff, /* __USER_DS */
    0x00affb000000ffff, /* __USER_CS: 64-bit, DPL 3 */
};
struct alignas(64) gdt_page_t { /* a cache line or two per CPU, not Linux's page: no cpu_entry_area */
	uint64_t gdt[GDT_ENTRIES];
};
gdt_page_t gdt_pages[NR_CPUS];
x86_hw_tss cpu_tss[NR_CPUS];
alignas(16) char boot_exception_stacks[N_EXCEPTION_STACKS][EXCEPTION_STKSZ];
/* cpu's exception stacks, EXCEPTION_STKSZ bytes each */
char* exception_stacks[NR_CPUS][N_EXCEPTION_STACKS] = {
    {boot_exception_stacks[0], boot_exception_stacks[1], boot_exception_stacks[2], boot_exception_stacks[3]}};
static_assert(N_EXCEPTION_STACKS == 4);
/* Linux's stack_type_name: the Call Trace shows <#DF> ... </#DF> */
const char* const exception_stack_names[N_EXCEPTION_STACKS] = {"#DF", "NMI", "#MC", "#DB"};

struct [[gnu::packed]] desc_ptr {
	uint16_t size;
	uint64_t address;
};
} // namespace

extern "C" char init_stack[];

lib::Result<void> alloc_exception_stacks(unsigned cpu)
{
	/* one vmalloc area each: each gets its unmapped page below (Linux's
	 * cpu_entry_area guard pages between the IST stacks) */
	for (auto& stack : exception_stacks[cpu]) {
		if (!stack)
			stack = static_cast<char*>(vmalloc(EXCEPTION_STKSZ));
		if (!stack)
			return lib::Error{ENOMEM};
	}
	return lib::ok();
}

x86_hw_tss* cpu_tss_of(unsigned cpu)
{
	return &cpu_tss[cpu];
}

void cpu_init_gdt_tss(unsigned cpu)
{
	x86_hw_tss& tss = cpu_tss[cpu];
	uint64_t* gdt_page = gdt_pages[cpu].gdt;
	for (unsigned i = 0; i < sizeof(gdt_template) / sizeof(gdt_template[0]); i++)
		gdt_page[i] = gdt_template[i];
	for (int i = 0; i < N_EXCEPTION_STACKS; i++)
		tss.ist[i] = reinterpret_cast<uint64_t>(exception_stacks[cpu][i] + EXCEPTION_STKSZ);
	tss.io_bitmap_base = sizeof(x86_hw_tss); /* no I/O bitmap */

	uint64_t base = reinterpret_cast<uint64_t>(&tss);
	uint64_t limit = sizeof(x86_hw_tss) - 1;
	/* 64-bit available TSS (type 9), present */
	gdt_page[GDT_ENTRY_TSS] = (limit & 0xffff) | ((base & 0xffffff) << 16) | (0x89ULL << 40) |
	                          (((limit >> 16) & 0xf) << 48) | (((base >> 24) & 0xff) << 56);
	gdt_page[GDT_ENTRY_TSS + 1] = base >> 32;
	/* the CPU number for the vDSO's getcpu (Linux: setup_getcpu): a
	 * read-only data segment, DPL 3, base 0, the limit holding the number
	 * (node 0: CPUs are not yet mapped to nodes) */
	uint64_t cpunode = cpu & VDSO_CPUNODE_MASK;
	gdt_page[GDT_ENTRY_CPUNODE] = (cpunode & 0xffff) | (0xf5ULL << 40) | (((cpunode >> 16) & 0xf) << 48) |
	                              (0x4ULL << 52);

	desc_ptr gdtr{sizeof(gdt_pages[cpu]) - 1, reinterpret_cast<uint64_t>(gdt_page)};
	asm volatile("lgdt %0" ::"m"(gdtr));
	/* reload CS with a far return, then the data segments */
	asm volatile("pushq %0\n\t"
	             "leaq 1f(%%rip), %%rax\n\t"
	             "pushq %%rax\n\t"
	             "lretq\n"
	             "1:\n\t"
	             "movl %1, %%eax\n\t"
	             "movl %%eax, %%ds\n\t"
	             "movl %%eax, %%es\n\t"
	             "movl %%eax, %%ss\n\t"
	             :
	             : "i"(__KERNEL_CS), "i"(__KERNEL_DS)
	             : "rax", "memory");
	asm volatile("ltr %w0" ::"r"(GDT_ENTRY_TSS * 8));
}

void setup_percpu_gs(unsigned cpu)
{
	pcpu_hot[cpu].cpu_number = cpu;
	wrmsr(MSR_GS_BASE, reinterpret_cast<uint64_t>(&pcpu_hot[cpu]));
}

uintptr_t exception_stack_top(int ist_index)
{
	return reinterpret_cast<uintptr_t>(exception_stacks[raw_smp_processor_id()][ist_index] + EXCEPTION_STKSZ);
}

bool get_stack_guard_info(uintptr_t addr, uintptr_t* lo, uintptr_t* hi, const char** name)
{
	const struct task_struct* tsk = current;
	if (!tsk || !tsk->stack)
		return false;
	uintptr_t s = reinterpret_cast<uintptr_t>(tsk->stack);
	if (addr >= s || addr < s - PAGE_SIZE)
		return false;
	*lo = s;
	*hi = s + THREAD_SIZE;
	*name = "TASK";
	return true;
}

const struct task_struct* stack_walk_task;

bool get_stack_bounds(uintptr_t sp, uintptr_t* lo, uintptr_t* hi, const char** name)
{
	auto in = [&](const char* base, size_t size, const char* n) {
		uintptr_t b = reinterpret_cast<uintptr_t>(base);
		if (sp >= b && sp < b + size) {
			*lo = b;
			*hi = b + size;
			*name = n;
			return true;
		}
		return false;
	};
	const struct task_struct* tsk = current;
	if (tsk && tsk->stack && in(static_cast<const char*>(tsk->stack), THREAD_SIZE, "TASK"))
		return true;
	if (in(init_stack, THREAD_SIZE, "TASK"))
		return true;
	/* a sleeping task's stack, while show_stack walks it */
	const struct task_struct* w = stack_walk_task;
	if (w && w->stack && in(static_cast<const char*>(w->stack), THREAD_SIZE, "TASK"))
		return true;
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++) {
		uintptr_t l, h;
		if (irq_stack_bounds(cpu, &l, &h) && in(reinterpret_cast<const char*>(l), h - l, "IRQ"))
			return true;
	}
	for (unsigned cpu = 0; cpu < NR_CPUS; cpu++)
		for (int i = 0; i < N_EXCEPTION_STACKS; i++)
			if (exception_stacks[cpu][i] &&
			    in(exception_stacks[cpu][i], EXCEPTION_STKSZ, exception_stack_names[i]))
				return true;
	return false;
}

/* TSS.sp0: the stack an interrupt from user mode lands on (Linux:
 * update_task_stack, called by __switch_to) */
void update_task_stack(uintptr_t sp0)
{
	cpu_tss[smp_processor_id()].sp0 = sp0; /* called with interrupts off (switch_to) */
}

extern "C" char entry_SYSCALL_64[], ignore_sysret[];
bool x86_smap_enabled;
bool x86_smep_enabled;

namespace
{
constexpr uint32_t CPUID_7_EBX_SMEP = 1u << 7;
constexpr uint32_t CPUID_7_EBX_SMAP = 1u << 20;

void syscall_init()
{
	/* SYSCALL: CS = __KERNEL_CS, SS = __KERNEL_CS + 8; SYSRET to 64-bit
	 * mode: CS = __USER32_CS + 16 = __USER_CS, SS = __USER32_CS + 8 =
	 * __USER_DS (the GDT's order is made for this) */
	wrmsr(MSR_STAR, (uint64_t(__USER32_CS) << 48) | (uint64_t(__KERNEL_CS) << 32));
	wrmsr(MSR_LSTAR, reinterpret_cast<uint64_t>(entry_SYSCALL_64));
	/* no IA32 emulation: a SYSCALL from compatibility mode gets -ENOSYS */
	wrmsr(MSR_CSTAR, reinterpret_cast<uint64_t>(ignore_sysret));
	wrmsr(MSR_SYSCALL_MASK,
	      X86_EFLAGS_TF | X86_EFLAGS_DF | X86_EFLAGS_IF | X86_EFLAGS_IOPL | X86_EFLAGS_AC | X86_EFLAGS_NT);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

void setup_smep_smap(bool boot_cpu)
{
	uint32_t ebx = cpuid(0).eax >= 7 ? cpuid(7, 0).ebx : 0;
	if (boot_cpu) {
		x86_smep_enabled = ebx & CPUID_7_EBX_SMEP;
		x86_smap_enabled = ebx & CPUID_7_EBX_SMAP;
	}
	uint64_t cr4 = read_cr4();
	if (x86_smep_enabled)
		cr4 |= X86_CR4_SMEP;
	if (x86_smap_enabled)
		cr4 |= X86_CR4_SMAP;
	write_cr4(cr4);
	/* the kernel runs with AC clear: no user access outside stac/clac */
	if (x86_smap_enabled)
		asm volatile("clac" ::: "memory");
}
} // namespace

void cpu_init(unsigned cpu)
{
	if (cpu == 0)
		fpu__init_system();
	syscall_init();
	setup_smep_smap(cpu == 0);
	fpu__init_cpu();
}
