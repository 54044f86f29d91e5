/*
 * format.h - printf-style formatting for printk and friends.
 *
 * Linux counterpart: lib/vsprintf.c (vsnprintf, vscnprintf, %pS/%ps).
 *
 * Supported: %d %i %u %x %X %o %c %s %p %%, flags "-0+ #", width and
 * precision (including '*'), length modifiers hh h l ll z t j.
 * Semantics follow C's vsnprintf: the output is always NUL-terminated when
 * size > 0 and the return value is the length that *would* have been
 * written, so callers detect truncation with `ret >= size`.
 *
 * Deliberate differences from ISO C / glibc:
 *   - %p prints like glibc: "0x" + minimal lowercase hex, "(nil)" for NULL
 *     (flags/width/precision apply as for %#lx).  Linux extensions:
 *       %pS  symbol+offset/size, e.g. "do_fork+0x1c/0x80"
 *       %ps  symbol name only
 *       %px  same as plain %p (raw address)
 *     %pS/%ps ask lib::format_symbol_hook; if it is unset or fails, they
 *     print "0x<hex>" of the address.
 *   - %s with a null pointer prints "(null)" (cut to the precision).
 *   - %n is refused: its pointer argument is consumed and nothing is stored,
 *     since a format string writing to memory is an exploit primitive.
 *   - No floating point (%f %e %g %a): the kernel is built without SSE, so
 *     such conversions are copied literally and consume no argument.
 *   - Unknown conversions are copied literally.
 */
#pragma once

#include <cstdarg>
#include <cstddef>
#include <cstdint>

namespace lib
{

// Writes a description of `addr` into buf (NUL-terminated when size > 0)
// and returns its length, or a negative value if addr is unknown.
// with_offset selects "%pS" ("name+0xoff/0xsize") vs "%ps" ("name").
using format_symbol_fn = int (*)(char* buf, size_t size, uintptr_t addr, bool with_offset);

// Installed by the kernel once its symbol table is available.
extern format_symbol_fn format_symbol_hook;

int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap);
int snprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Like vsnprintf, but return the number of characters actually stored
// (excluding the NUL); handy for appending into a fixed buffer.
int vscnprintf(char* buf, size_t size, const char* fmt, va_list ap);
int scnprintf(char* buf, size_t size, const char* fmt, ...) __attribute__((format(printf, 3, 4)));

// Stream every output character to `out` instead of a buffer (e.g. straight
// to a console).  Returns the number of characters produced.
using format_out_fn = void (*)(char c, void* ctx);
int vcbprintf(format_out_fn out, void* ctx, const char* fmt, va_list ap);

} // namespace lib
