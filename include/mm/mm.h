/*
 * The address-space API (Linux: include/linux/mm.h, sched/mm.h,
 * mmap_lock.h): VMA lookups and the tree (mm/vma.cc), mapping and
 * unmapping (mm/mmap.cc), faults (mm/memory.cc), get_user_pages
 * (mm/gup.cc), mm lifetime (kernel/fork.cc).
 *
 * Lock order: see <mm/mm_types.h> and <kernel/lock_order.h>.
 */
#pragma once
#include <lib/result.h>
#include <mm/mm_types.h>
#include <uapi/asm-generic/errno.h>

/* ---- the VMA tree (mm/vma.cc; host-tested) ---- */

/* the gap kept free below a stack VMA: 256 pages, as Linux's stack_guard_gap */
extern unsigned long stack_guard_gap;

static inline unsigned long vm_start_gap(const struct vm_area_struct* vma)
{
	unsigned long start = vma->vm_start;
	if (vma->vm_flags & VM_GROWSDOWN) {
		start -= stack_guard_gap;
		if (start > vma->vm_start)
			start = 0;
	}
	return start;
}
static inline unsigned long vm_end_gap(const struct vm_area_struct* vma)
{
	return vma->vm_end;
}
static inline unsigned long vma_pages(const struct vm_area_struct* vma)
{
	return (vma->vm_end - vma->vm_start) >> PAGE_SHIFT;
}

/* the first VMA with vm_end > addr (it may start above addr), or NULL */
struct vm_area_struct* find_vma(struct mm_struct* mm, unsigned long addr);
/* find_vma, and the VMA before it (or the last VMA when none is found) */
struct vm_area_struct* find_vma_prev(struct mm_struct* mm, unsigned long addr, struct vm_area_struct** pprev);
/* the VMA containing addr, or NULL (Linux: vma_lookup) */
static inline struct vm_area_struct* vma_lookup(struct mm_struct* mm, unsigned long addr)
{
	struct vm_area_struct* v = find_vma(mm, addr);
	return v && v->vm_start <= addr ? v : nullptr;
}
/* where a VMA [addr, end) would be linked; ENOMEM if it overlaps one */
lib::Result<void> find_vma_links(struct mm_struct* mm, unsigned long addr, unsigned long end,
                                 struct vm_area_struct** pprev, struct rb_node*** rb_link,
                                 struct rb_node** rb_parent);
void __vma_link_list(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev);
void __vma_link_rb(struct mm_struct* mm, struct vm_area_struct* vma, struct rb_node** rb_link,
                   struct rb_node* rb_parent);
/* both, and map_count++ */
void __vma_link(struct mm_struct* mm, struct vm_area_struct* vma, struct vm_area_struct* prev,
                struct rb_node** rb_link, struct rb_node* rb_parent);
/* link vma into the list and tree; ENOMEM if it overlaps (no accounting) */
lib::Result<void> __insert_vm_struct(struct mm_struct* mm, struct vm_area_struct* vma);
/* unlink vma from the list and tree, map_count-- */
void __vma_unlink(struct mm_struct* mm, struct vm_area_struct* vma);
/* recompute the gaps after vma's own vm_start/vm_end moved in place */
void vma_gap_update(struct vm_area_struct* vma);
void vma_bounds_changed(struct mm_struct* mm, struct vm_area_struct* vma);

/* a free-range request (Linux: struct vm_unmapped_area_info) */
#define VM_UNMAPPED_AREA_TOPDOWN 1
struct vm_unmapped_area_info {
	unsigned long flags;
	unsigned long length;
	unsigned long low_limit;  /* the range starts at or above */
	unsigned long high_limit; /* and ends at or below */
	unsigned long align_mask;
	unsigned long align_offset;
};
/* the lowest / highest free range that fits; ENOMEM if none */
lib::Result<unsigned long> unmapped_area(struct mm_struct* mm, const struct vm_unmapped_area_info* info);
lib::Result<unsigned long> unmapped_area_topdown(struct mm_struct* mm, const struct vm_unmapped_area_info* info);
static inline lib::Result<unsigned long> vm_unmapped_area(struct mm_struct* mm,
                                                          const struct vm_unmapped_area_info* info)
{
	if (info->flags & VM_UNMAPPED_AREA_TOPDOWN)
		return unmapped_area_topdown(mm, info);
	return unmapped_area(mm, info);
}
/* number of broken invariants of mm's list and tree (0: all hold) */
int validate_mm(struct mm_struct* mm);

