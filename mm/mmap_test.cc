/*
 * ktests for process address spaces: mm_alloc/mmput, mmap/munmap/brk
 * with exact VMA lists, demand paging, the zero page and copy-on-write
 * (through get_user_pages_remote and, in one place, by touching user
 * addresses directly from a kernel thread that uses the mm), stack
 * growth and its guard gap, errnos, and nothing leaked afterwards.
 *
 * The tests run in kernel_init (a kernel thread): kthread_use_mm makes
 * the test's mm current's, so vm_mmap & co. work on it.
 *
 * DIRECT USER ACCESS lives only in direct_access() below: once SMAP is on,
 * such an access outside stac/clac faults by design (the lead wraps it).
 */
#include <arch/mmu_context.h>
#include <arch/processor.h>
#include <kernel/irqflags.h>
#include <arch/smap.h>
#include <kernel/ktest.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <lib/string.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <uapi/linux/mman.h>
#include "internal.h"
#include <kernel/kthread.h>
#include <kernel/completion.h>

extern "C" long __x64_sys_brk(const struct pt_regs*);
extern "C" long __x64_sys_munmap(const struct pt_regs*);
extern "C" long __x64_sys_mmap(const struct pt_regs*);

namespace
{
constexpr unsigned long P = PAGE_SIZE;

/* current's active mm goes back to init_mm, so the test's mm is freed now
 * rather than at the next switch to a user task (lazy TLB) */
void unlazy()
{
	unsigned long flags = arch_local_irq_save();
	struct mm_struct* active = current->active_mm;
	if (active == &init_mm) {
		arch_local_irq_restore(flags);
		return;
	}
	mmgrab(&init_mm);
	current->active_mm = &init_mm;
	switch_mm_irqs_off(active, &init_mm, current);
	arch_local_irq_restore(flags);
	mmdrop(active);
}

/* an mm the test thread works in, pinned to this CPU while it does */
struct test_mm {
	struct mm_struct* mm;
	struct cpumask saved;
	explicit test_mm()
	{
		saved = current->cpus_mask;
		struct cpumask here = cpumask_of(smp_processor_id());
		(void)set_cpus_allowed_ptr(current, &here);
		mm = mm_alloc();
		if (mm) {
			kthread_use_mm(mm);
			arch_pick_mmap_layout(mm);
		}
	}
	~test_mm()
	{
		if (mm) {
			kthread_unuse_mm(mm);
			mmput(mm);
			unlazy();
		}
		(void)set_cpus_allowed_ptr(current, &saved);
	}
};

unsigned long active_objs(struct kmem_cache* s)
{
	struct slabinfo info;
	kmem_cache_shrink(s);
	get_slabinfo(s, &info);
	return info.active_objs;
}

struct footprint {
	unsigned long free_pages, mms, vmas;
	static footprint now()
	{
		ktest_quiesce();
		footprint f;
		f.mms = active_objs(mm_cachep);
		f.vmas = active_objs(vm_area_cachep);
		drain_all_pages();
		f.free_pages = nr_free_pages();
		return f;
	}
};

/* the VMAs of mm as [start, end) pairs, in order */
int vma_list(struct mm_struct* mm, unsigned long (*out)[2], int max)
{
	int n = 0;
	for (struct vm_area_struct* v = mm->mmap; v && n < max; v = v->vm_next, n++) {
		out[n][0] = v->vm_start;
		out[n][1] = v->vm_end;
	}
	return n;
}

lib::Result<unsigned long> map_anon(unsigned long addr, unsigned long len, unsigned long prot, unsigned long flags)
{
	return vm_mmap(nullptr, addr, len, prot, flags | MAP_ANONYMOUS, 0);
}

/* the page mapped at addr, with a reference (or nullptr) */
struct page* gup(struct mm_struct* mm, unsigned long addr, unsigned flags)
{
	struct page* page = nullptr;
	mmap_read_guard g(mm);
	if (get_user_pages_remote(mm, addr, 1, flags, &page, nullptr, nullptr).is_err())
		return nullptr;
	return page;
}

struct pt_regs regs_of(unsigned long a0, unsigned long a1 = 0, unsigned long a2 = 0, unsigned long a3 = 0,
                       unsigned long a4 = 0, unsigned long a5 = 0)
{
	struct pt_regs r = {};
	r.di = a0;
	r.si = a1;
	r.dx = a2;
	r.r10 = a3;
	r.r8 = a4;
	r.r9 = a5;
	return r;
}

/* The one place that dereferences user addresses directly (see the header). */
void direct_access(unsigned long addr, uint32_t value, uint32_t* read_back)
{
	volatile uint32_t* p = reinterpret_cast<volatile uint32_t*>(addr);
	stac(); /* with SMAP, a kernel access to user memory must say so */
	*p = value;
	*read_back = *p;
	clac();
}
/* ... and the TLB-shootdown reader's: load addr's translation into this
 * CPU's TLB, wait (not touching addr: a kernel fault on a user address
 * while another CPU holds mmap_lock is an oops, as in Linux) until the
 * page was replaced, and read again: a stale TLB entry would still see
 * the old page */
uint32_t read_until(unsigned long addr, int* phase, uint32_t* first)
{
	volatile uint32_t* p = reinterpret_cast<volatile uint32_t*>(addr);
	stac();
	*first = *p;
	clac();
	__atomic_store_n(phase, 1, __ATOMIC_SEQ_CST);
	while (__atomic_load_n(phase, __ATOMIC_SEQ_CST) == 1)
		cpu_relax();
	stac();
	uint32_t v = *p;
	clac();
	return v;
}
} // namespace

