/*
 * Mapping and unmapping memory areas (Linux: mm/mmap.c do_mmap,
 * mmap_region, get_unmapped_area, do_munmap, __split_vma, vma_merge,
 * insert_vm_struct, expand_downwards, brk, do_brk_flags, exit_mmap,
 * may_expand_vm, vm_stat_account; mm/util.c vm_mmap, randomize_stack_top;
 * arch/x86/kernel/sys_x86_64.c arch_get_unmapped_area(_topdown), sys_mmap;
 * arch/x86/mm/mmap.c arch_pick_mmap_layout; arch/x86/kernel/process.c
 * arch_randomize_brk).
 *
 * Data structures: the VMAs of an mm (<mm/mm_types.h>, tree in mm/vma.cc);
 * vm_area_cachep, the "vm_area_struct" kmem_cache.
 *
 * Invariants: every VMA change here runs under mmap_lock held for
 * writing; after it the mm's list/tree invariants hold (validate_mm) and
 * total_vm/data_vm/exec_vm/stack_vm/locked_vm count the pages of the VMAs
 * by their flags (vm_stat_account).  map_count never exceeds
 * sysctl_max_map_count by a split or a new mapping.
 *
 * A file VMA is on its file's i_mapping->i_mmap list while it is in the
 * tree (vma_link_file), so truncation can unmap it; munmap takes the VMAs
 * off that list and out of the tree, zaps them, then frees the
 * page-table pages only they used (free_pgtables between the neighbours).
 *
 * Overcommit: Linux's default heuristic (OVERCOMMIT_GUESS): a private
 * writable mapping (VM_ACCOUNT) larger than RAM is ENOMEM unless
 * MAP_NORESERVE; nothing is counted across calls.
 *
 * Lock order (<kernel/lock_order.h>): mmap_lock -> i_mmap_rwsem ->
 * page_table_lock (in mm/memory.cc) -> the page and slab allocators.
 */
#include <arch/archrandom.h>
#include <arch/mmu_context.h>
#include <arch/processor.h>
#include <kernel/cred.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <fs/dcache.h>
#include <kernel/random.h>
#include <fs/fdtable.h>
#include <fs/fs.h>
#include <fs/mount.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/personality.h>
#include <uapi/linux/resource.h>
#include "internal.h"

int sysctl_max_map_count = 65530; /* DEFAULT_MAX_MAP_COUNT: USHRT_MAX - 5 */
int randomize_va_space = 2;
const unsigned long mmap_rnd_bits = 28; /* CONFIG_ARCH_MMAP_RND_BITS on x86_64 */
unsigned long mmap_min_addr = 65536;    /* CONFIG_DEFAULT_MMAP_MIN_ADDR (Debian) */
int sysctl_legacy_va_layout = 0;

/* ================================================================
 * File mappings: the VFS side (Linux: do_mmap's file checks, call_mmap)
 * ================================================================ */
/* may this file be mapped so, and by which vm_ops: the open mode against
 * the protection (EACCES), a noexec mount against PROT_EXEC (EPERM), then
 * the file's f_op->mmap (ENODEV without one) */
lib::Result<void> mmap_file(struct file* file, struct vm_area_struct* vma)
{
	if (!(file->f_mode & FMODE_READ))
		return lib::Error{EACCES};
	if ((vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_WRITE) && !(file->f_mode & FMODE_WRITE))
		return lib::Error{EACCES};
	if ((vma->vm_flags & VM_SHARED) && !(file->f_mode & FMODE_WRITE))
		vma->vm_flags &= ~VM_MAYWRITE; /* mprotect may not make it writable later */
	if ((vma->vm_flags & VM_EXEC) && (file->f_path.mnt->mnt_flags & MNT_NOEXEC))
		return lib::Error{EPERM};
	if (!file->f_op->mmap)
		return lib::Error{ENODEV};
	return file->f_op->mmap(file, vma);
}
/* the name print_vma_addr shows: the file's last path component, copied
 * NUL-terminated into buf (a rename may change it: under dcache_lock) */
void vma_file_name(struct file* file, char* buf, size_t size)
{
	lib::spin_lock_guard g(dcache_lock);
	const struct qstr& n = file->f_path.dentry->d_name;
	size_t len = n.len < size - 1 ? n.len : size - 1;
	lib::memcpy(buf, n.name, len);
	buf[len] = '\0';
}
/* the file of descriptor fd with a reference (EBADF) */
lib::Result<struct file*> mmap_fget(unsigned int fd)
{
	struct file* file = fget(fd);
	if (!file)
		return lib::Error{EBADF};
	return file;
}

/* ================================================================
 * VMA objects and accounting
 * ================================================================ */
struct vm_area_struct* vm_area_alloc(struct mm_struct* mm)
{
	auto* vma = static_cast<struct vm_area_struct*>(kmem_cache_alloc(vm_area_cachep, GFP_KERNEL));
	if (!vma)
		return nullptr;
	lib::memset(static_cast<void*>(vma), 0, sizeof(*vma));
	vma->vm_mm = mm;
	RB_CLEAR_NODE(&vma->vm_rb);
	vma->shared.init();
	return vma;
}

struct vm_area_struct* vm_area_dup(struct vm_area_struct* orig)
{
	auto* vma = static_cast<struct vm_area_struct*>(kmem_cache_alloc(vm_area_cachep, GFP_KERNEL));
	if (!vma)
		return nullptr;
	lib::memcpy(static_cast<void*>(vma), orig, sizeof(*vma));
	vma->vm_next = vma->vm_prev = nullptr;
	RB_CLEAR_NODE(&vma->vm_rb);
	vma->shared.init(); /* not on the file's i_mmap until vma_link_file */
	return vma;
}

