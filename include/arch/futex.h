/*
 * Atomic operations on a user futex word (Linux: arch/x86/include/asm/
 * futex.h futex_atomic_cmpxchg_inatomic, arch_futex_atomic_op_inuser).
 *
 * Each is one locked instruction (or a cmpxchg loop for OR/ANDN/XOR)
 * inside the SMAP window, listed in the exception table like the
 * usercopy accessors (arch/x86_64/lib/usercopy.cc): a fault resumes at
 * the fixup and the call returns false.  Called with the futex hash
 * bucket lock held (preemption off), so the page-fault handler does not
 * try to resolve the fault (in_atomic) and the caller must fault the page
 * in after dropping the lock and retry.
 */
#pragma once
#include <arch/smap.h>
#include <cstdint>

#define __FUTEX_EXTABLE(fault)                                                                                         \
	"2:\n"                                                                                                         \
	".pushsection .fixup, \"ax\"\n"                                                                                \
	"3:	movl $1, %[" #fault "]\n"                                                                                  \
	"	jmp 2b\n"                                                                                                   \
	".popsection\n"                                                                                                \
	".pushsection __ex_table, \"a\"\n"                                                                             \
	"	.balign 4\n"                                                                                                \
	"	.long 1b - ., 3b - .\n"                                                                                     \
	".popsection\n"

/* *uaddr == oldval ? *uaddr = newval; *uval = the old *uaddr.  false on a fault */
static inline bool arch_futex_cmpxchg_user(uint32_t* uval, uintptr_t uaddr, uint32_t oldval, uint32_t newval)
{
	int fault = 0;
	uint32_t prev = oldval;
	stac();
	asm volatile("1:	lock cmpxchgl %[newval], (%[addr])\n" __FUTEX_EXTABLE(fault)
	             : "+a"(prev), [fault] "+r"(fault)
	             : [newval] "r"(newval), [addr] "r"(uaddr)
	             : "memory");
	clac();
	*uval = prev;
	return !fault;
}

/* *uaddr = oparg, old value to *oval (xchg); false on a fault */
static inline bool arch_futex_xchg_user(uint32_t* oval, uintptr_t uaddr, uint32_t oparg)
{
	int fault = 0;
	uint32_t v = oparg;
	stac();
	asm volatile("1:	xchgl %[v], (%[addr])\n" __FUTEX_EXTABLE(fault)
	             : [v] "+r"(v), [fault] "+r"(fault)
	             : [addr] "r"(uaddr)
	             : "memory");
	clac();
	*oval = v;
	return !fault;
}

/* *uaddr += oparg, old value to *oval (lock xadd); false on a fault */
static inline bool arch_futex_xadd_user(uint32_t* oval, uintptr_t uaddr, uint32_t oparg)
{
	int fault = 0;
	uint32_t v = oparg;
	stac();
	asm volatile("1:	lock xaddl %[v], (%[addr])\n" __FUTEX_EXTABLE(fault)
	             : [v] "+r"(v), [fault] "+r"(fault)
	             : [addr] "r"(uaddr)
	             : "memory");
	clac();
	*oval = v;
	return !fault;
}

/* a plain load of the word (Linux: __get_user in futex_get_value_locked) */
static inline bool arch_futex_load_user(uint32_t* val, uintptr_t uaddr)
{
	int fault = 0;
	uint32_t v = 0;
	stac();
	asm volatile("1:	movl (%[addr]), %[v]\n" __FUTEX_EXTABLE(fault)
	             : [v] "+r"(v), [fault] "+r"(fault)
	             : [addr] "r"(uaddr)
	             : "memory");
	clac();
	*val = v;
	return !fault;
}
