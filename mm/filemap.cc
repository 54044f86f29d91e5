/*
 * The page cache (Linux: mm/filemap.c find_get_page, add_to_page_cache,
 * filemap_read, generic_perform_write, generic_file_write_iter;
 * mm/truncate.c truncate_inode_pages, truncate_setsize).
 *
 * Each inode's address_space maps a page index (file offset / PAGE_SIZE)
 * to a struct page in its radix tree (<lib/radix_tree.h>, nodes from
 * radix_tree_node_cachep).  A cached page has page->mapping == the
 * address_space and page->index == its index, and the tree holds one
 * reference to it (so a page found and referenced by find_get_page stays
 * valid after truncation, with mapping NULL: what filemap_fault will need
 * for MAP_SHARED).  ramfs and tmpfs have no backing store: their pages
 * live only here, a hole reads as zeroes, and a page is never written
 * back or evicted under memory pressure (no swap).
 *
 * Lock order: inode->i_rwsem (writers hold it) -> mapping->i_pages_lock
 * -> the page and slab allocators.  The tree's nodes are allocated under
 * i_pages_lock with GFP_ATOMIC (Linux preloads; a failure is ENOMEM and
 * the write stops short).
 */
#include <fs/fs.h>
#include <kernel/compiler.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include <mm/slab.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
struct kmem_cache* radix_tree_node_cachep;

lib::radix_tree_node* node_alloc(void*)
{
	return static_cast<lib::radix_tree_node*>(kmem_cache_zalloc(radix_tree_node_cachep, GFP_ATOMIC));
}
void node_free(lib::radix_tree_node* n, void*)
{
	kmem_cache_free(radix_tree_node_cachep, n);
}
const lib::radix_tree_ops page_tree_ops = {node_alloc, node_free, nullptr};
} // namespace

address_space::address_space() : i_pages(&page_tree_ops), nrpages(0), a_ops(nullptr), gfp_mask(GFP_KERNEL)
{
	init_rwsem(&i_mmap_rwsem);
}

void radix_tree_init()
{
	radix_tree_node_cachep = kmem_cache_create("radix_tree_node", sizeof(lib::radix_tree_node), 0,
	                                           SLAB_RECLAIM_ACCOUNT | SLAB_PANIC, nullptr);
}

/* the cached page at index with a reference, or NULL (Linux: find_get_page) */
struct page* find_get_page(struct address_space* mapping, unsigned long index)
{
	lib::spin_lock_irqsave_guard g(mapping->i_pages_lock);
	auto* page = static_cast<struct page*>(mapping->i_pages.lookup(index));
	if (page)
		get_page(page);
	return page;
}

/* put page (referenced by the caller) in the cache at index; the cache
 * takes its own reference.  EEXIST if another got there first, ENOMEM */
lib::Result<void> add_to_page_cache(struct page* page, struct address_space* mapping, unsigned long index)
{
	lib::spin_lock_irqsave_guard g(mapping->i_pages_lock);
	TRY(mapping->i_pages.insert(index, page));
	get_page(page);
	page->mapping = mapping;
	page->index = index;
	page_mapcount_reset(page); /* not mapped anywhere yet */
	mapping->nrpages++;
	return lib::ok();
}

/* take page out of its mapping and drop the cache's reference */
static void delete_from_page_cache(struct address_space* mapping, struct page* page)
{
	{
		lib::spin_lock_irqsave_guard g(mapping->i_pages_lock);
		WARN_ON(mapping->i_pages.erase(page->index) != page);
		mapping->nrpages--;
		page->mapping = nullptr;
	}
	clear_page_flag(page, PG_dirty);
	clear_page_flag(page, PG_uptodate);
	if (mapping->a_ops && mapping->a_ops->uncharge_page)
		mapping->a_ops->uncharge_page(mapping);
	put_page(page);
}

void truncate_inode_pages(struct address_space* mapping, loff_t lstart)
{
	truncate_inode_pages_range(mapping, (lstart + PAGE_SIZE - 1) >> PAGE_SHIFT, ~0UL);
}

void truncate_inode_pages_range(struct address_space* mapping, unsigned long start, unsigned long end)
{
	for (;;) {
		struct page* page;
		{
			lib::spin_lock_irqsave_guard g(mapping->i_pages_lock);
			unsigned long idx = start;
			page = static_cast<struct page*>(mapping->i_pages.find_from(&idx));
		}
		if (!page || page->index > end)
			return;
		delete_from_page_cache(mapping, page);
	}
}