void vm_area_free(struct vm_area_struct* vma)
{
	kmem_cache_free(vm_area_cachep, vma);
}

static struct address_space* vma_mapping(struct vm_area_struct* vma)
{
	return file_inode(vma->vm_file)->i_mapping;
}

void vma_link_file(struct vm_area_struct* vma)
{
	if (!vma->vm_file)
		return;
	struct address_space* mapping = vma_mapping(vma);
	down_write(&mapping->i_mmap_rwsem);
	mapping->i_mmap.add_tail(&vma->shared);
	up_write(&mapping->i_mmap_rwsem);
}

void vma_unlink_file(struct vm_area_struct* vma)
{
	if (!vma->vm_file)
		return;
	struct address_space* mapping = vma_mapping(vma);
	down_write(&mapping->i_mmap_rwsem);
	vma->shared.del_init(); /* no-op when not linked (del_init of a self-linked node) */
	up_write(&mapping->i_mmap_rwsem);
}

bool vm_enough_memory(unsigned long pages)
{
	return pages <= totalram_pages(); /* + total_swap_pages: no swap */
}

/* the VM_ACCOUNT rule (Linux: accountable_mapping): private writable memory */
static bool accountable_mapping(vm_flags_t vm_flags)
{
	return (vm_flags & (VM_NORESERVE | VM_SHARED | VM_WRITE)) == VM_WRITE;
}

