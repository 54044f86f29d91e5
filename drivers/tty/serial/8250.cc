/*
 * Polled 8250/16550 UART driver, the boot console (Linux:
 * drivers/tty/serial/8250/8250_port.c and 8250_early.c).
 *
 * Output is polled (wait for THR empty, write a byte): the console must
 * work before interrupts and in oops/panic context.  Callers serialise
 * through printk's console lock.
 */
#include <drivers/serial.h>
#include <arch/io.h>

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

uint16_t cons_port;

void putc_raw(uint16_t port, char c)
{
	/* bounded wait: a missing UART must not hang the kernel */
	for (int i = 0; i < 100000 && !(inb(port + UART_LSR) & UART_LSR_THRE); i++)
		;
	outb(uint8_t(c), port + UART_TX);
}
} // namespace

namespace serial8250
{

bool init(uint16_t port, uint32_t baud)
{
	/* scratch-register probe: no UART reads back 0xff */
	outb(0x5a, port + UART_SCR);
	if (inb(port + UART_SCR) != 0x5a)
		return false;
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
	cons_port = port;
	return true;
}

void write(const char* s, size_t n)
{
	if (!cons_port)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			putc_raw(cons_port, '\r');
		putc_raw(cons_port, s[i]);
	}
}

uint16_t console_port()
{
	return cons_port;
}

} // namespace serial8250

#include <kernel/params.h>
#include <kernel/printk.h>
#include <lib/cmdline.h>

/* console=ttyS<n>[,<baud>] (Linux: console= and the 8250 console's setup) */
static lib::Result<void> console_setup(std::string_view val)
{
	static const uint16_t ports[] = {0x3f8, 0x2f8, 0x3e8, 0x2e8};
	std::string_view dev = val.substr(0, val.find(','));
	if (dev.size() != 5 || !dev.starts_with("ttyS") || dev[4] < '0' || dev[4] > '3') {
		pr_warn("console: '%.*s' is not supported (only ttyS0-ttyS3); keeping ttyS0\n", int(val.size()),
		        val.data());
		return lib::ok();
	}
	unsigned long long baud = 115200;
	size_t comma = val.find(',');
	if (comma != std::string_view::npos) {
		std::string_view b = val.substr(comma + 1);
		size_t end = 0;
		while (end < b.size() && b[end] >= '0' && b[end] <= '9')
			end++;
		baud = TRY(lib::parse_uint(b.substr(0, end)));
	}
	if (!serial8250::init(ports[dev[4] - '0'], uint32_t(baud))) {
		pr_warn("console: no UART at %.*s; keeping the previous console\n", int(dev.size()), dev.data());
	}
	return lib::ok();
}
early_param("console", console_setup);
