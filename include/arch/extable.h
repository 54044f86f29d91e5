/*
 * The exception table and the no-fault kernel reads (Linux: arch/x86/
 * include/asm/extable.h, asm/asm.h _ASM_EXTABLE, mm/extable.c
 * fixup_exception; mm/maccess.c copy_from_kernel_nofault).
 *
 * An instruction that may fault on purpose is listed in __ex_table with
 * the address to resume at: { insn - &entry.insn, fixup - &entry.fixup },
 * 32-bit self-relative offsets, so the table needs no relocation when the
 * kernel moves (KASLR).  The page-fault and general-protection handlers
 * look the faulting RIP up (fixup_exception) before they oops; a hit
 * resumes at the fixup, which reports the failure to the caller.
 *
 * Invariants: only instructions listed in the table are ever resumed; a
 * fault anywhere else is still an oops.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

struct pt_regs;

struct exception_table_entry {
	int32_t insn, fixup;
};

/* the entry whose instruction is at ip, or nullptr */
const struct exception_table_entry* search_exception_tables(uintptr_t ip);
/* resume regs at the fixup of the faulting instruction; false if none */
bool fixup_exception(struct pt_regs* regs);

/*
 * Copy size bytes from kernel address src without oopsing if it is not
 * mapped: EFAULT if a page is missing, ERANGE for an address that is not
 * a kernel one (user half, non-canonical), as Linux's.
 */
lib::Result<void> copy_from_kernel_nofault(void* dst, const void* src, size_t size);