KTEST(mm, alloc_and_free_give_everything_back)
{
	footprint before = footprint::now();
	{
		test_mm t;
		KASSERT_TRUE(t.mm != nullptr);
		KEXPECT_EQ(t.mm->mm_users.load(), 1);
		/* the kernel half is init_top_pgt's, the user half empty */
		for (unsigned i = 0; i < 256; i++)
			KEXPECT_EQ(t.mm->pgd[i], 0u);
		for (unsigned i = 256; i < 512; i++)
			KEXPECT_EQ(t.mm->pgd[i], init_top_pgt[i]);
		unsigned long a = map_anon(0, 64 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_POPULATE).value_or(0);
		KEXPECT_NE(a, 0u);
		KEXPECT_EQ(get_mm_counter(t.mm, MM_ANONPAGES), 64u);
		KEXPECT_GT(t.mm->pgtables_bytes.load(), 0);
	}
	footprint after = footprint::now();
	KEXPECT_EQ(after.mms, before.mms);
	KEXPECT_EQ(after.vmas, before.vmas);
	KEXPECT_EQ(after.free_pages, before.free_pages);
}

/* munmap gives back the pages and the page-table pages (free_pgtables
 * between the neighbours), so many cycles leave the free count where it
 * was; shared anonymous memory (shmem) gives back its file and pages */
KTEST(mm, map_unmap_cycles_leak_nothing)
{
	{ /* warm up: the slab caches a shmem file uses get their pages now */
		test_mm w;
		KASSERT_TRUE(w.mm != nullptr);
		unsigned long s = map_anon(0, P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE).value_or(0);
		KASSERT_NE(s, 0u);
		KASSERT_OK(vm_munmap(s, P));
	}
	footprint before = footprint::now();
	{
		test_mm t;
		KASSERT_TRUE(t.mm != nullptr);
		struct mm_struct* mm = t.mm;
		/* a neighbour that stays, sharing a PTE table with the first range */
		KASSERT_EQ(map_anon(0x40000000 - P, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE)
		               .value_or(0),
		           0x40000000u - P);
		long tables = mm->pgtables_bytes.load();
		long files = nr_files();
		for (int i = 0; i < 100; i++) {
			/* each range in its own PUD (1 GiB) and PMD: new tables each time */
			unsigned long a = 0x40000000UL + (unsigned long)(i % 7) * (1UL << 30) + (unsigned long)(i % 5) * (2UL << 20);
			KASSERT_EQ(map_anon(a, 16 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_POPULATE).value_or(0),
			           a);
			unsigned long s = map_anon(0, 8 * P, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE).value_or(0);
			KASSERT_NE(s, 0u);
			KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 17u);
			KASSERT_OK(vm_munmap(a, 16 * P));
			KASSERT_OK(vm_munmap(s, 8 * P));
			KEXPECT_EQ(mm->pgtables_bytes.load(), tables); /* the tables only those used are gone */
		}
		KEXPECT_EQ(nr_files(), files);
		KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u);
		KEXPECT_EQ(validate_mm(mm), 0);
	}
	footprint after = footprint::now();
	KEXPECT_EQ(after.mms, before.mms);
	KEXPECT_EQ(after.vmas, before.vmas);
	KEXPECT_EQ(after.free_pages, before.free_pages);
}

KTEST(mm, mmap_munmap_split_and_merge)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long base = 0x10000000;
	KASSERT_EQ(map_anon(base, 8 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), base);
	unsigned long v[8][2];
	KASSERT_EQ(vma_list(mm, v, 8), 1);
	KEXPECT_EQ(v[0][0], base);
	KEXPECT_EQ(v[0][1], base + 8 * P);
	KEXPECT_EQ(mm->total_vm, 8u);
	KEXPECT_EQ(mm->data_vm, 8u);
	/* a hole in the middle splits it */
	KASSERT_OK(vm_munmap(base + 3 * P, 2 * P));
	KASSERT_EQ(vma_list(mm, v, 8), 2);
	KEXPECT_EQ(v[0][1], base + 3 * P);
	KEXPECT_EQ(v[1][0], base + 5 * P);
	KEXPECT_EQ(v[1][1], base + 8 * P);
	KEXPECT_EQ(mm->total_vm, 6u);
	KEXPECT_EQ(mm->map_count, 2);
	/* filling it with the same flags merges all three into one */
	KASSERT_EQ(map_anon(base + 3 * P, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0),
	           base + 3 * P);
	KASSERT_EQ(vma_list(mm, v, 8), 1);
	KEXPECT_EQ(v[0][0], base);
	KEXPECT_EQ(v[0][1], base + 8 * P);
	/* different flags next to it: no merge */
	KASSERT_EQ(map_anon(base + 8 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), base + 8 * P);
	KEXPECT_EQ(vma_list(mm, v, 8), 2);
	/* MAP_FIXED over the middle replaces it: three VMAs */
	KASSERT_EQ(map_anon(base + 2 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), base + 2 * P);
	KASSERT_EQ(vma_list(mm, v, 8), 4);
	KEXPECT_EQ(v[1][0], base + 2 * P);
	KEXPECT_EQ(v[1][1], base + 3 * P);
	KEXPECT_EQ(validate_mm(mm), 0);
	/* top-down: a hintless mapping lands just below mmap_base */
	unsigned long a = map_anon(0, 4 * P, PROT_READ, MAP_PRIVATE).value_or(0);
	KEXPECT_EQ(a, mm->mmap_base - 4 * P);
	unsigned long b = map_anon(0, 4 * P, PROT_READ, MAP_PRIVATE).value_or(0);
	KEXPECT_EQ(b, a - 4 * P);
	/* munmap across several VMAs */
	KASSERT_OK(vm_munmap(base, 16 * P));
	KEXPECT_EQ(find_vma(mm, base), mm->mmap->vm_start == b ? mm->mmap : nullptr);
	KEXPECT_EQ(mm->map_count, 1); /* a and b merged */
}

