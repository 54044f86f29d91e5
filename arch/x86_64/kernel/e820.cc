/*
 * Firmware memory map: sanitize and report (Linux: arch/x86/kernel/e820.c).
 *
 * The sweep: every entry contributes a start and an end boundary; between
 * two consecutive boundaries the type is the highest type among the
 * entries covering that stretch.  Consecutive stretches of one type merge.
 * O(n^2) in the number of entries, which is at most E820_MAX_ENTRIES.
 */
#include <arch/e820.h>

namespace
{
struct boundary {
	uint64_t addr;
	uint32_t idx;
	bool start;
};

void sort_boundaries(boundary* b, uint32_t n)
{
	for (uint32_t i = 1; i < n; i++) {
		boundary x = b[i];
		uint32_t j = i;
		while (j > 0 && b[j - 1].addr > x.addr) {
			b[j] = b[j - 1];
			j--;
		}
		b[j] = x;
	}
}
} // namespace

const char* e820_type_name(e820_type t)
{
	switch (t) {
	case e820_type::ram:
		return "usable";
	case e820_type::reserved:
		return "reserved";
	case e820_type::acpi:
		return "ACPI data";
	case e820_type::nvs:
		return "ACPI NVS";
	case e820_type::unusable:
		return "unusable";
	case e820_type::pmem:
		return "persistent (type 7)";
	}
	return "unknown";
}

uint32_t e820__sanitize(const e820_table& in, e820_table& out, e820_report_fn report, void* arg)
{
	static_assert(E820_MAX_ENTRIES <= 1024);
	boundary b[2 * E820_MAX_ENTRIES];
	e820_entry clean[E820_MAX_ENTRIES];
	uint32_t n = 0;
	for (uint32_t i = 0; i < in.nr_entries && i < E820_MAX_ENTRIES; i++) {
		e820_entry e = in.entries[i];
		if (e.size == 0)
			continue;
		if (e.addr + e.size < e.addr) /* wraps past 2^64: clamp */
			e.size = ~0ULL - e.addr;
		clean[n++] = e;
	}
	if (report) {
		for (uint32_t i = 0; i < n; i++)
			for (uint32_t j = i + 1; j < n; j++)
				if (clean[i].addr < clean[j].addr + clean[j].size &&
				    clean[j].addr < clean[i].addr + clean[i].size)
					report(clean[i], clean[j], arg);
	}
	uint32_t nb = 0;
	for (uint32_t i = 0; i < n; i++) {
		b[nb++] = boundary{clean[i].addr, i, true};
		b[nb++] = boundary{clean[i].addr + clean[i].size, i, false};
	}
	sort_boundaries(b, nb);

	bool active[E820_MAX_ENTRIES] = {};
	out.nr_entries = 0;
	uint32_t cur_type = 0;
	uint64_t cur_start = 0;
	for (uint32_t k = 0; k < nb;) {
		uint64_t at = b[k].addr;
		for (; k < nb && b[k].addr == at; k++)
			active[b[k].idx] = b[k].start;
		uint32_t type = 0;
		for (uint32_t i = 0; i < n; i++)
			if (active[i] && uint32_t(clean[i].type) > type)
				type = uint32_t(clean[i].type);
		if (type == cur_type)
			continue;
		if (cur_type && out.nr_entries < E820_MAX_ENTRIES)
			out.entries[out.nr_entries++] = e820_entry{cur_start, at - cur_start, e820_type(cur_type)};
		cur_type = type;
		cur_start = at;
	}
	return out.nr_entries;
}
