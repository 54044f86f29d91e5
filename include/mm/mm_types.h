/*
 * A process address space: struct mm_struct and its memory areas, struct
 * vm_area_struct (Linux: include/linux/mm_types.h, mm.h VM_* flags,
 * mm_types_task.h rss counters; the VMA list and augmented rbtree of
 * Linux 4.x-5.x, before the maple tree of 6.1).
 *
 * Data structures:
 *   mm_struct       one per address space (threads of a process share
 *                   it): the PGD, the VMAs twice over (a sorted list,
 *                   mm->mmap/vm_next/vm_prev, and a red-black tree by
 *                   address, mm->mm_rb/vm_rb, augmented with
 *                   rb_subtree_gap for the free-range search), the layout
 *                   (start_code ... env_end, mmap_base), the counters.
 *   vm_area_struct  one mapped range [vm_start, vm_end) with one set of
 *                   flags and one backing (anonymous, or vm_file at
 *                   vm_pgoff pages).
 *
 * Invariants (mm/vma.cc validate_mm checks them): the VMAs do not overlap
 * and are page aligned with vm_start < vm_end; the list and the tree hold
 * the same VMAs in address order; map_count is their number;
 * highest_vm_end is the last VMA's vm_end (0 if none); each VMA's
 * rb_subtree_gap is the largest free gap (vm_start_gap(v) -
 * vm_end_gap(v->vm_prev)) of any VMA in its subtree.
 *
 * References: mm_users counts the users of the address space (tasks with
 * tsk->mm == mm, get_user_pages_remote callers): the last mmput() tears
 * down the VMAs, pages and page tables.  mm_count counts references to
 * the struct itself (one for all the users together, one per lazy-TLB
 * borrower, active_mm): the last mmdrop() frees the PGD and the struct.
 *
 * Lock order (<kernel/lock_order.h>): mm->mmap_lock (rwsem: the VMAs;
 * readers fault, writers change the list) -> mm->page_table_lock
 * (spinlock: the page-table pages and the PTEs of this mm, the rss
 * counters' writers take none: they are atomics).
 */
#pragma once
#include <arch/page.h>
#include <arch/pgtable.h>
#include <atomic>
#include <cstdint>
#include <kernel/cpumask.h>
#include <kernel/mutex.h>
#include <lib/list.h>
#include <lib/rbtree.h>
#include <lib/result.h>
#include <lib/spinlock.h>
#include <lib/thread_safety.h>

struct file; /* the VFS (fs/) defines it */
struct address_space;
struct mm_struct;
struct vm_area_struct;
struct page;

/* ---- vm_flags (Linux: include/linux/mm.h, the same bit values) ---- */
typedef unsigned long vm_flags_t;
#define VM_NONE 0x00000000UL
#define VM_READ 0x00000001UL
#define VM_WRITE 0x00000002UL
#define VM_EXEC 0x00000004UL
#define VM_SHARED 0x00000008UL
#define VM_MAYREAD 0x00000010UL /* may become VM_READ through mprotect */
#define VM_MAYWRITE 0x00000020UL
#define VM_MAYEXEC 0x00000040UL
#define VM_MAYSHARE 0x00000080UL
#define VM_GROWSDOWN 0x00000100UL /* a stack: grows down on a fault below it */
#define VM_UFFD_MISSING 0x00000200UL
#define VM_PFNMAP 0x00000400UL
#define VM_UFFD_WP 0x00001000UL
#define VM_LOCKED 0x00002000UL /* mlock: pages stay resident */
#define VM_IO 0x00004000UL
#define VM_SEQ_READ 0x00008000UL  /* MADV_SEQUENTIAL */
#define VM_RAND_READ 0x00010000UL /* MADV_RANDOM */
#define VM_DONTCOPY 0x00020000UL  /* MADV_DONTFORK: not copied on fork */
#define VM_DONTEXPAND 0x00040000UL
#define VM_LOCKONFAULT 0x00080000UL /* mlock2(MLOCK_ONFAULT) */
#define VM_ACCOUNT 0x00100000UL     /* charged to the commit limit */
#define VM_NORESERVE 0x00200000UL
#define VM_HUGETLB 0x00400000UL
#define VM_SYNC 0x00800000UL
#define VM_ARCH_1 0x01000000UL
#define VM_WIPEONFORK 0x02000000UL
#define VM_DONTDUMP 0x04000000UL
#define VM_SOFTDIRTY 0x08000000UL
#define VM_MIXEDMAP 0x10000000UL
#define VM_HUGEPAGE 0x20000000UL
#define VM_NOHUGEPAGE 0x40000000UL
#define VM_MERGEABLE 0x80000000UL