/* ---- page references and mapcounts (Linux: mm.h get_page/put_page,
 * page_mapcount, PageAnon) ---- */
#include <mm/page.h>
#define PAGE_MAPPING_ANON ((struct address_space*)0x1)
/* the shared zero page mapped read-only on read faults of anonymous memory
 * (in .bss: never counted, never freed) */
extern struct page* zero_page;
static inline bool is_zero_page(const struct page* p)
{
	return p == zero_page;
}
/* pages of the kernel image (the zero page, the vDSO and its data page,
 * PG_reserved) are mapped but never counted or freed */
static inline void get_page(struct page* page)
{
	if (!PageReserved(page))
		page->_refcount.fetch_add(1, std::memory_order_relaxed);
}
void put_page(struct page* page); /* the last reference frees it; the zero page is never freed */
/* a page about to be mapped for the first time: no mappings (Linux:
 * page_mapcount_reset); the page cache calls it on its new pages */
static inline void page_mapcount_reset(struct page* page)
{
	page->_mapcount = -1;
}
static inline int page_mapcount(const struct page* page)
{
	return __atomic_load_n(&page->_mapcount, __ATOMIC_RELAXED) + 1;
}
static inline bool PageAnon(const struct page* page)
{
	return page->mapping == PAGE_MAPPING_ANON;
}

/* ---- mm lifetime (kernel/fork.cc; Linux: kernel/fork.c, sched/mm.h) ---- */
/* a new, empty mm with its own PGD (the kernel half shared), one user */
struct mm_struct* mm_alloc();
static inline void mmgrab(struct mm_struct* mm)
{
	mm->mm_count.fetch_add(1, std::memory_order_relaxed);
}
void __mmdrop(struct mm_struct* mm);
static inline void mmdrop(struct mm_struct* mm)
{
	if (mm->mm_count.fetch_sub(1, std::memory_order_acq_rel) == 1)
		__mmdrop(mm);
}
static inline void mmget(struct mm_struct* mm)
{
	mm->mm_users.fetch_add(1, std::memory_order_relaxed);
}
/* take a user reference unless the mm is being torn down already */
static inline bool mmget_not_zero(struct mm_struct* mm)
{
	int u = mm->mm_users.load(std::memory_order_relaxed);
	while (u > 0)
		if (mm->mm_users.compare_exchange_weak(u, u + 1))
			return true;
	return false;
}
/* drop a user; the last one unmaps everything (exit_mmap) and mmdrop()s */
void mmput(struct mm_struct* mm);
/* a copy of oldmm for fork: every VMA, private pages shared copy-on-write */
lib::Result<struct mm_struct*> dup_mm(struct task_struct* tsk, struct mm_struct* oldmm);
/* the mm a task has (kthreads: NULL), with a user reference (Linux: get_task_mm) */
struct mm_struct* get_task_mm(struct task_struct* task);
/* current leaves its mm: lazy TLB on it, then mmput (Linux: kernel/exit.c exit_mm) */
void exit_mm();
/* tear down every VMA and page of mm (the last mmput) */
void exit_mmap(struct mm_struct* mm);

