/*
 * User page tables and page faults (Linux: mm/memory.c handle_mm_fault,
 * do_anonymous_page, do_wp_page/wp_page_copy/wp_page_reuse, do_fault,
 * zap_page_range, unmap_vmas, free_pgtables, copy_page_range,
 * follow_page; mm/mprotect.c change_protection; mm/mremap.c
 * move_page_tables; mm/mmu_gather.c).
 *
 * Data structures: four levels under mm->pgd (PML4 -> PUD -> PMD -> PTE,
 * 4 KiB pages only in user space); a table entry for user space is
 * _PAGE_TABLE (present, writable, user).  A PTE is empty (0), present,
 * or PROT_NONE (_PAGE_PROTNONE without _PAGE_PRESENT: the page stays
 * mapped but every access faults, as Linux's).  Each mapping of a page
 * holds one reference to it (_refcount) and counts in _mapcount; the
 * shared zero page (ZERO_PAGE, in .bss) is mapped read-only and never
 * counted.
 *
 * Invariants: a private writable page is mapped writable only while this
 * mm is its only mapper (page_mapcount == 1, no other reference): after
 * fork both sides map it read-only and the first write copies it
 * (copy-on-write) or, for the last mapper, reuses it (do_wp_page).  A
 * page is freed only after every CPU that may cache its translation has
 * flushed it (struct mmu_gather: flush, then free).
 *
 * Page-table pages are freed when no VMA covers their range any more:
 * munmap (free_pgtables between the VMAs around the hole) and exit.
 * unmap_mapping_range zaps a file's pages in every mm that maps them,
 * through the file's i_mmap list, without those mms' mmap_lock: a VMA
 * leaves i_mmap before its page tables can be freed.
 *
 * Lock order (<kernel/lock_order.h>): mmap_lock (read for faults, write
 * for unmapping and fork) -> mapping->i_mmap_rwsem -> mm->page_table_lock (installing tables and
 * changing PTEs; never held across an allocation or a TLB flush).  PTE
 * updates are atomic (the CPU sets accessed/dirty bits concurrently).
 */
#include <arch/mmu_context.h>
#include <arch/processor.h>
#include <fs/fs.h>
#include <kernel/panic.h>
#include <kernel/printk.h>
#include <lib/string.h>
#include <mm/mm.h>
#include <mm/page_alloc.h>
#include "internal.h"

