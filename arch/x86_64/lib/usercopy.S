/*
 * The block moves of the user-memory accessors (Linux: arch/x86/lib/
 * copy_user_64.S copy_user_generic_string, clear_user's rep stosb).
 *
 * One `rep movsb` / `rep stosb` each, inside the SMAP window, listed in the
 * exception table: a fault on a user page (unmapped, kernel-only,
 * non-present) leaves %rcx at the bytes not yet moved, and the fixup
 * returns that count.  The string instructions stop exactly at the faulting
 * byte, so the count is exact: everything before the fault was copied.
 * The C wrappers (usercopy.cc) check access_ok first; these trust their
 * caller.  DF is clear in the kernel (the entries clear it).
 */
#include <arch/smap.h>

	.macro EXTABLE insn, fixup
	.pushsection __ex_table, "a"
	.balign 4
	.long \insn - ., \fixup - .
	.popsection
	.endm

	.text
/* unsigned long copy_user_generic(void* to, const void* from, unsigned long n):
 * the bytes NOT copied */
	.globl copy_user_generic
	.type copy_user_generic, @function
copy_user_generic:
	ASM_STAC
	movq %rdx, %rcx
1:	rep movsb
2:	movq %rcx, %rax
	ASM_CLAC
	ret
	EXTABLE 1b, 2b
	.size copy_user_generic, . - copy_user_generic

/* unsigned long clear_user_generic(void* to, unsigned long n): the bytes
 * NOT cleared */
	.globl clear_user_generic
	.type clear_user_generic, @function
clear_user_generic:
	ASM_STAC
	movq %rsi, %rcx
	xorl %eax, %eax
1:	rep stosb
2:	movq %rcx, %rax
	ASM_CLAC
	ret
	EXTABLE 1b, 2b
	.size clear_user_generic, . - clear_user_generic
