/*
 * The local APIC and its timer (Linux: arch/x86/kernel/apic/apic.c
 * setup_local_APIC, calibrate_APIC_clock, setup_APIC_timer,
 * sysvec_apic_timer_interrupt, sysvec_spurious_apic_interrupt,
 * sysvec_error_interrupt; apic_intr_mode_init).
 *
 * xAPIC mode, MMIO through the fixmap slot FIX_APIC_BASE (uncached).
 * The base comes from IA32_APIC_BASE; the MADT's address must agree.
 *
 * The timer: divide by 16, calibrated against the TSC (tsc_khz is known
 * from the PIT calibration in tsc.cc): the one-shot count is read at both
 * ends of a 10 ms TSC window, each read bracketed by two TSC reads;
 * windows whose ends are blurred by more than 20 us are dropped, and the
 * median of three clean ones kept.  Linux
 * calibrates against its jiffies tick or the PM timer and keeps
 * lapic_timer_period in bus clocks per jiffy, printing the result only
 * with apic=verbose; we print it always.  The tick is periodic at HZ
 * (Linux without NO_HZ and high-resolution timers: tick_handle_periodic).
 *
 * Invariants: the APIC is enabled (SPIV bit 8) with spurious vector 0xff
 * before interrupts are ever enabled; every interrupt the APIC delivers
 * gets exactly one EOI, except the spurious vector, which sets no ISR bit.
 *
 * Lock order: none: the registers are per-CPU and written by their CPU.
 */
#include <arch/apic.h>
#include <arch/fixmap.h>
#include <arch/hardirq.h>
#include <arch/io_apic.h>
#include <arch/irq_vectors.h>
#include <arch/processor.h>
#include <arch/irqflags.h>
#include <kernel/smp.h>
#include <kernel/jiffies.h>
#include <kernel/printk.h>
#include <kernel/time.h>
#include <kernel/timer.h>
#include <uapi/asm-generic/errno.h>

unsigned boot_cpu_physical_apicid;
uint64_t lapic_timer_frequency;
uint32_t lapic_timer_period;

namespace
{
constexpr unsigned APIC_DIVISOR = 16;
constexpr unsigned LAPIC_CAL_MS = 10;
volatile uint32_t* apic_base;
bool apic_ready;

unsigned lapic_get_maxlvt()
{
	return (apic_read(APIC_LVR) >> 16) & 0xff;
}

/* bus clocks per jiffy from one TSC window; 0 if the counter ran out or
 * if reading it took long enough (the vCPU descheduled under TCG, an SMI)
 * to blur the window's ends */
uint64_t lapic_cal_once()
{
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR); /* one-shot, masked */
	apic_write(APIC_TMICT, 0xffffffff);
	uint64_t window = tsc_khz * LAPIC_CAL_MS;
	uint64_t max_blur = tsc_khz / 50; /* 20 us */
	/* read the counter between two TSC reads: their midpoint is when it
	 * was read, whatever the cost of the (emulated) MMIO access */
	uint64_t a0 = rdtsc();
	uint32_t c0 = apic_read(APIC_TMCCT);
	uint64_t b0 = rdtsc();
	while (rdtsc() - a0 < window)
		cpu_relax();
	uint64_t a1 = rdtsc();
	uint32_t c1 = apic_read(APIC_TMCCT);
	uint64_t b1 = rdtsc();
	apic_write(APIC_TMICT, 0);
	uint64_t dtsc = (a1 + b1) / 2 - (a0 + b0) / 2;
	if (!c1 || c0 <= c1 || !dtsc || b0 - a0 > max_blur || b1 - a1 > max_blur)
		return 0;
	/* < 2^36 bus clocks times < 2^26 TSC cycles per jiffy: fits 64 bits */
	return uint64_t(c0 - c1) * APIC_DIVISOR * (tsc_khz * 1000 / HZ) / dtsc;
}
} // namespace

uint32_t apic_read(uint32_t reg)
{
	return apic_base[reg / 4];
}

void apic_write(uint32_t reg, uint32_t v)
{
	apic_base[reg / 4] = v;
}

void apic_eoi()
{
	if (apic_ready)
		apic_write(APIC_EOI, 0);
}

unsigned read_apic_id()
{
	return apic_read(APIC_ID) >> 24;
}

