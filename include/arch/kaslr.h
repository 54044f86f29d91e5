/*
 * Kernel address-space layout randomization (Linux:
 * arch/x86/boot/compressed/kaslr.c, arch/x86/mm/kaslr.c).
 *
 * On by default; "nokaslr" on the command line turns it off (make debug
 * passes it, as the seeds recommend for gdb).  The kernel image moves by
 * kaslr_virt_offset (a multiple of 2 MiB, its 1 GiB window); the direct
 * map, vmalloc and vmemmap bases move by multiples of 1 GiB.
 */
#pragma once
#include <cstdint>

/* head.S, before anything else: pick the image offset; returns the offset
 * still to apply (0 when KASLR is off or already applied) */
extern "C" unsigned long kaslr_early(uint32_t protocol, uint32_t info_pa);

/* whether KASLR is on for this boot */
bool kaslr_enabled();
/* Linux's kaslr_get_random_long: RDRAND when the CPU has it, mixed with the TSC */
uint64_t kaslr_get_random_long();
/* move PAGE_OFFSET, VMALLOC_START and VMEMMAP_START (setup_arch, before
 * the direct map is built for all RAM) */
void kernel_randomize_memory(uint64_t ram_end);