namespace
{
constexpr uint64_t _PAGE_TABLE = _PAGE_PRESENT | _PAGE_RW | _PAGE_USER | _PAGE_ACCESSED | _PAGE_DIRTY;

alignas(PAGE_SIZE) char empty_zero_page[PAGE_SIZE];

inline uint64_t* table_of(uint64_t e)
{
	return static_cast<uint64_t*>(__va(e & PTE_PFN_MASK));
}
inline uint64_t load(const uint64_t* p)
{
	return __atomic_load_n(p, __ATOMIC_RELAXED);
}
inline void store(uint64_t* p, uint64_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}
inline uint64_t xchg(uint64_t* p, uint64_t v)
{
	return __atomic_exchange_n(p, v, __ATOMIC_SEQ_CST);
}
inline struct page* pte_page(uint64_t e)
{
	return pfn_to_page((e & PTE_PFN_MASK) >> PAGE_SHIFT);
}
inline uint64_t mk_pte(struct page* page, pgprot_t prot)
{
	return page_to_phys(page) | massage_pgprot(prot);
}
inline void invlpg(unsigned long va)
{
	asm volatile("invlpg (%0)" ::"r"(va) : "memory");
}
inline unsigned long next_boundary(unsigned long va, unsigned long size, unsigned long end)
{
	unsigned long next = (va | (size - 1)) + 1;
	return (next == 0 || next > end) ? end : next;
}

/* the PTE slot for addr, or NULL when a table above it is missing */
uint64_t* pte_offset(struct mm_struct* mm, unsigned long addr)
{
	uint64_t* t = mm->pgd;
	for (unsigned shift : {PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT}) {
		uint64_t e = load(&t[(addr >> shift) & (PTRS_PER_TABLE - 1)]);
		if (!(e & _PAGE_PRESENT))
			return nullptr;
		t = table_of(e);
	}
	return &t[pte_index(addr)];
}

/* the PTE slot for addr, allocating the tables above it (Linux: __pte_alloc) */
lib::Result<uint64_t*> pte_alloc(struct mm_struct* mm, unsigned long addr)
{
	uint64_t* t = mm->pgd;
	for (unsigned shift : {PGDIR_SHIFT, PUD_SHIFT, PMD_SHIFT}) {
		uint64_t* ent = &t[(addr >> shift) & (PTRS_PER_TABLE - 1)];
		if (!(load(ent) & _PAGE_PRESENT)) {
			struct page* pg = alloc_page(GFP_KERNEL | __GFP_ZERO);
			if (!pg)
				return lib::Error{ENOMEM};
			{
				lib::spin_lock_guard g(mm->page_table_lock);
				if (!(load(ent) & _PAGE_PRESENT)) {
					store(ent, page_to_phys(pg) | _PAGE_TABLE);
					mm->pgtables_bytes.fetch_add(PAGE_SIZE);
					pg = nullptr;
				}
			}
			if (pg) /* another fault installed it first */
				__free_page(pg);
		}
		t = table_of(load(ent));
	}
	return &t[pte_index(addr)];
}

/* a new anonymous page, mapped once from now on */
struct page* alloc_anon_page(bool zero)
{
	struct page* page = alloc_page(GFP_KERNEL | (zero ? __GFP_ZERO : 0));
	if (!page)
		return nullptr;
	page->mapping = PAGE_MAPPING_ANON;
	page->_mapcount = 0; /* page_mapcount() == 1 */
	return page;
}

/* a mapping of page goes: the mapcount and the mapping's reference later (mmu_gather) */
void page_remove_rmap(struct page* page)
{
	__atomic_fetch_sub(&page->_mapcount, 1, __ATOMIC_ACQ_REL);
}

int mm_counter(struct page* page)
{
	return PageAnon(page) ? MM_ANONPAGES : MM_FILEPAGES;
}

/*
 * Pages (and page-table pages) taken out of an mm, freed only after the
 * TLB flush (Linux: struct mmu_gather, tlb_gather_mmu/tlb_finish_mmu).
 */
struct mmu_gather {
	struct mm_struct* mm;
	unsigned long start = ~0UL, end = 0;
	bool freed_tables = false;
	unsigned nr = 0;
	struct page* pages[64];
	unsigned nr_tables = 0;
	struct page* tables[16];

	explicit mmu_gather(struct mm_struct* m) : mm(m) {}
	~mmu_gather() { flush(); }
	mmu_gather(const mmu_gather&) = delete;
	mmu_gather& operator=(const mmu_gather&) = delete;