KTEST(mm, errnos)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	KEXPECT_ERR(map_anon(0, 0, PROT_READ, MAP_PRIVATE), EINVAL);
	KEXPECT_ERR(map_anon(0x10000001, P, PROT_READ, MAP_PRIVATE | MAP_FIXED), EINVAL);
	KEXPECT_ERR(map_anon(0, P, PROT_READ, 0), EINVAL);          /* no MAP_TYPE */
	KEXPECT_ERR(map_anon(0, P, PROT_READ, MAP_TYPE), EINVAL);   /* 0xf */
	KEXPECT_ERR(map_anon(0, P, PROT_READ, MAP_SHARED_VALIDATE), EINVAL); /* anonymous: as Linux 6.1 */
	KEXPECT_ERR(map_anon(0, P, PROT_READ, MAP_SHARED | MAP_GROWSDOWN), EINVAL);
	KEXPECT_ERR(map_anon(0, ~0UL - P, PROT_READ, MAP_PRIVATE), ENOMEM);
	KEXPECT_ERR(map_anon(TASK_SIZE_MAX - P, 2 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED), ENOMEM);
	KEXPECT_ERR(vm_mmap(nullptr, 0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, 1), EINVAL); /* unaligned offset */
	KASSERT_EQ(map_anon(0x20000000, 2 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), 0x20000000u);
	KEXPECT_ERR(map_anon(0x20000000 + P, 2 * P, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE), EEXIST);
	KEXPECT_EQ(map_anon(0x20000000 + 2 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED_NOREPLACE).value_or(0),
	           0x20000000u + 2 * P);
	KEXPECT_ERR(vm_munmap(0x20000001, P), EINVAL);
	KEXPECT_ERR(vm_munmap(0x20000000, 0), EINVAL);
	KEXPECT_ERR(vm_munmap(TASK_SIZE_MAX, P), EINVAL);
	KEXPECT_OK(vm_munmap(0x30000000, P)); /* nothing there: fine */
	/* the system calls' boundary: -errno */
	struct pt_regs r = regs_of(0x20000001, P);
	KEXPECT_EQ(__x64_sys_munmap(&r), -EINVAL);
	r = regs_of(0, P, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, ~0UL, 123);
	KEXPECT_EQ(__x64_sys_mmap(&r), -EINVAL);
	r = regs_of(0, P, PROT_READ, MAP_PRIVATE, 3, 0);
	KEXPECT_EQ(__x64_sys_mmap(&r), -EBADF); /* a file: no VFS yet */
	/* vm.max_map_count: a split past it is ENOMEM */
	int saved = sysctl_max_map_count;
	sysctl_max_map_count = mm->map_count;
	KEXPECT_ERR(vm_munmap(0x20000000 + P, P), ENOMEM);
	/* a new VMA at the limit is refused only above it (do_mmap's check, Linux's) */
	sysctl_max_map_count = mm->map_count - 1;
	KEXPECT_ERR(map_anon(0x40000000, P, PROT_READ, MAP_PRIVATE | MAP_FIXED), ENOMEM);
	sysctl_max_map_count = saved;
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, demand_zero_zero_page_then_cow)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	unsigned long a = map_anon(0, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE).value_or(0);
	KASSERT_NE(a, 0u);
	KEXPECT_EQ(get_mm_rss(mm), 0u);
	/* a read maps the shared zero page */
	struct page* z = gup(mm, a, 0);
	KASSERT_TRUE(z != nullptr);
	KEXPECT_TRUE(is_zero_page(z));
	KEXPECT_EQ(get_mm_rss(mm), 0u);
	put_page(z);
	/* a write replaces it with a zeroed private page */
	struct page* p = gup(mm, a, FOLL_WRITE);
	KASSERT_TRUE(p != nullptr);
	KEXPECT_FALSE(is_zero_page(p));
	KEXPECT_TRUE(PageAnon(p));
	KEXPECT_EQ(page_mapcount(p), 1);
	KEXPECT_EQ(page_ref_count(p), 2); /* the mapping's and ours */
	KEXPECT_EQ(static_cast<unsigned char*>(page_address(p))[100], 0);
	put_page(p);
	KEXPECT_EQ(page_ref_count(p), 1);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u);
	/* the sole owner writes again: the same page */
	struct page* p2 = gup(mm, a, FOLL_WRITE);
	KEXPECT_EQ(p2, p);
	put_page(p2);
	/* write and read bytes through access_remote_vm */
	char msg[] = "hello, user page";
	KEXPECT_EQ(access_remote_vm(mm, a + P - 5, msg, sizeof(msg), FOLL_WRITE), int(sizeof(msg)));
	char back[sizeof(msg)] = {};
	KEXPECT_EQ(access_remote_vm(mm, a + P - 5, back, sizeof(back), 0), int(sizeof(back)));
	KEXPECT_STREQ(back, msg);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 2u);
	/* nothing mapped there: EFAULT */
	KEXPECT_EQ(access_remote_vm(mm, a + 4 * P, back, 4, 0), 0);
	/* PROT_READ only: a write through gup fails, FOLL_FORCE copies */
	unsigned long ro = map_anon(0, P, PROT_READ, MAP_PRIVATE).value_or(0);
	KEXPECT_TRUE(gup(mm, ro, FOLL_WRITE) == nullptr);
	struct page* f = gup(mm, ro, FOLL_WRITE | FOLL_FORCE);
	KEXPECT_TRUE(f != nullptr && !is_zero_page(f));
	if (f)
		put_page(f);
	/* MADV_DONTNEED-style zap: the page goes, a read sees zeroes again */
	{
		mmap_read_guard g(mm);
		zap_page_range(find_vma(mm, a), a, a + 4 * P);
	}
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u); /* the FOLL_FORCE copy in ro */
	KEXPECT_EQ(access_remote_vm(mm, a + P - 5, back, sizeof(back), 0), int(sizeof(back)));
	KEXPECT_EQ(back[0], 0);
}

