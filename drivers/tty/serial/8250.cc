/*
 * Polled 8250/16550 UART driver and its consoles (Linux:
 * drivers/tty/serial/8250/8250_port.c, 8250_core.c serial8250_console,
 * arch/x86/kernel/early_printk.c early_serial_console).
 *
 * Two consoles (<kernel/console.h>) write to the UARTs:
 *   - "ttyS" (serial8250_console), registered by console_init() through
 *     its console_initcall: console=ttyS<n>[,<baud>] picks ttyS0-ttyS3
 *     (the PC's ports 0x3f8, 0x2f8, 0x3e8, 0x2e8) and the speed; its setup
 *     programs the UART and fails with -ENODEV where none answers.
 *   - "earlyser" (early_serial_console): ttyS0 at 115200, programmed by
 *     early_console_init() from the first C++ code; printk's early_console,
 *     used only when a crash comes before any console registered.
 *
 * Output is polled (wait for THR empty, write a byte): a console must work
 * before interrupts and in oops/panic context.  Callers serialise through
 * printk's logbuf_lock (->write runs under it).
 */
#include <drivers/serial.h>
#include <arch/io.h>
#include <kernel/console.h>
#include <kernel/printk.h>
#include <uapi/asm-generic/errno-base.h>

namespace
{
enum : uint16_t {
	UART_TX = 0,  /* transmit holding register */
	UART_DLL = 0, /* divisor latch low (DLAB=1) */
	UART_IER = 1,
	UART_DLM = 1, /* divisor latch high (DLAB=1) */
	UART_FCR = 2,
	UART_LCR = 3,
	UART_MCR = 4,
	UART_LSR = 5,
	UART_SCR = 7,
};
constexpr uint8_t UART_LSR_THRE = 0x20;
constexpr uint8_t UART_LCR_DLAB = 0x80;
constexpr uint8_t UART_LCR_WLEN8 = 0x03;
constexpr uint32_t UART_CLOCK = 115200;

/* ttyS0-ttyS3 (Linux: SERIAL_PORT_DFNS) */
constexpr uint16_t serial8250_ports[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
constexpr int UART_NR = sizeof(serial8250_ports) / sizeof(serial8250_ports[0]);

void putc_raw(uint16_t port, char c)
{
	/* bounded wait: a missing UART must not hang the kernel */
	for (int i = 0; i < 100000 && !(inb(port + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(uint8_t(c), port + UART_TX);
}

/* "\n" becomes "\r\n", as a terminal expects */
void uart_write(uint16_t port, const char* s, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc_raw(port, '\r');
		putc_raw(port, s[i]);
	}
}

void serial8250_console_write(console* co, const char* s, unsigned n)
{
	uart_write(serial8250_ports[co->index], s, n);
}

/* options: "<baud>[parity bits flow]" as console=ttyS0,115200n8; only the baud is used */
lib::Result<void> serial8250_console_setup(console* co, char* options)
{
	if (co->index < 0 || co->index >= UART_NR)
		return lib::Error{ENODEV};
	uint32_t baud = UART_CLOCK;
	if (options && *options >= '0' && *options <= '9') {
		baud = 0;
		for (const char* p = options; *p >= '0' && *p <= '9' && baud <= UART_CLOCK; p++)
			baud = baud * 10 + uint32_t(*p - '0');
	}
	if (serial8250::init(serial8250_ports[co->index], baud).is_err()) {
		pr_warn("serial8250: no UART at ttyS%d\n", co->index);
		return lib::Error{ENODEV};
	}
	return lib::ok();
}

console serial8250_console = {
	.name = "ttyS",
	.write = serial8250_console_write,
	.setup = serial8250_console_setup,
	.exit = nullptr,
	.flags = CON_PRINTBUFFER | CON_ANYTIME,
	.index = -1,
	.data = nullptr,
	.next = nullptr,
};

lib::Result<void> univ8250_console_init()
{
	register_console(&serial8250_console);
	return lib::ok();
}
console_initcall(univ8250_console_init);

void early_serial_write(console*, const char* s, unsigned n)
{
	uart_write(serial8250_ports[0], s, n);
}

console early_serial_console = {
	.name = "earlyser",
	.write = early_serial_write,
	.setup = nullptr,
	.exit = nullptr,
	.flags = CON_PRINTBUFFER,
	.index = -1,
	.data = nullptr,
	.next = nullptr,
};
} // namespace

namespace serial8250
{

lib::Result<void> init(uint16_t port, uint32_t baud)
{
	/* scratch-register probe: no UART reads back 0xff */
	outb(0x5a, port + UART_SCR);
	if (inb(port + UART_SCR) != 0x5a)
		return lib::Error{ENODEV};
	if (baud == 0 || baud > UART_CLOCK)
		baud = UART_CLOCK;
	uint16_t div = uint16_t(UART_CLOCK / baud);
	outb(0, port + UART_IER); /* polled: no UART interrupts */
	outb(UART_LCR_DLAB, port + UART_LCR);
	outb(uint8_t(div), port + UART_DLL);
	outb(uint8_t(div >> 8), port + UART_DLM);
	outb(UART_LCR_WLEN8, port + UART_LCR);
	outb(0x07, port + UART_FCR); /* enable and clear FIFOs */
	outb(0x03, port + UART_MCR); /* DTR | RTS */
	return lib::ok();
}

void early_console_init()
{
	if (init(serial8250_ports[0], UART_CLOCK).is_ok())
		early_console = &early_serial_console;
}

} // namespace serial8250