lib::Result<void> apic_wait_icr_idle()
{
	/* delivery takes a bus cycle on hardware, nothing under QEMU */
	uint64_t start = rdtsc();
	while (apic_read(APIC_ICR) & APIC_ICR_BUSY) {
		if (rdtsc() - start > tsc_khz * 1000)
			return lib::Error{ETIMEDOUT};
		cpu_relax();
	}
	return lib::ok();
}

void apic_icr_write(uint32_t low, unsigned apicid)
{
	/* ICR2 then ICR: writing the low word sends; no interrupt between */
	unsigned long flags = arch_local_irq_save();
	/* a previous send still stuck shows in its sender's own wait: the
	 * timeout is dropped here, and the new command goes out regardless */
	(void)apic_wait_icr_idle();
	apic_write(APIC_ICR2, apicid << 24);
	apic_write(APIC_ICR, low);
	arch_local_irq_restore(flags);
}

/* this CPU's local APIC, as Linux's setup_local_APIC; the boot CPU's
 * also maps the registers */
void setup_local_APIC()
{
	uint64_t msr = rdmsr(MSR_IA32_APICBASE);
	if (!(msr & MSR_IA32_APICBASE_ENABLE))
		wrmsr(MSR_IA32_APICBASE, msr | MSR_IA32_APICBASE_ENABLE);
	uint64_t phys = msr & MSR_IA32_APICBASE_BASE;
	if (mp_lapic_addr && mp_lapic_addr != phys)
		pr_warn("APIC: MADT address 0x%llx differs from IA32_APIC_BASE 0x%llx; using the MSR\n",
		        (unsigned long long)mp_lapic_addr, (unsigned long long)phys);
	if (!apic_base) {
		set_fixmap_nocache(FIX_APIC_BASE, phys);
		apic_base = reinterpret_cast<volatile uint32_t*>(fix_to_virt(FIX_APIC_BASE));
		boot_cpu_physical_apicid = read_apic_id();
	}

	apic_write(APIC_TASKPRI, 0);      /* accept every priority */
	/* flat logical mode: one bit per CPU for the first 8 (Linux's
	 * default_init_apic_ldr); every IPI and IO-APIC route here uses
	 * physical APIC IDs, so CPUs 8 and up need none */
	apic_write(APIC_DFR, 0xffffffff);
	unsigned cpu = smp_processor_id();
	apic_write(APIC_LDR, cpu < 8 ? (1u << cpu) << 24 : 0);
	/* a previous kernel (kexec) or the firmware may have left interrupts
	 * in service: acknowledge them */
	for (int loops = 0; loops < 64; loops++) {
		bool any = false;
		for (int i = 7; i >= 0; i--)
			if (apic_read(APIC_ISR + i * 0x10)) {
				apic_write(APIC_EOI, 0);
				any = true;
			}
		if (!any)
			break;
	}
	apic_write(APIC_SPIV, APIC_SPIV_APIC_ENABLED | SPURIOUS_APIC_VECTOR);
	/* symmetric I/O mode: no 8259 virtual wire on LINT0; LINT1 is the NMI
	 * line (the MADT's LAPIC_NMI entry, lint 1 on every PC) */
	apic_write(APIC_LVT0, APIC_DM_EXTINT | APIC_LVT_MASKED);
	apic_write(APIC_LVT1, APIC_DM_NMI);
	unsigned maxlvt = lapic_get_maxlvt();
	if (maxlvt >= 4)
		apic_write(APIC_LVTPC, APIC_LVT_MASKED);
	if (maxlvt >= 5)
		apic_write(APIC_LVTTHMR, APIC_LVT_MASKED);
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_LVTERR, ERROR_APIC_VECTOR);
	apic_write(APIC_ESR, 0);
	apic_write(APIC_ESR, 0);
	apic_ready = true;
}

void setup_secondary_APIC_clock()
{
	if (!lapic_timer_period)
		return;
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, (lapic_timer_period + APIC_DIVISOR - 1) / APIC_DIVISOR);
}

void apic_intr_mode_init()
{
	legacy_pic_init();
	setup_IO_APIC();
	setup_local_APIC();
	pr_info("APIC: Switch to symmetric I/O mode setup\n");
	pr_info("APIC: local APIC id %u, version 0x%x, %u LVT entries, base 0x%llx (xAPIC), spurious vector 0x%x\n",
	        boot_cpu_physical_apicid, apic_read(APIC_LVR) & 0xff, lapic_get_maxlvt() + 1,
	        (unsigned long long)(rdmsr(MSR_IA32_APICBASE) & MSR_IA32_APICBASE_BASE), SPURIOUS_APIC_VECTOR);
}