KTEST(mm, cow_after_dup_mm)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* parent = t.mm;
	footprint before = footprint::now();
	long tables_before = parent->pgtables_bytes.load();
	unsigned long a = map_anon(0, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE).value_or(0);
	KASSERT_NE(a, 0u);
	uint64_t one = 0x1111, two = 0x2222, three = 0x3333, v = 0;
	KASSERT_EQ(access_remote_vm(parent, a, &one, 8, FOLL_WRITE), 8);
	struct mm_struct* child = dup_mm(current, parent).value_or(nullptr);
	KASSERT_TRUE(child != nullptr);
	KEXPECT_EQ(child->map_count, 1);
	KEXPECT_EQ(child->total_vm, parent->total_vm);
	struct page* pp = gup(parent, a, 0);
	struct page* cp = gup(child, a, 0);
	KASSERT_TRUE(pp != nullptr && cp != nullptr);
	KEXPECT_EQ(pp, cp); /* shared until someone writes */
	KEXPECT_EQ(page_mapcount(pp), 2);
	KEXPECT_EQ(page_ref_count(pp), 4); /* two mappings, two gup references */
	put_page(pp);
	put_page(cp);
	/* the child writes: it gets its own copy */
	KASSERT_EQ(access_remote_vm(child, a, &two, 8, FOLL_WRITE), 8);
	cp = gup(child, a, 0);
	KASSERT_TRUE(cp != nullptr);
	KEXPECT_NE(cp, pp);
	KEXPECT_EQ(page_mapcount(cp), 1);
	KEXPECT_EQ(page_mapcount(pp), 1);
	KEXPECT_EQ(page_ref_count(pp), 1);
	put_page(cp);
	/* the parent, now the sole owner, writes into the same page */
	KASSERT_EQ(access_remote_vm(parent, a, &three, 8, FOLL_WRITE), 8);
	struct page* pp2 = gup(parent, a, 0);
	KEXPECT_EQ(pp2, pp);
	if (pp2)
		put_page(pp2);
	KEXPECT_EQ(access_remote_vm(parent, a, &v, 8, 0), 8);
	KEXPECT_EQ(v, three);
	KEXPECT_EQ(access_remote_vm(child, a, &v, 8, 0), 8);
	KEXPECT_EQ(v, two);
	/* the page neither wrote is the zero page in both */
	struct page* z = gup(child, a + P, 0);
	KEXPECT_TRUE(z && is_zero_page(z));
	mmput(child);
	KASSERT_OK(vm_munmap(a, 2 * P));
	footprint after = footprint::now();
	KEXPECT_EQ(after.vmas, before.vmas);
	KEXPECT_EQ(after.mms, before.mms);
	/* the parent's page tables for a stay until it exits (free_pgtables) */
	long tables = (parent->pgtables_bytes.load() - tables_before) / long(P);
	KEXPECT_EQ(after.free_pages + (unsigned long)tables, before.free_pages);
}

KTEST(mm, kthread_touches_user_memory_directly)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	KEXPECT_EQ(current->mm, mm);
	KEXPECT_EQ(current->active_mm, mm);
	KEXPECT_EQ(cpu_tlbstate[smp_processor_id()].loaded_mm, mm);
	KEXPECT_TRUE(cpumask_test_cpu(smp_processor_id(), mm_cpumask(mm)));
	unsigned long a = map_anon(0, 3 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE).value_or(0);
	KASSERT_NE(a, 0u);
	uint32_t back = 0;
	direct_access(a + P + 8, 0xfeedf00d, &back); /* do_page_fault -> handle_mm_fault */
	KEXPECT_EQ(back, 0xfeedf00du);
	uint32_t v = 0;
	KEXPECT_EQ(access_remote_vm(mm, a + P + 8, &v, 4, 0), 4);
	KEXPECT_EQ(v, 0xfeedf00du);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u);
	/* a stack VMA grows down on a touch below it */
	unsigned long s = map_anon(0x50000000, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN)
	                      .value_or(0);
	KASSERT_EQ(s, 0x50000000u);
	KEXPECT_TRUE(find_vma(mm, s)->vm_flags & VM_GROWSDOWN);
	direct_access(s - 3 * P + 4, 42, &back);
	KEXPECT_EQ(back, 42u);
	KEXPECT_EQ(find_vma(mm, s)->vm_start, s - 3 * P);
	KEXPECT_EQ(mm->stack_vm, 7u);
}