/* close, drop the file, free (Linux: remove_vma); off i_mmap already */
static void remove_vma(struct vm_area_struct* vma)
{
	vma_unlink_file(vma);
	if (vma->vm_ops && vma->vm_ops->close)
		vma->vm_ops->close(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	vm_area_free(vma);
}

pgprot_t vm_get_page_prot(vm_flags_t vm_flags)
{
	/* Linux's x86 protection_map: a private writable mapping is read-only
	 * in the PTE until a write fault (copy-on-write); PROT_NONE keeps the
	 * page with every access faulting */
	if (!(vm_flags & (VM_READ | VM_WRITE | VM_EXEC)))
		return __pgprot(_PAGE_PROTNONE | _PAGE_ACCESSED);
	uint64_t v = _PAGE_PRESENT | _PAGE_USER | _PAGE_ACCESSED;
	if (!(vm_flags & VM_EXEC))
		v |= _PAGE_NX;
	if ((vm_flags & VM_WRITE) && (vm_flags & VM_SHARED))
		v |= _PAGE_RW;
	return __pgprot(v);
}

static bool is_exec_mapping(vm_flags_t flags)
{
	return (flags & (VM_EXEC | VM_WRITE | VM_STACK)) == VM_EXEC;
}
static bool is_stack_mapping(vm_flags_t flags)
{
	return (flags & VM_STACK) == VM_STACK;
}
static bool is_data_mapping(vm_flags_t flags)
{
	return (flags & (VM_WRITE | VM_SHARED | VM_STACK)) == VM_WRITE;
}

void vm_stat_account(struct mm_struct* mm, vm_flags_t flags, long npages)
{
	mm->total_vm += npages;
	if (is_exec_mapping(flags))
		mm->exec_vm += npages;
	else if (is_stack_mapping(flags))
		mm->stack_vm += npages;
	else if (is_data_mapping(flags))
		mm->data_vm += npages;
	if (mm->total_vm > mm->hiwater_vm)
		mm->hiwater_vm = mm->total_vm;
}

bool may_expand_vm(struct mm_struct* mm, vm_flags_t flags, unsigned long npages)
{
	if (mm->total_vm + npages > rlimit(RLIMIT_AS) >> PAGE_SHIFT)
		return false;
	if (is_data_mapping(flags) && mm->data_vm + npages > rlimit(RLIMIT_DATA) >> PAGE_SHIFT) {
		/* Valgrind's workaround, as Linux: a zero soft limit under the hard one */
		if (rlimit(RLIMIT_DATA) == 0 && mm->data_vm + npages <= rlimit_max(RLIMIT_DATA) >> PAGE_SHIFT)
			return true;
		static bool warned;
		if (!warned) {
			warned = true;
			pr_warn("%s (%d): VmData %lu exceed data ulimit %lu. Update limits or use boot option "
			        "ignore_rlimit_data.\n",
			        current->comm, current->pid, (mm->data_vm + npages) << PAGE_SHIFT, rlimit(RLIMIT_DATA));
		}
		return false;
	}
	return true;
}

/* CAP_IPC_LOCK: root's, until capabilities exist (Linux: capable(CAP_IPC_LOCK)) */
bool capable_ipc_lock()
{
	return __kuid_val(current->cred->euid) == 0;
}

/* may mm lock len bytes more (RLIMIT_MEMLOCK; Linux: mlock_future_check) */
lib::Result<void> mlock_future_check(struct mm_struct* mm, vm_flags_t flags, unsigned long len)
{
	if (!(flags & VM_LOCKED))
		return lib::ok();
	unsigned long locked = (len >> PAGE_SHIFT) + mm->locked_vm;
	unsigned long limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	if (locked > limit && !capable_ipc_lock())
		return lib::Error{EAGAIN};
	return lib::ok();
}

/* account a VMA that joins or leaves the mm (pages > 0: joins) */
static void account_vma(struct mm_struct* mm, struct vm_area_struct* vma, long pages)
{
	vm_stat_account(mm, vma->vm_flags, pages);
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += pages;
}

/* ================================================================
 * Linking, splitting, merging
 * ================================================================ */
lib::Result<void> insert_vm_struct(struct mm_struct* mm, struct vm_area_struct* vma)
{
	if (!vma->vm_ops)
		vma->vm_pgoff = vma->vm_start >> PAGE_SHIFT; /* anonymous (Linux's vma_is_anonymous): the linear index */
	if (mm->map_count >= sysctl_max_map_count)
		return lib::Error{ENOMEM};
	TRY(__insert_vm_struct(mm, vma));
	account_vma(mm, vma, long(vma_pages(vma)));
	return lib::ok();
}

struct vm_area_struct* find_vma_intersection(struct mm_struct* mm, unsigned long start, unsigned long end)
{
	struct vm_area_struct* v = find_vma(mm, start);
	return v && v->vm_start < end ? v : nullptr;
}

lib::Result<void> __split_vma(struct mm_struct* mm, struct vm_area_struct* vma, unsigned long addr, int new_below)
{
	if (WARN_ON(addr <= vma->vm_start || addr >= vma->vm_end || (addr & ~PAGE_MASK)))
		return lib::Error{EINVAL};
	struct vm_area_struct* n = vm_area_dup(vma);
	if (!n)
		return lib::Error{ENOMEM};
	if (n->vm_file)
		get_file(n->vm_file);
	if (n->vm_ops && n->vm_ops->open)
		n->vm_ops->open(n);
	if (new_below) {
		n->vm_end = addr;
		vma->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_start = addr;
	} else {
		n->vm_start = addr;
		n->vm_pgoff += (addr - vma->vm_start) >> PAGE_SHIFT;
		vma->vm_end = addr;
	}
	vma_bounds_changed(mm, vma);
	/* cannot overlap: n covers what vma just gave up */
	WARN_ON(__insert_vm_struct(mm, n).is_err());
	vma_link_file(n);
	return lib::ok();
}

static lib::Result<void> split_vma(struct mm_struct* mm, struct vm_area_struct* vma, unsigned long addr,
                                   int new_below)
{
	if (mm->map_count >= sysctl_max_map_count)
		return lib::Error{ENOMEM};
	return __split_vma(mm, vma, addr, new_below);
}

static bool is_mergeable_vma(struct vm_area_struct* vma, struct file* file, vm_flags_t vm_flags)
{
	return ((vma->vm_flags ^ vm_flags) & ~VM_SOFTDIRTY) == 0 && vma->vm_file == file &&
	       !(vma->vm_ops && vma->vm_ops->close);
}

/* drop a VMA a merge absorbed: its pages stay mapped, now the neighbour's */
static void merge_remove(struct mm_struct* mm, struct vm_area_struct* vma)
{
	__vma_unlink(mm, vma);
	vma_unlink_file(vma);
	if (vma->vm_file)
		fput(vma->vm_file);
	vm_area_free(vma);
}

/*
 * Linux's vma_merge for the two ways it is called: [addr, end) is a hole
 * after prev (mmap, brk), or lies inside one VMA (mprotect, mlock,
 * madvise: prev is that VMA when addr is inside it, else the one before).
 * Flags and accounting are the caller's: a merged range takes vm_flags.
 */
struct vm_area_struct* vma_merge(struct mm_struct* mm, struct vm_area_struct* prev, unsigned long addr,
                                 unsigned long end, vm_flags_t vm_flags, struct file* file, unsigned long pgoff)
{
	unsigned long pglen = (end - addr) >> PAGE_SHIFT;
	if (vm_flags & VM_SPECIAL)
		return nullptr;
	struct vm_area_struct* next = prev ? prev->vm_next : mm->mmap;
	struct vm_area_struct* area = next;
	if (area && area->vm_end == end) /* the range is area's tail or all of it */
		next = next->vm_next;
	bool covers_area = area && area->vm_start < end; /* the range is inside area, from addr */
	bool after_prev = prev && prev->vm_end == addr && is_mergeable_vma(prev, file, vm_flags) &&
	                  prev->vm_pgoff + vma_pages(prev) == pgoff;
	bool before_next = next && end == next->vm_start && is_mergeable_vma(next, file, vm_flags) &&
	                   next->vm_pgoff == pgoff + pglen;
	if (after_prev) {
		unsigned long new_end = end;
		if (before_next) { /* prev, the range and next become one */
			new_end = next->vm_end;
			if (covers_area && area != next)
				merge_remove(mm, area);
			merge_remove(mm, next);
		} else if (covers_area) {
			if (area->vm_end == end) {
				merge_remove(mm, area);
			} else { /* area keeps what lies after end */
				area->vm_pgoff += pglen;
				area->vm_start = end;
				vma_bounds_changed(mm, area);
			}
		}
		prev->vm_end = new_end;
		vma_bounds_changed(mm, prev);
		return prev;
	}
	if (before_next) {
		if (prev && addr < prev->vm_end) { /* the tail of prev goes to next */
			prev->vm_end = addr;
			vma_bounds_changed(mm, prev);
		} else if (covers_area && area != next) {
			merge_remove(mm, area);
		}
		next->vm_start = addr;
		next->vm_pgoff = pgoff;
		vma_bounds_changed(mm, next);
		return next;
	}
	return nullptr;
}

/* the VMA covering exactly [start, end) of vma, with newflags: merged with
 * a neighbour or split off (mprotect_fixup, mlock_fixup, madvise_update_vma) */
lib::Result<struct vm_area_struct*> vma_modify_flags(struct mm_struct* mm, struct vm_area_struct* vma,
                                                     struct vm_area_struct* prev, unsigned long start,
                                                     unsigned long end, vm_flags_t newflags)
{
	if (newflags == vma->vm_flags)
		return vma;
	unsigned long pgoff = vma->vm_pgoff + ((start - vma->vm_start) >> PAGE_SHIFT);
	if (struct vm_area_struct* m = vma_merge(mm, prev, start, end, newflags, vma->vm_file, pgoff))
		return m;
	if (start != vma->vm_start)
		TRY(split_vma(mm, vma, start, 1));
	if (end != vma->vm_end)
		TRY(split_vma(mm, vma, end, 0));
	vma->vm_flags = newflags;
	vma->vm_page_prot = vm_get_page_prot(newflags);
	return vma;
}

/* ================================================================
 * Stacks
 * ================================================================ */
lib::Result<void> expand_stack(struct vm_area_struct* vma, unsigned long address)
{
	struct mm_struct* mm = vma->vm_mm;
	address &= PAGE_MASK;
	if (!(vma->vm_flags & VM_GROWSDOWN))
		return lib::Error{EFAULT};
	if (address < mmap_min_addr)
		return lib::Error{EPERM};
	struct vm_area_struct* prev = vma->vm_prev;
	/* the guard gap: not within stack_guard_gap of an accessible mapping below */
	if (prev && !(prev->vm_flags & VM_GROWSDOWN) && (prev->vm_flags & VM_ACCESS_FLAGS)) {
		if (address < prev->vm_end || address - prev->vm_end < stack_guard_gap)
			return lib::Error{ENOMEM};
	}
	if (address >= vma->vm_start)
		return lib::ok();
	unsigned long size = vma->vm_end - address;
	unsigned long grow = (vma->vm_start - address) >> PAGE_SHIFT;
	if (grow > vma->vm_pgoff) /* the linear index would go below 0 */
		return lib::Error{ENOMEM};
	/* acct_stack_growth */
	if (!may_expand_vm(mm, vma->vm_flags, grow))
		return lib::Error{ENOMEM};
	if (size > rlimit(RLIMIT_STACK))
		return lib::Error{ENOMEM};
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += grow;
	vm_stat_account(mm, vma->vm_flags, long(grow));
	vma->vm_start = address;
	vma->vm_pgoff -= grow;
	vma_bounds_changed(mm, vma);
	return lib::ok();
}

struct vm_area_struct* find_extend_vma(struct mm_struct* mm, unsigned long addr)
{
	addr &= PAGE_MASK;
	struct vm_area_struct* vma = find_vma(mm, addr);
	if (vma && vma->vm_start <= addr)
		return vma;
	if (!vma || !(vma->vm_flags & VM_GROWSDOWN))
		return nullptr;
	if (expand_stack(vma, addr).is_err())
		return nullptr;
	return vma;
}

/* ================================================================
 * Finding room: the layout and the search (x86's sys_x86_64.c, mmap.c)
 * ================================================================ */
bool randomize_va_enabled()
{
	return randomize_va_space && !(current->personality & ADDR_NO_RANDOMIZE);
}

static unsigned long arch_rnd(unsigned int rndbits)
{
	if (!(current->flags & PF_RANDOMIZE))
		return 0;
	return (get_random_long() & ((1UL << rndbits) - 1)) << PAGE_SHIFT;
}

static unsigned long stack_maxrandom_size()
{
	if (!(current->flags & PF_RANDOMIZE))
		return 0;
	return (unsigned long)STACK_RND_MASK << PAGE_SHIFT;
}

static bool mmap_is_legacy()
{
	if (current->personality & ADDR_COMPAT_LAYOUT)
		return true;
	return sysctl_legacy_va_layout;
}

static lib::Result<unsigned long> arch_get_unmapped_area(struct file*, unsigned long addr, unsigned long len,
                                                         unsigned long pgoff, unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	if (flags & MAP_FIXED)
		return addr;
	unsigned long begin = mm->mmap_legacy_base, end = TASK_SIZE_MAX;
	if (flags & MAP_32BIT) {
		begin = 0x40000000;
		end = 0x80000000;
	}
	if (len > end)
		return lib::Error{ENOMEM};
	if (addr) {
		addr = (addr + PAGE_SIZE - 1) & PAGE_MASK;
		struct vm_area_struct* vma = find_vma(mm, addr);
		if (end - len >= addr && (!vma || addr + len <= vm_start_gap(vma)))
			return addr;
	}
	struct vm_unmapped_area_info info = {0, len, begin, end, 0, pgoff << PAGE_SHIFT};
	return vm_unmapped_area(mm, &info);
}

static lib::Result<unsigned long> arch_get_unmapped_area_topdown(struct file* filp, unsigned long addr0,
                                                                 unsigned long len, unsigned long pgoff,
                                                                 unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	unsigned long addr = addr0;
	if (len > TASK_SIZE_MAX)
		return lib::Error{ENOMEM};
	if (flags & MAP_FIXED)
		return addr;
	if (flags & MAP_32BIT)
		return arch_get_unmapped_area(filp, addr0, len, pgoff, flags);
	if (addr) { /* the hint, if it is free */
		addr &= PAGE_MASK;
		if (TASK_SIZE_MAX - len >= addr) {
			struct vm_area_struct* vma = find_vma(mm, addr);
			if (!vma || addr + len <= vm_start_gap(vma))
				return addr;
		}
	}
	struct vm_unmapped_area_info info = {VM_UNMAPPED_AREA_TOPDOWN, len, PAGE_SIZE, mm->mmap_base, 0,
	                                     pgoff << PAGE_SHIFT};
	lib::Result<unsigned long> r = vm_unmapped_area(mm, &info);
	if (r.is_ok())
		return r;
	/* no room below mmap_base: search bottom-up, as Linux falls back */
	return arch_get_unmapped_area(filp, addr0, len, pgoff, flags);
}

void arch_pick_mmap_layout(struct mm_struct* mm)
{
	unsigned long task_size = TASK_SIZE_MAX;
	unsigned long rnd = arch_rnd(mmap_rnd_bits);
	mm->mmap_legacy_base = ((task_size / 3 + PAGE_SIZE - 1) & PAGE_MASK) + rnd;
	if (mmap_is_legacy()) {
		mm->mmap_base = mm->mmap_legacy_base;
		mm->get_unmapped_area = arch_get_unmapped_area;
		return;
	}
	/* below the stack's maximum size, its randomization and its guard gap */
	unsigned long gap = rlimit(RLIMIT_STACK);
	unsigned long pad = stack_maxrandom_size() + stack_guard_gap;
	if (gap + pad > gap)
		gap += pad;
	unsigned long gap_min = 128UL << 20, gap_max = (task_size / 6) * 5;
	if (gap < gap_min)
		gap = gap_min;
	else if (gap > gap_max)
		gap = gap_max;
	mm->mmap_base = (task_size - gap - rnd) & PAGE_MASK;
	mm->get_unmapped_area = arch_get_unmapped_area_topdown;
}

/* start + a random number of pages below start + range (Linux: randomize_page) */
static unsigned long randomize_page(unsigned long start, unsigned long range)
{
	if (start & ~PAGE_MASK) {
		range -= ((start + PAGE_SIZE - 1) & PAGE_MASK) - start;
		start = (start + PAGE_SIZE - 1) & PAGE_MASK;
	}
	if (start > ~0UL - range)
		range = ~0UL - start;
	range >>= PAGE_SHIFT;
	if (range == 0)
		return start;
	return start + ((get_random_long() % range) << PAGE_SHIFT);
}

unsigned long arch_randomize_brk(struct mm_struct* mm)
{
	return randomize_page(mm->brk, 1UL << 30);
}

unsigned long arch_mmap_rnd()
{
	return arch_rnd(mmap_rnd_bits);
}

unsigned long randomize_stack_top(unsigned long stack_top)
{
	unsigned long random_variable = 0;
	if (current->flags & PF_RANDOMIZE) {
		random_variable = get_random_long();
		random_variable &= STACK_RND_MASK;
		random_variable <<= PAGE_SHIFT;
	}
	return ((stack_top + PAGE_SIZE - 1) & PAGE_MASK) - random_variable;
}

lib::Result<unsigned long> get_unmapped_area(struct file* file, unsigned long addr, unsigned long len,
                                             unsigned long pgoff, unsigned long flags)
{
	if (len > TASK_SIZE_MAX)
		return lib::Error{ENOMEM};
	struct mm_struct* mm = current->mm;
	auto get_area = mm->get_unmapped_area ? mm->get_unmapped_area : arch_get_unmapped_area_topdown;
	if (!file && (flags & MAP_SHARED))
		pgoff = 0;
	addr = TRY(get_area(file, addr, len, pgoff, flags));
	if (addr > TASK_SIZE_MAX - len)
		return lib::Error{ENOMEM};
	if (addr & ~PAGE_MASK)
		return lib::Error{EINVAL};
	return addr;
}

/* ================================================================
 * Unmapping
 * ================================================================ */
lib::Result<void> do_munmap(struct mm_struct* mm, unsigned long start, size_t len)
{
	if ((start & ~PAGE_MASK) || start > TASK_SIZE_MAX || len > TASK_SIZE_MAX - start)
		return lib::Error{EINVAL};
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long end = start + len;
	if (len == 0)
		return lib::Error{EINVAL};
	struct vm_area_struct* vma = find_vma(mm, start);
	if (!vma || vma->vm_start >= end)
		return lib::ok();
	/* split off the parts that stay: below start, then above end */
	if (start > vma->vm_start) {
		if (end < vma->vm_end && mm->map_count >= sysctl_max_map_count)
			return lib::Error{ENOMEM};
		TRY(__split_vma(mm, vma, start, 1));
	}
	struct vm_area_struct* last = find_vma(mm, end);
	if (last && end > last->vm_start)
		TRY(__split_vma(mm, last, end, 1));
	vma = find_vma(mm, start);
	struct vm_area_struct* prev = vma ? vma->vm_prev : nullptr;
	/* detach [start, end): the VMAs leave the tree and their file's
	 * i_mmap (so truncation no longer walks their page tables), their
	 * pages go, then the page-table pages only they used */
	struct vm_area_struct* detached = nullptr;
	while (vma && vma->vm_start < end) {
		struct vm_area_struct* next = vma->vm_next;
		account_vma(mm, vma, -long(vma_pages(vma)));
		__vma_unlink(mm, vma);
		vma_unlink_file(vma);
		zap_page_range(vma, vma->vm_start, vma->vm_end);
		vma->vm_next = detached;
		detached = vma;
		vma = next;
	}
	free_pgtables(mm, start, end, prev ? prev->vm_end : 0, vma ? vma->vm_start : USER_PGTABLES_CEILING);
	while (detached) {
		struct vm_area_struct* next = detached->vm_next;
		remove_vma(detached);
		detached = next;
	}
	return lib::ok();
}

lib::Result<void> vm_munmap(unsigned long start, size_t len)
{
	struct mm_struct* mm = current->mm;
	mmap_write_guard g(mm);
	return do_munmap(mm, start, len);
}

SYSCALL_DEFINE2(munmap, unsigned long, addr, size_t, len)
{
	TRY(vm_munmap(addr, len));
	return 0;
}

/* ================================================================
 * Mapping
 * ================================================================ */
static vm_flags_t calc_vm_prot_bits(unsigned long prot)
{
	return ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
	       ((prot & PROT_EXEC) ? VM_EXEC : 0);
}
static vm_flags_t calc_vm_flag_bits(unsigned long flags)
{
	return ((flags & MAP_GROWSDOWN) ? VM_GROWSDOWN : 0) | ((flags & MAP_LOCKED) ? VM_LOCKED : 0) |
	       ((flags & MAP_SYNC) ? VM_SYNC : 0);
}

static unsigned long count_vma_pages_range(struct mm_struct* mm, unsigned long addr, unsigned long end)
{
	unsigned long n = 0;
	for (struct vm_area_struct* v = find_vma_intersection(mm, addr, end); v && v->vm_start < end; v = v->vm_next) {
		unsigned long s = v->vm_start > addr ? v->vm_start : addr;
		unsigned long e = v->vm_end < end ? v->vm_end : end;
		n += (e - s) >> PAGE_SHIFT;
	}
	return n;
}

static lib::Result<unsigned long> mmap_region(struct file* file, unsigned long addr, unsigned long len,
                                              vm_flags_t vm_flags, unsigned long pgoff)
{
	struct mm_struct* mm = current->mm;
	if (!may_expand_vm(mm, vm_flags, len >> PAGE_SHIFT)) {
		unsigned long nr_pages = count_vma_pages_range(mm, addr, addr + len);
		if (!may_expand_vm(mm, vm_flags, (len >> PAGE_SHIFT) - nr_pages))
			return lib::Error{ENOMEM};
	}
	/* MAP_FIXED over old mappings: they go first (as Linux, nothing is
	 * unmapped when that would split past vm.max_map_count) */
	if (do_munmap(mm, addr, len).is_err())
		return lib::Error{ENOMEM};
	if (accountable_mapping(vm_flags)) { /* private writable memory is promised: overcommit check */
		if (!vm_enough_memory(len >> PAGE_SHIFT))
			return lib::Error{ENOMEM};
		vm_flags |= VM_ACCOUNT;
	}

	struct vm_area_struct* prev;
	struct rb_node** rb_link;
	struct rb_node* rb_parent;
	TRY(find_vma_links(mm, addr, addr + len, &prev, &rb_link, &rb_parent));
	if (!file) {
		if (struct vm_area_struct* v = vma_merge(mm, prev, addr, addr + len, vm_flags, nullptr, pgoff)) {
			vm_stat_account(mm, vm_flags, long(len >> PAGE_SHIFT));
			if (vm_flags & VM_LOCKED)
				mm->locked_vm += len >> PAGE_SHIFT;
			(void)v;
			return addr;
		}
	}
	/* no map_count check here: do_mmap's and do_munmap's are Linux's */
	struct vm_area_struct* vma = vm_area_alloc(mm);
	if (!vma)
		return lib::Error{ENOMEM};
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags;
	vma->vm_page_prot = vm_get_page_prot(vm_flags);
	vma->vm_pgoff = pgoff;
	if (!file && (vm_flags & VM_SHARED)) { /* shared anonymous memory: a tmpfs file */
		lib::Result<void> r = shmem_zero_setup(vma);
		if (r.is_err()) {
			vm_area_free(vma);
			return lib::Error{r.error()};
		}
	} else if (file) {
		vma->vm_file = get_file(file);
		lib::Result<void> r = mmap_file(file, vma);
		if (r.is_err()) {
			fput(file);
			vm_area_free(vma);
			return lib::Error{r.error()};
		}
		/* the driver may have changed the bounds: look the links up again */
		TRY(find_vma_links(mm, vma->vm_start, vma->vm_end, &prev, &rb_link, &rb_parent));
	}
	__vma_link(mm, vma, prev, rb_link, rb_parent);
	vma_link_file(vma);
	account_vma(mm, vma, long(vma_pages(vma)));
	return addr;
}

/* the flags every kernel accepts with MAP_SHARED (Linux: LEGACY_MAP_MASK) */
static constexpr unsigned long LEGACY_MAP_MASK = MAP_SHARED | MAP_PRIVATE | MAP_FIXED | MAP_ANONYMOUS | MAP_DENYWRITE |
                                                 MAP_EXECUTABLE | MAP_UNINITIALIZED | MAP_GROWSDOWN | MAP_LOCKED |
                                                 MAP_NORESERVE | MAP_POPULATE | MAP_NONBLOCK | MAP_STACK |
                                                 MAP_HUGETLB;

lib::Result<unsigned long> do_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                                   unsigned long flags, unsigned long pgoff, unsigned long* populate)
{
	struct mm_struct* mm = current->mm;
	*populate = 0;
	if (!len)
		return lib::Error{EINVAL};
	if ((prot & PROT_READ) && (current->personality & READ_IMPLIES_EXEC))
		prot |= PROT_EXEC;
	if (flags & MAP_FIXED_NOREPLACE)
		flags |= MAP_FIXED;
	if (!(flags & MAP_FIXED) && addr && addr < mmap_min_addr) /* round_hint_to_min */
		addr = (mmap_min_addr + PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long rlen = (len + PAGE_SIZE - 1) & PAGE_MASK;
	if (!rlen || rlen < len)
		return lib::Error{ENOMEM};
	len = rlen;
	if (pgoff + (len >> PAGE_SHIFT) < pgoff)
		return lib::Error{EOVERFLOW};
	if (mm->map_count > sysctl_max_map_count)
		return lib::Error{ENOMEM};
	addr = TRY(get_unmapped_area(file, addr, len, pgoff, flags));
	if ((flags & MAP_FIXED_NOREPLACE) && find_vma_intersection(mm, addr, addr + len))
		return lib::Error{EEXIST};
	vm_flags_t vm_flags = calc_vm_prot_bits(prot) | calc_vm_flag_bits(flags) | mm->def_flags | VM_MAYREAD |
	                      VM_MAYWRITE | VM_MAYEXEC;
	TRY(mlock_future_check(mm, vm_flags, len));
	if (file) {
		switch (flags & MAP_TYPE) {
		case MAP_SHARED:
			/* unknown flags are ignored with MAP_SHARED, refused with
			 * MAP_SHARED_VALIDATE (no file here supports MAP_SYNC) */
			flags &= LEGACY_MAP_MASK;
			[[fallthrough]];
		case MAP_SHARED_VALIDATE:
			if (flags & ~LEGACY_MAP_MASK)
				return lib::Error{EOPNOTSUPP};
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_PRIVATE:
			break;
		default:
			return lib::Error{EINVAL};
		}
		if (vm_flags & VM_GROWSDOWN)
			return lib::Error{EINVAL};
	} else {
		switch (flags & MAP_TYPE) { /* MAP_SHARED_VALIDATE too is EINVAL here, as Linux 6.1 */
		case MAP_SHARED:
			if (vm_flags & VM_GROWSDOWN)
				return lib::Error{EINVAL};
			pgoff = 0; /* the offset in the shmem file */
			vm_flags |= VM_SHARED | VM_MAYSHARE;
			break;
		case MAP_PRIVATE:
			pgoff = addr >> PAGE_SHIFT;
			break;
		default:
			return lib::Error{EINVAL};
		}
	}
	if (flags & MAP_NORESERVE)
		vm_flags |= VM_NORESERVE; /* heuristic overcommit, the default */
	addr = TRY(mmap_region(file, addr, len, vm_flags, pgoff));
	if ((vm_flags & VM_LOCKED) || (flags & (MAP_POPULATE | MAP_NONBLOCK)) == MAP_POPULATE)
		*populate = len;
	return addr;
}

lib::Result<unsigned long> vm_mmap_pgoff(struct file* file, unsigned long addr, unsigned long len,
                                         unsigned long prot, unsigned long flag, unsigned long pgoff)
{
	struct mm_struct* mm = current->mm;
	unsigned long populate = 0;
	lib::Result<unsigned long> ret = lib::Error{ENOMEM};
	{
		mmap_write_guard g(mm);
		ret = do_mmap(file, addr, len, prot, flag, pgoff, &populate);
	}
	if (ret.is_ok() && populate)
		(void)mm_populate(ret.value(), populate); /* as Linux: a failure leaves it unpopulated */
	return ret;
}

lib::Result<unsigned long> vm_mmap(struct file* file, unsigned long addr, unsigned long len, unsigned long prot,
                                   unsigned long flag, unsigned long offset)
{
	if (offset + ((len + PAGE_SIZE - 1) & PAGE_MASK) < offset)
		return lib::Error{EINVAL};
	if (offset & ~PAGE_MASK)
		return lib::Error{EINVAL};
	return vm_mmap_pgoff(file, addr, len, prot, flag, offset >> PAGE_SHIFT);
}

SYSCALL_DEFINE6(mmap, unsigned long, addr, unsigned long, len, unsigned long, prot, unsigned long, flags,
                unsigned long, fd, unsigned long, off)
{
	if (off & ~PAGE_MASK)
		return lib::Error{EINVAL};
	struct file* file = nullptr;
	if (!(flags & MAP_ANONYMOUS))
		file = TRY(mmap_fget((unsigned int)fd));
	lib::Result<unsigned long> r = vm_mmap_pgoff(file, addr, len, prot, flags, off >> PAGE_SHIFT);
	if (file)
		fput(file);
	return long(TRY(r));
}

/* ================================================================
 * brk
 * ================================================================ */
static lib::Result<void> do_brk_flags(unsigned long addr, unsigned long len, unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	if (flags & ~VM_EXEC)
		return lib::Error{EINVAL};
	flags |= VM_DATA_DEFAULT_FLAGS | VM_ACCOUNT | mm->def_flags;
	TRY(get_unmapped_area(nullptr, addr, len, 0, MAP_FIXED));
	TRY(mlock_future_check(mm, mm->def_flags, len));
	/* clear what was there (Linux: munmap_vma_range) */
	TRY(do_munmap(mm, addr, len));
	if (!may_expand_vm(mm, flags, len >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	if (mm->map_count > sysctl_max_map_count)
		return lib::Error{ENOMEM};
	if (!vm_enough_memory(len >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	struct vm_area_struct* prev;
	struct rb_node** rb_link;
	struct rb_node* rb_parent;
	TRY(find_vma_links(mm, addr, addr + len, &prev, &rb_link, &rb_parent));
	if (!vma_merge(mm, prev, addr, addr + len, flags, nullptr, addr >> PAGE_SHIFT)) {
		struct vm_area_struct* vma = vm_area_alloc(mm);
		if (!vma)
			return lib::Error{ENOMEM};
		vma->vm_start = addr;
		vma->vm_end = addr + len;
		vma->vm_pgoff = addr >> PAGE_SHIFT;
		vma->vm_flags = flags;
		vma->vm_page_prot = vm_get_page_prot(flags);
		__vma_link(mm, vma, prev, rb_link, rb_parent);
	}
	vm_stat_account(mm, flags, long(len >> PAGE_SHIFT));
	if (flags & VM_LOCKED)
		mm->locked_vm += len >> PAGE_SHIFT;
	return lib::ok();
}

lib::Result<void> vm_brk_flags(unsigned long addr, unsigned long request, unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	unsigned long len = (request + PAGE_SIZE - 1) & PAGE_MASK;
	if (len < request)
		return lib::Error{ENOMEM};
	if (!len)
		return lib::ok();
	bool populate;
	{
		mmap_write_guard g(mm);
		TRY(do_brk_flags(addr, len, flags));
		populate = (mm->def_flags & VM_LOCKED) != 0;
	}
	if (populate)
		(void)mm_populate(addr, len);
	return lib::ok();
}

/* RLIMIT_DATA covers brk plus the data segment (Linux: check_data_rlimit) */
static bool data_rlimit_exceeded(unsigned long rlim, unsigned long new_brk, unsigned long start,
                                 unsigned long end_data, unsigned long start_data)
{
	return rlim < RLIM_INFINITY && (new_brk - start) + (end_data - start_data) > rlim;
}

SYSCALL_DEFINE1(brk, unsigned long, brk)
{
	struct mm_struct* mm = current->mm;
	unsigned long newbrk, oldbrk, origbrk;
	bool populate = false;
	{
		mmap_write_guard g(mm);
		origbrk = mm->brk;
		if (brk < mm->start_brk) /* no CONFIG_COMPAT_BRK, as Debian's */
			return long(origbrk);
		if (data_rlimit_exceeded(rlimit(RLIMIT_DATA), brk, mm->start_brk, mm->end_data, mm->start_data))
			return long(origbrk);
		newbrk = (brk + PAGE_SIZE - 1) & PAGE_MASK;
		oldbrk = (mm->brk + PAGE_SIZE - 1) & PAGE_MASK;
		if (oldbrk == newbrk) {
			mm->brk = brk;
			return long(brk);
		}
		if (brk <= mm->brk) { /* shrinking always works */
			mm->brk = brk;
			if (do_munmap(mm, newbrk, oldbrk - newbrk).is_err()) {
				mm->brk = origbrk;
				return long(origbrk);
			}
			return long(brk);
		}
		/* not into the next mapping, nor its guard gap */
		struct vm_area_struct* next = find_vma(mm, oldbrk);
		if (next && newbrk + PAGE_SIZE > vm_start_gap(next))
			return long(origbrk);
		if (do_brk_flags(oldbrk, newbrk - oldbrk, 0).is_err())
			return long(origbrk);
		mm->brk = brk;
		populate = (mm->def_flags & VM_LOCKED) != 0;
	}
	if (populate)
		(void)mm_populate(oldbrk, newbrk - oldbrk);
	return long(brk);
}

/* ================================================================
 * Teardown
 * ================================================================ */
void exit_mmap(struct mm_struct* mm)
{
	/* off the files' i_mmap first: truncation must not walk these tables */
	for (struct vm_area_struct* v = mm->mmap; v; v = v->vm_next)
		vma_unlink_file(v);
	exit_mmap_pages(mm);
	/* the tables under the VMAs, VMA by VMA with nearby ones gathered,
	 * floor 0 and the next VMA as ceiling (Linux: free_pgtables from
	 * exit_mmap), so only the mapped ranges are walked; a table the
	 * walk left (none should be) goes with a whole sweep */
	for (struct vm_area_struct* v = mm->mmap; v;) {
		unsigned long start = v->vm_start;
		struct vm_area_struct* next = v->vm_next;
		while (next && next->vm_start <= v->vm_end + PMD_SIZE) {
			v = next;
			next = v->vm_next;
		}
		free_pgtables(mm, start, v->vm_end, 0, next ? next->vm_start : USER_PGTABLES_CEILING);
		v = next;
	}
	if (mm->pgtables_bytes.load() != 0)
		free_pgtables(mm, 0, USER_PGTABLES_CEILING, 0, USER_PGTABLES_CEILING);
	struct vm_area_struct* vma = mm->mmap;
	while (vma) {
		struct vm_area_struct* next = vma->vm_next;
		account_vma(mm, vma, -long(vma_pages(vma)));
		remove_vma(vma);
		vma = next;
	}
	mm->mmap = nullptr;
	mm->mm_rb = RB_ROOT;
	mm->map_count = 0;
	mm->highest_vm_end = 0;
}

/* ================================================================
 * Special mappings (Linux: mm/mmap.c _install_special_mapping)
 * ================================================================ */
namespace
{
vm_fault_t special_mapping_fault(struct vm_fault* vmf)
{
	auto* spec = static_cast<const struct vm_special_mapping*>(vmf->vma->vm_private_data);
	unsigned long i = vmf->pgoff;
	if (i >= spec->nr_pages)
		return VM_FAULT_SIGBUS;
	vmf->page = spec->pages[i];
	get_page(vmf->page);
	return 0;
}
const char* special_mapping_name(struct vm_area_struct* vma)
{
	return static_cast<const struct vm_special_mapping*>(vma->vm_private_data)->name;
}
const struct vm_operations_struct special_mapping_vmops = {nullptr, nullptr, special_mapping_fault,
                                                           special_mapping_name};
} // namespace

lib::Result<struct vm_area_struct*> _install_special_mapping(struct mm_struct* mm, unsigned long addr,
                                                             unsigned long len, unsigned long vm_flags,
                                                             const struct vm_special_mapping* spec)
{
	struct vm_area_struct* vma = vm_area_alloc(mm);
	if (!vma)
		return lib::Error{ENOMEM};
	vma->vm_start = addr;
	vma->vm_end = addr + len;
	vma->vm_flags = vm_flags | mm->def_flags | VM_DONTEXPAND;
	vma->vm_page_prot = vm_get_page_prot(vma->vm_flags);
	vma->vm_pgoff = 0;
	vma->vm_ops = &special_mapping_vmops;
	vma->vm_private_data = const_cast<struct vm_special_mapping*>(spec);
	lib::Result<void> r = insert_vm_struct(mm, vma);
	if (r.is_err()) {
		vm_area_free(vma);
		return r.error_value();
	}
	return vma;
}