	void range(unsigned long s, unsigned long e)
	{
		start = s < start ? s : start;
		end = e > end ? e : end;
	}
	void flush()
	{
		if (start < end || nr_tables)
			flush_tlb_mm_range(mm, start, freed_tables ? ~0UL : end, PAGE_SHIFT, freed_tables);
		for (unsigned i = 0; i < nr; i++)
			put_page(pages[i]);
		for (unsigned i = 0; i < nr_tables; i++)
			__free_page(tables[i]);
		nr = nr_tables = 0;
		start = ~0UL;
		end = 0;
		freed_tables = false;
	}
	void remove_page(struct page* page, unsigned long addr)
	{
		range(addr, addr + PAGE_SIZE);
		if (nr == sizeof(pages) / sizeof(pages[0]))
			flush();
		pages[nr++] = page;
	}
	void remove_table(struct page* table)
	{
		freed_tables = true;
		if (nr_tables == sizeof(tables) / sizeof(tables[0]))
			flush();
		tables[nr_tables++] = table;
	}
};

/* clear the PTEs of [start, end) in one PTE table */
void zap_pte_range(mmu_gather& tlb, struct vm_area_struct* vma, uint64_t* pte, unsigned long start,
                   unsigned long end)
{
	struct mm_struct* mm = vma->vm_mm;
	lib::spin_lock_guard g(mm->page_table_lock);
	for (unsigned long va = start; va < end; va += PAGE_SIZE) {
		uint64_t* p = &pte[pte_index(va)];
		if (!load(p))
			continue;
		uint64_t e = xchg(p, 0);
		tlb.range(va, va + PAGE_SIZE);
		struct page* page = pte_page(e);
		if (is_zero_page(page))
			continue;
		dec_mm_counter(mm, mm_counter(page));
		page_remove_rmap(page);
		tlb.remove_page(page, va); /* the mapping's reference, after the flush */
	}
}

/* call fn(pte_table, start, end) for each PTE table present under [start, end) */
template <typename Fn> void walk_pte_tables(struct mm_struct* mm, unsigned long start, unsigned long end, Fn fn)
{
	for (unsigned long va = start; va < end;) {
		uint64_t pgd = load(&mm->pgd[pgd_index(va)]);
		if (!(pgd & _PAGE_PRESENT)) {
			va = next_boundary(va, PGDIR_SIZE, end);
			continue;
		}
		uint64_t pud = load(&table_of(pgd)[pud_index(va)]);
		if (!(pud & _PAGE_PRESENT)) {
			va = next_boundary(va, PUD_SIZE, end);
			continue;
		}
		uint64_t pmd = load(&table_of(pud)[pmd_index(va)]);
		unsigned long next = next_boundary(va, PMD_SIZE, end);
		if (pmd & _PAGE_PRESENT)
			fn(table_of(pmd), va, next);
		va = next;
	}
}

void zap_range(mmu_gather& tlb, struct vm_area_struct* vma, unsigned long start, unsigned long end)
{
	walk_pte_tables(vma->vm_mm, start, end,
	                [&](uint64_t* pte, unsigned long s, unsigned long e) { zap_pte_range(tlb, vma, pte, s, e); });
}

/* free every table under `table` at level (3: PUD table ... 1: PTE table);
 * the user half only, all PTEs already cleared */
void free_table_tree(mmu_gather& tlb, struct mm_struct* mm, uint64_t* table, int level)
{
	for (unsigned i = 0; i < PTRS_PER_TABLE; i++) {
		uint64_t e = table[i];
		if (!(e & _PAGE_PRESENT))
			continue;
		table[i] = 0;
		if (level > 1)
			free_table_tree(tlb, mm, table_of(e), level - 1);
		else
			WARN_ON_ONCE(e & ~PTE_PFN_MASK & ~uint64_t(0xfff)); /* a PTE table entry, not a page */
		tlb.remove_table(pte_page(e));
		mm->pgtables_bytes.fetch_sub(PAGE_SIZE);
	}
}
} // namespace

struct page* zero_page = nullptr;

void memory_init()
{
	zero_page = virt_to_page(empty_zero_page);
}

void put_page(struct page* page)
{
	if (!PageReserved(page))
		__free_page(page); /* drops one reference, frees on the last */
}

