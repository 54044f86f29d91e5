/*
 * GDT layout and selectors, as Linux's 64-bit GDT (asm/segment.h).
 */
#pragma once

#define GDT_ENTRY_KERNEL32_CS 1
#define GDT_ENTRY_KERNEL_CS 2
#define GDT_ENTRY_KERNEL_DS 3
#define GDT_ENTRY_DEFAULT_USER32_CS 4
#define GDT_ENTRY_DEFAULT_USER_DS 5
#define GDT_ENTRY_DEFAULT_USER_CS 6
#define GDT_ENTRY_TSS 8 /* 16 bytes: entries 8 and 9 */
/* a user-readable segment whose limit is (node << 12) | cpu: the vDSO's
 * getcpu reads it with LSL (Linux's GDT_ENTRY_CPUNODE, vdso_read_cpunode) */
#define GDT_ENTRY_CPUNODE 15
#define GDT_ENTRIES 16

#define __KERNEL32_CS (GDT_ENTRY_KERNEL32_CS * 8)
#define __KERNEL_CS (GDT_ENTRY_KERNEL_CS * 8)
#define __KERNEL_DS (GDT_ENTRY_KERNEL_DS * 8)
#define __USER32_CS (GDT_ENTRY_DEFAULT_USER32_CS * 8 + 3)
#define __USER_DS (GDT_ENTRY_DEFAULT_USER_DS * 8 + 3)
#define __USER_CS (GDT_ENTRY_DEFAULT_USER_CS * 8 + 3)
#define __CPUNODE_SEG (GDT_ENTRY_CPUNODE * 8 + 3)
#define VDSO_CPUNODE_BITS 12
#define VDSO_CPUNODE_MASK 0xfff

/* interrupt stack table slots (1-based as the TSS numbers them) */
#define IST_INDEX_DF 1
#define IST_INDEX_NMI 2
#define IST_INDEX_MCE 3
#define IST_INDEX_DB 4
#define N_EXCEPTION_STACKS 4
#define EXCEPTION_STKSZ 8192
