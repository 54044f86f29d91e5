/*
 * Exception-table fixups and copy_from_kernel_nofault (Linux:
 * arch/x86/mm/extable.c, mm/maccess.c).  See <arch/extable.h>.
 *
 * The one user today is the byte-wise no-fault read: each load is listed
 * with a fixup that sets the error and skips ahead.  The table is small
 * and unsorted, so the search is linear.
 */
#include <arch/extable.h>
#include <arch/page.h>
#include <arch/ptrace.h>
#include <uapi/asm-generic/errno-base.h>

extern "C" const struct exception_table_entry __start___ex_table[], __stop___ex_table[];

const struct exception_table_entry* search_exception_tables(uintptr_t ip)
{
	for (const exception_table_entry* e = __start___ex_table; e < __stop___ex_table; e++)
		if (reinterpret_cast<uintptr_t>(&e->insn) + intptr_t(e->insn) == ip)
			return e;
	return nullptr;
}

bool fixup_exception(struct pt_regs* regs)
{
	const exception_table_entry* e = search_exception_tables(regs->ip);
	if (!e)
		return false;
	regs->ip = reinterpret_cast<uintptr_t>(&e->fixup) + intptr_t(e->fixup);
	return true;
}

namespace
{
/* one byte; -EFAULT (and *dst untouched) if the load faults */
inline int get_kernel_byte_nofault(uint8_t* dst, const uint8_t* src)
{
	int err = 0;
	uint8_t v = 0;
	asm volatile("1:	movb (%2), %0\n"
	             "2:\n"
	             ".pushsection .fixup, \"ax\"\n"
	             "3:	movl %3, %1\n"
	             "	jmp 2b\n"
	             ".popsection\n"
	             ".pushsection __ex_table, \"a\"\n"
	             "	.balign 4\n"
	             "	.long 1b - ., 3b - .\n"
	             ".popsection\n"
	             : "=q"(v), "+r"(err)
	             : "r"(src), "i"(-EFAULT)
	             : "memory");
	if (!err)
		*dst = v;
	return err;
}

/* a kernel address: the upper canonical half (Linux:
 * copy_from_kernel_nofault_allowed refuses user and non-canonical ones) */
bool kernel_address(uintptr_t a)
{
	return a >= 0xffff800000000000UL;
}
} // namespace

lib::Result<void> copy_from_kernel_nofault(void* dst, const void* src, size_t size)
{
	uintptr_t s = reinterpret_cast<uintptr_t>(src);
	if (!kernel_address(s) || (size && !kernel_address(s + size - 1)) || s + size < s)
		return lib::Error{ERANGE};
	auto* d = static_cast<uint8_t*>(dst);
	const auto* p = static_cast<const uint8_t*>(src);
	for (size_t i = 0; i < size; i++)
		if (get_kernel_byte_nofault(&d[i], &p[i]))
			return lib::Error{EFAULT};
	return lib::ok();
}
