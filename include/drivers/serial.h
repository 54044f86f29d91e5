/*
 * 8250/16550 UART console (Linux: drivers/tty/serial/8250/).
 */
#pragma once
#include <cstddef>
#include <cstdint>

namespace serial8250
{
/* program the UART at io base `port` (0x3f8 = ttyS0) for `baud` 8N1, FIFOs on */
bool init(uint16_t port, uint32_t baud);
/* polled output; "\n" becomes "\r\n" as a terminal expects */
void write(const char* s, size_t n);
/* the port the console writes to (0 = none yet) */
uint16_t console_port();
} // namespace serial8250
