/*
 * TEST-ONLY helpers: user pages in init_top_pgt's lower half and a task
 * that runs there in ring 3 (see user_test_helpers.h for why they exist
 * and that they go away when the mm work merges).
 *
 * Data structures: mapped[] and tables[], the pages and page-table pages
 * this file put in the lower half, so unmap_all() can take them back;
 * struct user_task, on the waiting test's stack from start() to wait().
 *
 * Invariants: every level of the path to a user page has _PAGE_USER (the
 * CPU ANDs U/S down the walk); the upper half is never touched.
 *
 * Lock order: none (one test at a time).
 */
#include "user_test_helpers.h"
#include <arch/page.h>
#include <arch/pgtable.h>
#include <kernel/completion.h>
#include <kernel/entry-common.h>
#include <kernel/exit.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/task.h>
#include <kernel/sched/task_stack.h>
#include <lib/string.h>
#include <mm/page_alloc.h>
#include <uapi/asm-generic/errno-base.h>
#include <uapi/asm-generic/signal.h>
#include <uapi/linux/sched.h>

extern "C" uint64_t init_top_pgt[];

namespace user_test
{
namespace
{
constexpr unsigned MAX_PAGES = 32;
constexpr unsigned MAX_TABLES = 32;
constexpr uint64_t PFN_MASK = 0x000ffffffffff000ULL;

struct mapping {
	uintptr_t addr;
	unsigned long page; /* direct-map address */
};
mapping mapped[MAX_PAGES];
unsigned nr_mapped;
unsigned long tables[MAX_TABLES];
unsigned nr_tables;

/* the table an entry points to, made (with _PAGE_USER) if missing */
lib::Result<uint64_t*> next_level(uint64_t* entry)
{
	if (!(*entry & _PAGE_PRESENT)) {
		if (nr_tables == MAX_TABLES)
			return lib::Error{ENOMEM};
		unsigned long t = get_zeroed_page(GFP_KERNEL);
		if (!t)
			return lib::Error{ENOMEM};
		tables[nr_tables++] = t;
		*entry = __pa(reinterpret_cast<void*>(t)) | _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED;
	}
	return static_cast<uint64_t*>(__va(*entry & PFN_MASK));
}

lib::Result<uint64_t*> pte_of(uintptr_t addr)
{
	uint64_t* pud = TRY(next_level(&init_top_pgt[(addr >> PGDIR_SHIFT) & 511]));
	uint64_t* pmd = TRY(next_level(&pud[(addr >> PUD_SHIFT) & 511]));
	uint64_t* pt = TRY(next_level(&pmd[(addr >> PMD_SHIFT) & 511]));
	return &pt[(addr >> PAGE_SHIFT) & 511];
}

int user_thread(void* arg)
{
	auto* ut = static_cast<user_task*>(arg);
	wait_for_completion(&ut->go); /* until the test holds a reference */
	if (fpstate_alloc_init(current).is_err())
		do_exit(SIGKILL);
	start_thread(current_pt_regs(), ut->ip, ut->sp);
	return 0; /* -> ret_from_fork -> user mode */
}
} // namespace

lib::Result<void> map_page(uintptr_t addr, const void* bytes, size_t len, bool writable, bool exec)
{
	if ((addr & ~PAGE_MASK) || addr >= (1UL << 47) || len > PAGE_SIZE || nr_mapped == MAX_PAGES)
		return lib::Error{EINVAL};
	uint64_t* pte = TRY(pte_of(addr));
	if (*pte & _PAGE_PRESENT)
		return lib::Error{EINVAL};
	unsigned long page = get_zeroed_page(GFP_KERNEL);
	if (!page)
		return lib::Error{ENOMEM};
	if (len)
		lib::memcpy(reinterpret_cast<void*>(page), bytes, len);
	*pte = __pa(reinterpret_cast<void*>(page)) | _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY |
	       (writable ? _PAGE_RW : 0) | (exec ? 0 : _PAGE_NX);
	mapped[nr_mapped++] = {addr, page};
	return lib::ok();
}

void* kernel_view(uintptr_t addr)
{
	for (unsigned i = 0; i < nr_mapped; i++)
		if (mapped[i].addr == (addr & PAGE_MASK))
			return reinterpret_cast<void*>(mapped[i].page + (addr & ~PAGE_MASK));
	return nullptr;
}

void unmap_all()
{
	for (unsigned i = 0; i < nr_mapped; i++)
		*pte_of(mapped[i].addr).value() = 0; /* the tables exist: no allocation */
	for (unsigned i = 0; i < 256; i++)
		init_top_pgt[i] = 0;          /* only this file maps the lower half */
	flush_tlb_kernel_range(0, 1UL << 47); /* above the single-page ceiling: a full flush everywhere */
	for (unsigned i = 0; i < nr_mapped; i++)
		free_page(mapped[i].page);
	for (unsigned i = 0; i < nr_tables; i++)
		free_page(tables[i]);
	nr_mapped = nr_tables = 0;
}

lib::Result<void> start(user_task& ut, uintptr_t ip, uintptr_t sp, const char* comm, int cpu)
{
	ut.ip = ip;
	ut.sp = sp;
	init_completion(&ut.go);
	init_completion(&ut.done);
	pid_t pid = TRY(user_mode_thread(user_thread, &ut, CLONE_FS | CLONE_FILES));
	ut.task = find_get_task_by_vpid(pid); /* it waits for ut.go: still there */
	set_task_comm(ut.task, comm);
	ut.task->vfork_done = &ut.done;
	if (cpu >= 0) {
		struct cpumask mask = cpumask_of(unsigned(cpu));
		if (set_cpus_allowed_ptr(ut.task, &mask).is_err())
			pr_warn("user_test: cannot bind %s to CPU %d\n", comm, cpu);
	}
	complete(&ut.go);
	return lib::ok();
}

int wait(user_task& ut)
{
	wait_for_completion(&ut.done);
	int code = ut.task->exit_code;
	put_task_struct(ut.task);
	ut.task = nullptr;
	return code;
}

lib::Result<int> run(uintptr_t ip, uintptr_t sp, const char* comm)
{
	user_task ut;
	TRY(start(ut, ip, sp, comm));
	return wait(ut);
}
} // namespace user_test
