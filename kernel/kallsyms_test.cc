/*
 * ktests for kallsyms and the %pS format (kernel/kallsyms.cc).
 */
#include <kernel/kernel.h>
#include <kernel/ktest.h>
#include <kernel/kallsyms.h>
#include <lib/format.h>
#include <lib/string.h>

void start_kernel();

namespace
{
__attribute__((noinline)) uintptr_t here()
{
	return _RET_IP_;
}
} // namespace

KTEST(kallsyms, table_not_empty)
{
	KEXPECT_GT(kallsyms_count(), 100u);
}

KTEST(kallsyms, lookup_start_kernel)
{
	uintptr_t addr = reinterpret_cast<uintptr_t>(&start_kernel);
	const char* name;
	size_t size, off;
	KASSERT_TRUE(kallsyms_lookup(addr + 1, &name, &size, &off));
	KEXPECT_STREQ(name, "start_kernel");
	KEXPECT_EQ(off, 1u);
	KEXPECT_GT(size, 1u);
	KEXPECT_EQ(kallsyms_lookup_name("start_kernel"), addr);
}

KTEST(kallsyms, sprint_symbol_format)
{
	char buf[KSYM_SYMBOL_LEN], want[KSYM_SYMBOL_LEN];
	uintptr_t addr = reinterpret_cast<uintptr_t>(&start_kernel);
	const char* name;
	size_t size, off;
	KASSERT_TRUE(kallsyms_lookup(addr, &name, &size, &off));
	sprint_symbol(buf, sizeof(buf), addr + 4);
	lib::snprintf(want, sizeof(want), "start_kernel+0x4/0x%zx", size);
	KEXPECT_STREQ(buf, want);
	/* %pS goes through the same table */
	lib::snprintf(buf, sizeof(buf), "%pS", reinterpret_cast<void*>(addr + 4));
	KEXPECT_STREQ(buf, want);
	lib::snprintf(buf, sizeof(buf), "%ps", reinterpret_cast<void*>(addr + 4));
	KEXPECT_STREQ(buf, "start_kernel");
}

KTEST(kallsyms, return_address_is_this_test)
{
	const char* name;
	size_t size, off;
	KASSERT_TRUE(kallsyms_lookup(here(), &name, &size, &off));
	KEXPECT_STREQ(name, "ktest_fn_kallsyms_return_address_is_this_test");
}

KTEST(kallsyms, outside_text_is_unknown)
{
	const char* name;
	size_t size, off;
	KEXPECT_FALSE(kallsyms_lookup(0x1000, &name, &size, &off));
	KEXPECT_FALSE(kallsyms_lookup(reinterpret_cast<uintptr_t>(&name), &name, &size, &off));
	char buf[64];
	sprint_symbol(buf, sizeof(buf), 0x1234);
	KEXPECT_STREQ(buf, "0x1234");
}
