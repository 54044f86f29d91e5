/*
 * The page cache's interface (Linux: include/linux/pagemap.h; mm/filemap.cc).
 * A cached page has page->mapping and page->index set and one reference
 * held by the cache; find_get_page adds the caller's (put_page it).
 */
#pragma once
#include <fs/fs.h>

struct page* find_get_page(struct address_space* mapping, unsigned long index);
lib::Result<void> add_to_page_cache(struct page* page, struct address_space* mapping, unsigned long index);
unsigned long mapping_nrpages(struct address_space* mapping);
/* the page at index, from the cache or new (charged, zeroed, read) and
 * added; referenced (put_page it).  ENOMEM or the fs's ENOSPC (Linux:
 * grab_cache_page_write_begin); shmem_fallocate allocates with it */
lib::Result<struct page*> get_or_create_page(struct file* file, struct address_space* mapping, unsigned long index);
void radix_tree_init();