KTEST(mm, stack_guard_gap)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	KEXPECT_EQ(stack_guard_gap, 256 * P);
	const unsigned long s = 0x60000000;
	KASSERT_EQ(map_anon(s, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN).value_or(0), s);
	/* something mapped 300 pages below: the stack may grow to 256 pages above it */
	const unsigned long below = s - 300 * P;
	KASSERT_EQ(map_anon(below - P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), below - P);
	struct page* ok = gup(mm, s - 44 * P, FOLL_WRITE); /* 256 pages above `below` */
	KEXPECT_TRUE(ok != nullptr);
	if (ok)
		put_page(ok);
	KEXPECT_EQ(find_vma(mm, s)->vm_start, s - 44 * P);
	KEXPECT_TRUE(gup(mm, s - 45 * P, FOLL_WRITE) == nullptr); /* inside the guard gap */
	KEXPECT_EQ(find_vma(mm, s)->vm_start, s - 44 * P);
	/* RLIMIT_STACK bounds the growth */
	const unsigned long s2 = 0x70000000;
	KASSERT_EQ(map_anon(s2, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED | MAP_GROWSDOWN).value_or(0), s2);
	unsigned long saved = current->signal->rlim[RLIMIT_STACK].rlim_cur;
	current->signal->rlim[RLIMIT_STACK].rlim_cur = 8 * P;
	struct page* in = gup(mm, s2 - 7 * P, FOLL_WRITE);
	struct page* out = gup(mm, s2 - 8 * P, FOLL_WRITE);
	current->signal->rlim[RLIMIT_STACK].rlim_cur = saved;
	KEXPECT_TRUE(in != nullptr);
	KEXPECT_TRUE(out == nullptr);
	if (in)
		put_page(in);
	KEXPECT_EQ(find_vma(mm, s2)->vm_start, s2 - 7 * P);
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, brk_grows_shrinks_and_respects_limits)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	mm->start_brk = mm->brk = 0x700000;
	mm->start_data = mm->end_data = 0x600000;
	struct pt_regs r = regs_of(0);
	KEXPECT_EQ(__x64_sys_brk(&r), 0x700000); /* brk(0): the current break */
	r = regs_of(0x700000 + 3 * P + 10);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + 3 * P + 10));
	struct vm_area_struct* v = find_vma(mm, 0x700000);
	KASSERT_TRUE(v != nullptr);
	KEXPECT_EQ(v->vm_start, 0x700000u);
	KEXPECT_EQ(v->vm_end, 0x700000u + 4 * P);
	KEXPECT_EQ(mm->data_vm, 4u);
	/* growing again extends the same VMA */
	r = regs_of(0x700000 + 8 * P);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + 8 * P));
	KEXPECT_EQ(mm->map_count, 1);
	KEXPECT_EQ(find_vma(mm, 0x700000)->vm_end, 0x700000u + 8 * P);
	/* below start_brk: refused, the old break returned */
	r = regs_of(0x600000);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + 8 * P));
	/* into another mapping: refused */
	KASSERT_EQ(map_anon(0x700000 + 20 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), 0x700000u + 20 * P);
	r = regs_of(0x700000 + 20 * P);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + 8 * P));
	/* RLIMIT_DATA */
	unsigned long saved = current->signal->rlim[RLIMIT_DATA].rlim_cur;
	current->signal->rlim[RLIMIT_DATA].rlim_cur = 10 * P;
	r = regs_of(0x700000 + 11 * P);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + 8 * P));
	current->signal->rlim[RLIMIT_DATA].rlim_cur = saved;
	/* shrinking unmaps */
	r = regs_of(0x700000 + P);
	KEXPECT_EQ(__x64_sys_brk(&r), long(0x700000 + P));
	KEXPECT_EQ(find_vma(mm, 0x700000)->vm_end, 0x700000u + P);
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, aslr_layout)
{
	KEXPECT_EQ(randomize_va_space, 2);
	KEXPECT_EQ(mmap_rnd_bits, 28u);
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	/* no PF_RANDOMIZE (set by exec): the fixed layout below the stack gap */
	unsigned long gap = rlimit(RLIMIT_STACK) + stack_guard_gap;
	if (gap < (128UL << 20))
		gap = 128UL << 20;
	KEXPECT_EQ(t.mm->mmap_base, (TASK_SIZE_MAX - gap) & PAGE_MASK);
	current->flags |= PF_RANDOMIZE;
	unsigned long b1 = 0, b2 = 0;
	for (int i = 0; i < 4 && b1 == b2; i++) {
		arch_pick_mmap_layout(t.mm);
		b1 = t.mm->mmap_base;
		arch_pick_mmap_layout(t.mm);
		b2 = t.mm->mmap_base;
	}
	KEXPECT_NE(b1, b2);
	/* randomized: the gap also leaves room for the stack's randomization
	 * (STACK_RND_MASK pages), then up to 2^28 pages of mmap randomness;
	 * many draws, so that a wrong bound shows on every run, not 1 in 70 */
	unsigned long rgap = rlimit(RLIMIT_STACK) + ((unsigned long)STACK_RND_MASK << PAGE_SHIFT) + stack_guard_gap;
	unsigned long hi = (TASK_SIZE_MAX - rgap) & PAGE_MASK, lo = hi - (1UL << (28 + PAGE_SHIFT));
	unsigned long out_of_range = 0;
	for (int i = 0; i < 512; i++) {
		arch_pick_mmap_layout(t.mm);
		if (t.mm->mmap_base > hi || t.mm->mmap_base < lo)
			out_of_range++;
	}
	KEXPECT_EQ(out_of_range, 0u);
	unsigned long top = randomize_stack_top(STACK_TOP);
	current->flags &= ~PF_RANDOMIZE;
	KEXPECT_LE(STACK_TOP - top, (unsigned long)STACK_RND_MASK << PAGE_SHIFT);
	KEXPECT_EQ(top & ~PAGE_MASK, 0u);
	t.mm->brk = 0x800000;
	unsigned long brk = arch_randomize_brk(t.mm);
	KEXPECT_GE(brk, 0x800000u);
	KEXPECT_LT(brk, 0x800000u + (1u << 30)); /* arch_randomize_brk: 1 GiB */
	arch_pick_mmap_layout(t.mm);
}