/* mmap_lock (Linux: include/linux/mmap_lock.h) */
static inline void mmap_read_lock(struct mm_struct* mm) ACQUIRE_SHARED(mm->mmap_lock)
{
	down_read(&mm->mmap_lock);
}
static inline void mmap_read_unlock(struct mm_struct* mm) RELEASE_SHARED(mm->mmap_lock)
{
	up_read(&mm->mmap_lock);
}
static inline void mmap_write_lock(struct mm_struct* mm) ACQUIRE(mm->mmap_lock)
{
	down_write(&mm->mmap_lock);
}
static inline void mmap_write_unlock(struct mm_struct* mm) RELEASE(mm->mmap_lock)
{
	up_write(&mm->mmap_lock);
}
static inline lib::Result<void> mmap_write_lock_killable(struct mm_struct* mm) ACQUIRE(mm->mmap_lock)
{
	down_write(&mm->mmap_lock); /* no fatal signals yet: never interrupted */
	return lib::ok();
}
/* a scope's read or write hold of mmap_lock */
class [[nodiscard]] SCOPED_CAPABILITY mmap_read_guard
{
public:
	explicit mmap_read_guard(struct mm_struct* mm) ACQUIRE_SHARED(mm->mmap_lock) : mm_(mm) { mmap_read_lock(mm); }
	~mmap_read_guard() RELEASE() { mmap_read_unlock(mm_); }
	mmap_read_guard(const mmap_read_guard&) = delete;
	mmap_read_guard& operator=(const mmap_read_guard&) = delete;

private:
	struct mm_struct* mm_;
};
class [[nodiscard]] SCOPED_CAPABILITY mmap_write_guard
{
public:
	explicit mmap_write_guard(struct mm_struct* mm) ACQUIRE(mm->mmap_lock) : mm_(mm) { mmap_write_lock(mm); }
	~mmap_write_guard() RELEASE() { mmap_write_unlock(mm_); }
	mmap_write_guard(const mmap_write_guard&) = delete;
	mmap_write_guard& operator=(const mmap_write_guard&) = delete;

private:
	struct mm_struct* mm_;
};

/* ---- VMA objects and the mapping operations (mm/mmap.cc) ---- */
extern int sysctl_max_map_count; /* vm.max_map_count: 65530 */
struct vm_area_struct* vm_area_alloc(struct mm_struct* mm);
struct vm_area_struct* vm_area_dup(struct vm_area_struct* orig);
void vm_area_free(struct vm_area_struct* vma);
/* the PTE protection for a VMA's flags (Linux: vm_get_page_prot) */
pgprot_t vm_get_page_prot(vm_flags_t vm_flags);

/* link vma into mm (accounting total_vm etc.); ENOMEM if it overlaps */
lib::Result<void> insert_vm_struct(struct mm_struct* mm, struct vm_area_struct* vma);
/* split vma at addr: new_below puts the new VMA below addr (Linux: __split_vma) */
lib::Result<void> __split_vma(struct mm_struct* mm, struct vm_area_struct* vma, unsigned long addr, int new_below);
/* merge [addr, end) with flags vm_flags into prev and/or the next VMA if they are
 * compatible; returns the merged VMA or NULL (Linux: vma_merge) */
struct vm_area_struct* vma_merge(struct mm_struct* mm, struct vm_area_struct* prev, unsigned long addr,
                                 unsigned long end, vm_flags_t vm_flags, struct file* file, unsigned long pgoff);
/* grow a VM_GROWSDOWN vma down to address (the guard gap kept); ENOMEM (Linux: expand_stack) */
lib::Result<void> expand_stack(struct vm_area_struct* vma, unsigned long address);
/* the VMA containing addr, growing a stack down to it if needed (Linux: find_extend_vma) */
struct vm_area_struct* find_extend_vma(struct mm_struct* mm, unsigned long addr);

/* a free range of len bytes for mmap (hint addr, MAP_FIXED in flags); EINVAL/ENOMEM */
lib::Result<unsigned long> get_unmapped_area(struct file* file, unsigned long addr, unsigned long len,
                                             unsigned long pgoff, unsigned long flags);
/* mmap with mmap_lock held for writing; *populate: bytes to fault in after unlock */
lib::Result<unsigned long> do_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                                   unsigned long flags, unsigned long pgoff, unsigned long* populate);
/* mmap for the kernel (exec, tests): takes mmap_lock itself (Linux: vm_mmap, offset in bytes) */
lib::Result<unsigned long> vm_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                                   unsigned long flag, unsigned long offset);
/* unmap [start, start + len) with mmap_lock held for writing (Linux: do_munmap) */
lib::Result<void> do_munmap(struct mm_struct* mm, unsigned long start, size_t len);
lib::Result<void> vm_munmap(unsigned long start, size_t len);
/* an anonymous VM_DATA mapping [addr, addr + len) for brk and ELF bss (Linux: vm_brk_flags) */
lib::Result<void> vm_brk_flags(unsigned long addr, unsigned long len, unsigned long flags);
/* fault in [start, start + len) (MAP_POPULATE, mlock; Linux: mm_populate) */
lib::Result<void> mm_populate(unsigned long start, unsigned long len);

