/*
 * Advice about memory use, residency queries and syncing (Linux:
 * mm/madvise.c do_madvise, madvise_walk_vmas, madvise_vma_behavior,
 * madvise_dontneed_free; mm/mincore.c; mm/msync.c).
 *
 * madvise: DONTNEED (and FREE, which may drop the pages the same way)
 * zap the range: the next touch sees zero-filled anonymous memory.
 * WILLNEED/COLD/PAGEOUT are hints with nothing to do without swap or a
 * page cache; NORMAL/RANDOM/SEQUENTIAL/DONTFORK/DOFORK/WIPEONFORK/
 * KEEPONFORK/DONTDUMP/DODUMP/HUGEPAGE/NOHUGEPAGE set or clear their VMA
 * flags (split or merged as mprotect does); POPULATE_READ/WRITE fault the
 * pages in; MERGEABLE/UNMERGEABLE are accepted (no KSM); REMOVE punches a
 * hole in a shared tmpfs mapping's file (shmem too); an unknown advice
 * is EINVAL.  A hole in the range is ENOMEM after the rest is done.
 *
 * Lock order: mmap_lock for writing (Linux reads for some advice);
 * REMOVE drops it before taking the file's i_rwsem.
 */
#include <kernel/printk.h>
#include <kernel/sched.h>
#include <kernel/syscalls.h>
#include <kernel/uaccess.h>
#include <fs/fs.h>
#include <mm/mm.h>
#include <mm/pagemap.h>
#include <uapi/linux/falloc.h>
#include <uapi/linux/mman.h>
#include "internal.h"

namespace
{
bool madvise_behavior_valid(int behavior)
{
	switch (behavior) {
	case MADV_DOFORK:
	case MADV_DONTFORK:
	case MADV_NORMAL:
	case MADV_SEQUENTIAL:
	case MADV_RANDOM:
	case MADV_REMOVE:
	case MADV_WILLNEED:
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
	case MADV_FREE:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
	case MADV_HUGEPAGE:
	case MADV_NOHUGEPAGE:
	case MADV_DONTDUMP:
	case MADV_DODUMP:
	case MADV_WIPEONFORK:
	case MADV_KEEPONFORK:
		return true;
	default:
		return false;
	}
}

lib::Result<void> madvise_vma(struct vm_area_struct* vma, struct vm_area_struct** prev, unsigned long start,
                              unsigned long end, int behavior)
{
	struct mm_struct* mm = vma->vm_mm;
	vm_flags_t newflags = vma->vm_flags;
	switch (behavior) {
	case MADV_REMOVE: /* madvise_remove below, outside mmap_lock */
		*prev = vma;
		return lib::Error{EINVAL};
	case MADV_WILLNEED:
	case MADV_COLD:
	case MADV_PAGEOUT:
	case MADV_MERGEABLE:
	case MADV_UNMERGEABLE:
		*prev = vma;
		return lib::ok();
	case MADV_FREE:
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return lib::Error{EINVAL};
		[[fallthrough]];
	case MADV_DONTNEED:
	case MADV_DONTNEED_LOCKED:
		if ((vma->vm_flags & (VM_PFNMAP | VM_HUGETLB)) ||
		    ((vma->vm_flags & VM_LOCKED) && behavior != MADV_DONTNEED_LOCKED))
			return lib::Error{EINVAL};
		*prev = vma;
		zap_page_range(vma, start, end);
		return lib::ok();
	case MADV_POPULATE_READ:
	case MADV_POPULATE_WRITE: {
		*prev = vma;
		if (vma->vm_flags & (VM_IO | VM_PFNMAP))
			return lib::Error{EINVAL};
		unsigned int flags = behavior == MADV_POPULATE_WRITE ? FOLL_WRITE : 0;
		TRY(get_user_pages_remote(mm, start, (end - start) >> PAGE_SHIFT, flags, nullptr, nullptr, nullptr));
		return lib::ok();
	}
	case MADV_NORMAL:
		newflags &= ~(VM_RAND_READ | VM_SEQ_READ);
		break;
	case MADV_SEQUENTIAL:
		newflags = (newflags & ~VM_RAND_READ) | VM_SEQ_READ;
		break;
	case MADV_RANDOM:
		newflags = (newflags & ~VM_SEQ_READ) | VM_RAND_READ;
		break;
	case MADV_DONTFORK:
		newflags |= VM_DONTCOPY;
		break;
	case MADV_DOFORK:
		if (vma->vm_flags & VM_IO)
			return lib::Error{EINVAL};
		newflags &= ~VM_DONTCOPY;
		break;
	case MADV_WIPEONFORK:
		if (vma->vm_file || (vma->vm_flags & VM_SHARED))
			return lib::Error{EINVAL};
		newflags |= VM_WIPEONFORK;
		break;
	case MADV_KEEPONFORK:
		newflags &= ~VM_WIPEONFORK;
		break;
	case MADV_DONTDUMP:
		newflags |= VM_DONTDUMP;
		break;
	case MADV_DODUMP:
		if (newflags & VM_SPECIAL)
			return lib::Error{EINVAL};
		newflags &= ~VM_DONTDUMP;
		break;
	case MADV_HUGEPAGE:
		newflags = (newflags & ~VM_NOHUGEPAGE) | VM_HUGEPAGE;
		break;
	case MADV_NOHUGEPAGE:
		newflags = (newflags & ~VM_HUGEPAGE) | VM_NOHUGEPAGE;
		break;
	}
	if (newflags == vma->vm_flags) {
		*prev = vma;
		return lib::ok();
	}
	*prev = TRY(vma_modify_flags(mm, vma, *prev, start, end, newflags));
	return lib::ok();
}
} // namespace

