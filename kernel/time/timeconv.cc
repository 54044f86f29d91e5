/*
 * Calendar arithmetic (Linux: kernel/time/time.c mktime64): a proleptic
 * Gregorian date to seconds since the epoch.  Pure; host-tested
 * (tests/host/test_timeconv.cc) against values computed by the host's
 * timegm().
 *
 * The method (Gauss's, as Linux's comment credits): count March as the
 * first month, so the leap day falls at the end of the year and the days
 * before a month follow 367 * mon / 12.
 */
#include <kernel/timekeeping.h>

time64_t mktime64(unsigned year, unsigned mon, unsigned day, unsigned hour, unsigned min, unsigned sec)
{
	int m = int(mon) - 2; /* 1..12 -> 11, 12, 1..10: March first */
	if (m <= 0) {
		m += 12;
		year -= 1;
	}
	int64_t days = int64_t(year / 4 - year / 100 + year / 400) + 367 * m / 12 + day + int64_t(year) * 365 - 719499;
	return ((days * 24 + hour) * 60 + min) * 60 + sec;
}
