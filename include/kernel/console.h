/*
 * Consoles: where printk's lines are written (Linux: include/linux/console.h,
 * kernel/printk/printk.c register_console).
 *
 * A driver describes its console with a struct console and calls
 * register_console(); printk writes every line loud enough for
 * console_loglevel to each enabled console, synchronously, in the caller's
 * context.  printk knows no driver: the 8250 UART registers "ttyS"
 * (drivers/tty/serial/8250.cc) from its console_initcall, which
 * console_init() runs once the early parameters are parsed; the tty layer
 * will register its own.
 *
 * Which consoles are enabled, as Linux decides it:
 *   - console=NAME<index>[,options] (several allowed; the last is the
 *     preferred one) lists consoles by name.  A registering console whose
 *     name (and index, when it has one) matches an entry is set up with
 *     that entry's options and enabled; the preferred one gets CON_CONSDEV
 *     and heads the list.
 *   - without console=, the first console registered is enabled (index 0
 *     when it had none).
 *   - a console that sets CON_ENABLED itself (as netconsole does) is
 *     enabled whatever console= says.
 *   - not Linux: when console= names nothing that registers (or the named
 *     console's setup fails) and no console is enabled yet, the registering
 *     console is enabled anyway with a warning; Linux would stay silent.
 * A console that is not enabled is not kept in the list.
 *
 * CON_PRINTBUFFER: on registration the console first gets every record
 * still in the log buffer (through the same console_loglevel filter), so
 * the boot messages logged before any console existed are not lost.
 *
 * early_console (Linux: the same name, set by arch early_printk): a console
 * usable from the first instruction of C++; console_flush_on_panic enables
 * it when a crash comes before any console registered.
 *
 * Locking: the list is changed and walked under printk's logbuf_lock, so
 * ->write runs with it held and interrupts off, and must not printk.
 * ->setup and ->exit run without it (they may printk).  register_console
 * and unregister_console are not called concurrently with each other (boot
 * and the tests each have a single caller); printk may run concurrently.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>

struct console {
	char name[16]; /* "ttyS": console=ttyS0 matches name + index */
	/* print len bytes; a record may come in several calls (stamp, text, "\n") */
	void (*write)(console* co, const char* s, unsigned len);
	/* options: the text after ',' in console= (nullptr: none); Linux's
	 * int-returning ops return a Result here, as every fallible function */
	lib::Result<void> (*setup)(console* co, char* options);
	lib::Result<void> (*exit)(console* co); /* on unregister_console; may be nullptr */
	short flags;              /* CON_* */
	short index;              /* -1: any; set from console= or 0 on registration */
	void* data;               /* the driver's */
	console* next;            /* the console list, preferred (CON_CONSDEV) first */
};

/* console->flags, Linux's values */
enum : short {
	CON_PRINTBUFFER = 1 << 0, /* replay the log buffer on registration */
	CON_CONSDEV = 1 << 1,     /* the preferred console (/dev/console) */
	CON_ENABLED = 1 << 2,     /* printk writes to it */
	CON_BOOT = 1 << 3,        /* an early console, replaced by a real one */
	CON_ANYTIME = 1 << 4,     /* safe to call on a CPU not yet online */
};

void register_console(console* newcon);
/* ENODEV when con is not registered, else what its ->exit says */
lib::Result<void> unregister_console(console* con);

/* as console=name<idx>,options; the last one added is preferred; E2BIG
 * when the table is full */
lib::Result<void> add_preferred_console(const char* name, int idx, const char* options);

/* bytes written to /dev/console, to the preferred console (until the tty
 * layer: drivers/tty/console_dev.cc) */
void console_device_write(const char* s, size_t len);

/* the console for a crash before any console registered (may be nullptr) */
extern console* early_console;

/*
 * console_initcall(fn): fn registers a driver's console; console_init()
 * (start_kernel, after parse_early_param) runs them all (Linux: the same
 * names).  Entries live in .con_initcall.init between __con_initcall_start
 * and __con_initcall_end.
 */
using initcall_t = lib::Result<void> (*)(); /* Linux's: int (*)(void) */
#define console_initcall(fn)                                                                                           \
	static const initcall_t __con_initcall_##fn                                                                    \
	    __attribute__((used, section(".con_initcall.init"), aligned(alignof(initcall_t)))) = fn
extern "C" const initcall_t __con_initcall_start[], __con_initcall_end[];
void console_init();
