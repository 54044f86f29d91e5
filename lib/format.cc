/*
 * format.cc - printf-style formatter behind printk.
 *
 * Linux counterpart: lib/vsprintf.c.  See include/lib/format.h for the
 * supported conversions and the deliberate differences from ISO C.
 *
 * Structure: one parser loop (do_format) that reads a conversion spec into
 * `spec`, fetches the argument with va_arg according to the length
 * modifier, and hands it to an emitter (emit_number / emit_string) that
 * writes into a `sink`.  The sink either fills a bounded buffer or calls a
 * per-character callback; in both cases it *counts* every character, which
 * is what vsnprintf must return.  Integer-only arithmetic throughout: the
 * kernel is compiled with -mgeneral-regs-only.
 *
 * %p hashes as Linux's ptr_to_id: SipHash-2-4 (lib/siphash.cc) of the
 * address under ptr_key, a 128-bit secret the kernel draws at boot
 * (ptr_key_init), cut to its low 32 bits.  The key is written once, before
 * ptr_key_filled is set with release order; a reader that sees the flag
 * (acquire) sees the key.
 */
#include <lib/format.h>
#include <lib/siphash.h>

#include <limits>

namespace lib
{

format_symbol_fn format_symbol_hook = nullptr;
bool no_hash_pointers = false;

namespace
{
siphash_key_t ptr_key;
bool ptr_key_filled;

constexpr int int_max = std::numeric_limits<int>::max();
constexpr int int_min = std::numeric_limits<int>::min();

struct sink {
	char* buf = nullptr;
	size_t size = 0; // buffer capacity including the NUL
	format_out_fn out = nullptr;
	void* ctx = nullptr;
	size_t pos = 0; // characters produced so far (may exceed size)