/*
 * MADV_REMOVE: punch a hole in the shared tmpfs file behind each VMA of
 * [start, end) (Linux: madvise_remove -> vfs_fallocate(PUNCH_HOLE)).  The
 * file's i_rwsem ranks above mmap_lock (a write(2) may fault under it), so
 * each VMA is looked at under mmap_lock, which is dropped before
 * vfs_fallocate locks the file, as Linux does.
 */
static lib::Result<void> madvise_remove(struct mm_struct* mm, unsigned long start, unsigned long end)
{
	bool unmapped = false;
	while (start < end) {
		struct file* file;
		loff_t offset, len;
		{
			mmap_read_guard g(mm);
			struct vm_area_struct* vma = find_vma(mm, start);
			if (!vma || vma->vm_start >= end)
				return lib::Error{ENOMEM};
			if (start < vma->vm_start) {
				unmapped = true;
				start = vma->vm_start;
			}
			if ((vma->vm_flags & VM_LOCKED) || !vma->vm_file)
				return lib::Error{EINVAL};
			if ((vma->vm_flags & (VM_SHARED | VM_WRITE)) != (VM_SHARED | VM_WRITE))
				return lib::Error{EACCES};
			unsigned long stop = vma->vm_end < end ? vma->vm_end : end;
			offset = (loff_t)(start - vma->vm_start) + ((loff_t)vma->vm_pgoff << PAGE_SHIFT);
			len = (loff_t)(stop - start);
			file = get_file(vma->vm_file);
			start = stop;
		}
		/* the file system punches the hole (EOPNOTSUPP without ->fallocate) */
		lib::Result<void> r = vfs_fallocate(file, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, offset, len);
		fput(file);
		TRY(r);
	}
	if (unmapped)
		return lib::Error{ENOMEM};
	return lib::ok();
}

lib::Result<void> do_madvise(struct mm_struct* mm, unsigned long start, size_t len_in, int behavior)
{
	if (!madvise_behavior_valid(behavior))
		return lib::Error{EINVAL};
	if (start & ~PAGE_MASK)
		return lib::Error{EINVAL};
	size_t len = (len_in + PAGE_SIZE - 1) & PAGE_MASK;
	if (len_in && !len) /* rounded up from a small negative number */
		return lib::Error{EINVAL};
	unsigned long end = start + len;
	if (end < start)
		return lib::Error{EINVAL};
	if (end == start)
		return lib::ok();
	if (behavior == MADV_REMOVE)
		return madvise_remove(mm, start, end);
	mmap_write_guard g(mm);
	bool unmapped = false;
	struct vm_area_struct* prev;
	struct vm_area_struct* vma = find_vma_prev(mm, start, &prev);
	if (vma && start > vma->vm_start)
		prev = vma;
	for (;;) {
		if (!vma)
			return lib::Error{ENOMEM};
		if (start < vma->vm_start) {
			unmapped = true;
			start = vma->vm_start;
			if (start >= end)
				break;
		}
		unsigned long tmp = vma->vm_end < end ? vma->vm_end : end;
		TRY(madvise_vma(vma, &prev, start, tmp, behavior));
		start = tmp;
		if (prev && start < prev->vm_end)
			start = prev->vm_end;
		if (start >= end)
			break;
		vma = prev ? prev->vm_next : find_vma(mm, start);
	}
	if (unmapped)
		return lib::Error{ENOMEM};
	return lib::ok();
}

