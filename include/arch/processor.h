/*
 * Control registers, MSRs, CPUID, TSC (Linux: asm/processor.h,
 * asm/special_insns.h, asm/msr.h).  The #defines are usable from
 * assembly (realmode/trampoline.S); the rest is inside __ASSEMBLY__.
 */
#pragma once

#define MSR_EFER 0xc0000080
#define MSR_FS_BASE 0xc0000100
#define MSR_GS_BASE 0xc0000101
#define MSR_KERNEL_GS_BASE 0xc0000102
/* SYSCALL/SYSRET (Linux: asm/msr-index.h) */
#define MSR_STAR 0xc0000081
#define MSR_LSTAR 0xc0000082
#define MSR_CSTAR 0xc0000083
#define MSR_SYSCALL_MASK 0xc0000084
#define EFER_SCE (1UL << 0)  /* SYSCALL/SYSRET enable */
#define EFER_NX (1UL << 11)  /* no-execute enable */

#define X86_CR0_MP (1UL << 1)
#define X86_CR0_EM (1UL << 2)
#define X86_CR0_TS (1UL << 3)
#define X86_CR0_NE (1UL << 5)
#define X86_CR0_WP (1UL << 16)
#define X86_CR0_PG (1UL << 31)
#define X86_CR4_PGE (1UL << 7)
#define X86_CR4_OSFXSR (1UL << 9)
#define X86_CR4_OSXMMEXCPT (1UL << 10)
#define X86_CR4_FSGSBASE (1UL << 16)
#define X86_CR4_OSXSAVE (1UL << 18)
#define X86_CR4_SMEP (1UL << 20)
#define X86_CR4_SMAP (1UL << 21)

/* RFLAGS (Linux: uapi/asm/processor-flags.h) */
#define X86_EFLAGS_CF (1UL << 0)
#define X86_EFLAGS_FIXED (1UL << 1) /* always 1 */
#define X86_EFLAGS_PF (1UL << 2)
#define X86_EFLAGS_AF (1UL << 4)
#define X86_EFLAGS_ZF (1UL << 6)
#define X86_EFLAGS_SF (1UL << 7)
#define X86_EFLAGS_TF (1UL << 8)
#define X86_EFLAGS_IF (1UL << 9)
#define X86_EFLAGS_DF (1UL << 10)
#define X86_EFLAGS_OF (1UL << 11)
#define X86_EFLAGS_IOPL (3UL << 12)
#define X86_EFLAGS_NT (1UL << 14)
#define X86_EFLAGS_RF (1UL << 16)
#define X86_EFLAGS_VM (1UL << 17)
#define X86_EFLAGS_AC (1UL << 18)
#define X86_EFLAGS_ID (1UL << 21)

#ifndef __ASSEMBLY__
#include <cstdint>

struct cpuid_regs {
	uint32_t eax, ebx, ecx, edx;
};

static inline cpuid_regs cpuid(uint32_t leaf, uint32_t subleaf = 0)
{
	cpuid_regs r;
	asm volatile("cpuid" : "=a"(r.eax), "=b"(r.ebx), "=c"(r.ecx), "=d"(r.edx) : "a"(leaf), "c"(subleaf));
	return r;
}

#define DEFINE_CR(n)                                                                                                   \
	static inline uint64_t read_cr##n()                                                                            \
	{                                                                                                              \
		uint64_t v;                                                                                            \
		asm volatile("mov %%cr" #n ", %0" : "=r"(v));                                                          \
		return v;                                                                                              \
	}                                                                                                              \
	static inline void write_cr##n(uint64_t v)                                                                     \
	{                                                                                                              \
		asm volatile("mov %0, %%cr" #n ::"r"(v) : "memory");                                                   \
	}
DEFINE_CR(0)
DEFINE_CR(2)
DEFINE_CR(3)
DEFINE_CR(4)
#undef DEFINE_CR

static inline uint64_t rdmsr(uint32_t msr)
{
	uint32_t lo, hi;
	asm volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return (uint64_t(hi) << 32) | lo;
}
static inline void wrmsr(uint32_t msr, uint64_t v)
{
	asm volatile("wrmsr" ::"c"(msr), "a"(uint32_t(v)), "d"(uint32_t(v >> 32)) : "memory");
}

static inline uint64_t rdtsc()
{
	uint32_t lo, hi;
	asm volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return (uint64_t(hi) << 32) | lo;
}

static inline void cpu_relax()
{
	asm volatile("pause" ::: "memory");
}
static inline void native_halt()
{
	asm volatile("hlt" ::: "memory");
}

/* flush the whole TLB except global entries */
static inline void __flush_tlb_local()
{
	write_cr3(read_cr3());
}
/* flush everything, global entries too (toggling CR4.PGE) */
static inline void __flush_tlb_all()
{
	uint64_t cr4 = read_cr4();
	write_cr4(cr4 & ~X86_CR4_PGE);
	write_cr4(cr4);
}
static inline void __flush_tlb_one(uintptr_t addr)
{
	asm volatile("invlpg (%0)" ::"r"(addr) : "memory");
}

/* stop this CPU for good: interrupts off, halt forever */
[[noreturn]] static inline void halt_forever()
{
	for (;;)
		asm volatile("cli; hlt" ::: "memory");
}
#endif /* __ASSEMBLY__ */