	void put(char c)
	{
		if (out)
			out(c, ctx);
		else if (pos + 1 < size) // keep the last byte for the NUL
			buf[pos] = c;
		++pos;
	}
	void put_n(char c, long n)
	{
		for (; n > 0; --n)
			put(c);
	}
	void put_str(const char* s, size_t n)
	{
		for (size_t i = 0; i < n; ++i)
			put(s[i]);
	}
};

enum class length { none, hh, h, l, ll, z, t, j };

struct spec {
	bool left = false;  // '-'
	bool zero = false;  // '0'
	bool plus = false;  // '+'
	bool space = false; // ' '
	bool alt = false;   // '#'
	int width = 0;
	int prec = -1; // -1: not given
	length len = length::none;
};

constexpr int field_width_max = (1 << 23) - 1;
constexpr int precision_max = (1 << 15) - 1;

constexpr int clamp_add_digit(int v, char c)
{
	// Saturate rather than overflow on absurd widths like "%99999999999d".
	int d = c - '0';
	return v > (int_max - d) / 10 ? int_max : v * 10 + d;
}

void emit_string(sink& s, const char* str, size_t len, const spec& sp)
{
	long pad = sp.width > 0 && static_cast<size_t>(sp.width) > len ? static_cast<long>(sp.width - len) : 0;
	if (!sp.left)
		s.put_n(' ', pad);
	s.put_str(str, len);
	if (sp.left)
		s.put_n(' ', pad);
}

size_t bounded_strlen(const char* str, int prec)
{
	// With a precision, never read past it: "%.*s" is used on buffers that
	// are not NUL-terminated.
	size_t n = 0;
	while ((prec < 0 || n < static_cast<size_t>(prec)) && str[n])
		++n;
	return n;
}

void emit_number(sink& s, uint64_t mag, bool negative, bool is_signed, unsigned base, bool upper, spec sp)
{
	const char* digit_chars = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char digits[24]; // 64-bit octal needs 22
	int n = 0;
	// ISO C: zero with an explicit precision of 0 produces no digits.
	if (!(mag == 0 && sp.prec == 0)) {
		do {
			digits[n++] = digit_chars[mag % base];
			mag /= base;
		} while (mag);
	}
	bool nonzero = n > 0 && !(n == 1 && digits[0] == '0');

	// '#' with %o: force a leading zero by raising the precision.
	int prec = sp.prec;
	if (base == 8 && sp.alt && (n == 0 || digits[n - 1] != '0') && prec <= n)
		prec = n + 1;

	char prefix[2];
	int plen = 0;
	if (is_signed) {
		if (negative)
			prefix[plen++] = '-';
		else if (sp.plus)
			prefix[plen++] = '+';
		else if (sp.space)
			prefix[plen++] = ' ';
	} else if (base == 16 && sp.alt && nonzero) {
		prefix[plen++] = '0';
		prefix[plen++] = upper ? 'X' : 'x';
	}

	long zeros = prec > n ? prec - n : 0;
	long total = plen + zeros + n;
	// '0' pads with zeros after the sign/prefix, but is ignored with '-' or
	// when a precision is given (ISO C rules for integer conversions).
	if (sp.zero && !sp.left && sp.prec < 0 && sp.width > total) {
		zeros += sp.width - total;
		total = sp.width;
	}
	long pad = sp.width > total ? sp.width - total : 0;

	if (!sp.left)
		s.put_n(' ', pad);
	s.put_str(prefix, static_cast<size_t>(plen));
	s.put_n('0', zeros);
	while (n > 0)
		s.put(digits[--n]);
	if (sp.left)
		s.put_n(' ', pad);
}

// va_list travels by pointer: after va_arg in a callee, a by-value va_list
// in the caller would be indeterminate (ISO C 7.16).
int64_t fetch_signed(length len, va_list* ap)
{
	switch (len) {
	case length::hh:
		return static_cast<signed char>(va_arg(*ap, int));
	case length::h:
		return static_cast<short>(va_arg(*ap, int));
	case length::l:
		return va_arg(*ap, long);
	case length::ll:
		return va_arg(*ap, long long);
	case length::z:
		return va_arg(*ap, long); // ssize_t
	case length::t:
		return va_arg(*ap, ptrdiff_t);
	case length::j:
		return va_arg(*ap, intmax_t);
	case length::none:
		break;
	}
	return va_arg(*ap, int);
}

uint64_t fetch_unsigned(length len, va_list* ap)
{
	switch (len) {
	case length::hh:
		return static_cast<unsigned char>(va_arg(*ap, unsigned));
	case length::h:
		return static_cast<unsigned short>(va_arg(*ap, unsigned));
	case length::l:
		return va_arg(*ap, unsigned long);
	case length::ll:
		return va_arg(*ap, unsigned long long);
	case length::z:
		return va_arg(*ap, size_t);
	case length::t:
		return static_cast<uint64_t>(va_arg(*ap, ptrdiff_t));
	case length::j:
		return va_arg(*ap, uintmax_t);
	case length::none:
		break;
	}
	return va_arg(*ap, unsigned);
}

void emit_symbol(sink& s, uintptr_t addr, bool with_offset, const spec& sp)
{
	char tmp[128];
	int n = -1;
	if (format_symbol_hook)
		n = format_symbol_hook(tmp, sizeof(tmp), addr, with_offset);
	if (n < 0)
		n = lib::snprintf(tmp, sizeof(tmp), "0x%lx", static_cast<unsigned long>(addr));
	// Trust the hook's length only as far as the buffer reaches.
	size_t len = static_cast<size_t>(n) < sizeof(tmp) ? static_cast<size_t>(n) : sizeof(tmp) - 1;
	if (sp.prec >= 0 && len > static_cast<size_t>(sp.prec))
		len = static_cast<size_t>(sp.prec);
	emit_string(s, tmp, len, sp);
}

constexpr bool is_alnum(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Linux's pointer_string: lowercase hex, 16 digits zero-padded unless a
// width is given
void emit_pointer(sink& s, uintptr_t addr, spec sp)
{
	sp.alt = false;
	sp.plus = sp.space = false;
	if (sp.width == 0) {
		sp.width = 2 * sizeof(void*);
		sp.zero = true;
	}
	emit_number(s, addr, false, false, 16, false, sp);
}

// plain %p (Linux's ptr_to_id): NULL and error pointers (the top 4095
// values) are not addresses and print as they are; anything else as its
// hash, or "(____ptrval____)" until the key is drawn
void emit_hashed_pointer(sink& s, uintptr_t addr, spec sp)
{
	constexpr uintptr_t max_errno = 4095;
	if (addr == 0 || addr >= uintptr_t(0) - max_errno || no_hash_pointers) {
		emit_pointer(s, addr, sp);
		return;
	}
	if (!__atomic_load_n(&ptr_key_filled, __ATOMIC_ACQUIRE)) {
		sp.width = 2 * sizeof(void*);
		if (sp.prec < 0)
			sp.prec = 2 * sizeof(void*);
		const char* str = "(____ptrval____)";
		emit_string(s, str, bounded_strlen(str, sp.prec), sp);
		return;
	}
	uint64_t hashval = siphash_1u64(addr, &ptr_key) & 0xffffffffu;
	emit_pointer(s, uintptr_t(hashval), sp);
}

void do_format(sink& s, const char* fmt, va_list* ap)
{
	while (*fmt) {
		if (*fmt != '%') {
			s.put(*fmt++);
			continue;
		}
		const char* start = fmt++;
		spec sp;

		for (;; ++fmt) {
			switch (*fmt) {
			case '-':
				sp.left = true;
				continue;
			case '0':
				sp.zero = true;
				continue;
			case '+':
				sp.plus = true;
				continue;
			case ' ':
				sp.space = true;
				continue;
			case '#':
				sp.alt = true;
				continue;
			default:
				break;
			}
			break;
		}

		if (*fmt == '*') {
			++fmt;
			int w = va_arg(*ap, int);
			if (w < 0) {
				// ISO C: a negative '*' width means '-' plus its magnitude.
				sp.left = true;
				w = w == int_min ? int_max : -w;
			}
			sp.width = w;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				sp.width = clamp_add_digit(sp.width, *fmt++);
		}
		// Linux's FIELD_WIDTH_MAX: a kernel never pads a field by
		// gigabytes, and padding one char at a time would stall for seconds
		if (sp.width > field_width_max)
			sp.width = field_width_max;

		if (*fmt == '.') {
			++fmt;
			if (*fmt == '*') {
				++fmt;
				int p = va_arg(*ap, int);
				sp.prec = p < 0 ? -1 : p; // negative: as if omitted
			} else {
				sp.prec = 0;
				while (*fmt >= '0' && *fmt <= '9')
					sp.prec = clamp_add_digit(sp.prec, *fmt++);
			}
			if (sp.prec > precision_max) // Linux's PRECISION_MAX
				sp.prec = precision_max;
		}

		switch (*fmt) {
		case 'h':
			++fmt;
			if (*fmt == 'h') {
				++fmt;
				sp.len = length::hh;
			} else {
				sp.len = length::h;
			}
			break;
		case 'l':
			++fmt;
			if (*fmt == 'l') {
				++fmt;
				sp.len = length::ll;
			} else {
				sp.len = length::l;
			}
			break;
		case 'z':
			++fmt;
			sp.len = length::z;
			break;
		case 't':
			++fmt;
			sp.len = length::t;
			break;
		case 'j':
			++fmt;
			sp.len = length::j;
			break;
		default:
			break;
		}

		char conv = *fmt;
		if (conv == '\0') {
			// Truncated spec at the end of the string: show it verbatim.
			s.put_str(start, static_cast<size_t>(fmt - start));
			break;
		}
		++fmt;

		switch (conv) {
		case 'd':
		case 'i': {
			int64_t v = fetch_signed(sp.len, ap);
			bool neg = v < 0;
			// Negate in unsigned arithmetic so INT64_MIN does not overflow.
			uint64_t mag = neg ? 0 - static_cast<uint64_t>(v) : static_cast<uint64_t>(v);
			emit_number(s, mag, neg, true, 10, false, sp);
			break;
		}
		case 'u':
			emit_number(s, fetch_unsigned(sp.len, ap), false, false, 10, false, sp);
			break;
		case 'x':
		case 'X':
			emit_number(s, fetch_unsigned(sp.len, ap), false, false, 16, conv == 'X', sp);
			break;
		case 'o':
			emit_number(s, fetch_unsigned(sp.len, ap), false, false, 8, false, sp);
			break;
		case 'c': {
			char c = static_cast<char>(va_arg(*ap, int));
			sp.prec = -1;
			emit_string(s, &c, 1, sp);
			break;
		}
		case 's': {
			const char* str = va_arg(*ap, const char*);
			if (!str)
				str = "(null)";
			emit_string(s, str, bounded_strlen(str, sp.prec), sp);
			break;
		}
		case 'p': {
			uintptr_t addr = reinterpret_cast<uintptr_t>(va_arg(*ap, void*));
			if (*fmt == 'S' || *fmt == 's')
				emit_symbol(s, addr, *fmt == 'S', sp);
			else if (*fmt == 'x')
				emit_pointer(s, addr, sp);
			else
				emit_hashed_pointer(s, addr, sp);
			// as Linux: every letter and digit after %p belongs to it
			while (is_alnum(*fmt))
				++fmt;
			break;
		}
		case 'n':
			// Refused (see format.h), but keep later arguments aligned.
			(void)va_arg(*ap, void*);
			break;
		case '%':
			s.put('%');
			break;
		default:
			// Unknown or floating-point conversion: copy it literally and
			// consume nothing (we cannot know the argument's type).
			s.put_str(start, static_cast<size_t>(fmt - start));
			break;
		}
	}
}

int clamp_ret(size_t n)
{
	return n > int_max ? int_max : static_cast<int>(n);
}

} // namespace

void ptr_key_init(const siphash_key_t& key)
{
	if (__atomic_load_n(&ptr_key_filled, __ATOMIC_ACQUIRE))
		return; /* drawn once: hashes stay stable for the whole boot */
	ptr_key = key;
	__atomic_store_n(&ptr_key_filled, true, __ATOMIC_RELEASE);
}

void ptr_key_reset_for_test()
{
	__atomic_store_n(&ptr_key_filled, false, __ATOMIC_RELEASE);
}

int vsnprintf(char* buf, size_t size, const char* fmt, va_list ap)
{
	sink s;
	s.buf = buf;
	s.size = size;
	va_list args;
	va_copy(args, ap);
	do_format(s, fmt, &args);
	va_end(args);
	if (size > 0)
		buf[s.pos < size ? s.pos : size - 1] = '\0';
	return clamp_ret(s.pos);
}

int snprintf(char* buf, size_t size, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vscnprintf(char* buf, size_t size, const char* fmt, va_list ap)
{
	int n = vsnprintf(buf, size, fmt, ap);
	if (size == 0)
		return 0;
	return static_cast<size_t>(n) < size ? n : static_cast<int>(size - 1);
}

int scnprintf(char* buf, size_t size, const char* fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = vscnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int vcbprintf(format_out_fn out, void* ctx, const char* fmt, va_list ap)
{
	sink s;
	s.out = out;
	s.ctx = ctx;
	va_list args;
	va_copy(args, ap);
	do_format(s, fmt, &args);
	va_end(args);
	return clamp_ret(s.pos);
}

} // namespace lib

#if !__STDC_HOSTED__
/* the kernel's side: the boot parameter and the key (not in host builds) */
#include <kernel/params.h>
#include <kernel/printk.h>
#include <kernel/random.h>

static lib::Result<void> no_hash_pointers_enable(std::string_view)
{
	if (lib::no_hash_pointers)
		return lib::ok();
	lib::no_hash_pointers = true;
	pr_warn("no_hash_pointers: %%p prints raw kernel addresses on the console and in the log;\n");
	pr_warn("no_hash_pointers: they reveal the kernel's layout, which KASLR hides. Debugging only.\n");
	return lib::ok();
}
early_param("no_hash_pointers", no_hash_pointers_enable);

/* from the CRNG, seeded by then (random_init in start_kernel), as Linux's
 * fill_ptr_key waits for it */
void vsprintf_init_hashval()
{
	lib::siphash_key_t key{{get_random_u64(), get_random_u64()}};
	lib::ptr_key_init(key);
}
#endif
