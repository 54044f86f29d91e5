/*
 * Architecture setup called from start_kernel (Linux: asm/setup.h).
 */
#pragma once

/* memory map, direct map, ACPI tables: everything start_kernel needs from the machine */
void setup_arch();
/* the kernel-segment report (show_kernel_seg) */
void show_kernel_segment();
