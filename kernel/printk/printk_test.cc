/*
 * ktests for printk and the log buffer (kernel/printk/).
 */
#include <kernel/ktest.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <lib/string.h>
#include <lib/format.h>

namespace
{
struct finder {
	const char* want;
	bool found;
	uint8_t level;
	uint64_t ts;
	uint64_t seq;
};
void find_record(const kmsg::record& r, void* arg)
{
	finder* f = static_cast<finder*>(arg);
	size_t n = lib::strlen(f->want);
	if (r.text_len == n && lib::memcmp(r.text, f->want, n) == 0) {
		f->found = true;
		f->level = r.level;
		f->ts = r.ts_nsec;
		f->seq = r.seq;
	}
}
} // namespace

KTEST(printk, message_reaches_log_buffer)
{
	uint64_t before = local_clock();
	pr_err("ktest printk marker %d\n", 42);
	finder f{"ktest printk marker 42", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &f);
	KASSERT_TRUE(f.found);
	KEXPECT_EQ(f.level, 3);
	KEXPECT_GE(f.ts, before);
	KEXPECT_LE(f.ts, local_clock());
}

KTEST(printk, lines_become_records_in_order)
{
	printk(KERN_INFO "ktest line one\nktest line two\n");
	finder a{"ktest line one", false, 0, 0, 0}, b{"ktest line two", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &a);
	kmsg::for_each_record(find_record, &b);
	KASSERT_TRUE(a.found && b.found);
	KEXPECT_EQ(b.seq, a.seq + 1);
	KEXPECT_EQ(a.level, 6);
}

KTEST(printk, timestamp_format)
{
	char buf[32];
	kmsg::format_timestamp(buf, sizeof(buf), 1234567891ULL);
	KEXPECT_STREQ(buf, "[    1.234567] ");
	kmsg::format_timestamp(buf, sizeof(buf), 0);
	KEXPECT_STREQ(buf, "[    0.000000] ");
}

KTEST(printk, clock_advances)
{
	KEXPECT_GT(tsc_khz, 0u);
	uint64_t a = local_clock();
	udelay(1000);
	uint64_t b = local_clock();
	KEXPECT_GE(b - a, 1000000u);
}

KTEST(printk, level_from_an_argument)
{
	/* Linux reads the level from the formatted text: "%s" with KERN_ERR works */
	printk("%sktest level via argument\n", KERN_ERR);
	finder f{"ktest level via argument", false, 0, 0, 0};
	kmsg::for_each_record(find_record, &f);
	KASSERT_TRUE(f.found);
	KEXPECT_EQ(f.level, 3);
}

/* An NMI that printks while this CPU holds the log lock must not
 * deadlock: the line goes straight to the console. */
KTEST(printk, nmi_while_log_locked)
{
	static bool raised;
	raised = false;
	kmsg::for_each_record(
		[](const kmsg::record&, void*) {
			if (!raised) {
				raised = true;
				asm volatile("int $2" ::: "memory"); /* the NMI handler printks */
			}
		},
		nullptr);
	KEXPECT_TRUE(raised);
}
