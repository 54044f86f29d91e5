/*
 * memblock - the boot-time physical memory allocator (Linux: mm/memblock.c).
 *
 * Two sorted region arrays, memblock.memory and memblock.reserved (see
 * include/mm/memblock.h for the invariants: sorted by base, disjoint,
 * touching same-nid neighbours merged, no wrap-around).
 *
 * Every change - add, remove, set_node - is one linear rewrite of a type:
 * each existing region is cut at the range's two boundaries, the piece
 * inside the range is kept, dropped or re-tagged, the gaps inside the
 * range are filled (add only), and the pieces are emitted in address
 * order into a scratch array that merges touching same-nid pieces as they
 * arrive.  The result replaces the type only if it fit in type->max, so a
 * failed call (-ENOMEM) leaves memblock exactly as it was.  Linux instead
 * inserts, then merges, and doubles the array when it runs out of room;
 * with a fixed array, building the result aside is what keeps failure
 * harmless.  O(cnt) per call; cnt <= INIT_MEMBLOCK_REGIONS.
 *
 * Free ranges are memory minus reserved, found by walking both sorted
 * arrays together (forward for iteration, backward for the top-down
 * allocator, as Linux's __next_mem_range and __next_mem_range_rev).
 *
 * Lock order: none.  Boot-time, single CPU.
 */
#include <mm/memblock.h>

#include <kernel/printk.h>
#include <kernel/params.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
memblock_region memblock_memory_init_regions[INIT_MEMBLOCK_REGIONS];
memblock_region memblock_reserved_init_regions[INIT_MEMBLOCK_REGIONS];

/* where memblock_rewrite builds a type's new region list */
memblock_region memblock_scratch[INIT_MEMBLOCK_REGIONS];

/* node of memory added without one; node of every reserved region */
constexpr int MEMBLOCK_DEFAULT_NID = 0;
constexpr int MEMBLOCK_RESERVED_NID = NUMA_NO_NODE;
} // namespace

constinit struct memblock memblock = {
    .memory = {0, INIT_MEMBLOCK_REGIONS, memblock_memory_init_regions, "memory"},
    .reserved = {0, INIT_MEMBLOCK_REGIONS, memblock_reserved_init_regions, "reserved"},
    .current_limit = MEMBLOCK_ALLOC_ANYWHERE,
};

namespace
{
using ull = unsigned long long;

inline phys_addr_t min_addr(phys_addr_t a, phys_addr_t b)
{
	return a < b ? a : b;
}
inline phys_addr_t max_addr(phys_addr_t a, phys_addr_t b)
{
	return a > b ? a : b;
}
inline phys_addr_t region_end(const memblock_region& r)
{
	return r.base + r.size;
}

/* clamp size so that base + size does not wrap (Linux: memblock_cap_size) */
inline phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t size)
{
	return min_addr(size, PHYS_ADDR_MAX - base);
}

enum class rewrite_op {
	add,      /* fill the gaps inside the range with nid */
	remove,   /* drop what is inside the range */
	set_node, /* re-tag what is inside the range with nid */
};

/* appends to memblock_scratch, merging with the last piece when possible */
struct region_builder {
	unsigned long cnt = 0;
	unsigned long max;
	bool overflow = false;

	explicit region_builder(unsigned long m) : max(m) {}

	void emit(phys_addr_t base, phys_addr_t end, int nid)
	{
		if (base >= end)
			return;
		if (cnt > 0) {
			memblock_region& last = memblock_scratch[cnt - 1];
			if (region_end(last) == base && last.nid == nid) {
				last.size += end - base;
				return;
			}
		}
		if (cnt == max) {
			overflow = true;
			return;
		}
		memblock_scratch[cnt++] = {base, end - base, nid};
	}
};

const char* rewrite_op_name(rewrite_op op)
{
	switch (op) {
	case rewrite_op::add:
		return "add";
	case rewrite_op::remove:
		return "remove";
	case rewrite_op::set_node:
		return "set node of";
	}
	return "?";
}

