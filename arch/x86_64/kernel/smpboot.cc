/*
 * Bringing up the application processors (Linux: arch/x86/kernel/
 * smpboot.c native_smp_prepare_cpus, do_boot_cpu, start_secondary;
 * apic.c generic_processor_info).
 */
#include <arch/apic.h>
#include <kernel/cpumask.h>

unsigned x86_cpu_to_apicid[NR_CPUS] = {0};