static vm_fault_t do_anonymous_page(struct vm_area_struct* vma, unsigned long /*address*/, uint64_t* ptep, unsigned flags)
{
	struct mm_struct* mm = vma->vm_mm;
	if (!(flags & FAULT_FLAG_WRITE)) {
		/* a read maps the zero page; the first write copies it */
		uint64_t entry = mk_pte(zero_page, vma->vm_page_prot) & ~uint64_t(_PAGE_RW);
		lib::spin_lock_guard g(mm->page_table_lock);
		if (!load(ptep))
			store(ptep, entry);
		return 0;
	}
	struct page* page = alloc_anon_page(true);
	if (!page)
		return VM_FAULT_OOM;
	uint64_t entry = mk_pte(page, vma->vm_page_prot) | _PAGE_DIRTY;
	if (vma->vm_flags & VM_WRITE)
		entry |= _PAGE_RW;
	{
		lib::spin_lock_guard g(mm->page_table_lock);
		if (!load(ptep)) {
			store(ptep, entry);
			inc_mm_counter(mm, MM_ANONPAGES);
			page = nullptr;
		}
	}
	if (page) { /* another thread's fault won */
		page->mapping = nullptr;
		put_page(page);
	}
	return 0;
}

/* a write to a present read-only PTE: reuse the page if this is its only
 * mapping and reference, else copy it (copy-on-write) */
static vm_fault_t do_wp_page(struct vm_area_struct* vma, unsigned long address, uint64_t* ptep, uint64_t orig)
{
	struct mm_struct* mm = vma->vm_mm;
	struct page* old = pte_page(orig);
	uint64_t wr = (vma->vm_flags & VM_WRITE) ? _PAGE_RW | _PAGE_DIRTY : _PAGE_DIRTY; /* maybe_mkwrite */
	if (vma->vm_flags & VM_SHARED) { /* shared: the same page, now writable */
		{
			lib::spin_lock_guard g(mm->page_table_lock);
			if (load(ptep) != orig)
				return 0;
			store(ptep, orig | wr);
		}
		flush_tlb_page(vma, address);
		return VM_FAULT_WRITE;
	}
	bool zero = is_zero_page(old);
	if (!zero && PageAnon(old)) {
		bool reused = false;
		{
			lib::spin_lock_guard g(mm->page_table_lock);
			if (load(ptep) != orig)
				return 0;
			if (page_mapcount(old) == 1 && page_ref_count(old) == 1) {
				store(ptep, orig | wr);
				reused = true;
			}
		}
		if (reused) {
			flush_tlb_page(vma, address);
			return VM_FAULT_WRITE;
		}
	}
	/* copy: hold the old page while copying from it */
	if (!zero)
		get_page(old);
	struct page* page = alloc_anon_page(zero);
	if (!page) {
		if (!zero)
			put_page(old);
		return VM_FAULT_OOM;
	}
	if (!zero)
		lib::memcpy(page_address(page), page_address(old), PAGE_SIZE);
	bool installed = false;
	{
		lib::spin_lock_guard g(mm->page_table_lock);
		if (load(ptep) == orig) {
			xchg(ptep, mk_pte(page, vma->vm_page_prot) | wr);
			if (!zero) {
				page_remove_rmap(old);
				dec_mm_counter(mm, mm_counter(old));
			}
			inc_mm_counter(mm, MM_ANONPAGES);
			installed = true;
		}
	}
	if (!installed) {
		page->mapping = nullptr;
		put_page(page);
		if (!zero)
			put_page(old);
		return 0;
	}
	flush_tlb_page(vma, address); /* no CPU reads the old page through this mm any more */
	if (!zero) {
		put_page(old); /* the mapping's reference */
		put_page(old); /* ours */
	}
	return VM_FAULT_WRITE;
}

