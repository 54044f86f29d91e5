/*
 * Power off and restart (Linux: include/linux/reboot.h, kernel/reboot.c).
 */
#pragma once

[[noreturn]] void kernel_power_off();
[[noreturn]] void kernel_restart(const char* cmd);
[[noreturn]] void kernel_halt();

/* arch/firmware back ends; return only if they failed */
void machine_power_off();
void machine_restart();

/* QEMU's isa-debug-exit device (tests): QEMU exits with (code << 1) | 1.
 * Returns if the device is absent. */
void qemu_debug_exit(unsigned code);