/*
 * A file mapping's checks and vm_ops (mm/mmap.cc): the open mode against
 * the protection (EACCES), a noexec mount (EPERM), then the file's
 * f_op->mmap (ENODEV without one), which sets vma->vm_ops.  The VMA holds
 * a file reference (get_file/fput, <fs/fs.h>).
 */
lib::Result<void> mmap_file(struct file* file, struct vm_area_struct* vma);

/* A mapping of kernel pages into user space, named in /proc/PID/maps
 * (Linux: struct vm_special_mapping, _install_special_mapping): the vDSO
 * and its [vvar] data page.  Page i of the VMA is pages[i]; a fault past
 * nr_pages (the vvar pages Linux uses for paravirt clocks) is SIGBUS. */
struct vm_special_mapping {
	const char* name; /* "[vdso]" */
	struct page** pages;
	unsigned long nr_pages;
};
lib::Result<struct vm_area_struct*> _install_special_mapping(struct mm_struct* mm, unsigned long addr,
                                                             unsigned long len, unsigned long vm_flags,
                                                             const struct vm_special_mapping* spec);

/* ---- ASLR (mm/mmap.cc, arch/x86/mm/mmap.c and mm/util.c in Linux) ---- */
/* /proc/sys/kernel/randomize_va_space: 0 off, 1 stack/mmap/vdso, 2 also brk */
extern int randomize_va_space;
extern const unsigned long mmap_rnd_bits; /* 28 on x86_64 */
/* mm->mmap_base and get_unmapped_area for current's personality and RLIMIT_STACK */
void arch_pick_mmap_layout(struct mm_struct* mm);
/* a randomized brk start in [brk, brk + 1 GiB) (Linux: arch_randomize_brk;
 * 1 GiB for 64-bit tasks since 6.9, in Debian's 6.1 too: its heaps lie
 * up to ~1 GiB above the image) */
unsigned long arch_randomize_brk(struct mm_struct* mm);
/* a random page-aligned offset of mmap_rnd_bits for current, 0 without
 * PF_RANDOMIZE (Linux: arch_mmap_rnd; the ELF loader's ET_DYN base) */
unsigned long arch_mmap_rnd();
/* the stack top minus a random page-aligned offset (Linux: randomize_stack_top) */
unsigned long randomize_stack_top(unsigned long stack_top);
/* randomization wanted for current (randomize_va_space and ADDR_NO_RANDOMIZE) */
bool randomize_va_enabled();
#define STACK_TOP TASK_SIZE_MAX
#define STACK_RND_MASK 0x3fffff /* 22 bits of pages: 16 GiB */

/* ---- page tables and faults (mm/memory.cc) ---- */
/* handle a fault at address in vma (mmap_lock held for reading): VM_FAULT_* */
vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags);
/* drop the pages and PTEs of [start, end) in vma (MADV_DONTNEED, munmap) */
void zap_page_range(struct vm_area_struct* vma, unsigned long start, unsigned long end);
/* free the page-table pages whose whole range lies in [floor, ceiling):
 * no VMA is there any more (munmap: floor is the end of the VMA below the
 * hole, ceiling the start of the one above; exit: everything) */
void free_pgtables(struct mm_struct* mm, unsigned long start, unsigned long end, unsigned long floor,
                   unsigned long ceiling);
/* the top of what user page tables can map: the end of the PGD's user half
 * (Linux: USER_PGTABLES_CEILING, 0 there meaning "the top") */
#define USER_PGTABLES_CEILING (1UL << 47)
/* copy the PTEs of vma from src to dst for fork: private writable pages
 * become read-only in both (copy-on-write) */
