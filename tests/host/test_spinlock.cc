// Host tests of the spinlock and its RAII guards (include/lib/spinlock.h).
#include <lib/spinlock.h>

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace
{

TEST(Spinlock, GuardLocksAndUnlocks)
{
	lib::spinlock l;
	{
		lib::spin_lock_guard g(l);
		EXPECT_TRUE(l.is_locked());
		EXPECT_FALSE(l.try_lock());
	}
	EXPECT_FALSE(l.is_locked());
	{
		lib::spin_lock_irqsave_guard g(l);
		EXPECT_TRUE(l.is_locked());
	}
	EXPECT_FALSE(l.is_locked());
	EXPECT_TRUE(l.try_lock());
	l.unlock();
}

// Mutual exclusion: a non-atomic counter stays exact under contention.
TEST(Spinlock, MutualExclusion)
{
	lib::spinlock l;
	long counter = 0;
	constexpr int THREADS = 4, ITERS = 100000;
	std::vector<std::thread> ts;
	for (int t = 0; t < THREADS; t++)
		ts.emplace_back([&] {
			for (int i = 0; i < ITERS; i++) {
				lib::spin_lock_guard g(l);
				long v = counter;
				counter = v + 1;
			}
		});
	for (auto& t : ts)
		t.join();
	EXPECT_EQ(counter, long(THREADS) * ITERS);
}

} // namespace