extern "C" long __x64_sys_mprotect(const struct pt_regs*);
extern "C" long __x64_sys_mremap(const struct pt_regs*);
extern "C" long __x64_sys_madvise(const struct pt_regs*);
extern "C" long __x64_sys_mincore(const struct pt_regs*);
extern "C" long __x64_sys_msync(const struct pt_regs*);
extern "C" long __x64_sys_mlock(const struct pt_regs*);
extern "C" long __x64_sys_mlock2(const struct pt_regs*);
extern "C" long __x64_sys_munlock(const struct pt_regs*);
extern "C" long __x64_sys_mlockall(const struct pt_regs*);
extern "C" long __x64_sys_munlockall(const struct pt_regs*);

namespace
{
template <typename... A> long sys(long (*fn)(const struct pt_regs*), A... a)
{
	unsigned long v[6] = {(unsigned long)a...};
	struct pt_regs r = regs_of(v[0], v[1], v[2], v[3], v[4], v[5]);
	return fn(&r);
}
bool pte_writable(struct mm_struct* mm, unsigned long addr)
{
	mmap_read_guard g(mm);
	uint64_t pte = 0;
	struct vm_area_struct* v = vma_lookup(mm, addr);
	return v && follow_page(v, addr, &pte) && (pte & _PAGE_RW);
}
} // namespace

