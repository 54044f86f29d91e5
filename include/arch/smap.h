/*
 * SMAP's window for the user-memory accessors (Linux: arch/x86/include/
 * asm/smap.h stac/clac, user_access_begin/end).
 *
 * With CR4.SMAP on, a kernel access to a user page (U/S=1) faults unless
 * RFLAGS.AC is set: stac opens the window, clac closes it, and only the
 * accessors in arch/x86_64/lib/usercopy do either.  Without SMAP both
 * instructions are #UD, so they run only when x86_smap_enabled (set once
 * by setup_smap on the boot CPU, before anything touches user memory;
 * Linux patches them in with alternatives instead of testing a flag).
 */
#pragma once

#ifdef __ASSEMBLY__
	.macro ASM_STAC
	testb $1, x86_smap_enabled(%rip)
	jz 771f
	stac
771:
	.endm
	.macro ASM_CLAC
	testb $1, x86_smap_enabled(%rip)
	jz 772f
	clac
772:
	.endm
#else
extern "C" bool x86_smap_enabled;
extern bool x86_smep_enabled;

static inline void stac()
{
	if (x86_smap_enabled)
		asm volatile("stac" ::: "memory");
}
static inline void clac()
{
	if (x86_smap_enabled)
		asm volatile("clac" ::: "memory");
}
#endif
