// Host tests of the kernel log ring buffer (kernel/printk/printk_ringbuffer.cc).
#include <kernel/printk_ringbuffer.h>

#include <gtest/gtest.h>

#include <deque>
#include <random>
#include <string>
#include <vector>

namespace
{

struct Rec {
	uint64_t seq;
	std::string text;
	uint8_t level;
};

std::vector<Rec> read_all(const kmsg::ringbuffer& rb)
{
	std::vector<Rec> out;
	uint64_t seq = 0;
	kmsg::record r;
	while (rb.read_next(&seq, &r))
		out.push_back({r.seq, std::string(r.text, r.text_len), r.level});
	return out;
}

TEST(PrintkRingbuffer, EmptyReadsNothing)
{
	alignas(8) char buf[256];
	kmsg::ringbuffer rb(buf, sizeof(buf));
	EXPECT_TRUE(read_all(rb).empty());
	EXPECT_EQ(rb.first_seq(), 0u);
	EXPECT_EQ(rb.next_seq(), 0u);
}

TEST(PrintkRingbuffer, KeepsRecordsInOrder)
{
	alignas(8) char buf[1024];
	kmsg::ringbuffer rb(buf, sizeof(buf));
	rb.append(6, 0, 100, "hello", 5);
	rb.append(3, kmsg::LOG_CONT, 200, "world", 5);
	auto v = read_all(rb);
	ASSERT_EQ(v.size(), 2u);
	EXPECT_EQ(v[0].text, "hello");
	EXPECT_EQ(v[0].level, 6);
	EXPECT_EQ(v[0].seq, 0u);
	EXPECT_EQ(v[1].text, "world");
	EXPECT_EQ(v[1].seq, 1u);
	uint64_t seq = 1;
	kmsg::record r;
	ASSERT_TRUE(rb.read_next(&seq, &r));
	EXPECT_EQ(r.ts_nsec, 200u);
	EXPECT_EQ(r.flags, kmsg::LOG_CONT);
	EXPECT_EQ(seq, 2u);
	EXPECT_FALSE(rb.read_next(&seq, &r));
}

TEST(PrintkRingbuffer, TruncatesLongText)
{
	alignas(8) char buf[256];
	kmsg::ringbuffer rb(buf, sizeof(buf));
	std::string big(1000, 'x');
	rb.append(4, 0, 0, big.data(), big.size());
	auto v = read_all(rb);
	ASSERT_EQ(v.size(), 1u);
	EXPECT_EQ(v[0].text.size(), rb.max_text());
}

// Against a model: the buffer holds a suffix of everything appended, in
// order, and the suffix is as long as fits.
TEST(PrintkRingbuffer, WrapsAndDropsOldestRandomized)
{
	alignas(8) char buf[4096];
	kmsg::ringbuffer rb(buf, sizeof(buf));
	std::mt19937 rng(42);
	std::deque<std::string> model;
	uint64_t appended = 0;
	for (int i = 0; i < 20000; i++) {
		std::string t(rng() % 300, char('a' + i % 26));
		t += std::to_string(i);
		rb.append(uint8_t(i % 8), 0, uint64_t(i), t.data(), t.size());
		model.push_back(t);
		appended++;
		if (i % 97 == 0) {
			auto v = read_all(rb);
			ASSERT_FALSE(v.empty());
			ASSERT_LE(v.size(), model.size());
			EXPECT_EQ(v.back().text, model.back());
			EXPECT_EQ(v.back().seq, appended - 1);
			EXPECT_EQ(v.front().seq, rb.first_seq());
			size_t off = model.size() - v.size();
			size_t bytes = 0;
			for (size_t k = 0; k < v.size(); k++) {
				ASSERT_EQ(v[k].text, model[off + k]) << "record " << k;
				ASSERT_EQ(v[k].seq, appended - v.size() + k);
				bytes += (24 + v[k].text.size() + 7) / 8 * 8;
			}
			EXPECT_LE(bytes, sizeof(buf));
			// one more older record would not have fitted with the padding slack
			if (off > 0) {
				size_t older = (24 + model[off - 1].size() + 7) / 8 * 8;
				EXPECT_GT(bytes + older, sizeof(buf) - 2 * (24 + 300 + 16));
			}
		}
	}
}

} // namespace

namespace
{
// the cursor reads what the seq-based scan reads, also when appends
// overwrite the place it had reached
TEST(PrintkRingbuffer, CursorMatchesScanAcrossOverwrites)
{
	alignas(8) char buf[1024];
	kmsg::ringbuffer rb(buf, sizeof(buf));
	std::mt19937 rng(7);
	kmsg::ringbuffer::cursor c;
	uint64_t last = 0;
	bool any = false;
	for (int i = 0; i < 5000; i++) {
		std::string t(rng() % 90, 'a' + i % 26);
		rb.append(4, 0, 0, t.data(), t.size());
		if (rng() % 3 == 0) {
			kmsg::record r;
			while (rb.read_next(&c, &r)) {
				if (any) {
					ASSERT_GT(r.seq, last) << "a record read twice or out of order";
				}
				ASSERT_GE(r.seq, rb.first_seq());
				last = r.seq;
				any = true;
			}
			ASSERT_EQ(c.seq, rb.next_seq()); // nothing left unread
		}
	}
	// a fresh cursor sees exactly what the scan sees
	kmsg::ringbuffer::cursor fresh;
	uint64_t seq = 0;
	kmsg::record a, b;
	for (;;) {
		bool ha = rb.read_next(&fresh, &a), hb = rb.read_next(&seq, &b);
		ASSERT_EQ(ha, hb);
		if (!ha)
			break;
		ASSERT_EQ(a.seq, b.seq);
		ASSERT_EQ(std::string(a.text, a.text_len), std::string(b.text, b.text_len));
	}
}
} // namespace