void truncate_setsize(struct inode* inode, loff_t newsize)
{
	loff_t old = inode->i_size;
	inode->i_size = newsize;
	if (newsize < old) {
		/* the mappings first: a page past the new end faults again and
		 * gets SIGBUS (Linux: truncate_pagecache unmaps, truncates, and
		 * unmaps again for a racing fault) */
		loff_t holebegin = (newsize + PAGE_SIZE - 1) & ~(loff_t)(PAGE_SIZE - 1);
		unmap_mapping_range(inode->i_mapping, holebegin, 0);
		truncate_inode_pages(inode->i_mapping, newsize);
		unmap_mapping_range(inode->i_mapping, holebegin, 0);
		/* the partial page keeps no stale bytes past the new end */
		if (newsize & (PAGE_SIZE - 1)) {
			if (struct page* p = find_get_page(inode->i_mapping, newsize >> PAGE_SHIFT)) {
				size_t off = newsize & (PAGE_SIZE - 1);
				lib::memset(static_cast<char*>(page_address(p)) + off, 0, PAGE_SIZE - off);
				put_page(p);
			}
		}
	}
}

/* pages cached in mapping (the tests) */
unsigned long mapping_nrpages(struct address_space* mapping)
{
	lib::spin_lock_irqsave_guard g(mapping->i_pages_lock);
	return mapping->nrpages;
}

/* the page at index, from the cache or new (charged, zeroed, read) and
 * added; referenced.  ENOMEM, or the fs's ENOSPC (Linux:
 * grab_cache_page_write_begin / filemap_get_pages) */
lib::Result<struct page*> get_or_create_page(struct file* file, struct address_space* mapping,
                                             unsigned long index)
{
	for (;;) {
		if (struct page* page = find_get_page(mapping, index))
			return page;
		if (mapping->a_ops && mapping->a_ops->charge_page)
			TRY(mapping->a_ops->charge_page(mapping));
		struct page* page = alloc_page(mapping->gfp_mask | __GFP_ZERO);
		if (!page) {
			if (mapping->a_ops && mapping->a_ops->uncharge_page)
				mapping->a_ops->uncharge_page(mapping);
			return lib::Error{ENOMEM};
		}
		page->mapping = nullptr;
		page->index = index;
		if (mapping->a_ops && mapping->a_ops->read_folio) {
			lib::Result<void> r = mapping->a_ops->read_folio(file, page);
			if (r.is_err()) {
				put_page(page);
				if (mapping->a_ops->uncharge_page)
					mapping->a_ops->uncharge_page(mapping);
				return r.error_value();
			}
		}
		set_page_flag(page, PG_uptodate);
		lib::Result<void> r = add_to_page_cache(page, mapping, index);
		if (r.is_ok()) {
			/* st_blocks counts the cached pages, also those a fault adds
			 * without i_rwsem (Linux: shmem_recalc_inode under info->lock) */
			if (mapping->host)
				__atomic_store_n(&mapping->host->i_blocks, mapping_nrpages(mapping) * (PAGE_SIZE / 512),
				                 __ATOMIC_RELAXED);
			return page; /* the caller's reference; the cache has its own */
		}
		put_page(page);
		if (mapping->a_ops && mapping->a_ops->uncharge_page)
			mapping->a_ops->uncharge_page(mapping);
		if (r.error() != EEXIST)
			return r.error_value();
		/* raced with another adder: use theirs */
	}
}

/* read through the cache: holes (no page) read as zeroes without
 * allocating one (Linux: filemap_read) */
lib::Result<ssize_t> generic_file_read_iter(struct kiocb* iocb, struct iov_iter* to)
{
	struct file* file = iocb->ki_filp;
	struct inode* inode = file_inode(file);
	struct address_space* mapping = inode->i_mapping;
	ssize_t done = 0;
	if (!iov_iter_count(to))
		return 0;
	inode_lock_shared(inode);
	while (iov_iter_count(to)) {
		loff_t pos = iocb->ki_pos;
		loff_t size = inode->i_size;
		if (pos >= size)
			break;
		unsigned long index = pos >> PAGE_SHIFT;
		size_t offset = pos & (PAGE_SIZE - 1);
		size_t n = PAGE_SIZE - offset;
		if (n > size_t(size - pos))
			n = size - pos;
		if (n > iov_iter_count(to))
			n = iov_iter_count(to);
		size_t copied;
		if (struct page* page = find_get_page(mapping, index)) {
			copied = copy_to_iter(static_cast<char*>(page_address(page)) + offset, n, to);
			put_page(page);
		} else {
			copied = iov_iter_zero(n, to);
		}
		iocb->ki_pos += copied;
		done += copied;
		if (copied < n) {
			if (!done) {
				inode_unlock_shared(inode);
				return lib::Error{EFAULT};
			}
			break;
		}
	}
	inode_unlock_shared(inode);
	return done;
}

