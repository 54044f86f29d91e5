/*
 * Symbol lookup for oops backtraces and %pS (Linux: kernel/kallsyms.c).
 *
 * Layout of .kallsyms, emitted by tools/build/kallsyms.py:
 *   kallsyms_num              u64
 *   kallsyms_offsets[num]     u32, address - _text, ascending
 *   kallsyms_sizes[num]       u32
 *   kallsyms_name_offsets[num] u32 into kallsyms_names
 *   kallsyms_names            NUL-terminated names, demangled, without
 *                             parameter lists ("serial8250::write")
 * Lookup is a binary search; a symbol of size 0 extends to the next one.
 */
#include <kernel/kallsyms.h>
#include <lib/format.h>
#include <lib/string.h>

extern "C" {
extern const uint64_t kallsyms_num;
extern const uint32_t kallsyms_offsets[];
extern const uint32_t kallsyms_sizes[];
extern const uint32_t kallsyms_name_offsets[];
extern const char kallsyms_names[];
extern char _text[], _etext[];
}

size_t kallsyms_count()
{
	return kallsyms_num;
}

bool kallsyms_lookup(uintptr_t addr, const char** name, size_t* size, size_t* offset)
{
	uintptr_t text = reinterpret_cast<uintptr_t>(_text);
	if (addr < text || addr >= reinterpret_cast<uintptr_t>(_etext) || kallsyms_num == 0)
		return false;
	uint64_t off = addr - text;
	/* last symbol whose start <= off */
	size_t lo = 0, hi = kallsyms_num;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;
		if (kallsyms_offsets[mid] <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (kallsyms_offsets[lo] > off)
		return false;
	size_t sz = kallsyms_sizes[lo];
	if (sz == 0)
		sz = (lo + 1 < kallsyms_num ? kallsyms_offsets[lo + 1] : uint64_t(_etext - _text)) -
		     kallsyms_offsets[lo];
	if (off - kallsyms_offsets[lo] >= sz)
		return false; /* in a gap between symbols */
	*name = kallsyms_names + kallsyms_name_offsets[lo];
	*size = sz;
	*offset = off - kallsyms_offsets[lo];
	return true;
}

uintptr_t kallsyms_lookup_name(const char* name)
{
	for (size_t i = 0; i < kallsyms_num; i++)
		if (lib::strcmp(kallsyms_names + kallsyms_name_offsets[i], name) == 0)
			return reinterpret_cast<uintptr_t>(_text) + kallsyms_offsets[i];
	return 0;
}

int sprint_symbol(char* buf, size_t size, uintptr_t addr)
{
	const char* name;
	size_t sz, off;
	if (!kallsyms_lookup(addr, &name, &sz, &off))
		return lib::snprintf(buf, size, "0x%lx", (unsigned long)addr);
	return lib::snprintf(buf, size, "%s+0x%zx/0x%zx", name, off, sz);
}

int sprint_backtrace(char* buf, size_t size, uintptr_t addr)
{
	const char* name;
	size_t sz, off;
	if (!kallsyms_lookup(addr - 1, &name, &sz, &off))
		return lib::snprintf(buf, size, "0x%lx", (unsigned long)addr);
	return lib::snprintf(buf, size, "%s+0x%zx/0x%zx", name, off + 1, sz);
}