/* a fault in a VMA with vm_ops->fault (a file): map its page, or a private copy on write */
static vm_fault_t do_fault(struct vm_area_struct* vma, unsigned long address, uint64_t* ptep, unsigned flags)
{
	struct mm_struct* mm = vma->vm_mm;
	struct vm_fault vmf = {vma, flags, vma->vm_pgoff + ((address - vma->vm_start) >> PAGE_SHIFT), address, nullptr};
	vm_fault_t ret = vma->vm_ops->fault(&vmf);
	if (ret & VM_FAULT_ERROR)
		return ret;
	struct page* page = vmf.page; /* with a reference for us */
	bool cow = (flags & FAULT_FLAG_WRITE) && !(vma->vm_flags & VM_SHARED);
	int counter = MM_FILEPAGES;
	uint64_t entry;
	if (cow) {
		struct page* copy = alloc_anon_page(false);
		if (!copy) {
			put_page(page);
			return VM_FAULT_OOM;
		}
		lib::memcpy(page_address(copy), page_address(page), PAGE_SIZE);
		put_page(page);
		page = copy;
		counter = MM_ANONPAGES;
		entry = mk_pte(page, vma->vm_page_prot) | _PAGE_DIRTY | ((vma->vm_flags & VM_WRITE) ? _PAGE_RW : 0);
	} else {
		entry = mk_pte(page, vma->vm_page_prot);
		if (!(vma->vm_flags & VM_SHARED) || !(flags & FAULT_FLAG_WRITE))
			entry &= ~uint64_t(_PAGE_RW); /* shared: writable on the first write */
		else
			entry |= _PAGE_DIRTY;
	}
	{
		lib::spin_lock_guard g(mm->page_table_lock);
		if (!load(ptep)) {
			if (!cow)
				__atomic_fetch_add(&page->_mapcount, 1, __ATOMIC_ACQ_REL);
			store(ptep, entry);
			inc_mm_counter(mm, counter);
			page = nullptr; /* the reference is the mapping's now */
		}
	}
	if (page)
		put_page(page);
	return ret & ~VM_FAULT_LOCKED;
}

namespace
{
/* count the fault against the task (Linux: mm_account_fault): major when
 * it waited for I/O, else minor; getrusage and wait4 report them */
vm_fault_t mm_account_fault(vm_fault_t ret)
{
	if (ret & (VM_FAULT_OOM | VM_FAULT_SIGSEGV | VM_FAULT_SIGBUS))
		return ret;
	if (ret & VM_FAULT_MAJOR)
		current->maj_flt++;
	else
		current->min_flt++;
	return ret;
}

vm_fault_t __handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags);
} // namespace

vm_fault_t handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags)
{
	return mm_account_fault(__handle_mm_fault(vma, address, flags));
}

namespace
{
vm_fault_t __handle_mm_fault(struct vm_area_struct* vma, unsigned long address, unsigned int flags)
{
	address &= PAGE_MASK;
	lib::Result<uint64_t*> slot = pte_alloc(vma->vm_mm, address);
	if (slot.is_err())
		return VM_FAULT_OOM;
	uint64_t* ptep = slot.value();
	uint64_t e = load(ptep);
	if (!e) {
		if (vma->vm_ops && vma->vm_ops->fault)
			return do_fault(vma, address, ptep, flags);
		return do_anonymous_page(vma, address, ptep, flags);
	}
	if (!(e & _PAGE_PRESENT)) /* PROT_NONE: the caller's access check lets nothing through */
		return VM_FAULT_SIGSEGV;
	if ((flags & FAULT_FLAG_WRITE) && !(e & _PAGE_RW))
		return do_wp_page(vma, address, ptep, e);
	/* spurious: another CPU fixed the PTE, or this TLB held an older entry */
	invlpg(address);
	return 0;
}
} // namespace

void zap_page_range(struct vm_area_struct* vma, unsigned long start, unsigned long end)
{
	mmu_gather tlb(vma->vm_mm);
	zap_range(tlb, vma, start, end);
}

