/*
 * Resizing and moving a mapping (Linux: mm/mremap.c mremap, vma_to_resize,
 * vma_expandable, mremap_to, move_vma, copy_vma; the PTE move is
 * move_page_tables in mm/memory.cc).
 *
 * Shrinking unmaps the tail; growing extends the VMA in place when the
 * space after it is free, else (MREMAP_MAYMOVE) a new VMA gets the old
 * one's flags and its PTEs, and the old range is unmapped.  MREMAP_FIXED
 * moves to new_addr, unmapping what was there; MREMAP_DONTUNMAP leaves the
 * old range mapped and empty.
 *
 * Lock order: mmap_lock for writing, then page_table_lock (memory.cc).
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <uapi/linux/mman.h>
#include "internal.h"

namespace
{
lib::Result<struct vm_area_struct*> vma_to_resize(unsigned long addr, unsigned long old_len, unsigned long new_len,
                                                  unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	struct vm_area_struct* vma = vma_lookup(mm, addr);
	if (!vma)
		return lib::Error{EFAULT};
	if (!old_len && !(vma->vm_flags & (VM_SHARED | VM_MAYSHARE)))
		return lib::Error{EINVAL}; /* "duplicating" a private mapping makes no sense */
	if ((flags & MREMAP_DONTUNMAP) && (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP)))
		return lib::Error{EINVAL};
	if (old_len > vma->vm_end - addr) /* not across VMA boundaries */
		return lib::Error{EFAULT};
	if (new_len == old_len)
		return vma;
	unsigned long pgoff = ((addr - vma->vm_start) >> PAGE_SHIFT) + vma->vm_pgoff;
	if (pgoff + (new_len >> PAGE_SHIFT) < pgoff)
		return lib::Error{EINVAL};
	if (vma->vm_flags & (VM_DONTEXPAND | VM_PFNMAP))
		return lib::Error{EFAULT};
	if (mlock_future_check(mm, vma->vm_flags, new_len - old_len).is_err())
		return lib::Error{EAGAIN};
	if (!may_expand_vm(mm, vma->vm_flags, (new_len - old_len) >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	if ((vma->vm_flags & VM_ACCOUNT) && !vm_enough_memory((new_len - old_len) >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	return vma;
}

bool vma_expandable(struct vm_area_struct* vma, unsigned long delta)
{
	unsigned long end = vma->vm_end + delta;
	if (end < vma->vm_end)
		return false;
	if (vma->vm_next && vma->vm_next->vm_start < end)
		return false;
	return get_unmapped_area(nullptr, vma->vm_start, end - vma->vm_start, 0, MAP_FIXED).is_ok();
}

lib::Result<unsigned long> move_vma(struct vm_area_struct* vma, unsigned long old_addr, unsigned long old_len,
                                    unsigned long new_len, unsigned long new_addr, unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	if (mm->map_count >= sysctl_max_map_count - 3)
		return lib::Error{ENOMEM};
	/* copy_vma: the new VMA with the old one's flags and backing */
	struct vm_area_struct* new_vma = vm_area_dup(vma);
	if (!new_vma)
		return lib::Error{ENOMEM};
	new_vma->vm_start = new_addr;
	new_vma->vm_end = new_addr + new_len;
	new_vma->vm_pgoff = vma->vm_pgoff + ((old_addr - vma->vm_start) >> PAGE_SHIFT);
	if (new_vma->vm_file)
		get_file(new_vma->vm_file);
	if (new_vma->vm_ops && new_vma->vm_ops->open)
		new_vma->vm_ops->open(new_vma);
	if (__insert_vm_struct(mm, new_vma).is_err()) {
		if (new_vma->vm_file)
			fput(new_vma->vm_file);
		vm_area_free(new_vma);
		return lib::Error{ENOMEM};
	}
	vma_link_file(new_vma);
	lib::Result<void> moved = move_page_tables(vma, old_addr, new_vma, new_addr, old_len);
	if (moved.is_err()) { /* put back what moved, drop the new VMA (Linux does the same) */
		(void)move_page_tables(new_vma, new_addr, vma, old_addr, old_len);
		__vma_unlink(mm, new_vma);
		vma_unlink_file(new_vma);
		if (new_vma->vm_file)
			fput(new_vma->vm_file);
		vm_area_free(new_vma);
		return lib::Error{ENOMEM};
	}
	unsigned long hiwater_vm = mm->hiwater_vm;
	vm_stat_account(mm, vma->vm_flags, long(new_len >> PAGE_SHIFT));
	if (vma->vm_flags & VM_LOCKED)
		mm->locked_vm += new_len >> PAGE_SHIFT;
	if (!(flags & MREMAP_DONTUNMAP)) {
		/* the old range goes; its PTEs are gone already */
		(void)do_munmap(mm, old_addr, old_len);
	} else if (vma->vm_flags & VM_LOCKED) {
		/* Linux: the old range stays, no longer locked */
	}
	mm->hiwater_vm = hiwater_vm;
	return new_addr;
}

lib::Result<unsigned long> mremap_to(unsigned long addr, unsigned long old_len, unsigned long new_addr,
                                     unsigned long new_len, unsigned long flags)
{
	struct mm_struct* mm = current->mm;
	if (new_addr & ~PAGE_MASK)
		return lib::Error{EINVAL};
	if (new_len > TASK_SIZE_MAX || new_addr > TASK_SIZE_MAX - new_len)
		return lib::Error{EINVAL};
	if (addr + old_len > new_addr && new_addr + new_len > addr) /* overlapping */
		return lib::Error{EINVAL};
	if (mm->map_count + 2 >= sysctl_max_map_count - 3)
		return lib::Error{ENOMEM};
	if (flags & MREMAP_FIXED)
		TRY(do_munmap(mm, new_addr, new_len));
	if (old_len > new_len) {
		TRY(do_munmap(mm, addr + new_len, old_len - new_len));
		old_len = new_len;
	}
	struct vm_area_struct* vma = TRY(vma_to_resize(addr, old_len, new_len, flags));
	if ((flags & MREMAP_DONTUNMAP) && !may_expand_vm(mm, vma->vm_flags, old_len >> PAGE_SHIFT))
		return lib::Error{ENOMEM};
	unsigned long map_flags = (flags & MREMAP_FIXED) ? MAP_FIXED : 0;
	if (vma->vm_flags & VM_MAYSHARE)
		map_flags |= MAP_SHARED;
	unsigned long got = TRY(get_unmapped_area(vma->vm_file, new_addr, new_len,
	                                          vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), map_flags));
	if (!(flags & MREMAP_FIXED))
		new_addr = got;
	return move_vma(vma, addr, old_len, new_len, new_addr, flags);
}
} // namespace

lib::Result<unsigned long> do_mremap(unsigned long addr, unsigned long old_len, unsigned long new_len,
                                     unsigned long flags, unsigned long new_addr)
{
	struct mm_struct* mm = current->mm;
	if (flags & ~(unsigned long)(MREMAP_FIXED | MREMAP_MAYMOVE | MREMAP_DONTUNMAP))
		return lib::Error{EINVAL};
	if ((flags & MREMAP_FIXED) && !(flags & MREMAP_MAYMOVE))
		return lib::Error{EINVAL};
	if ((flags & MREMAP_DONTUNMAP) && (!(flags & MREMAP_MAYMOVE) || old_len != new_len))
		return lib::Error{EINVAL};
	if (addr & ~PAGE_MASK)
		return lib::Error{EINVAL};
	old_len = (old_len + PAGE_SIZE - 1) & PAGE_MASK;
	new_len = (new_len + PAGE_SIZE - 1) & PAGE_MASK;
	if (!new_len)
		return lib::Error{EINVAL};
	mmap_write_guard g(mm);
	struct vm_area_struct* vma = vma_lookup(mm, addr);
	if (!vma)
		return lib::Error{EFAULT};
	if (flags & (MREMAP_FIXED | MREMAP_DONTUNMAP))
		return mremap_to(addr, old_len, new_addr, new_len, flags);
	if (old_len >= new_len) { /* shrinking always works */
		lib::Result<void> r = do_munmap(mm, addr + new_len, old_len - new_len);
		if (r.is_err() && old_len != new_len)
			return lib::Error{r.error()};
		return addr;
	}
	vma = TRY(vma_to_resize(addr, old_len, new_len, flags));
	if (old_len == vma->vm_end - addr && vma_expandable(vma, new_len - old_len)) { /* grow in place */
		unsigned long pages = (new_len - old_len) >> PAGE_SHIFT;
		vma->vm_end = addr + new_len;
		vma_bounds_changed(mm, vma);
		vm_stat_account(mm, vma->vm_flags, long(pages));
		if (vma->vm_flags & VM_LOCKED)
			mm->locked_vm += pages;
		return addr;
	}
	if (!(flags & MREMAP_MAYMOVE))
		return lib::Error{ENOMEM};
	unsigned long map_flags = (vma->vm_flags & VM_MAYSHARE) ? MAP_SHARED : 0;
	unsigned long dest = TRY(get_unmapped_area(vma->vm_file, 0, new_len,
	                                           vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT), map_flags));
	return move_vma(vma, addr, old_len, new_len, dest, flags);
}

SYSCALL_DEFINE5(mremap, unsigned long, addr, unsigned long, old_len, unsigned long, new_len, unsigned long, flags,
                unsigned long, new_addr)
{
	return long(TRY(do_mremap(addr, old_len, new_len, flags, new_addr)));
}
