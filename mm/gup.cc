/*
 * Reaching another address space's pages from the kernel (Linux:
 * mm/gup.c get_user_pages_remote, __get_user_pages, check_vma_flags,
 * populate_vma_page_range, __mm_populate; mm/memory.c access_remote_vm).
 *
 * get_user_pages_remote faults each page in as a user access would
 * (handle_mm_fault: demand zero, copy-on-write for FOLL_WRITE) and takes a
 * reference to it, so exec can write argv into a new mm, /proc/PID/mem
 * and cmdline can read a process's memory, and tests can touch user
 * memory without entering ring 3.
 *
 * FOLL_FORCE (ptrace, /proc/PID/mem) writes through a read-only private
 * mapping that could be made writable (VM_MAYWRITE): the write breaks
 * copy-on-write into a private anonymous page that stays read-only in the
 * page table; such a page, mapped once, is accepted as written.
 *
 * Lock order: the caller holds mm->mmap_lock for reading
 * (get_user_pages_remote); access_remote_vm and mm_populate take it.
 */
#include <kernel/panic.h>
#include <kernel/sched.h>
#include <lib/string.h>
#include <mm/mm.h>

namespace
{
lib::Result<void> check_vma_flags(struct vm_area_struct* vma, unsigned int gup_flags)
{
	vm_flags_t f = vma->vm_flags;
	if (f & (VM_IO | VM_PFNMAP))
		return lib::Error{EFAULT};
	if (gup_flags & FOLL_WRITE) {
		if (!(f & VM_WRITE)) {
			if (!(gup_flags & FOLL_FORCE) || !(f & VM_MAYWRITE) || (f & VM_SHARED))
				return lib::Error{EFAULT};
		}
	} else if (!(f & VM_READ)) {
		if (!(gup_flags & FOLL_FORCE) || !(f & VM_MAYREAD))
			return lib::Error{EFAULT};
	}
	return lib::ok();
}

/* may the page mapped with pte be used as gup_flags ask? */
bool page_ok(struct vm_area_struct* vma, struct page* page, uint64_t pte, unsigned int gup_flags)
{
	if (!(gup_flags & FOLL_WRITE) || (pte & _PAGE_RW))
		return true;
	/* FOLL_FORCE into a read-only private mapping: copy-on-write was broken */
	return (gup_flags & FOLL_FORCE) && !(vma->vm_flags & VM_WRITE) && !is_zero_page(page) && PageAnon(page) &&
	       page_mapcount(page) == 1;
}
} // namespace

lib::Result<long> get_user_pages_remote(struct mm_struct* mm, unsigned long start, unsigned long nr_pages,
                                        unsigned int gup_flags, struct page** pages, struct vm_area_struct** vmas,
                                        int* /*locked*/)
{
	start &= PAGE_MASK;
	long i = 0;
	for (; (unsigned long)i < nr_pages; i++, start += PAGE_SIZE) {
		struct vm_area_struct* vma = find_extend_vma(mm, start);
		lib::Result<void> ok = vma ? check_vma_flags(vma, gup_flags) : lib::Result<void>(lib::Error{EFAULT});
		if (ok.is_err())
			return i ? lib::Result<long>(i) : lib::Result<long>(lib::Error{ok.error()});
		struct page* page = nullptr;
		for (int tries = 0;; tries++) {
			uint64_t pte = 0;
			page = follow_page(vma, start, &pte);
			if (page && page_ok(vma, page, pte, gup_flags))
				break;
			if (tries == 3) { /* a fault that keeps not resolving: a bug */
				WARN_ON_ONCE(1);
				return i ? lib::Result<long>(i) : lib::Result<long>(lib::Error{EFAULT});
			}
			unsigned fault_flags = unsigned(FAULT_FLAG_REMOTE) | ((gup_flags & FOLL_WRITE) ? unsigned(FAULT_FLAG_WRITE) : 0u);
			vm_fault_t ret = handle_mm_fault(vma, start, fault_flags);
			if (ret & VM_FAULT_ERROR) {
				int err = (ret & VM_FAULT_OOM) ? ENOMEM : EFAULT;
				return i ? lib::Result<long>(i) : lib::Result<long>(lib::Error{err});
			}
		}
		if (pages) {
			get_page(page);
			pages[i] = page;
		}
		if (vmas)
			vmas[i] = vma;
	}
	return i;
}

int access_remote_vm(struct mm_struct* mm, unsigned long addr, void* buf, int len, unsigned int gup_flags)
{
	char* p = static_cast<char*>(buf);
	int done = 0;
	mmap_read_guard g(mm);
	while (done < len) {
		struct page* page;
		if (get_user_pages_remote(mm, addr, 1, gup_flags, &page, nullptr, nullptr).is_err())
			break;
		unsigned long offset = addr & ~PAGE_MASK;
		int bytes = int(PAGE_SIZE - offset);
		if (bytes > len - done)
			bytes = len - done;
		char* kaddr = static_cast<char*>(page_address(page)) + offset;
		if (gup_flags & FOLL_WRITE)
			lib::memcpy(kaddr, p + done, size_t(bytes));
		else
			lib::memcpy(p + done, kaddr, size_t(bytes));
		put_page(page);
		done += bytes;
		addr += unsigned(bytes);
	}
	return done;
}

lib::Result<void> mm_populate(unsigned long start, unsigned long len)
{
	struct mm_struct* mm = current->mm;
	unsigned long end = start + len;
	mmap_read_guard g(mm);
	for (unsigned long addr = start; addr < end;) {
		struct vm_area_struct* vma = find_vma(mm, addr);
		if (!vma || vma->vm_start >= end)
			break;
		if (addr < vma->vm_start)
			addr = vma->vm_start;
		unsigned long stop = vma->vm_end < end ? vma->vm_end : end;
		if ((vma->vm_flags & (VM_IO | VM_PFNMAP | VM_LOCKONFAULT)) || !(vma->vm_flags & VM_ACCESS_FLAGS)) {
			addr = stop;
			continue;
		}
		/* a private writable mapping is populated for writing: no later copy */
		unsigned int gup_flags = FOLL_FORCE;
		if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
			gup_flags |= FOLL_WRITE;
		TRY(get_user_pages_remote(mm, addr, (stop - addr) >> PAGE_SHIFT, gup_flags, nullptr, nullptr, nullptr));
		addr = stop;
	}
	return lib::ok();
}
