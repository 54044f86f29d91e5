/*
 * Locking pages in memory (Linux: mm/mlock.c do_mlock, mlock_fixup,
 * apply_vma_lock_flags, apply_mlockall_flags, can_do_mlock).
 *
 * VM_LOCKED (and VM_LOCKONFAULT for mlock2(MLOCK_ONFAULT)) on the VMAs of
 * the range, split or merged as mprotect does; mm->locked_vm counts their
 * pages against RLIMIT_MEMLOCK (unless the task may CAP_IPC_LOCK: root).
 * The pages are faulted in (mm_populate); with no swap and no reclaim of
 * anonymous memory they then stay resident, which is all mlock promises.
 *
 * Lock order: mmap_lock for writing; mm_populate takes it for reading after.
 */
#include <kernel/sched.h>
#include <kernel/sched/signal.h>
#include <kernel/syscalls.h>
#include <mm/mm.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/resource.h>
#include "internal.h"

namespace
{
constexpr vm_flags_t VM_LOCKED_CLEAR_MASK = ~(VM_LOCKED | VM_LOCKONFAULT);

bool can_do_mlock()
{
	return rlimit(RLIMIT_MEMLOCK) != 0 || capable_ipc_lock();
}

lib::Result<void> mlock_fixup(struct vm_area_struct* vma, struct vm_area_struct** pprev, unsigned long start,
                              unsigned long end, vm_flags_t newflags)
{
	struct mm_struct* mm = vma->vm_mm;
	vm_flags_t old = vma->vm_flags;
	if (newflags == old || (old & VM_SPECIAL)) { /* nothing to do, or never locked */
		*pprev = vma;
		return lib::ok();
	}
	struct vm_area_struct* v = TRY(vma_modify_flags(mm, vma, *pprev, start, end, newflags));
	*pprev = v;
	long nr_pages = long((end - start) >> PAGE_SHIFT);
	if (!(newflags & VM_LOCKED))
		nr_pages = -nr_pages;
	else if (old & VM_LOCKED)
		nr_pages = 0;
	mm->locked_vm += nr_pages;
	return lib::ok();
}

lib::Result<void> apply_vma_lock_flags(unsigned long start, size_t len, vm_flags_t flags)
{
	struct mm_struct* mm = current->mm;
	unsigned long end = start + len;
	if (end < start)
		return lib::Error{EINVAL};
	if (end == start)
		return lib::ok();
	struct vm_area_struct* vma = find_vma(mm, start);
	if (!vma || vma->vm_start > start)
		return lib::Error{ENOMEM};
	struct vm_area_struct* prev = vma->vm_prev;
	if (start > vma->vm_start)
		prev = vma;
	for (unsigned long nstart = start;;) {
		vm_flags_t newflags = (vma->vm_flags & VM_LOCKED_CLEAR_MASK) | flags;
		unsigned long tmp = vma->vm_end < end ? vma->vm_end : end;
		TRY(mlock_fixup(vma, &prev, nstart, tmp, newflags));
		nstart = tmp;
		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			return lib::ok();
		vma = prev->vm_next;
		if (!vma || vma->vm_start != nstart)
			return lib::Error{ENOMEM};
	}
}

/* the pages of [start, start + len) locked already */
unsigned long count_mm_mlocked_page_nr(struct mm_struct* mm, unsigned long start, size_t len)
{
	unsigned long count = 0, end = start + len;
	for (struct vm_area_struct* v = find_vma(mm, start); v && v->vm_start < end; v = v->vm_next) {
		if (!(v->vm_flags & VM_LOCKED))
			continue;
		unsigned long s = v->vm_start > start ? v->vm_start : start;
		unsigned long e = v->vm_end < end ? v->vm_end : end;
		count += (e - s) >> PAGE_SHIFT;
	}
	return count;
}

lib::Result<void> do_mlock(unsigned long start, size_t len, vm_flags_t flags)
{
	if (!can_do_mlock())
		return lib::Error{EPERM};
	len = (len + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK;
	start &= PAGE_MASK;
	struct mm_struct* mm = current->mm;
	unsigned long lock_limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	{
		mmap_write_guard g(mm);
		unsigned long locked = (len >> PAGE_SHIFT) + mm->locked_vm;
		if (locked > lock_limit && !capable_ipc_lock())
			locked -= count_mm_mlocked_page_nr(mm, start, len);
		if (locked > lock_limit && !capable_ipc_lock())
			return lib::Error{ENOMEM};
		TRY(apply_vma_lock_flags(start, len, flags));
	}
	lib::Result<void> r = mm_populate(start, len);
	if (r.is_err()) /* __mlock_posix_error_return */
		return lib::Error{r.error() == EFAULT ? ENOMEM : r.error() == ENOMEM ? EAGAIN : r.error()};
	return lib::ok();
}

lib::Result<void> apply_mlockall_flags(int flags)
{
	struct mm_struct* mm = current->mm;
	vm_flags_t to_add = 0;
	mm->def_flags &= VM_LOCKED_CLEAR_MASK;
	if (flags & MCL_FUTURE) {
		mm->def_flags |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			mm->def_flags |= VM_LOCKONFAULT;
		if (!(flags & MCL_CURRENT))
			return lib::ok();
	}
	if (flags & MCL_CURRENT) {
		to_add |= VM_LOCKED;
		if (flags & MCL_ONFAULT)
			to_add |= VM_LOCKONFAULT;
	}
	struct vm_area_struct* prev = nullptr;
	for (struct vm_area_struct* vma = mm->mmap; vma; vma = prev->vm_next) {
		vm_flags_t newflags = (vma->vm_flags & VM_LOCKED_CLEAR_MASK) | to_add;
		/* Linux ignores errors here too */
		if (mlock_fixup(vma, &prev, vma->vm_start, vma->vm_end, newflags).is_err())
			prev = vma;
	}
	return lib::ok();
}
} // namespace

SYSCALL_DEFINE2(mlock, unsigned long, start, size_t, len)
{
	TRY(do_mlock(start, len, VM_LOCKED));
	return 0;
}

SYSCALL_DEFINE3(mlock2, unsigned long, start, size_t, len, int, flags)
{
	vm_flags_t vm_flags = VM_LOCKED;
	if (flags & ~MLOCK_ONFAULT)
		return lib::Error{EINVAL};
	if (flags & MLOCK_ONFAULT)
		vm_flags |= VM_LOCKONFAULT;
	TRY(do_mlock(start, len, vm_flags));
	return 0;
}

SYSCALL_DEFINE2(munlock, unsigned long, start, size_t, len)
{
	len = (len + (start & ~PAGE_MASK) + PAGE_SIZE - 1) & PAGE_MASK;
	start &= PAGE_MASK;
	mmap_write_guard g(current->mm);
	TRY(apply_vma_lock_flags(start, len, 0));
	return 0;
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return lib::Error{EINVAL};
	if (!can_do_mlock())
		return lib::Error{EPERM};
	struct mm_struct* mm = current->mm;
	unsigned long lock_limit = rlimit(RLIMIT_MEMLOCK) >> PAGE_SHIFT;
	{
		mmap_write_guard g(mm);
		if ((flags & MCL_CURRENT) && mm->total_vm > lock_limit && !capable_ipc_lock())
			return lib::Error{ENOMEM};
		TRY(apply_mlockall_flags(flags));
	}
	if (flags & MCL_CURRENT)
		(void)mm_populate(0, TASK_SIZE_MAX);
	return 0;
}

SYSCALL_DEFINE0(munlockall)
{
	mmap_write_guard g(current->mm);
	TRY(apply_mlockall_flags(0));
	return 0;
}
