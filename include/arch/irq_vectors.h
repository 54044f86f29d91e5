/*
 * The x86 interrupt vector layout (Linux: arch/x86/include/asm/
 * irq_vectors.h).
 *
 *   0x00-0x1f  CPU exceptions
 *   0x20-0x2f  unused (Linux: IRQ_MOVE_CLEANUP_VECTOR at 0x20)
 *   0x30-0x3f  the 16 legacy ISA IRQs (ISA_IRQ_VECTOR); the 8259 PICs are
 *              remapped here too before being masked, so even a stray
 *              8259 interrupt cannot look like a CPU exception
 *   0x40-0x6f  further IO-APIC GSIs (IRQ n on 0x30 + n)
 *   0xec       local APIC timer
 *   0xfb       call-function IPI (smp_call_function_single, on_each_cpu,
 *              the TLB shootdown)
 *   0xf8       stop IPI (Linux's REBOOT_VECTOR: smp_send_stop)
 *   0xfd       reschedule IPI
 *   0xfe       local APIC error
 *   0xff       spurious APIC interrupt (low nibble must be 0xf on old CPUs)
 */
#pragma once

#define NR_VECTORS 256
#define FIRST_EXTERNAL_VECTOR 0x20
#define IRQ0_VECTOR (FIRST_EXTERNAL_VECTOR + 0x10)
#define ISA_IRQ_VECTOR(irq) (IRQ0_VECTOR + (irq))
#define NR_IRQS_LEGACY 16
/* IRQs with a fixed vector: 0x30 .. 0x6f */
#define NR_IRQS 64

#define SPURIOUS_APIC_VECTOR 0xff
#define ERROR_APIC_VECTOR 0xfe
#define RESCHEDULE_VECTOR 0xfd
#define REBOOT_VECTOR 0xf8
#define CALL_FUNCTION_SINGLE_VECTOR 0xfb
#define LOCAL_TIMER_VECTOR 0xec
#define FIRST_SYSTEM_VECTOR LOCAL_TIMER_VECTOR
