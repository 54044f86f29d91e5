/*
 * 8250/16550 UART (Linux: drivers/tty/serial/8250/).  Its consoles
 * register themselves (drivers/tty/serial/8250.cc); printk does not call
 * the driver.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

namespace serial8250
{
/* program the UART at io base `port` (0x3f8 = ttyS0) for `baud` 8N1, FIFOs
 * on; ENODEV when no UART answers there */
lib::Result<void> init(uint16_t port, uint32_t baud);
/* ttyS0 at 115200 becomes printk's early_console (first C++ code) */
void early_console_init();
} // namespace serial8250
