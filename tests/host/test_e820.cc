// Host tests of the e820 memory-map sanitizer (arch/x86_64/kernel/e820.cc).
#include <arch/e820.h>

#include <gtest/gtest.h>

#include <vector>

namespace
{

e820_table make(std::initializer_list<e820_entry> es)
{
	e820_table t{};
	for (const auto& e : es)
		t.entries[t.nr_entries++] = e;
	return t;
}

constexpr e820_type RAM = e820_type::ram, RES = e820_type::reserved, ACPI = e820_type::acpi;

void count_overlap(const e820_entry&, const e820_entry&, void* arg)
{
	++*static_cast<int*>(arg);
}

TEST(E820, SortsAndMergesAdjacentSameType)
{
	auto in = make({{0x100000, 0x100000, RAM}, {0, 0x9fc00, RAM}, {0x200000, 0x100000, RAM}});
	e820_table out{};
	int overlaps = 0;
	ASSERT_EQ(e820__sanitize(in, out, count_overlap, &overlaps), 2u);
	EXPECT_EQ(overlaps, 0);
	EXPECT_EQ(out.entries[0].addr, 0u);
	EXPECT_EQ(out.entries[0].size, 0x9fc00u);
	EXPECT_EQ(out.entries[1].addr, 0x100000u);
	EXPECT_EQ(out.entries[1].size, 0x200000u);
}

TEST(E820, OverlapHigherTypeWinsAndIsReported)
{
	// reserved hole punched into the middle of RAM
	auto in = make({{0, 0x1000000, RAM}, {0x400000, 0x1000, RES}});
	e820_table out{};
	int overlaps = 0;
	ASSERT_EQ(e820__sanitize(in, out, count_overlap, &overlaps), 3u);
	EXPECT_EQ(overlaps, 1);
	EXPECT_EQ(out.entries[0].addr, 0u);
	EXPECT_EQ(out.entries[0].size, 0x400000u);
	EXPECT_EQ(out.entries[0].type, RAM);
	EXPECT_EQ(out.entries[1].addr, 0x400000u);
	EXPECT_EQ(out.entries[1].size, 0x1000u);
	EXPECT_EQ(out.entries[1].type, RES);
	EXPECT_EQ(out.entries[2].addr, 0x401000u);
	EXPECT_EQ(out.entries[2].size, 0x1000000u - 0x401000u);
	EXPECT_EQ(out.entries[2].type, RAM);
}

TEST(E820, PartialOverlapAndDuplicates)
{
	auto in = make({{0x1000, 0x3000, RAM}, {0x3000, 0x2000, ACPI}, {0x1000, 0x3000, RAM}, {0, 0, RES}});
	e820_table out{};
	int overlaps = 0;
	ASSERT_EQ(e820__sanitize(in, out, count_overlap, &overlaps), 2u);
	EXPECT_EQ(overlaps, 3); // RAM/ACPI twice, RAM/RAM once; the empty entry is dropped
	EXPECT_EQ(out.entries[0].addr, 0x1000u);
	EXPECT_EQ(out.entries[0].size, 0x2000u);
	EXPECT_EQ(out.entries[1].addr, 0x3000u);
	EXPECT_EQ(out.entries[1].size, 0x2000u);
	EXPECT_EQ(out.entries[1].type, ACPI);
}

TEST(E820, WrappingEntryIsClamped)
{
	auto in = make({{0xfffffffffffff000ULL, 0x10000, RES}});
	e820_table out{};
	ASSERT_EQ(e820__sanitize(in, out, nullptr, nullptr), 1u);
	EXPECT_EQ(out.entries[0].addr + out.entries[0].size, ~0ULL);
}

TEST(E820, ResultIsSortedDisjointForRandomInput)
{
	unsigned seed = 7;
	auto rnd = [&] { return seed = seed * 1103515245 + 12345; };
	for (int iter = 0; iter < 2000; iter++) {
		e820_table in{};
		unsigned n = rnd() % 20;
		for (unsigned i = 0; i < n; i++)
			in.entries[in.nr_entries++] = {uint64_t(rnd() % 64) << 12, uint64_t(rnd() % 16) << 12,
			                               e820_type(1 + rnd() % 5)};
		e820_table out{};
		e820__sanitize(in, out, nullptr, nullptr);
		for (uint32_t i = 0; i < out.nr_entries; i++) {
			ASSERT_GT(out.entries[i].size, 0u);
			if (i) {
				ASSERT_LE(out.entries[i - 1].addr + out.entries[i - 1].size, out.entries[i].addr);
			}
			// every output page has the highest type of the input entries covering it
			for (uint64_t pa = out.entries[i].addr; pa < out.entries[i].addr + out.entries[i].size;
			     pa += 0x1000) {
				uint32_t best = 0;
				for (uint32_t k = 0; k < in.nr_entries; k++)
					if (pa >= in.entries[k].addr && pa < in.entries[k].addr + in.entries[k].size &&
					    uint32_t(in.entries[k].type) > best)
						best = uint32_t(in.entries[k].type);
				ASSERT_EQ(best, uint32_t(out.entries[i].type)) << "iter " << iter;
			}
		}
	}
}

} // namespace