lib::Result<void> copy_page_range(struct mm_struct* dst, struct mm_struct* src, struct vm_area_struct* vma);
/* set the protection of the present PTEs of [start, end) to newprot (mprotect) */
void change_protection(struct vm_area_struct* vma, unsigned long start, unsigned long end, pgprot_t newprot);
/* move the PTEs of [old, old + len) to new_addr (mremap) */
lib::Result<void> move_page_tables(struct vm_area_struct* vma, unsigned long old_addr,
                                   struct vm_area_struct* new_vma, unsigned long new_addr, unsigned long len);
/* the page mapped at address, or NULL; *pte_flags gets the PTE (Linux: follow_page) */
struct page* follow_page(struct vm_area_struct* vma, unsigned long address, uint64_t* pte_flags);
/* whether a PTE is present at address (mincore) */
bool user_page_present(struct mm_struct* mm, unsigned long address);
/* zap every mapping of the file pages [holebegin, holebegin + holelen) of
 * mapping (holelen 0: to the end), private copies included: truncation
 * (Linux: unmap_mapping_range with even_cows) */
void unmap_mapping_range(struct address_space* mapping, long long holebegin, long long holelen);

/* ---- file mappings (mm/mmap.cc) ---- */
/* put a file VMA on (take it off) its file's i_mapping->i_mmap; no-op for
 * anonymous memory (Linux: __vma_link_file, unlink_file_vma) */
void vma_link_file(struct vm_area_struct* vma);
void vma_unlink_file(struct vm_area_struct* vma);
/* the heuristic overcommit check (Linux's OVERCOMMIT_GUESS, the default):
 * may pages more of private writable memory be promised?  Only a single
 * request larger than RAM and swap is refused */
bool vm_enough_memory(unsigned long pages);

/* ---- shared anonymous memory (mm/shmem.cc) ---- */
/* an unlinked tmpfs file of size bytes for the kernel's use (Linux:
 * shmem_kernel_file_setup); flags: VM_NORESERVE skips the overcommit check */
lib::Result<struct file*> shmem_kernel_file_setup(const char* name, long long size, unsigned long flags);
/* memfds and their seals (mm/memfd.cc): fcntl's F_ADD_SEALS/F_GET_SEALS
 * (EINVAL on other files) and the checks tmpfs makes (EPERM) */
lib::Result<long> memfd_fcntl(struct file* file, unsigned int cmd, unsigned long arg);
lib::Result<void> seal_check_write(struct inode* inode, long long pos, size_t len);
lib::Result<void> seal_check_size(struct inode* inode, long long newsize);
lib::Result<void> seal_check_mmap(struct file* file, struct vm_area_struct* vma);
/* back an anonymous MAP_SHARED VMA by such a file (Linux: shmem_zero_setup) */
lib::Result<void> shmem_zero_setup(struct vm_area_struct* vma);

/* ---- get_user_pages (mm/gup.cc) ---- */
#define FOLL_WRITE 0x01 /* the pages will be written to */
#define FOLL_TOUCH 0x02
#define FOLL_GET 0x04
#define FOLL_DUMP 0x08
#define FOLL_FORCE 0x10 /* write even to a read-only private mapping (ptrace, /proc/PID/mem) */
#define FOLL_NOFAULT 0x80
#define FOLL_REMOTE 0x2000
/* fault in and take a reference to nr_pages pages of mm from start; the
 * number pinned (> 0), or EFAULT/ENOMEM when the first fails.  mmap_lock
 * held for reading by the caller, as Linux's. */
lib::Result<long> get_user_pages_remote(struct mm_struct* mm, unsigned long start, unsigned long nr_pages,
                                        unsigned int gup_flags, struct page** pages, struct vm_area_struct** vmas,
                                        int* locked);
/* copy len bytes between buf and mm at addr (takes mmap_lock); the bytes copied */
int access_remote_vm(struct mm_struct* mm, unsigned long addr, void* buf, int len, unsigned int gup_flags);

/* ---- accounting ---- */
void vm_stat_account(struct mm_struct* mm, vm_flags_t flags, long npages);
/* may mm grow by npages under RLIMIT_AS / RLIMIT_DATA? (Linux: may_expand_vm) */
bool may_expand_vm(struct mm_struct* mm, vm_flags_t flags, unsigned long npages);
