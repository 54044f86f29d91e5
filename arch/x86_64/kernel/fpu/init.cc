/*
 * Setting up the FPU on each CPU (Linux: arch/x86/kernel/fpu/init.c
 * fpu__init_cpu, fpu__init_system; fpu/xstate.c fpu__init_system_xstate,
 * the XCR0 and size computation from CPUID 0xD).
 *
 * Data structures: fpu_kernel_cfg (<arch/fpu.h>): the XCR0 features and
 * the size of one XSAVE image, fixed by fpu__init_system on the boot CPU
 * before any other CPU starts, then read-only.
 *
 * What is enabled: x87 and SSE always (FXSAVE is part of x86_64), AVX when
 * CPUID.1:ECX.AVX and CPUID 0xD offer its YMM component, AVX-512 (opmask,
 * ZMM_Hi256, Hi16_ZMM) when CPUID.7:EBX.AVX512F and 0xD offer all three.
 * XSAVE when CPUID.1:ECX.XSAVE, else FXSAVE only (QEMU's default qemu64
 * CPU has no XSAVE; -cpu max has XSAVE, XSAVEOPT and AVX).  XSAVES and
 * its compacted format are not used: the kernel has no supervisor state
 * to save, and XSAVEOPT already skips unmodified components.
 *
 * Invariants: every CPU runs with the same XCR0 (fpu__init_cpu), so an
 * image saved on one restores on any other.
 */
#include <arch/fpu.h>
#include <arch/processor.h>
#include <kernel/printk.h>

struct fpu_state_config fpu_kernel_cfg;

namespace
{
constexpr uint32_t CPUID_1_ECX_XSAVE = 1u << 26;
constexpr uint32_t CPUID_1_ECX_AVX = 1u << 28;
constexpr uint32_t CPUID_7_EBX_AVX512F = 1u << 16;

inline void xsetbv(uint32_t index, uint64_t value)
{
	asm volatile("xsetbv" ::"c"(index), "a"(uint32_t(value)), "d"(uint32_t(value >> 32)) : "memory");
}

const char* const xfeature_names[] = {
    "x87 floating point registers",
    "SSE registers",
    "AVX registers",
    "MPX bounds registers",
    "MPX CSR",
    "AVX-512 opmask",
    "AVX-512 Hi256",
    "AVX-512 ZMM_Hi256",
};
} // namespace

void fpu__init_system()
{
	cpuid_regs l1 = cpuid(1);
	fpu_kernel_cfg.features = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	fpu_kernel_cfg.size = sizeof(struct fxregs_state);
	fpu_kernel_cfg.xsave = (l1.ecx & CPUID_1_ECX_XSAVE) && cpuid(0).eax >= 0xd;
	if (!fpu_kernel_cfg.xsave) {
		pr_info("x86/fpu: x87 FPU will use FXSAVE\n");
		return;
	}
	cpuid_regs d0 = cpuid(0xd, 0);
	uint64_t supported = d0.eax | (uint64_t(d0.edx) << 32);
	uint64_t want = XFEATURE_MASK_FP | XFEATURE_MASK_SSE;
	if ((l1.ecx & CPUID_1_ECX_AVX) && (supported & XFEATURE_MASK_YMM)) {
		want |= XFEATURE_MASK_YMM;
		if (cpuid(0).eax >= 7 && (cpuid(7, 0).ebx & CPUID_7_EBX_AVX512F) &&
		    (supported & XFEATURE_MASK_AVX512) == XFEATURE_MASK_AVX512)
			want |= XFEATURE_MASK_AVX512;
	}
	fpu_kernel_cfg.features = want;
	/* the standard format: each component at the offset CPUID gives */
	for (unsigned i = 0; i < sizeof(xfeature_names) / sizeof(xfeature_names[0]); i++)
		if (want & (1ULL << i))
			pr_info("x86/fpu: Supporting XSAVE feature 0x%03x: '%s'\n", 1u << i, xfeature_names[i]);
	unsigned size = sizeof(struct fxregs_state) + sizeof(struct xstate_header);
	for (unsigned i = 2; i < 64; i++) {
		if (!(want & (1ULL << i)))
			continue;
		cpuid_regs c = cpuid(0xd, i);
		if (c.eax + c.ebx > size)
			size = c.eax + c.ebx;
		pr_info("x86/fpu: xstate_offset[%u]: %4u, xstate_sizes[%u]: %4u\n", i, c.ebx, i, c.eax);
	}
	fpu_kernel_cfg.size = size;
	fpu_kernel_cfg.xsaveopt = cpuid(0xd, 1).eax & 1;
	pr_info("x86/fpu: Enabled xstate features 0x%lx, context size is %u bytes, using '%s' format.\n",
	        (unsigned long)want, size, "standard");
}

void fpu__init_cpu()
{
	uint64_t cr0 = read_cr0();
	cr0 &= ~(X86_CR0_TS | X86_CR0_EM);
	cr0 |= X86_CR0_MP | X86_CR0_NE;
	write_cr0(cr0);
	uint64_t cr4 = read_cr4() | X86_CR4_OSFXSR | X86_CR4_OSXMMEXCPT;
	if (fpu_kernel_cfg.xsave)
		cr4 |= X86_CR4_OSXSAVE;
	write_cr4(cr4);
	if (fpu_kernel_cfg.xsave)
		xsetbv(0, fpu_kernel_cfg.features);
	/* start every CPU from the initial x87 state (FNINIT: FCW 0x37f) */
	asm volatile("fninit" ::: "memory");
}