void setup_boot_APIC_clock()
{
	/* the median of three clean windows, out of at most ten tries */
	uint64_t r[3] = {};
	unsigned n = 0;
	for (int tries = 0; tries < 10 && n < 3; tries++)
		if (uint64_t v = lapic_cal_once())
			r[n++] = v;
	uint64_t period = 0;
	if (n == 3) {
		uint64_t lo = r[0] < r[1] ? r[0] : r[1], hi = r[0] < r[1] ? r[1] : r[0];
		period = r[2] < lo ? lo : r[2] > hi ? hi : r[2];
	} else if (n) {
		period = r[0]; /* a busy host: take what we have */
	}
	if (!period) {
		pr_warn("APIC timer disabled due to verification failure\n");
		return;
	}
	lapic_timer_period = uint32_t(period);
	lapic_timer_frequency = uint64_t(lapic_timer_period) * HZ / APIC_DIVISOR;
	pr_info("..... calibration result: %u\n", lapic_timer_period);
	uint64_t tsc_per_jiffy = tsc_khz * 1000 / HZ; /* Linux prints both per jiffy / (1000000 / HZ) */
	pr_info("..... CPU clock speed is %llu.%04llu MHz.\n", (unsigned long long)(tsc_per_jiffy / (1000000 / HZ)),
	        (unsigned long long)(tsc_per_jiffy % (1000000 / HZ)));
	pr_info("..... host bus clock speed is %u.%04u MHz.\n", lapic_timer_period / (1000000 / HZ),
	        lapic_timer_period % (1000000 / HZ));
	/* rounded up: a jiffy is never shorter than calibrated */
	uint32_t count = (lapic_timer_period + APIC_DIVISOR - 1) / APIC_DIVISOR;
	apic_write(APIC_TDCR, APIC_TDR_DIV_16);
	apic_write(APIC_LVTT, APIC_LVT_TIMER_PERIODIC | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, count);
	tick_periodic_enabled = true;
	pr_info("clockevents: lapic: periodic tick at HZ=%d, %u counts per jiffy (divide by %u)\n", HZ, count,
	        APIC_DIVISOR);
}

/* Linux: arch/x86/kernel/time.c time_init -> x86_late_time_init */
void time_init()
{
	setup_boot_APIC_clock();
}

void lapic_timer_shutdown()
{
	if (!apic_ready)
		return;
	apic_write(APIC_LVTT, APIC_LVT_MASKED | LOCAL_TIMER_VECTOR);
	apic_write(APIC_TMICT, 0);
}

/* LOCAL_TIMER_VECTOR, in hard interrupt context on the IRQ stack */
void tick_handle_periodic(); /* kernel/time/timekeeping.cc */

void smp_apic_timer_interrupt()
{
	inc_irq_stat(apic_timer_irqs);
	apic_eoi(); /* first, as Linux: the next tick may already be due */
	tick_handle_periodic();
}

void smp_spurious_interrupt(unsigned vector)
{
	/* a real spurious interrupt sets no ISR bit and takes no EOI; a
	 * vector that does have its ISR bit set was delivered: ack it */
	uint32_t v = apic_read(APIC_ISR + ((vector & ~0x1fu) >> 1));
	if (v & (1u << (vector & 0x1f)))
		apic_eoi();
	inc_irq_stat(irq_spurious_count);
	if (vector == SPURIOUS_APIC_VECTOR)
		pr_info("Spurious APIC interrupt (vector 0xFF) on CPU#%u, should never happen.\n", smp_processor_id());
	else
		pr_info("Spurious interrupt (vector 0x%02x) on CPU#%u. Acked\n", vector, smp_processor_id());
}

void smp_error_interrupt()
{
	apic_write(APIC_ESR, 0);
	uint32_t v = apic_read(APIC_ESR);
	apic_eoi();
	__atomic_add_fetch(&irq_err_count, 1, __ATOMIC_RELAXED);
	pr_debug("APIC error on CPU%u: %02x\n", smp_processor_id(), v);
}
