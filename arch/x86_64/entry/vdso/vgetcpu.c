/*
 * getcpu in the vDSO (Linux: arch/x86/entry/vdso/vgetcpu.c,
 * vdso_read_cpunode): the CPU and node numbers from the limit of the
 * per-CPU GDT segment __CPUNODE_SEG (<arch/segment.h>), read with LSL,
 * which user mode may do.  The answer can be stale by the time the caller
 * looks at it, as on Linux.
 */
#include <stddef.h>

#define CPUNODE_SEG (15 * 8 + 3)
#define CPUNODE_BITS 12
#define CPUNODE_MASK 0xfff

int __vdso_getcpu(unsigned* cpu, unsigned* node, void* unused)
{
	(void)unused;
	unsigned p;
	__asm__("lsl %1, %0" : "=r"(p) : "r"(CPUNODE_SEG));
	if (cpu)
		*cpu = p & CPUNODE_MASK;
	if (node)
		*node = p >> CPUNODE_BITS;
	return 0;
}

int getcpu(unsigned*, unsigned*, void*) __attribute__((weak, alias("__vdso_getcpu")));
