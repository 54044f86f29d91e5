// Host tests of the spinning reader-writer lock (include/lib/rwlock.h).
#include <lib/rwlock.h>

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace
{

TEST(Rwlock, ReadersShareWritersExclude)
{
	lib::rwlock l;
	{
		lib::read_lock_guard a(l);
		lib::read_lock_guard b(l);
		EXPECT_EQ(l.readers(), 2u);
		EXPECT_FALSE(l.write_locked());
	}
	EXPECT_EQ(l.readers(), 0u);
	{
		lib::write_lock_irqsave_guard w(l);
		EXPECT_TRUE(l.write_locked());
	}
	EXPECT_FALSE(l.write_locked());
}

// Writers see no reader and no other writer; readers never see a write
// half done; a stream of readers does not starve the writers.
TEST(Rwlock, StressInvariants)
{
	lib::rwlock l;
	long a = 0, b = 0; // a writer keeps a == b
	std::atomic<int> inside_writers{0}, inside_readers{0};
	std::atomic<bool> bad{false}, stop{false};
	std::atomic<long> writes{0};
	std::vector<std::thread> ts;
	for (int t = 0; t < 3; t++)
		ts.emplace_back([&] {
			while (!stop.load()) {
				lib::read_lock_guard g(l);
				inside_readers++;
				if (inside_writers.load() || a != b)
					bad = true;
				inside_readers--;
			}
		});
	for (int t = 0; t < 2; t++)
		ts.emplace_back([&] {
			for (int i = 0; i < 20000; i++) {
				lib::write_lock_guard g(l);
				if (inside_writers.fetch_add(1) || inside_readers.load())
					bad = true;
				a++;
				b++;
				inside_writers--;
				writes++;
			}
		});
	ts[3].join();
	ts[4].join();
	stop = true;
	for (int t = 0; t < 3; t++)
		ts[t].join();
	EXPECT_FALSE(bad.load());
	EXPECT_EQ(writes.load(), 40000);
	EXPECT_EQ(a, 40000);
	EXPECT_EQ(l.readers(), 0u);
	EXPECT_FALSE(l.write_locked());
}

} // namespace