KTEST(mm, mprotect_splits_merges_and_write_protects)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long b = 0x10000000;
	KASSERT_EQ(map_anon(b, 8 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), b);
	uint64_t x = 7;
	KASSERT_EQ(access_remote_vm(mm, b + 2 * P, &x, 8, FOLL_WRITE), 8);
	KEXPECT_TRUE(pte_writable(mm, b + 2 * P));
	KEXPECT_EQ(sys(__x64_sys_mprotect, b + 2 * P, 2 * P, PROT_READ), 0);
	unsigned long v[8][2];
	KASSERT_EQ(vma_list(mm, v, 8), 3);
	KEXPECT_EQ(v[1][0], b + 2 * P);
	KEXPECT_EQ(v[1][1], b + 4 * P);
	KEXPECT_EQ(find_vma(mm, b + 2 * P)->vm_flags & (VM_READ | VM_WRITE), VM_READ);
	KEXPECT_EQ(mm->data_vm, 6u);
	KEXPECT_EQ(mm->total_vm, 8u);
	KEXPECT_FALSE(pte_writable(mm, b + 2 * P));
	KEXPECT_TRUE(gup(mm, b + 2 * P, FOLL_WRITE) == nullptr);
	/* back to read-write: one VMA again; the next write reuses the page */
	KEXPECT_EQ(sys(__x64_sys_mprotect, b + 2 * P, 2 * P, PROT_READ | PROT_WRITE), 0);
	KEXPECT_EQ(vma_list(mm, v, 8), 1);
	KEXPECT_EQ(mm->data_vm, 8u);
	struct page* before = gup(mm, b + 2 * P, 0);
	if (before)
		put_page(before); /* a pinned page would be copied, as Linux's */
	struct page* after = gup(mm, b + 2 * P, FOLL_WRITE);
	KEXPECT_EQ(before, after);
	if (after)
		put_page(after);
	/* PROT_NONE keeps the page but refuses every access */
	KEXPECT_EQ(sys(__x64_sys_mprotect, b + 2 * P, P, PROT_NONE), 0);
	KEXPECT_TRUE(gup(mm, b + 2 * P, 0) == nullptr);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u);
	KEXPECT_EQ(sys(__x64_sys_mprotect, b + 2 * P, P, PROT_READ), 0);
	uint64_t y = 0;
	KEXPECT_EQ(access_remote_vm(mm, b + 2 * P, &y, 8, 0), 8);
	KEXPECT_EQ(y, 7u);
	/* errnos */
	KEXPECT_EQ(sys(__x64_sys_mprotect, b + 1, P, PROT_READ), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mprotect, b, P, 0x10), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mprotect, b, P, PROT_READ | PROT_GROWSDOWN | PROT_GROWSUP), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mprotect, b, P, PROT_READ | PROT_GROWSDOWN), -EINVAL); /* not a stack */
	KEXPECT_EQ(sys(__x64_sys_mprotect, b, 0, PROT_READ), 0);
	KEXPECT_EQ(sys(__x64_sys_mprotect, b, 9 * P, PROT_READ), -ENOMEM); /* runs into a hole */
	KEXPECT_EQ(sys(__x64_sys_mprotect, b - P, P, PROT_READ), -ENOMEM);
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, mremap_grow_move_fixed_shrink)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long a = 0x10000000;
	KASSERT_EQ(map_anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), a);
	uint64_t mark = 0xabcdef, v = 0;
	KASSERT_EQ(access_remote_vm(mm, a + 3 * P, &mark, 8, FOLL_WRITE), 8);
	/* grow in place */
	KEXPECT_EQ(sys(__x64_sys_mremap, a, 4 * P, 8 * P, 0, 0), long(a));
	KEXPECT_EQ(find_vma(mm, a)->vm_end, a + 8 * P);
	KEXPECT_EQ(mm->total_vm, 8u);
	/* blocked: ENOMEM without MAYMOVE, a move with it */
	KASSERT_EQ(map_anon(a + 8 * P, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), a + 8 * P);
	KEXPECT_EQ(sys(__x64_sys_mremap, a, 8 * P, 16 * P, 0, 0), -ENOMEM);
	long moved = sys(__x64_sys_mremap, a, 8 * P, 16 * P, MREMAP_MAYMOVE, 0);
	KASSERT_GT(moved, 0);
	KEXPECT_NE((unsigned long)moved, a);
	KEXPECT_EQ(find_vma(mm, a)->vm_start, a + 8 * P); /* the old range is gone */
	KEXPECT_EQ(access_remote_vm(mm, (unsigned long)moved + 3 * P, &v, 8, 0), 8);
	KEXPECT_EQ(v, mark);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u);
	KEXPECT_EQ(mm->total_vm, 17u);
	/* MREMAP_FIXED to a chosen address, replacing what was there */
	const unsigned long f = 0x30000000;
	KASSERT_EQ(map_anon(f, P, PROT_READ, MAP_PRIVATE | MAP_FIXED).value_or(0), f);
	KEXPECT_EQ(sys(__x64_sys_mremap, moved, 16 * P, 16 * P, MREMAP_MAYMOVE | MREMAP_FIXED, f), long(f));
	KEXPECT_EQ(access_remote_vm(mm, f + 3 * P, &v, 8, 0), 8);
	KEXPECT_EQ(v, mark);
	KEXPECT_EQ(find_vma(mm, f)->vm_end, f + 16 * P);
	/* shrink */
	KEXPECT_EQ(sys(__x64_sys_mremap, f, 16 * P, 2 * P, 0, 0), long(f));
	KEXPECT_EQ(find_vma(mm, f)->vm_end, f + 2 * P);
	/* errnos */
	KEXPECT_EQ(sys(__x64_sys_mremap, f, P, 2 * P, 8, 0), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mremap, f, P, 2 * P, MREMAP_FIXED, 0x40000000), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mremap, f + 1, P, 2 * P, 0, 0), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mremap, f, P, 0, 0, 0), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mremap, 0x50000000, P, 2 * P, 0, 0), -EFAULT);
	KEXPECT_EQ(sys(__x64_sys_mremap, f, 3 * P, 4 * P, MREMAP_MAYMOVE, 0), -EFAULT); /* past the VMA */
	KEXPECT_EQ(sys(__x64_sys_mremap, f, 2 * P, 2 * P, MREMAP_MAYMOVE | MREMAP_FIXED, f + P), -EINVAL);
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, madvise_mincore_msync)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long a = 0x10000000, vec = 0x20000000;
	KASSERT_EQ(map_anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), a);
	KASSERT_EQ(map_anon(vec, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), vec);
	uint64_t x = 5;
	KASSERT_EQ(access_remote_vm(mm, a + P, &x, 8, FOLL_WRITE), 8);
	KASSERT_EQ(access_remote_vm(mm, a + 3 * P, &x, 8, FOLL_WRITE), 8);
	KEXPECT_EQ(sys(__x64_sys_mincore, a, 4 * P, vec), 0);
	unsigned char res[4] = {9, 9, 9, 9};
	KEXPECT_EQ(access_remote_vm(mm, vec, res, 4, 0), 4);
	KEXPECT_EQ(res[0], 0);
	KEXPECT_EQ(res[1], 1);
	KEXPECT_EQ(res[2], 0);
	KEXPECT_EQ(res[3], 1);
	KEXPECT_EQ(sys(__x64_sys_mincore, a + 1, P, vec), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mincore, a, 5 * P, vec), -ENOMEM);
	KEXPECT_EQ(sys(__x64_sys_mincore, a, P, 0x60000000), -EFAULT);
	/* DONTNEED: the pages go, zeroes after */
	KEXPECT_EQ(sys(__x64_sys_madvise, a, 4 * P, MADV_DONTNEED), 0);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 1u); /* vec's page */
	KEXPECT_EQ(access_remote_vm(mm, a + P, &x, 8, 0), 8);
	KEXPECT_EQ(x, 0u);
	/* flag advice splits and merges */
	KEXPECT_EQ(sys(__x64_sys_madvise, a + P, P, MADV_RANDOM), 0);
	KEXPECT_TRUE(find_vma(mm, a + P)->vm_flags & VM_RAND_READ);
	KEXPECT_EQ(mm->map_count, 4);
	KEXPECT_EQ(sys(__x64_sys_madvise, a + P, P, MADV_NORMAL), 0);
	KEXPECT_EQ(mm->map_count, 2);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, MADV_WILLNEED), 0);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, MADV_SEQUENTIAL), 0);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, MADV_FREE), 0);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, 99), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_madvise, a + 1, P, MADV_NORMAL), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, 0, MADV_NORMAL), 0);
	KEXPECT_EQ(sys(__x64_sys_madvise, a, 0x20000000 - 0x10000000 + P, MADV_NORMAL), -ENOMEM); /* a hole */
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, MADV_REMOVE), -EINVAL);                      /* anonymous */
	KEXPECT_EQ(sys(__x64_sys_madvise, a, P, MADV_POPULATE_WRITE), 0);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 2u);
	/* msync */
	KEXPECT_EQ(sys(__x64_sys_msync, a, 4 * P, MS_SYNC), 0);
	KEXPECT_EQ(sys(__x64_sys_msync, a, 4 * P, MS_SYNC | MS_ASYNC), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_msync, a + 1, P, MS_SYNC), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_msync, a, P, 8), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_msync, a, 5 * P, MS_SYNC), -ENOMEM);
	KEXPECT_EQ(validate_mm(mm), 0);
}

