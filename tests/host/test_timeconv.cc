/*
 * mktime64 (kernel/time/timeconv.cc) against the host C library's timegm
 * over leap years, century rules and month ends.
 */
#include <ctime>
#include <gtest/gtest.h>
#include <kernel/timekeeping.h>

TEST(mktime64, agrees_with_timegm)
{
	EXPECT_EQ(mktime64(1970, 1, 1, 0, 0, 0), 0);
	EXPECT_EQ(mktime64(2000, 2, 29, 12, 0, 0), 951825600);
	EXPECT_EQ(mktime64(2026, 12, 6, 14, 5, 51), 1796565951);
	for (unsigned year : {1970u, 1999u, 2000u, 2024u, 2100u, 2400u}) {
		for (unsigned mon = 1; mon <= 12; mon++) {
			for (unsigned day : {1u, 28u}) {
				struct tm t = {};
				t.tm_year = int(year) - 1900;
				t.tm_mon = int(mon) - 1;
				t.tm_mday = int(day);
				t.tm_hour = 23;
				t.tm_min = 59;
				t.tm_sec = 58;
				EXPECT_EQ(mktime64(year, mon, day, 23, 59, 58), timegm(&t)) << year << "-" << mon << "-" << day;
			}
		}
	}
}