/* write through the cache under i_rwsem: every byte copied before an
 * error stays, and the error (ENOSPC, ENOMEM, EFAULT) is returned only
 * when nothing was written (Linux: generic_perform_write) */
lib::Result<ssize_t> generic_file_write_iter(struct kiocb* iocb, struct iov_iter* from)
{
	struct file* file = iocb->ki_filp;
	struct inode* inode = file_inode(file);
	struct address_space* mapping = inode->i_mapping;
	ssize_t done = 0;
	int err = 0;
	inode_lock(inode);
	if (iocb->ki_flags & IOCB_APPEND)
		iocb->ki_pos = inode->i_size;
	if (lib::Result<void> sealed = seal_check_write(inode, iocb->ki_pos, iov_iter_count(from)); sealed.is_err()) {
		inode_unlock(inode);
		return sealed.error_value(); /* a sealed memfd (mm/memfd.cc) */
	}
	loff_t maxbytes = inode->i_sb->s_maxbytes;
	if (iocb->ki_pos >= maxbytes && iov_iter_count(from)) {
		inode_unlock(inode);
		return lib::Error{EFBIG};
	}
	if (iov_iter_count(from) > size_t(maxbytes - iocb->ki_pos))
		iov_iter_truncate(from, maxbytes - iocb->ki_pos);
	while (iov_iter_count(from)) {
		loff_t pos = iocb->ki_pos;
		unsigned long index = pos >> PAGE_SHIFT;
		size_t offset = pos & (PAGE_SIZE - 1);
		size_t n = PAGE_SIZE - offset;
		if (n > iov_iter_count(from))
			n = iov_iter_count(from);
		lib::Result<struct page*> pr = get_or_create_page(file, mapping, index);
		if (pr.is_err()) {
			err = pr.error();
			break;
		}
		struct page* page = pr.value();
		size_t copied = copy_from_iter(static_cast<char*>(page_address(page)) + offset, n, from);
		set_page_flag(page, PG_dirty);
		put_page(page);
		iocb->ki_pos += copied;
		done += copied;
		if (iocb->ki_pos > inode->i_size)
			inode->i_size = iocb->ki_pos;
		if (copied < n) {
			err = EFAULT;
			break;
		}
	}
	if (done) {
		inode->i_mtime = inode->i_ctime = current_time(inode);
	}
	inode->i_blocks = mapping_nrpages(mapping) * (PAGE_SIZE / 512);
	inode_unlock(inode);
	if (!done && err)
		return lib::Error{err};
	return done;
}


/* ---- mappings (Linux: filemap_fault, generic_file_mmap) ---- */
namespace
{
vm_fault_t filemap_fault(struct vm_fault* vmf)
{
	struct file* file = vmf->vma->vm_file;
	struct inode* inode = file_inode(file);
	struct address_space* mapping = inode->i_mapping;
	loff_t size = READ_ONCE(inode->i_size);
	if (vmf->pgoff >= (unsigned long)((size + PAGE_SIZE - 1) >> PAGE_SHIFT))
		return VM_FAULT_SIGBUS; /* past the end of the file */
	lib::Result<struct page*> page = get_or_create_page(file, mapping, vmf->pgoff);
	if (page.is_err())
		return page.error() == ENOMEM ? VM_FAULT_OOM : VM_FAULT_SIGBUS; /* a full tmpfs: SIGBUS, as Linux's shmem */
	vmf->page = page.value();
	return 0;
}

const struct vm_operations_struct generic_file_vm_ops = {nullptr, nullptr, filemap_fault, nullptr};
} // namespace

lib::Result<void> generic_file_mmap(struct file* file, struct vm_area_struct* vma)
{
	TRY(seal_check_mmap(file, vma)); /* a sealed memfd (mm/memfd.cc) */
	vma->vm_ops = &generic_file_vm_ops;
	return lib::ok();
}