KTEST(mm, mlock_family)
{
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long a = 0x10000000;
	KASSERT_EQ(map_anon(a, 4 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), a);
	KEXPECT_EQ(sys(__x64_sys_mlock, a + P + 100, P), 0); /* rounds out to [a+P, a+3P) */
	KEXPECT_EQ(mm->locked_vm, 2u);
	KEXPECT_EQ(mm->map_count, 3);
	KEXPECT_TRUE(find_vma(mm, a + P)->vm_flags & VM_LOCKED);
	KEXPECT_EQ(get_mm_counter(mm, MM_ANONPAGES), 2u); /* populated */
	KEXPECT_EQ(sys(__x64_sys_madvise, a + P, P, MADV_DONTNEED), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_munlock, a, 4 * P), 0);
	KEXPECT_EQ(mm->locked_vm, 0u);
	KEXPECT_EQ(mm->map_count, 1);
	KEXPECT_EQ(sys(__x64_sys_mlock2, a, P, 2), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mlock2, a, P, MLOCK_ONFAULT), 0);
	KEXPECT_TRUE(find_vma(mm, a)->vm_flags & VM_LOCKONFAULT);
	/* a hole: ENOMEM, with what came before it locked, as Linux leaves it */
	KEXPECT_EQ(sys(__x64_sys_mlock, a, 5 * P), -ENOMEM);
	KEXPECT_EQ(mm->locked_vm, 4u);
	KEXPECT_FALSE(find_vma(mm, a)->vm_flags & VM_LOCKONFAULT);
	KEXPECT_EQ(sys(__x64_sys_mlockall, 0), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mlockall, MCL_ONFAULT), -EINVAL);
	KEXPECT_EQ(sys(__x64_sys_mlockall, MCL_FUTURE), 0);
	unsigned long b = map_anon(0, 2 * P, PROT_READ | PROT_WRITE, MAP_PRIVATE).value_or(0);
	KEXPECT_TRUE(find_vma(mm, b)->vm_flags & VM_LOCKED);
	KEXPECT_EQ(mm->locked_vm, 6u);
	KEXPECT_EQ(sys(__x64_sys_munlockall), 0);
	KEXPECT_EQ(mm->locked_vm, 0u);
	KEXPECT_EQ(mm->def_flags, 0u);
	KEXPECT_EQ(validate_mm(mm), 0);
}

namespace
{
struct shootdown {
	struct mm_struct* mm;
	unsigned long addr;
	int phase;
	uint32_t first, last;
	struct completion done;
};

int shootdown_reader(void* arg)
{
	auto* s = static_cast<shootdown*>(arg);
	kthread_use_mm(s->mm);
	s->last = read_until(s->addr, &s->phase, &s->first);
	kthread_unuse_mm(s->mm);
	unlazy();
	complete(&s->done);
	return 0;
}
} // namespace

KTEST(mm, tlb_shootdown_reaches_the_other_cpu)
{
	if (num_online_cpus() < 2) {
		KTEST_SKIP("needs two CPUs");
	}
	test_mm t;
	KASSERT_TRUE(t.mm != nullptr);
	struct mm_struct* mm = t.mm;
	const unsigned long a = 0x10000000;
	KASSERT_EQ(map_anon(a, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), a);
	uint32_t one = 1, two = 2;
	KASSERT_EQ(access_remote_vm(mm, a, &one, 4, FOLL_WRITE), 4);
	shootdown s = {mm, a, 0, 0, 0, {}};
	init_completion(&s.done);
	unsigned other = smp_processor_id() == 0 ? 1 : 0;
	lib::Result<struct task_struct*> kr = __kthread_create_on_cpu(shootdown_reader, &s, other, "tlbtest/%u");
	KASSERT_OK(kr);
	struct task_struct* k = kr.value();
	wake_up_process(k);
	while (__atomic_load_n(&s.phase, __ATOMIC_SEQ_CST) != 1)
		cpu_relax();
	KEXPECT_TRUE(cpumask_test_cpu(other, mm_cpumask(mm)));
	/* hold the old page, so the new one is another (not it, recycled) */
	struct page* old = gup(mm, a, 0);
	KASSERT_TRUE(old != nullptr);
	/* replace the page under the reader: munmap's flush must reach its CPU */
	KASSERT_EQ(map_anon(a, P, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_FIXED).value_or(0), a);
	KASSERT_EQ(access_remote_vm(mm, a, &two, 4, FOLL_WRITE), 4);
	__atomic_store_n(&s.phase, 2, __ATOMIC_SEQ_CST);
	wait_for_completion(&s.done);
	put_page(old);
	KEXPECT_EQ(s.first, 1u);
	KEXPECT_EQ(s.last, 2u);
}
