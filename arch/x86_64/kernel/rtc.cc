/*
 * The wall clock at boot from the CMOS real-time clock (Linux:
 * arch/x86/kernel/rtc.c mach_get_cmos_time, drivers/rtc/rtc-mc146818-lib.c
 * mc146818_get_time, read_persistent_clock64).
 *
 * The MC146818 registers sit behind index port 0x70 and data port 0x71.
 * While the chip updates (status A bit 7, UIP) the registers are
 * inconsistent: wait for UIP to clear, read them all, and read again
 * until two passes agree.  Status B says whether values are BCD (bit 2
 * clear) and 12-hour (bit 1 clear; bit 7 of the hour marks PM).  The
 * century comes from register 0x32 (ACPI FADT's usual century register,
 * QEMU's too), else years below 70 are 20xx.
 *
 * Lock: rtc_lock (Linux's), a leaf, held with interrupts off across an
 * index/data pair so no one else moves the index.
 */
#include <arch/io.h>
#include <arch/processor.h>
#include <kernel/printk.h>
#include <kernel/timekeeping.h>
#include <lib/spinlock.h>

namespace
{
lib::spinlock rtc_lock;

constexpr uint8_t RTC_SECONDS = 0x00, RTC_MINUTES = 0x02, RTC_HOURS = 0x04, RTC_DAY_OF_MONTH = 0x07,
                  RTC_MONTH = 0x08, RTC_YEAR = 0x09, RTC_REG_A = 0x0a, RTC_REG_B = 0x0b, RTC_CENTURY = 0x32;
constexpr uint8_t RTC_UIP = 0x80, RTC_DM_BINARY = 0x04, RTC_24H = 0x02;

uint8_t cmos_read(uint8_t reg) REQUIRES(rtc_lock)
{
	outb(reg, 0x70);
	return inb(0x71);
}

unsigned bcd2bin(uint8_t v)
{
	return (v & 0x0f) + (v >> 4) * 10;
}

struct rtc_raw {
	uint8_t sec, min, hour, mday, mon, year, century;
	bool operator==(const rtc_raw&) const = default;
};

rtc_raw read_once() REQUIRES(rtc_lock)
{
	return {cmos_read(RTC_SECONDS), cmos_read(RTC_MINUTES),      cmos_read(RTC_HOURS), cmos_read(RTC_DAY_OF_MONTH),
	        cmos_read(RTC_MONTH),   cmos_read(RTC_YEAR), cmos_read(RTC_CENTURY)};
}
} // namespace

time64_t read_persistent_clock64()
{
	rtc_raw t, again;
	uint8_t ctrl;
	{
		lib::spin_lock_irqsave_guard g(rtc_lock);
		int tries = 0;
		do {
			/* an update takes under 2 ms; give up after ~1 s of UIP */
			for (int i = 0; (cmos_read(RTC_REG_A) & RTC_UIP) && i < 1000000; i++)
				cpu_relax();
			t = read_once();
			again = read_once();
		} while (!(t == again) && ++tries < 10);
		ctrl = cmos_read(RTC_REG_B);
	}
	bool pm = false;
	if (!(ctrl & RTC_24H)) {
		pm = t.hour & 0x80;
		t.hour &= 0x7f;
	}
	unsigned sec = t.sec, min = t.min, hour = t.hour, mday = t.mday, mon = t.mon, year = t.year,
	         century = t.century;
	if (!(ctrl & RTC_DM_BINARY)) {
		sec = bcd2bin(t.sec);
		min = bcd2bin(t.min);
		hour = bcd2bin(t.hour);
		mday = bcd2bin(t.mday);
		mon = bcd2bin(t.mon);
		year = bcd2bin(t.year);
		century = bcd2bin(t.century);
	}
	if (!(ctrl & RTC_24H))
		hour = (hour % 12) + (pm ? 12 : 0);
	if (century >= 19 && century <= 99)
		year += century * 100;
	else
		year += year < 70 ? 2000 : 1900;
	if (sec > 59 || min > 59 || hour > 23 || mday < 1 || mday > 31 || mon < 1 || mon > 12) {
		pr_warn("rtc: invalid CMOS time %u-%02u-%02u %02u:%02u:%02u, the clock starts at the epoch\n", year, mon,
		        mday, hour, min, sec);
		return 0;
	}
	return mktime64(year, mon, mday, hour, min, sec);
}
