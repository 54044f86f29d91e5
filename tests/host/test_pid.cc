// Host tests of the pid allocator core (pid_map in include/kernel/pid.h,
// kernel/pid_map.cc, the same code kernel/pid.cc runs under pidmap_lock):
// sequential allocation, the wrap to RESERVED_PIDS, live pids skipped,
// exhaustion, pid_max bounds, and a randomized run against a std::set.
#include <kernel/pid.h>
#include <uapi/asm-generic/errno-base.h>

#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

namespace
{

using lib::Error;

struct map_with_storage {
	explicit map_with_storage(int max, size_t capacity = PID_MAX_LIMIT)
	    : storage(pid_map::longs_for(capacity), 0), map(storage.data(), capacity)
	{
		EXPECT_TRUE(map.set_pid_max(max).is_ok());
	}
	std::vector<unsigned long> storage;
	pid_map map;
};

TEST(PidMap, SequentialFromOne)
{
	map_with_storage m(PID_MAX_DEFAULT);
	for (int i = 1; i <= 1000; i++)
		ASSERT_EQ(m.map.alloc(), i);
	EXPECT_EQ(m.map.nr_allocated(), 1000);
	EXPECT_TRUE(m.map.test(0)); // the idle task's
	EXPECT_TRUE(m.map.test(1000));
	EXPECT_FALSE(m.map.test(1001));
}

TEST(PidMap, FreedPidNotReusedBeforeWrap)
{
	map_with_storage m(PID_MAX_DEFAULT);
	for (int i = 1; i <= 10; i++)
		ASSERT_TRUE(m.map.alloc().is_ok());
	EXPECT_EQ(m.map.free(5), lib::ok());
	EXPECT_EQ(m.map.alloc(), 11); // lowest free above the last, not 5
	EXPECT_EQ(m.map.free(5), Error{EINVAL}); // already free
	EXPECT_EQ(m.map.free(0), Error{EINVAL}); // never
}

TEST(PidMap, WrapsToReservedPids)
{
	map_with_storage m(1000);
	for (int i = 1; i < 1000; i++)
		ASSERT_EQ(m.map.alloc(), i);
	EXPECT_EQ(m.map.alloc(), Error{EAGAIN});
	// free some below 300 and some above: the wrap starts at 300
	EXPECT_TRUE(m.map.free(5).is_ok());
	EXPECT_TRUE(m.map.free(299).is_ok());
	EXPECT_TRUE(m.map.free(300).is_ok());
	EXPECT_TRUE(m.map.free(700).is_ok());
	EXPECT_EQ(m.map.alloc(), 300);
	EXPECT_EQ(m.map.alloc(), 700);
	// only pids below RESERVED_PIDS are left: never handed out after a wrap
	EXPECT_EQ(m.map.alloc(), Error{EAGAIN});
}

TEST(PidMap, SkipsLivePidsAfterWrap)
{
	map_with_storage m(400);
	for (int i = 1; i < 400; i++)
		ASSERT_TRUE(m.map.alloc().is_ok());
	for (int p = 300; p < 400; p += 2)
		EXPECT_TRUE(m.map.free(p).is_ok()); // 300, 302, ... free; odd ones live
	for (int p = 300; p < 400; p += 2)
		ASSERT_EQ(m.map.alloc(), p);
	EXPECT_EQ(m.map.alloc(), Error{EAGAIN});
	// cursor continues above the last: free 350 and 310, next is 350? no:
	// the last handed out was 398, so the search wraps to 300 and finds 310
	EXPECT_TRUE(m.map.free(350).is_ok());
	EXPECT_TRUE(m.map.free(310).is_ok());
	EXPECT_EQ(m.map.alloc(), 310);
	EXPECT_EQ(m.map.alloc(), 350);
}

TEST(PidMap, Exhaustion)
{
	map_with_storage m(pid_max_min); // 301: pids 1..300
	for (int i = 1; i < pid_max_min; i++)
		ASSERT_EQ(m.map.alloc(), i);
	EXPECT_EQ(m.map.alloc(), Error{EAGAIN});
	EXPECT_EQ(m.map.nr_allocated(), pid_max_min - 1);
	EXPECT_TRUE(m.map.free(300).is_ok());
	EXPECT_EQ(m.map.alloc(), 300);
}

TEST(PidMap, PidMaxBounds)
{
	std::vector<unsigned long> storage(pid_map::longs_for(PID_MAX_LIMIT), 0);
	pid_map m(storage.data(), PID_MAX_LIMIT);
	EXPECT_EQ(m.alloc(), Error{EAGAIN}); // no pid_max yet
	EXPECT_EQ(m.set_pid_max(RESERVED_PIDS), Error{EINVAL});
	EXPECT_EQ(m.set_pid_max(0), Error{EINVAL});
	EXPECT_EQ(m.set_pid_max(PID_MAX_LIMIT + 1), Error{EINVAL});
	EXPECT_EQ(m.set_pid_max(pid_max_min), lib::ok());
	EXPECT_EQ(m.set_pid_max(PID_MAX_LIMIT), lib::ok());
	// the top of the range is usable
	EXPECT_EQ(m.set_pid_max(PID_MAX_LIMIT), lib::ok());
	std::vector<unsigned long> small(pid_map::longs_for(1000), 0);
	pid_map s(small.data(), 1000);
	EXPECT_EQ(s.set_pid_max(1001), Error{EINVAL}); // above the storage
	EXPECT_EQ(s.set_pid_max(1000), lib::ok());
	for (int i = 1; i < 600; i++)
		ASSERT_TRUE(s.alloc().is_ok());
	EXPECT_EQ(s.set_pid_max(500), Error{EBUSY}); // would strand live pids
	EXPECT_EQ(s.set_pid_max(600), lib::ok());
	EXPECT_EQ(s.alloc(), Error{EAGAIN});
}

TEST(PidMap, LimitReachesTheTop)
{
	map_with_storage m(PID_MAX_LIMIT);
	int last = 0;
	for (int i = 1; i < PID_MAX_LIMIT; i++)
		last = m.map.alloc().value();
	EXPECT_EQ(last, PID_MAX_LIMIT - 1);
	EXPECT_EQ(m.map.alloc(), Error{EAGAIN});
}

TEST(PidMap, RandomAgainstModel)
{
	map_with_storage m(2000);
	std::set<int> live;
	std::mt19937 rng(5);
	int cursor = 1;
	for (int step = 0; step < 20000; step++) {
		if (live.empty() || rng() % 3) {
			lib::Result<int> got = m.map.alloc();
			int pid = got.is_ok() ? got.value() : -got.error();
			// model: lowest free >= cursor, else wrap to 300 (or 1 before 300 was passed)
			int pid_min = cursor > RESERVED_PIDS ? RESERVED_PIDS : 1;
			int want = -EAGAIN;
			for (int p = std::max(cursor, pid_min); p < 2000 && want < 0; p++)
				if (!live.count(p))
					want = p;
			for (int p = pid_min; p < 2000 && want < 0; p++)
				if (!live.count(p))
					want = p;
			ASSERT_EQ(pid, want) << "step " << step;
			if (pid > 0) {
				live.insert(pid);
				cursor = pid + 1;
			}
		} else {
			auto it = live.begin();
			std::advance(it, rng() % live.size());
			ASSERT_TRUE(m.map.free(*it).is_ok());
			live.erase(it);
		}
		ASSERT_EQ(m.map.nr_allocated(), int(live.size()));
	}
}

} // namespace