#define VM_STACK VM_GROWSDOWN
#define VM_ACCESS_FLAGS (VM_READ | VM_WRITE | VM_EXEC)
#define VM_LOCKED_MASK (VM_LOCKED | VM_LOCKONFAULT)
/* flags that stop two neighbours from merging even when equal elsewhere */
#define VM_SPECIAL (VM_IO | VM_DONTEXPAND | VM_PFNMAP | VM_MIXEDMAP)
/* x86_64 without READ_IMPLIES_EXEC: data and stack are not executable */
#define VM_DATA_DEFAULT_FLAGS (VM_READ | VM_WRITE | VM_MAYREAD | VM_MAYWRITE | VM_MAYEXEC)
#define VM_STACK_DEFAULT_FLAGS VM_DATA_DEFAULT_FLAGS
#define VM_STACK_FLAGS (VM_STACK | VM_STACK_DEFAULT_FLAGS | VM_ACCOUNT)

/* ---- faults (Linux: include/linux/mm_types.h vm_fault_t, mm.h FAULT_FLAG_*) ---- */
typedef unsigned int vm_fault_t;
enum vm_fault_reason : unsigned {
	VM_FAULT_OOM = 0x000001,
	VM_FAULT_SIGBUS = 0x000002,
	VM_FAULT_MAJOR = 0x000004,
	VM_FAULT_WRITE = 0x000008,
	VM_FAULT_HWPOISON = 0x000010,
	VM_FAULT_SIGSEGV = 0x000040,
	VM_FAULT_NOPAGE = 0x000100,
	VM_FAULT_LOCKED = 0x000200,
	VM_FAULT_RETRY = 0x000400,
};
#define VM_FAULT_ERROR (VM_FAULT_OOM | VM_FAULT_SIGBUS | VM_FAULT_SIGSEGV | VM_FAULT_HWPOISON)

enum fault_flag : unsigned {
	FAULT_FLAG_WRITE = 1 << 0,
	FAULT_FLAG_MKWRITE = 1 << 1,
	FAULT_FLAG_ALLOW_RETRY = 1 << 2,
	FAULT_FLAG_RETRY_NOWAIT = 1 << 3,
	FAULT_FLAG_KILLABLE = 1 << 4,
	FAULT_FLAG_TRIED = 1 << 5,
	FAULT_FLAG_USER = 1 << 6,
	FAULT_FLAG_REMOTE = 1 << 7,
	FAULT_FLAG_INSTRUCTION = 1 << 8,
};

/* what a vm_operations_struct's fault handler is given (Linux: struct vm_fault) */
struct vm_fault {
	struct vm_area_struct* vma;
	unsigned int flags;     /* FAULT_FLAG_* */
	unsigned long pgoff;    /* page offset in the file */
	unsigned long address;  /* page-aligned faulting address */
	struct page* page;      /* out: the page to map, with a reference */
};

/* the operations a file-backed or special mapping provides (Linux: struct
 * vm_operations_struct; the subset this kernel calls) */
struct vm_operations_struct {
	void (*open)(struct vm_area_struct* area);  /* a copy was made (split, fork) */
	void (*close)(struct vm_area_struct* area); /* the area goes away */
	vm_fault_t (*fault)(struct vm_fault* vmf);
	const char* (*name)(struct vm_area_struct* vma); /* "[vdso]" in /proc/PID/maps */
};

struct vm_area_struct {
	unsigned long vm_start; /* first byte */
	unsigned long vm_end;   /* first byte after */
	/* the sorted list, by address */
	struct vm_area_struct *vm_next, *vm_prev;
	struct rb_node vm_rb;
	/* largest free gap below a VMA in this subtree (see the invariants) */
	unsigned long rb_subtree_gap;
	struct mm_struct* vm_mm;
	pgprot_t vm_page_prot; /* PTE bits for the pages of this area */
	vm_flags_t vm_flags;
	unsigned long vm_pgoff; /* offset in vm_file, in pages; anonymous: vm_start >> PAGE_SHIFT */
	struct file* vm_file;   /* NULL: anonymous */
	void* vm_private_data;
	const struct vm_operations_struct* vm_ops;
	/* a file mapping: on its address_space's i_mmap (under i_mmap_rwsem) */
	lib::list_head shared;
	/* anonymous memory: Linux's anon_vma chains are not needed while pages
	 * are found through the page tables only (no rmap walk, no swap) */
};