/* apply op to [base, base + size) of type; all or nothing */
lib::Result<void> memblock_rewrite(memblock_type* type, phys_addr_t base, phys_addr_t size, rewrite_op op, int nid)
{
	size = memblock_cap_size(base, size);
	if (size == 0)
		return lib::ok();
	const phys_addr_t end = base + size;

	unsigned long max = type->max < INIT_MEMBLOCK_REGIONS ? type->max : INIT_MEMBLOCK_REGIONS;
	region_builder out(max);
	phys_addr_t covered = base; /* [base, covered) has been emitted */

	for (unsigned long i = 0; i < type->cnt; i++) {
		const memblock_region& r = type->regions[i];
		const phys_addr_t rbase = r.base, rend = region_end(r);

		if (op == rewrite_op::add && covered < rbase) {
			out.emit(covered, min_addr(rbase, end), nid);
			covered = min_addr(rbase, end);
		}
		/* below the range, inside it, above it */
		out.emit(rbase, min_addr(rend, base), r.nid);
		phys_addr_t in_base = max_addr(rbase, base), in_end = min_addr(rend, end);
		if (in_base < in_end) {
			if (op == rewrite_op::add)
				out.emit(in_base, in_end, r.nid);
			else if (op == rewrite_op::set_node)
				out.emit(in_base, in_end, nid);
			covered = max_addr(covered, in_end);
		}
		out.emit(max_addr(rbase, end), rend, r.nid);
	}
	if (op == rewrite_op::add)
		out.emit(covered, end, nid);

	if (out.overflow) {
		pr_err("memblock: %s: no room to %s [mem 0x%016llx-0x%016llx] (%lu regions max)\n", type->name,
		       rewrite_op_name(op), (ull)base, (ull)(end - 1), type->max);
		return lib::Error{ENOMEM};
	}
	lib::memcpy(type->regions, memblock_scratch, out.cnt * sizeof(memblock_region));
	type->cnt = out.cnt;
	return lib::ok();
}

/* index of the region of type containing addr, or -1 */
long memblock_search(const memblock_type* type, phys_addr_t addr)
{
	unsigned long lo = 0, hi = type->cnt;
	while (lo < hi) {
		unsigned long mid = lo + (hi - lo) / 2;
		const memblock_region& r = type->regions[mid];
		if (addr < r.base)
			hi = mid;
		else if (addr - r.base >= r.size)
			lo = mid + 1;
		else
			return long(mid);
	}
	return -1;
}

inline bool nid_matches(int want, int nid)
{
	return want == NUMA_NO_NODE || want == nid;
}

/*
 * fn(start, end, nid) for each free range of node nid, highest first;
 * stops when fn returns true (Linux: __next_mem_range_rev).
 */
template <typename Fn> void for_each_free_range_rev(int nid, Fn fn)
{
	const memblock_type& mem = memblock.memory;
	const memblock_type& res = memblock.reserved;
	unsigned long ri = res.cnt; /* res.regions[ri..) lie above the current memory region */

	for (unsigned long mi = mem.cnt; mi-- > 0;) {
		const memblock_region& m = mem.regions[mi];
		if (!nid_matches(nid, m.nid))
			continue;
		const phys_addr_t mbase = m.base;
		phys_addr_t top = region_end(m); /* [mbase, top) is still to be looked at */

		while (ri > 0 && res.regions[ri - 1].base >= top)
			ri--;
		for (unsigned long j = ri; top > mbase; j--) {
			if (j == 0 || region_end(res.regions[j - 1]) <= mbase) {
				if (fn(mbase, top, m.nid))
					return;
				break;
			}
			const memblock_region& r = res.regions[j - 1];
			if (region_end(r) < top && fn(region_end(r), top, m.nid))
				return;
			top = min_addr(top, r.base);
		}
	}
}

/* the top-down search: highest aligned fit in [start, end) of node nid, or 0 */
phys_addr_t memblock_find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start, phys_addr_t end,
                                        int nid)
{
	phys_addr_t found = 0;
	for_each_free_range_rev(nid, [&](phys_addr_t fstart, phys_addr_t fend, int) {
		fstart = max_addr(fstart, start);
		fend = min_addr(fend, end);
		if (fstart >= fend || fend - fstart < size)
			return false;
		phys_addr_t cand = (fend - size) & ~(align - 1);
		if (cand < fstart)
			return false;
		found = cand;
		return true;
	});
	return found;
}

phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start, phys_addr_t end, int nid)
{
	if (align == 0)
		align = MEMBLOCK_DEFAULT_ALIGN;
	if (size == 0 || (align & (align - 1)) != 0)
		return 0;
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE)
		end = memblock.current_limit;
	/* never hand out the first page: 0 is the failure value (as Linux) */
	start = max_addr(start, PAGE_SIZE);
	if (start >= end)
		return 0;

	phys_addr_t addr = memblock_find_in_range_node(size, align, start, end, nid);
	if (!addr && nid != NUMA_NO_NODE)
		addr = memblock_find_in_range_node(size, align, start, end, NUMA_NO_NODE);
	if (!addr)
		return 0;
	if (memblock_reserve(addr, size).is_err())
		return 0;
	return addr;
}

phys_addr_t memblock_type_size(const memblock_type& type)
{
	phys_addr_t total = 0;
	for (unsigned long i = 0; i < type.cnt; i++)
		total += type.regions[i].size;
	return total;
}

void memblock_dump(const memblock_type& type)
{
	pr_info(" %s.cnt  = 0x%lx\n", type.name, type.cnt);
	for (unsigned long i = 0; i < type.cnt; i++) {
		const memblock_region& r = type.regions[i];
		/* Linux leaves out the node of regions that have none */
		if (r.nid != NUMA_NO_NODE)
			pr_info(" %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes on node %d flags: 0x0\n", type.name,
			        i, (ull)r.base, (ull)(region_end(r) - 1), (ull)r.size, r.nid);
		else
			pr_info(" %s[0x%lx]\t[0x%016llx-0x%016llx], 0x%016llx bytes flags: 0x0\n", type.name, i,
			        (ull)r.base, (ull)(region_end(r) - 1), (ull)r.size);
	}
}
} // namespace

