/*
 * Power off, restart, halt (Linux: kernel/reboot.c, arch/x86/kernel/
 * reboot.c native_machine_restart with the keyboard-controller and CF9
 * methods, then a triple fault as the last resort).
 *
 * Both paths first turn interrupts off and stop the local APIC tick
 * (Linux: native_machine_shutdown -> lapic_shutdown).
 */
#include <kernel/reboot.h>
#include <kernel/printk.h>
#include <drivers/acpi.h>
#include <arch/io.h>
#include <arch/processor.h>
#include <arch/irqflags.h>
#include <arch/apic.h>
#include <kernel/smp.h>

void machine_power_off()
{
	arch_local_irq_disable();
	smp_send_stop(); /* Linux: native_machine_shutdown -> stop_other_cpus */
	lapic_timer_shutdown();
	acpi_power_off();
}

void machine_restart()
{
	arch_local_irq_disable();
	smp_send_stop();
	lapic_timer_shutdown();
	/* 8042 keyboard controller: pulse the reset line */
	for (int i = 0; i < 10000 && (inb(0x64) & 0x02); i++)
		cpu_relax();
	outb(0xfe, 0x64);
	/* PCI reset control register (PIIX/ICH): full reset */
	outb(0x02, 0xcf9);
	outb(0x06, 0xcf9);
	/* triple fault: an empty IDT, then any exception */
	struct [[gnu::packed]] {
		uint16_t size;
		uint64_t addr;
	} idtr{0, 0};
	asm volatile("lidt %0; int3" ::"m"(idtr));
}

void kernel_power_off()
{
	pr_emerg("reboot: Power down\n");
	machine_power_off();
	pr_emerg("reboot: power off failed; System halted\n");
	halt_forever();
}

void kernel_restart(const char* cmd)
{
	if (cmd)
		pr_emerg("reboot: Restarting system with command '%s'\n", cmd);
	else
		pr_emerg("reboot: Restarting system\n");
	machine_restart();
	halt_forever();
}

void kernel_halt()
{
	pr_emerg("reboot: System halted\n");
	halt_forever();
}

void qemu_debug_exit(unsigned code)
{
	outl(code, 0xf4);
}