/* rss counters (Linux: enum in mm_types_task.h) */
enum {
	MM_FILEPAGES,  /* resident file mapping pages */
	MM_ANONPAGES,  /* resident anonymous pages */
	MM_SWAPENTS,   /* anonymous swap entries */
	MM_SHMEMPAGES, /* resident shared memory pages */
	NR_MM_COUNTERS
};

struct mm_struct {
	struct vm_area_struct* mmap; /* the VMA list, lowest first */
	struct rb_root mm_rb;
	/* the free-range search for mmap (arch_get_unmapped_area_topdown) */
	lib::Result<unsigned long> (*get_unmapped_area)(struct file* filp, unsigned long addr, unsigned long len,
	                                                unsigned long pgoff, unsigned long flags);
	unsigned long mmap_base;        /* the top-down search starts here */
	unsigned long mmap_legacy_base; /* bottom-up layout (legacy_va_layout) */
	unsigned long task_size;        /* size of the user address space */
	unsigned long highest_vm_end;   /* vm_end of the last VMA */
	uint64_t* pgd;                  /* the top-level page table (PML4), direct-map address */

	std::atomic<int> mm_users; /* tasks and temporary users: mmget/mmput */
	std::atomic<int> mm_count; /* references to the struct: mmgrab/mmdrop */

	std::atomic<long> pgtables_bytes; /* page-table pages, in bytes */
	int map_count;                    /* number of VMAs */

	lib::spinlock page_table_lock; /* the page tables and PTEs */
	struct rw_semaphore mmap_lock; /* the VMAs */

	unsigned long hiwater_rss; /* peak rss */
	unsigned long hiwater_vm;  /* peak total_vm */

	unsigned long total_vm;  /* pages mapped */
	unsigned long locked_vm; /* pages with VM_LOCKED */
	unsigned long pinned_vm; /* pinned by get_user_pages users (none yet) */
	unsigned long data_vm;   /* VM_WRITE & ~VM_SHARED & ~VM_STACK */
	unsigned long exec_vm;   /* VM_EXEC & ~VM_WRITE & ~VM_STACK */
	unsigned long stack_vm;  /* VM_STACK */
	unsigned long def_flags; /* added to every new VMA (mlockall(MCL_FUTURE): VM_LOCKED) */

	unsigned long start_code, end_code, start_data, end_data;
	unsigned long start_brk, brk, start_stack;
	unsigned long arg_start, arg_end, env_start, env_end;
	/* the auxiliary vector exec gave the program, AT_NULL-terminated
	 * (/proc/PID/auxv; Linux's AT_VECTOR_SIZE) */
	unsigned long saved_auxv[48];
	/* the architecture's part (Linux: mm_context_t): where the vDSO's text
	 * is mapped, for AT_SYSINFO_EHDR (0: none) */
	struct {
		unsigned long vdso;
	} context;

	std::atomic<long> rss_stat[NR_MM_COUNTERS];

	unsigned long flags; /* MMF_* */
	struct cpumask cpu_bitmap; /* the CPUs that may hold TLB entries of this mm */
};

static inline struct cpumask* mm_cpumask(struct mm_struct* mm)
{
	return &mm->cpu_bitmap;
}

/* rss counters (Linux: get_mm_counter/add_mm_counter/inc_mm_counter) */
static inline unsigned long get_mm_counter(struct mm_struct* mm, int member)
{
	long v = mm->rss_stat[member].load(std::memory_order_relaxed);
	return v < 0 ? 0 : (unsigned long)v;
}
static inline void add_mm_counter(struct mm_struct* mm, int member, long value)
{
	mm->rss_stat[member].fetch_add(value, std::memory_order_relaxed);
}
static inline void inc_mm_counter(struct mm_struct* mm, int member)
{
	add_mm_counter(mm, member, 1);
}
static inline void dec_mm_counter(struct mm_struct* mm, int member)
{
	add_mm_counter(mm, member, -1);
}
static inline unsigned long get_mm_rss(struct mm_struct* mm)
{
	return get_mm_counter(mm, MM_FILEPAGES) + get_mm_counter(mm, MM_ANONPAGES) +
	       get_mm_counter(mm, MM_SHMEMPAGES);
}

/* the address space of kernel threads and of boot: init_top_pgt */
extern struct mm_struct init_mm;