lib::Result<void> memblock_add_node(phys_addr_t base, phys_addr_t size, int nid)
{
	if (nid < NUMA_NO_NODE)
		return lib::Error{EINVAL};
	return memblock_rewrite(&memblock.memory, base, size, rewrite_op::add, nid);
}

lib::Result<void> memblock_add(phys_addr_t base, phys_addr_t size)
{
	return memblock_add_node(base, size, MEMBLOCK_DEFAULT_NID);
}

lib::Result<void> memblock_remove(phys_addr_t base, phys_addr_t size)
{
	return memblock_rewrite(&memblock.memory, base, size, rewrite_op::remove, NUMA_NO_NODE);
}

lib::Result<void> memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	return memblock_rewrite(&memblock.reserved, base, size, rewrite_op::add, MEMBLOCK_RESERVED_NID);
}

lib::Result<void> memblock_reserve_named(phys_addr_t base, phys_addr_t size, const char* what)
{
	lib::Result<void> ret = memblock_reserve(base, size);
	size = memblock_cap_size(base, size);
	if (ret.is_ok() && size != 0)
		pr_info("memblock: reserve [mem 0x%016llx-0x%016llx] %s\n", (ull)base, (ull)(base + size - 1), what);
	return ret;
}

lib::Result<void> memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	return memblock_rewrite(&memblock.reserved, base, size, rewrite_op::remove, NUMA_NO_NODE);
}

lib::Result<void> memblock_set_node(phys_addr_t base, phys_addr_t size, int nid)
{
	if (nid < NUMA_NO_NODE)
		return lib::Error{EINVAL};
	return memblock_rewrite(&memblock.memory, base, size, rewrite_op::set_node, nid);
}

void memblock_set_current_limit(phys_addr_t limit)
{
	memblock.current_limit = limit;
}

phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align, phys_addr_t start, phys_addr_t end)
{
	return memblock_alloc_range_nid(size, align, start, end, NUMA_NO_NODE);
}

phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	return memblock_alloc_range_nid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE);
}

phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid)
{
	return memblock_alloc_range_nid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid);
}

phys_addr_t memblock_phys_mem_size()
{
	return memblock_type_size(memblock.memory);
}

phys_addr_t memblock_reserved_size()
{
	return memblock_type_size(memblock.reserved);
}

phys_addr_t memblock_start_of_DRAM()
{
	return memblock.memory.cnt ? memblock.memory.regions[0].base : 0;
}

phys_addr_t memblock_end_of_DRAM()
{
	return memblock.memory.cnt ? region_end(memblock.memory.regions[memblock.memory.cnt - 1]) : 0;
}

bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) >= 0;
}

bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) >= 0;
}

void memblock_for_each_free_range(int nid, memblock_range_fn fn, void* arg)
{
	const memblock_type& mem = memblock.memory;
	const memblock_type& res = memblock.reserved;
	unsigned long ri = 0; /* res.regions[..ri) lie below the current memory region */

	for (unsigned long mi = 0; mi < mem.cnt; mi++) {
		const memblock_region& m = mem.regions[mi];
		if (!nid_matches(nid, m.nid))
			continue;
		const phys_addr_t mend = region_end(m);
		phys_addr_t cur = m.base; /* [cur, mend) is still to be looked at */

		while (ri < res.cnt && region_end(res.regions[ri]) <= cur)
			ri++;
		for (unsigned long j = ri; cur < mend; j++) {
			if (j == res.cnt || res.regions[j].base >= mend) {
				fn(cur, mend, m.nid, arg);
				break;
			}
			const memblock_region& r = res.regions[j];
			if (r.base > cur)
				fn(cur, r.base, m.nid, arg);
			cur = max_addr(cur, region_end(r));
		}
	}
}

/* memblock=debug: dump the regions at boot, as Linux's memblock_debug */
bool memblock_debug;

static lib::Result<void> early_memblock(std::string_view val)
{
	if (val != "debug")
		return lib::Error{EINVAL};
	memblock_debug = true;
	return lib::ok();
}
early_param("memblock", early_memblock);

void memblock_dump_all()
{
	if (!memblock_debug)
		return;
	pr_info("MEMBLOCK configuration:\n");
	pr_info(" memory size = 0x%016llx reserved size = 0x%016llx\n", (ull)memblock_phys_mem_size(),
	        (ull)memblock_reserved_size());
	memblock_dump(memblock.memory);
	memblock_dump(memblock.reserved);
}

void memblock_reset()
{
	memblock.memory.cnt = 0;
	memblock.reserved.cnt = 0;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
}
