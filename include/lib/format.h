/*
 * format.h - printf-style formatting for printk and friends.
 *
 * Linux counterpart: lib/vsprintf.c (vsnprintf, vscnprintf, %pS/%ps).
 *
 * Supported: %d %i %u %x %X %o %c %s %p %px %pS %ps %%, flags "-0+ #", width and
 * precision (including '*'), length modifiers hh h l ll z t j.
 * Semantics follow C's vsnprintf: the output is always NUL-terminated when
 * size > 0 and the return value is the length that *would* have been
 * written, so callers detect truncation with `ret >= size`.
 *
 * Deliberate differences from ISO C / glibc:
 *   - Pointers print as Linux's (Documentation/core-api/printk-formats.rst),
 *     not glibc's "0x..."/"(nil)":
 *       %p   a hashed stand-in, not the address: the low 32 bits of
 *            SipHash-2-4(address, ptr_key) as 16 hex digits
 *            ("00000000a1b2c3d4"); "(____ptrval____)" before ptr_key_init;
 *            NULL and error pointers (-4095..-1) as they are
 *            ("0000000000000000", "fffffffffffffff2"); the raw address
 *            when no_hash_pointers is set (boot parameter of that name)
 *       %px  the raw address, 16 hex digits ("ffff888003a5c000")
 *       %pS  symbol+offset/size, e.g. "do_fork+0x1c/0x80"
 *       %ps  symbol name only
 *     Without a width the digits are zero-padded to 16; with one, space-
 *     padded to it.  No "0x": write "0x%p" where Linux does.  As in
 *     Linux, every letter and digit right after %p is taken as part of
 *     the conversion ("%pfoo" prints one pointer, no "foo").
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

struct siphash_key_t;
// The secret behind %p's hash (Linux: ptr_key, filled from the RNG at
// boot); only the first call takes effect.  Until then %p prints
// "(____ptrval____)".
void ptr_key_init(const siphash_key_t& key);
// Host tests only: back to "no key yet".
void ptr_key_reset_for_test();
// %p prints raw addresses, as %px (boot parameter no_hash_pointers).
extern bool no_hash_pointers;
} // namespace lib

// Kernel only: draw ptr_key from the RNG (Linux: vsprintf_init_hashval, a
// subsys_initcall; here kernel_init calls it at the same point of boot).
void vsprintf_init_hashval();

namespace lib
{

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