namespace
{
/* a PTE table with no entry left (what free_pgtables may free) */
bool pte_table_empty(const uint64_t* pte)
{
	for (unsigned i = 0; i < PTRS_PER_TABLE; i++)
		if (pte[i])
			return false;
	return true;
}

/* under table (its entries each map 1 << shift bytes from base), visit
 * the entries over [start, end) (the unmapped range) and free every
 * lower table whose whole range lies in [floor, ceiling) (the gap between
 * the neighbouring VMAs); recurse into those that straddle floor or
 * ceiling (Linux: free_pgd_range and its pud/pmd/pte levels, with the
 * same floor/ceiling rule).  Only the unmapped range is walked, not the
 * whole gap, which may span terabytes of empty tables. */
void free_tables_in(mmu_gather& tlb, struct mm_struct* mm, uint64_t* table, unsigned shift, unsigned long base,
                    unsigned long start, unsigned long end, unsigned long floor, unsigned long ceiling)
{
	unsigned long size = 1UL << shift;
	unsigned first = start > base ? unsigned((start - base) >> shift) : 0;
	for (unsigned i = first; i < PTRS_PER_TABLE; i++) {
		unsigned long s = base + i * size, e = s + size;
		if (s >= end || s >= ceiling)
			break;
		uint64_t ent = load(&table[i]);
		if (!(ent & _PAGE_PRESENT))
			continue;
		if (s >= floor && e <= ceiling) {
			if (shift == PMD_SHIFT && WARN_ON_ONCE(!pte_table_empty(table_of(ent))))
				continue; /* a PTE left behind: a bug; keep the table */
			store(&table[i], 0);
			if (shift > PMD_SHIFT)
				free_table_tree(tlb, mm, table_of(ent), shift == PGDIR_SHIFT ? 2 : 1);
			tlb.remove_table(pte_page(ent));
			mm->pgtables_bytes.fetch_sub(PAGE_SIZE);
		} else if (shift > PMD_SHIFT) {
			free_tables_in(tlb, mm, table_of(ent), shift - 9, s, start, end, floor, ceiling);
		}
	}
}
} // namespace

void free_pgtables(struct mm_struct* mm, unsigned long start, unsigned long end, unsigned long floor,
                   unsigned long ceiling)
{
	if (ceiling > USER_PGTABLES_CEILING)
		ceiling = USER_PGTABLES_CEILING;
	/* whole tables only: a PTE table covers 2 MiB, so the VMAs just
	 * outside [floor, ceiling) keep the tables they share with the hole */
	if (floor >= ceiling || start >= end)
		return;
	mmu_gather tlb(mm);
	free_tables_in(tlb, mm, mm->pgd, PGDIR_SHIFT, 0, start, end, floor, ceiling);
}

void unmap_mapping_range(struct address_space* mapping, long long holebegin, long long holelen)
{
	unsigned long first = (unsigned long)holebegin >> PAGE_SHIFT;
	unsigned long last = holelen ? first + (((unsigned long)holelen + PAGE_SIZE - 1) >> PAGE_SHIFT) - 1 : ~0UL;
	down_read(&mapping->i_mmap_rwsem);
	struct vm_area_struct* vma;
	list_for_each_entry(vma, &mapping->i_mmap, shared) {
		unsigned long vfirst = vma->vm_pgoff, vlast = vfirst + vma_pages(vma) - 1;
		if (vlast < first || vfirst > last)
			continue;
		unsigned long zf = first > vfirst ? first : vfirst;
		unsigned long zl = last < vlast ? last : vlast;
		zap_page_range(vma, vma->vm_start + ((zf - vfirst) << PAGE_SHIFT),
		               vma->vm_start + ((zl - vfirst + 1) << PAGE_SHIFT));
	}
	up_read(&mapping->i_mmap_rwsem);
}

void exit_mmap_pages(struct mm_struct* mm)
{
	mmu_gather tlb(mm);
	for (struct vm_area_struct* v = mm->mmap; v; v = v->vm_next)
		zap_range(tlb, v, v->vm_start, v->vm_end);
}

