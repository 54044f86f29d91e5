/*
 * The local APIC (Linux: arch/x86/include/asm/apic.h, apicdef.h,
 * arch/x86/kernel/apic/apic.c).
 *
 * xAPIC mode: the registers are 32-bit MMIO at 16-byte strides in the 4
 * KiB page at the APIC base (IA32_APIC_BASE MSR, or the MADT's address),
 * mapped uncached at the fixmap slot FIX_APIC_BASE.
 *
 * Boot sequence (start_kernel -> init_IRQ -> apic_intr_mode_init ->
 * time_init): the MADT is parsed (acpi_boot_init: LAPIC, IO-APIC and
 * override entries), the 8259 PICs are remapped and masked, every IO-APIC
 * pin masked, the local APIC enabled with the spurious vector 0xff, LINT0
 * masked (no 8259 virtual wire), LINT1 as NMI; then the APIC timer is
 * calibrated against the TSC and started periodic at HZ.
 */
#pragma once
#include <cstdint>
#include <lib/result.h>

/* register offsets (Linux's apicdef.h) */
#define APIC_ID 0x20
#define APIC_LVR 0x30
#define APIC_TASKPRI 0x80
#define APIC_EOI 0xB0
#define APIC_LDR 0xD0
#define APIC_DFR 0xE0
#define APIC_SPIV 0xF0
#define APIC_SPIV_APIC_ENABLED (1u << 8)
#define APIC_ISR 0x100
#define APIC_IRR 0x200
#define APIC_ESR 0x280
#define APIC_ICR 0x300
#define APIC_ICR2 0x310
#define APIC_ICR_BUSY 0x01000u
#define APIC_INT_LEVELTRIG 0x08000u
#define APIC_INT_ASSERT 0x04000u
#define APIC_DM_INIT 0x00500u
#define APIC_DM_STARTUP 0x00600u
#define APIC_DEST_SELF 0x40000u
#define APIC_DEST_ALLBUT 0xC0000u
#define APIC_LVTT 0x320
#define APIC_LVTTHMR 0x330
#define APIC_LVTPC 0x340
#define APIC_LVT0 0x350
#define APIC_LVT1 0x360
#define APIC_LVTERR 0x370
#define APIC_TMICT 0x380
#define APIC_TMCCT 0x390
#define APIC_TDCR 0x3E0
#define APIC_LVT_MASKED (1u << 16)
#define APIC_LVT_TIMER_PERIODIC (1u << 17)
#define APIC_DM_FIXED 0x00000u
#define APIC_DM_NMI 0x00400u
#define APIC_DM_EXTINT 0x00700u
#define APIC_TDR_DIV_16 0x3u

#define MSR_IA32_APICBASE 0x1b
#define MSR_IA32_APICBASE_BSP (1ULL << 8)
#define MSR_IA32_APICBASE_ENABLE (1ULL << 11)
#define MSR_IA32_APICBASE_BASE (0xfffffULL << 12)
#define APIC_DEFAULT_PHYS_BASE 0xfee00000ULL

uint32_t apic_read(uint32_t reg);
void apic_write(uint32_t reg, uint32_t v);
/* end of interrupt: every APIC-delivered interrupt but the spurious one */
void apic_eoi();
/* this CPU's APIC ID */
unsigned read_apic_id();
/* the boot CPU's APIC ID, as the MADT / APIC ID register gave it */
extern unsigned boot_cpu_physical_apicid;
/* logical CPU -> APIC ID (Linux: x86_cpu_to_apicid); BAD_APICID if none */
#define BAD_APICID 0xFFFFu
extern unsigned x86_cpu_to_apicid[];
/* wait for the ICR to go idle; ETIMEDOUT after a second */
lib::Result<void> apic_wait_icr_idle();
/* send an interrupt command (low word: vector | delivery mode ...) to apicid */
void apic_icr_write(uint32_t low, unsigned apicid);
/* an AP's local APIC: same set-up as the boot CPU's (setup_local_APIC) */
void setup_local_APIC();
/* start the APIC timer on an AP with the boot CPU's calibration */
void setup_secondary_APIC_clock();

/* MADT facts (arch/x86_64/kernel/acpi_boot.cc) */
extern uint64_t mp_lapic_addr;
void acpi_boot_init();

/* 8259: remap to ISA_IRQ_VECTOR(0..15) and mask every line */
void legacy_pic_init();
/* the PIC's interrupt mask registers (0xffff when all masked) */
uint16_t legacy_pic_read_imr();

/* interrupt controllers in "symmetric I/O mode" (Linux: apic_intr_mode_init) */
void apic_intr_mode_init();
/* calibrate the APIC timer against the TSC and start the HZ tick */
void setup_boot_APIC_clock();
/* APIC timer ticks per second (the "host bus clock" divided by 16) */
extern uint64_t lapic_timer_frequency;
/* initial count per jiffy (Linux: lapic_timer_period) */
extern uint32_t lapic_timer_period;
/* stop the tick (power off / restart paths) */
void lapic_timer_shutdown();