SYSCALL_DEFINE3(madvise, unsigned long, start, size_t, len_in, int, behavior)
{
	TRY(do_madvise(current->mm, start, len_in, behavior));
	return 0;
}

/* ---- mincore (Linux: mm/mincore.c) ---- */
SYSCALL_DEFINE3(mincore, unsigned long, start, size_t, len, user_ptr<unsigned char>, vec)
{
	struct mm_struct* mm = current->mm;
	if (start & ~PAGE_MASK)
		return lib::Error{EINVAL};
	if (!access_ok(user_ptr<const void>(start), len))
		return lib::Error{ENOMEM};
	unsigned long pages = (len >> PAGE_SHIFT) + ((len & ~PAGE_MASK) != 0);
	if (!access_ok(vec, pages))
		return lib::Error{EFAULT};
	unsigned char tmp[64];
	while (pages) {
		unsigned long n = pages < sizeof(tmp) ? pages : sizeof(tmp);
		{
			mmap_read_guard g(mm);
			for (unsigned long i = 0; i < n; i++) {
				unsigned long addr = start + (i << PAGE_SHIFT);
				struct vm_area_struct* vma = vma_lookup(mm, addr);
				if (!vma)
					return lib::Error{ENOMEM};
				/* resident: a PTE maps it, or (a file, shmem too) its
				 * page is in the page cache (no swap) */
				bool present = user_page_present(mm, addr);
				if (!present && vma->vm_file) {
					unsigned long pgoff = vma->vm_pgoff + ((addr - vma->vm_start) >> PAGE_SHIFT);
					if (struct page* p = find_get_page(file_inode(vma->vm_file)->i_mapping, pgoff)) {
						put_page(p);
						present = true;
					}
				}
				tmp[i] = present ? 1 : 0;
			}
		}
		if (copy_to_user(vec, tmp, n))
			return lib::Error{EFAULT};
		pages -= n;
		vec += long(n);
		start += n << PAGE_SHIFT;
	}
	return 0;
}

/* ---- msync (Linux: mm/msync.c) ---- */
SYSCALL_DEFINE3(msync, unsigned long, start, size_t, len, int, flags)
{
	struct mm_struct* mm = current->mm;
	if (flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC))
		return lib::Error{EINVAL};
	if (start & ~PAGE_MASK)
		return lib::Error{EINVAL};
	if ((flags & MS_ASYNC) && (flags & MS_SYNC))
		return lib::Error{EINVAL};
	len = (len + PAGE_SIZE - 1) & PAGE_MASK;
	unsigned long end = start + len;
	if (end < start)
		return lib::Error{ENOMEM};
	if (end == start)
		return 0;
	bool unmapped = false;
	mmap_read_guard g(mm);
	struct vm_area_struct* vma = find_vma(mm, start);
	for (;;) {
		if (!vma)
			return lib::Error{ENOMEM};
		if (start < vma->vm_start) {
			if (flags == MS_ASYNC)
				return lib::Error{ENOMEM};
			start = vma->vm_start;
			if (start >= end)
				return lib::Error{ENOMEM};
			unmapped = true;
		}
		if ((flags & MS_INVALIDATE) && (vma->vm_flags & VM_LOCKED))
			return lib::Error{EBUSY};
		/* MS_SYNC of a shared file mapping writes it back: the VFS's part
		 * (vfs_fsync_range); anonymous memory has nothing to write */
		start = vma->vm_end;
		if (start >= end)
			break;
		vma = vma->vm_next;
	}
	if (unmapped)
		return lib::Error{ENOMEM};
	return 0;
}