lib::Result<void> copy_page_range(struct mm_struct* dst, struct mm_struct* src, struct vm_area_struct* vma)
{
	bool cow = !(vma->vm_flags & VM_SHARED) && (vma->vm_flags & VM_MAYWRITE);
	bool wrprotected = false;
	lib::Result<void> result = lib::ok();
	walk_pte_tables(src, vma->vm_start, vma->vm_end, [&](uint64_t* spte, unsigned long s, unsigned long e) {
		if (result.is_err())
			return;
		lib::Result<uint64_t*> d = pte_alloc(dst, s);
		if (d.is_err()) {
			result = lib::Error{ENOMEM};
			return;
		}
		uint64_t* dpte = d.value() - pte_index(s);
		lib::spin_lock_guard g(src->page_table_lock);
		for (unsigned long va = s; va < e; va += PAGE_SIZE) {
			uint64_t* sp = &spte[pte_index(va)];
			uint64_t ent = load(sp);
			if (!ent)
				continue;
			struct page* page = pte_page(ent);
			if (cow && (ent & _PAGE_RW)) { /* both sides read-only: the first write copies */
				__atomic_fetch_and(sp, ~uint64_t(_PAGE_RW), __ATOMIC_SEQ_CST);
				ent &= ~uint64_t(_PAGE_RW);
				wrprotected = true;
			}
			if (!is_zero_page(page)) {
				get_page(page);
				__atomic_fetch_add(&page->_mapcount, 1, __ATOMIC_ACQ_REL);
				inc_mm_counter(dst, mm_counter(page));
			}
			store(&dpte[pte_index(va)], ent);
		}
	});
	if (wrprotected)
		flush_tlb_range(vma, vma->vm_start, vma->vm_end);
	return result;
}

void change_protection(struct vm_area_struct* vma, unsigned long start, unsigned long end, pgprot_t newprot)
{
	/* a private writable VMA's protection has no _PAGE_RW (vm_get_page_prot):
	 * its pages become writable again through do_wp_page, which reuses a
	 * page this mm alone maps and copies a shared one */
	struct mm_struct* mm = vma->vm_mm;
	uint64_t prot = massage_pgprot(newprot);
	bool changed = false;
	walk_pte_tables(mm, start, end, [&](uint64_t* pte, unsigned long s, unsigned long e) {
		lib::spin_lock_guard g(mm->page_table_lock);
		for (unsigned long va = s; va < e; va += PAGE_SIZE) {
			uint64_t* p = &pte[pte_index(va)];
			uint64_t ent = load(p);
			if (!ent)
				continue;
			uint64_t n = (ent & PTE_PFN_MASK) | prot | (ent & _PAGE_DIRTY);
			if (is_zero_page(pte_page(ent)))
				n &= ~uint64_t(_PAGE_RW);
			if (n != ent) {
				xchg(p, n);
				changed = true;
			}
		}
	});
	if (changed)
		flush_tlb_range(vma, start, end);
}

lib::Result<void> move_page_tables(struct vm_area_struct* vma, unsigned long old_addr,
                                   struct vm_area_struct* new_vma, unsigned long new_addr, unsigned long len)
{
	struct mm_struct* mm = vma->vm_mm;
	for (unsigned long off = 0; off < len; off += PAGE_SIZE) {
		uint64_t* op = pte_offset(mm, old_addr + off);
		if (!op || !load(op))
			continue;
		uint64_t* np = TRY(pte_alloc(mm, new_addr + off));
		lib::spin_lock_guard g(mm->page_table_lock);
		store(np, xchg(op, 0));
	}
	flush_tlb_range(vma, old_addr, old_addr + len);
	(void)new_vma;
	return lib::ok();
}

struct page* follow_page(struct vm_area_struct* vma, unsigned long address, uint64_t* pte_flags)
{
	uint64_t* p = pte_offset(vma->vm_mm, address);
	if (!p)
		return nullptr;
	uint64_t e = load(p);
	if (!(e & _PAGE_PRESENT))
		return nullptr;
	*pte_flags = e;
	return pte_page(e);
}

bool user_page_present(struct mm_struct* mm, unsigned long address)
{
	uint64_t* p = pte_offset(mm, address);
	return p && load(p);
}
