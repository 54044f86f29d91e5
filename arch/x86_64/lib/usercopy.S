/*
 * The block moves of the user-memory accessors (Linux: arch/x86/lib/
 * copy_user_64.S copy_user_generic_string, clear_user's rep stosb).
 *
 * `rep movsq` / `rep stosq` for the quadwords, then `rep movsb` /
 * `rep stosb` for the tail (a string instruction's every iteration counts
 * as an instruction, under -icount too: quadwords are 8 times fewer),
 * inside the SMAP window, listed in the exception table.  A fault on a
 * user page (unmapped, kernel-only, non-present) in the quadwords goes on
 * bytewise from the faulting quadword (Linux's copy_user_generic_unrolled
 * fallback), so the byte loop stops exactly at the faulting byte and
 * leaves %rcx at the bytes not yet moved, which the fixup returns: the
 * count is exact, everything before the fault was copied.
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
	shrq $3, %rcx
	andl $7, %edx
1:	rep movsq
	movl %edx, %ecx
2:	rep movsb
3:	movq %rcx, %rax
	ASM_CLAC
	ret
4:	/* a fault in the quadwords: the rest bytewise, to stop exactly at it */
	leaq (%rdx,%rcx,8), %rcx
	jmp 2b
	EXTABLE 1b, 4b
	EXTABLE 2b, 3b
	.size copy_user_generic, . - copy_user_generic

/* unsigned long clear_user_generic(void* to, unsigned long n): the bytes
 * NOT cleared */
	.globl clear_user_generic
	.type clear_user_generic, @function
clear_user_generic:
	ASM_STAC
	movq %rsi, %rcx
	shrq $3, %rcx
	andl $7, %esi
	xorl %eax, %eax
1:	rep stosq
	movl %esi, %ecx
2:	rep stosb
3:	movq %rcx, %rax
	ASM_CLAC
	ret
4:	leaq (%rsi,%rcx,8), %rcx
	jmp 2b
	EXTABLE 1b, 4b
	EXTABLE 2b, 3b
	.size clear_user_generic, . - clear_user_generic
