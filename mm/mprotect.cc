/*
 * Changing the protection of a range (Linux: mm/mprotect.c
 * do_mprotect_pkey, mprotect_fixup; the PTE side is change_protection in
 * mm/memory.cc).
 *
 * The range [start, start + len) must be mapped without holes (ENOMEM
 * otherwise); each VMA it touches is split at the range's ends or merged
 * with a neighbour of the same flags, gets the new VM_READ/WRITE/EXEC, and
 * its present PTEs the new protection.  A protection the VMA may not take
 * (VM_MAYxxx clear: a read-only file opened without write) is EACCES.
 *
 * Lock order: mmap_lock for writing, then page_table_lock (memory.cc).
 */
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <mm/mm.h>
#include <uapi/linux/mman.h>
#include <uapi/linux/personality.h>
#include "internal.h"

namespace
{
lib::Result<void> mprotect_fixup(struct vm_area_struct* vma, struct vm_area_struct** pprev, unsigned long start,
                                 unsigned long end, vm_flags_t newflags)
{
	struct mm_struct* mm = vma->vm_mm;
	vm_flags_t oldflags = vma->vm_flags;
	if (newflags == oldflags) {
		*pprev = vma;
		return lib::ok();
	}
	long nrpages = long((end - start) >> PAGE_SHIFT);
	/* private memory made writable now counts against the commit limit */
	if ((newflags & VM_WRITE) && !(oldflags & (VM_ACCOUNT | VM_WRITE | VM_HUGETLB | VM_SHARED | VM_NORESERVE)) &&
	    !vma->vm_file) {
		if (!vm_enough_memory(nrpages))
			return lib::Error{ENOMEM};
		newflags |= VM_ACCOUNT;
	}
	struct vm_area_struct* v = TRY(vma_modify_flags(mm, vma, *pprev, start, end, newflags));
	*pprev = v;
	change_protection(v, start, end, v->vm_page_prot);
	vm_stat_account(mm, oldflags, -nrpages);
	vm_stat_account(mm, newflags, nrpages);
	return lib::ok();
}
} // namespace

lib::Result<void> do_mprotect(unsigned long start, size_t len, unsigned long prot)
{
	struct mm_struct* mm = current->mm;
	unsigned long grows = prot & (PROT_GROWSDOWN | PROT_GROWSUP);
	prot &= ~(PROT_GROWSDOWN | PROT_GROWSUP);
	if (grows == (PROT_GROWSDOWN | PROT_GROWSUP))
		return lib::Error{EINVAL};
	if (start & ~PAGE_MASK)
		return lib::Error{EINVAL};
	if (!len)
		return lib::ok();
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long end = start + len;
	if (end <= start)
		return lib::Error{ENOMEM};
	if (prot & ~(unsigned long)(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM))
		return lib::Error{EINVAL};
	if (grows & PROT_GROWSUP) /* no VM_GROWSUP on x86 */
		return lib::Error{EINVAL};
	bool rier = (current->personality & READ_IMPLIES_EXEC) && (prot & PROT_READ);
	unsigned long reqprot = prot;

	mmap_write_guard g(mm);
	struct vm_area_struct* vma = find_vma(mm, start);
	if (!vma)
		return lib::Error{ENOMEM};
	if (grows & PROT_GROWSDOWN) {
		if (vma->vm_start >= end)
			return lib::Error{ENOMEM};
		start = vma->vm_start;
		if (!(vma->vm_flags & VM_GROWSDOWN))
			return lib::Error{EINVAL};
	} else if (vma->vm_start > start) {
		return lib::Error{ENOMEM};
	}
	struct vm_area_struct* prev = vma->vm_prev;
	if (start > vma->vm_start)
		prev = vma;
	for (unsigned long nstart = start;;) {
		if (rier && (vma->vm_flags & VM_MAYEXEC))
			prot |= PROT_EXEC;
		vm_flags_t newflags = ((prot & PROT_READ) ? VM_READ : 0) | ((prot & PROT_WRITE) ? VM_WRITE : 0) |
		                      ((prot & PROT_EXEC) ? VM_EXEC : 0);
		newflags |= vma->vm_flags & ~(VM_READ | VM_WRITE | VM_EXEC);
		/* VM_MAYxxx sit 4 bits above VM_xxx */
		if ((newflags & ~(newflags >> 4)) & VM_ACCESS_FLAGS)
			return lib::Error{EACCES};
		unsigned long tmp = vma->vm_end < end ? vma->vm_end : end;
		TRY(mprotect_fixup(vma, &prev, nstart, tmp, newflags));
		nstart = tmp;
		if (nstart < prev->vm_end)
			nstart = prev->vm_end;
		if (nstart >= end)
			return lib::ok();
		vma = prev->vm_next;
		if (!vma || vma->vm_start != nstart)
			return lib::Error{ENOMEM};
		prot = reqprot;
	}
}

SYSCALL_DEFINE3(mprotect, unsigned long, start, size_t, len, unsigned long, prot)
{
	TRY(do_mprotect(start, len, prot));
	return 0;
}
