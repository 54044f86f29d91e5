/*
 * gzip and DEFLATE decompression (Linux: lib/zlib_inflate/inflate.c,
 * inftrees.c, lib/decompress_inflate.c; the formats are RFC 1951 and RFC
 * 1952).  The interface and its contract are in <lib/inflate.h>.
 *
 * Shape: the whole compressed member is in memory (the initramfs is), so
 * the decoder is one pass over in[] with no input state machine; only the
 * output streams, through a 32 KiB circular window that is handed to the
 * caller's flush each time it fills, and once more at the end.
 *
 * Data structures:
 *   - bitreader: a 64-bit buffer of not yet consumed input bits, least
 *     significant first (DEFLATE's bit order).  Invariant: pos <= len;
 *     bits of buf at and above cnt are either 0 or the true bits of
 *     in[pos...] (the 8-byte refill loads ahead and counts only whole
 *     bytes), so a look-up that turns out to need more than cnt bits is
 *     "input ended", never a read past in[len).
 *   - huffman: a canonical prefix code.  count[l] codes of each length l,
 *     symbol[] the symbols ordered by code; fast[] a 2^FAST_BITS table
 *     indexed by the next FAST_BITS input bits giving (length << 9 |
 *     symbol) for every code of at most FAST_BITS bits, 0 where the code
 *     is longer (or absent), which the bit-by-bit canonical decode then
 *     resolves.  Invariant after build(): no length is over-subscribed;
 *     the code is complete, or (literal/length and distance codes only,
 *     as zlib allows) has at most one code of length 1.
 *   - the window: wpos bytes of the current 32 KiB lap are written;
 *     flushed + wpos bytes of output exist, and a distance d is valid iff
 *     d <= flushed + wpos (d <= 32768 by construction).  Copies index the
 *     window modulo 32 KiB, so no access leaves it.
 *
 * Errors carry an errno and a fixed message (<lib/inflate.h>); on the
 * first error decoding stops and nothing else is flushed.
 *
 * Locks: none; all state is in the workspace and on the stack.
 */
#include <lib/crc32.h>
#include <lib/inflate.h>
#include <lib/string.h>
#include <uapi/asm-generic/errno-base.h>

const char GUNZIP_ERR_MAGIC[] = "not a gzip file (bad magic)";
const char GUNZIP_ERR_METHOD[] = "unknown compression method";
const char GUNZIP_ERR_FLAGS[] = "unknown header flags set";
const char GUNZIP_ERR_TRUNCATED[] = "unexpected end of input (truncated)";
const char GUNZIP_ERR_HCRC[] = "header crc mismatch";
const char GUNZIP_ERR_BLOCK_TYPE[] = "invalid block type";
const char GUNZIP_ERR_STORED_LEN[] = "invalid stored block lengths";
const char GUNZIP_ERR_TOO_MANY_SYMS[] = "too many length or distance symbols";
const char GUNZIP_ERR_CODE_LENGTHS[] = "invalid code lengths set";
const char GUNZIP_ERR_LENGTH_REPEAT[] = "invalid bit length repeat";
const char GUNZIP_ERR_NO_END_OF_BLOCK[] = "invalid code -- missing end-of-block";
const char GUNZIP_ERR_LITLEN_SET[] = "invalid literal/lengths set";
const char GUNZIP_ERR_DIST_SET[] = "invalid distances set";
const char GUNZIP_ERR_LITLEN_CODE[] = "invalid literal/length code";
const char GUNZIP_ERR_DIST_CODE[] = "invalid distance code";
const char GUNZIP_ERR_TOO_FAR[] = "invalid distance too far back";
const char GUNZIP_ERR_CRC[] = "incorrect data check (crc32 mismatch)";
const char GUNZIP_ERR_ISIZE[] = "incorrect length check (isize mismatch)";
const char GUNZIP_ERR_NOMEM[] = "out of memory for the window";
const char GUNZIP_ERR_WRITE[] = "write error";

namespace
{
constexpr unsigned WSIZE = 32768; /* the DEFLATE window, and the flush unit */
constexpr unsigned MAXBITS = 15;  /* longest code */
constexpr unsigned FAST_BITS = 10;
constexpr unsigned MAXLCODES = 288; /* literal/length symbols, 286 usable */
constexpr unsigned MAXDCODES = 32;  /* distance symbols, 30 usable */

/* gzip header (RFC 1952 2.3.1) */
constexpr uint8_t ID1 = 0x1f, ID2 = 0x8b, CM_DEFLATE = 8;
constexpr uint8_t FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16, FRESERVED = 0xe0;

/* RFC 1951 3.2.5: lengths 3..258 for symbols 257..285, distances 1..32768 */
constexpr uint16_t len_base[29] = {3,  4,  5,  6,  7,  8,  9,  10, 11,  13,  15,  17,  19,  23, 27,
                                   31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr uint8_t len_extra[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                   2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr uint16_t dist_base[30] = {1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
                                    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr uint8_t dist_extra[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6,
                                    6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
/* RFC 1951 3.2.7: the order the code-length code's lengths are sent in */
constexpr uint8_t clen_order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};

struct huffman {
	uint16_t fast[1u << FAST_BITS];
	uint16_t count[MAXBITS + 1];
	uint16_t symbol[MAXLCODES];
	unsigned maxlen; /* longest code present; 0 for an empty code */
};

/* one decoding failure: the errno and the reason */
struct inflate_error {
	int err;
	const char* msg;
};
constexpr inflate_error io(const char* msg) { return {EIO, msg}; }
} // namespace

struct inflate_workspace {
	uint8_t window[WSIZE];
	struct huffman lencode, distcode;
	struct huffman fixed_len, fixed_dist; /* RFC 1951 3.2.6, built on first use */
	bool fixed_built;
	uint8_t lens[MAXLCODES + MAXDCODES];
};

namespace
{
enum class code_kind { CODES, LENS, DISTS };

/* Build h from lens[0, n); 0 or the message for a bad set (see the header
 * comment for what is accepted). */
const char* build(huffman* h, const uint8_t* lens, unsigned n, code_kind kind)
{
	lib::memset(h->count, 0, sizeof(h->count));
	for (unsigned s = 0; s < n; s++)
		h->count[lens[s]]++;
	h->count[0] = 0;
	h->maxlen = 0;
	for (unsigned l = 1; l <= MAXBITS; l++)
		if (h->count[l])
			h->maxlen = l;

	const char* bad = kind == code_kind::CODES  ? GUNZIP_ERR_CODE_LENGTHS
	                  : kind == code_kind::LENS ? GUNZIP_ERR_LITLEN_SET
	                                            : GUNZIP_ERR_DIST_SET;
	int left = 1; /* codes of the current length still free */
	for (unsigned l = 1; l <= MAXBITS; l++) {
		left <<= 1;
		left -= h->count[l];
		if (left < 0)
			return bad; /* over-subscribed */
	}
	if (left > 0 && (kind == code_kind::CODES || h->maxlen > 1))
		return bad; /* incomplete: only a lone one-bit code (or none) may be */

	/* symbols in canonical order, then the fast table */
	uint16_t offs[MAXBITS + 2];
	offs[1] = 0;
	for (unsigned l = 1; l <= MAXBITS; l++)
		offs[l + 1] = uint16_t(offs[l] + h->count[l]);
	for (unsigned s = 0; s < n; s++)
		if (lens[s])
			h->symbol[offs[lens[s]]++] = uint16_t(s);

	lib::memset(h->fast, 0, sizeof(h->fast));
	unsigned code = 0, idx = 0;
	for (unsigned l = 1; l <= MAXBITS && l <= FAST_BITS; l++) {
		for (unsigned i = 0; i < h->count[l]; i++, code++, idx++) {
			/* codes are sent most significant bit first: reverse */
			unsigned rev = 0;
			for (unsigned b = 0; b < l; b++)
				rev |= ((code >> b) & 1) << (l - 1 - b);
			for (unsigned j = rev; j < (1u << FAST_BITS); j += 1u << l)
				h->fast[j] = uint16_t(l << 9 | h->symbol[idx]);
		}
		code <<= 1;
	}
	return nullptr;
}

struct inflater {
	const uint8_t* in;
	size_t len;
	size_t pos = 0;
	uint64_t buf = 0;
	unsigned cnt = 0;

	inflate_workspace* ws;
	gunzip_flush_t flush_fn;
	void* ctx;
	unsigned wpos = 0;
	uint64_t flushed = 0; /* output handed to flush so far */
	uint32_t crc = ~0u;
	inflate_error error{0, nullptr};

	bool fail(inflate_error e)
	{
		error = e;
		return false;
	}

	void refill()
	{
		if (cnt > 56)
			return;
		if (len - pos >= 8) {
			uint64_t w;
			__builtin_memcpy(&w, in + pos, 8); /* x86: little-endian, unaligned ok */
			buf |= w << cnt;
			unsigned n = (63 - cnt) >> 3;
			pos += n;
			cnt += n * 8;
			return;
		}
		while (cnt <= 56 && pos < len) {
			buf |= uint64_t(in[pos++]) << cnt;
			cnt += 8;
		}
	}

	/* n <= 32 bits, false (truncated) if the input has fewer left */
	bool bits(unsigned n, unsigned* v)
	{
		if (cnt < n) {
			refill();
			if (cnt < n)
				return fail(io(GUNZIP_ERR_TRUNCATED));
		}
		*v = unsigned(buf & ((uint64_t(1) << n) - 1));
		buf >>= n;
		cnt -= n;
		return true;
	}

	/* the next symbol of h; bad_code names an absent code */
	bool decode(const huffman* h, unsigned* sym, const char* bad_code)
	{
		if (cnt < MAXBITS)
			refill();
		unsigned e = h->fast[buf & ((1u << FAST_BITS) - 1)];
		if (e) {
			unsigned l = e >> 9;
			if (l > cnt)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			buf >>= l;
			cnt -= l;
			*sym = e & 0x1ff;
			return true;
		}
		/* longer than FAST_BITS, or no such code: canonical decode */
		int code = 0, first = 0, index = 0;
		for (unsigned l = 1; l <= h->maxlen; l++) {
			if (l > cnt)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			code |= int((buf >> (l - 1)) & 1);
			int count = h->count[l];
			if (code - count < first) {
				buf >>= l;
				cnt -= l;
				*sym = h->symbol[index + (code - first)];
				return true;
			}
			index += count;
			first += count;
			first <<= 1;
			code <<= 1;
		}
		return fail(io(bad_code));
	}

	bool flush_window()
	{
		if (!wpos)
			return true;
		crc = crc32_le(crc, ws->window, wpos);
		auto r = flush_fn(ctx, ws->window, wpos);
		if (r.is_err())
			return fail({r.error(), GUNZIP_ERR_WRITE});
		flushed += wpos;
		wpos = 0;
		return true;
	}

	bool put(uint8_t b)
	{
		ws->window[wpos++] = b;
		return wpos < WSIZE || flush_window();
	}

	bool copy(unsigned dist, unsigned n)
	{
		if (dist > flushed + wpos)
			return fail(io(GUNZIP_ERR_TOO_FAR));
		uint8_t* w = ws->window;
		while (n) {
			unsigned src = (wpos - dist) & (WSIZE - 1);
			unsigned k = n;
			if (k > WSIZE - wpos)
				k = WSIZE - wpos;
			if (k > WSIZE - src)
				k = WSIZE - src;
			/* forward, byte by byte: an overlapping copy (dist < n)
			 * repeats the last dist bytes, as DEFLATE means */
			for (unsigned i = 0; i < k; i++)
				w[wpos + i] = w[src + i];
			wpos += k;
			n -= k;
			if (wpos == WSIZE && !flush_window())
				return false;
		}
		return true;
	}

	/* the unread input starts at a byte boundary here */
	void align_and_rewind()
	{
		buf >>= cnt & 7;
		cnt -= cnt & 7;
		pos -= cnt / 8;
		buf = 0;
		cnt = 0;
	}

	bool stored()
	{
		align_and_rewind();
		if (len - pos < 4)
			return fail(io(GUNZIP_ERR_TRUNCATED));
		unsigned n = in[pos] | in[pos + 1] << 8;
		unsigned nn = in[pos + 2] | in[pos + 3] << 8;
		pos += 4;
		if (n != (~nn & 0xffff))
			return fail(io(GUNZIP_ERR_STORED_LEN));
		if (len - pos < n)
			return fail(io(GUNZIP_ERR_TRUNCATED));
		while (n) {
			unsigned k = n < WSIZE - wpos ? n : WSIZE - wpos;
			lib::memcpy(ws->window + wpos, in + pos, k);
			wpos += k;
			pos += k;
			n -= k;
			if (wpos == WSIZE && !flush_window())
				return false;
		}
		return true;
	}

	bool codes(const huffman* lc, const huffman* dc)
	{
		for (;;) {
			unsigned sym;
			if (!decode(lc, &sym, GUNZIP_ERR_LITLEN_CODE))
				return false;
			if (sym < 256) {
				if (!put(uint8_t(sym)))
					return false;
				continue;
			}
			if (sym == 256)
				return true;
			sym -= 257;
			if (sym >= 29)
				return fail(io(GUNZIP_ERR_LITLEN_CODE));
			unsigned extra, n, dsym, dextra;
			if (!bits(len_extra[sym], &extra))
				return false;
			n = len_base[sym] + extra;
			if (!decode(dc, &dsym, GUNZIP_ERR_DIST_CODE))
				return false;
			if (dsym >= 30)
				return fail(io(GUNZIP_ERR_DIST_CODE));
			if (!bits(dist_extra[dsym], &dextra))
				return false;
			if (!copy(dist_base[dsym] + dextra, n))
				return false;
		}
	}

	bool fixed()
	{
		if (!ws->fixed_built) {
			uint8_t* l = ws->lens;
			unsigned s = 0;
			for (; s < 144; s++)
				l[s] = 8;
			for (; s < 256; s++)
				l[s] = 9;
			for (; s < 280; s++)
				l[s] = 7;
			for (; s < 288; s++)
				l[s] = 8;
			/* both are complete codes (distance symbols 30 and 31 have
			 * codes but are invalid, as 286 and 287 are): build cannot fail */
			const char* m = build(&ws->fixed_len, l, 288, code_kind::LENS);
			LIB_ASSERT(!m);
			for (s = 0; s < 32; s++)
				l[s] = 5;
			m = build(&ws->fixed_dist, l, 32, code_kind::DISTS);
			LIB_ASSERT(!m);
			ws->fixed_built = true;
		}
		return codes(&ws->fixed_len, &ws->fixed_dist);
	}

	bool dynamic()
	{
		unsigned nlen, ndist, ncode;
		if (!bits(5, &nlen) || !bits(5, &ndist) || !bits(4, &ncode))
			return false;
		nlen += 257;
		ndist += 1;
		ncode += 4;
		if (nlen > 286 || ndist > 30)
			return fail(io(GUNZIP_ERR_TOO_MANY_SYMS));

		uint8_t* lens = ws->lens;
		lib::memset(lens, 0, 19);
		for (unsigned i = 0; i < ncode; i++) {
			unsigned v;
			if (!bits(3, &v))
				return false;
			lens[clen_order[i]] = uint8_t(v);
		}
		if (const char* m = build(&ws->lencode, lens, 19, code_kind::CODES))
			return fail(io(m));

		for (unsigned i = 0; i < nlen + ndist;) {
			unsigned sym, rep, v;
			uint8_t val = 0;
			if (!decode(&ws->lencode, &sym, GUNZIP_ERR_CODE_LENGTHS))
				return false;
			if (sym < 16) {
				lens[i++] = uint8_t(sym);
				continue;
			}
			if (sym == 16) {
				if (i == 0)
					return fail(io(GUNZIP_ERR_LENGTH_REPEAT));
				val = lens[i - 1];
				if (!bits(2, &v))
					return false;
				rep = 3 + v;
			} else if (sym == 17) {
				if (!bits(3, &v))
					return false;
				rep = 3 + v;
			} else {
				if (!bits(7, &v))
					return false;
				rep = 11 + v;
			}
			if (i + rep > nlen + ndist)
				return fail(io(GUNZIP_ERR_LENGTH_REPEAT));
			while (rep--)
				lens[i++] = val;
		}
		if (lens[256] == 0)
			return fail(io(GUNZIP_ERR_NO_END_OF_BLOCK));
		if (const char* m = build(&ws->lencode, lens, nlen, code_kind::LENS))
			return fail(io(m));
		if (const char* m = build(&ws->distcode, lens + nlen, ndist, code_kind::DISTS))
			return fail(io(m));
		return codes(&ws->lencode, &ws->distcode);
	}

	/* RFC 1951 3.2.3: blocks until the one with BFINAL */
	bool deflate_blocks()
	{
		unsigned last;
		do {
			unsigned type;
			if (!bits(1, &last) || !bits(2, &type))
				return false;
			bool ok = type == 0   ? stored()
			          : type == 1 ? fixed()
			          : type == 2 ? dynamic()
			                      : fail(io(GUNZIP_ERR_BLOCK_TYPE));
			if (!ok)
				return false;
		} while (!last);
		return flush_window();
	}

	/* RFC 1952 2.3: the member header; pos ends at the first deflate byte */
	bool header()
	{
		if ((len > 0 && in[0] != ID1) || (len > 1 && in[1] != ID2))
			return fail({EINVAL, GUNZIP_ERR_MAGIC});
		if (len < 10)
			return fail(io(GUNZIP_ERR_TRUNCATED));
		if (in[2] != CM_DEFLATE)
			return fail({EINVAL, GUNZIP_ERR_METHOD});
		uint8_t flg = in[3];
		if (flg & FRESERVED)
			return fail({EINVAL, GUNZIP_ERR_FLAGS});
		pos = 10; /* ID1 ID2 CM FLG MTIME(4) XFL OS */
		if (flg & FEXTRA) {
			if (len - pos < 2)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			size_t xlen = in[pos] | in[pos + 1] << 8;
			pos += 2;
			if (len - pos < xlen)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			pos += xlen;
		}
		for (uint8_t f : {FNAME, FCOMMENT}) {
			if (!(flg & f))
				continue;
			while (pos < len && in[pos])
				pos++;
			if (pos == len)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			pos++; /* the terminating zero */
		}
		if (flg & FHCRC) {
			if (len - pos < 2)
				return fail(io(GUNZIP_ERR_TRUNCATED));
			uint32_t want = in[pos] | in[pos + 1] << 8;
			if ((crc32_ieee(in, pos) & 0xffff) != want)
				return fail(io(GUNZIP_ERR_HCRC));
			pos += 2;
		}
		(void)FTEXT; /* a hint about the content: nothing to do */
		return true;
	}

	/* RFC 1952 2.3.1: CRC32 and ISIZE, little-endian */
	bool trailer()
	{
		align_and_rewind();
		if (len - pos < 8)
			return fail(io(GUNZIP_ERR_TRUNCATED));
		const uint8_t* t = in + pos;
		uint32_t want_crc = uint32_t(t[0]) | uint32_t(t[1]) << 8 | uint32_t(t[2]) << 16 | uint32_t(t[3]) << 24;
		uint32_t want_len = uint32_t(t[4]) | uint32_t(t[5]) << 8 | uint32_t(t[6]) << 16 | uint32_t(t[7]) << 24;
		pos += 8;
		if (~crc != want_crc)
			return fail(io(GUNZIP_ERR_CRC));
		if (uint32_t(flushed) != want_len)
			return fail(io(GUNZIP_ERR_ISIZE));
		return true;
	}
};
} // namespace

lib::Result<size_t> __gunzip(const uint8_t* in, size_t in_len, gunzip_flush_t flush, void* ctx,
                             struct inflate_workspace* ws, const char** msg)
{
	inflater z{.in = in, .len = in_len, .ws = ws, .flush_fn = flush, .ctx = ctx};
	if (z.header() && z.deflate_blocks() && z.trailer())
		return z.pos;
	if (msg)
		*msg = z.error.msg;
	return lib::Error{z.error.err};
}

#if __STDC_HOSTED__
#include <cstdlib>
struct inflate_workspace* inflate_workspace_alloc()
{
	auto* ws = static_cast<inflate_workspace*>(malloc(sizeof(inflate_workspace)));
	if (ws)
		ws->fixed_built = false;
	return ws;
}
void inflate_workspace_free(struct inflate_workspace* ws) { free(ws); }
#else
#include <mm/vmalloc.h>
/* ~37 KiB, past kmalloc's caches: vmalloc, as Linux's decompress_inflate */
struct inflate_workspace* inflate_workspace_alloc()
{
	auto* ws = static_cast<inflate_workspace*>(vmalloc(sizeof(inflate_workspace)));
	if (ws)
		ws->fixed_built = false;
	return ws;
}
void inflate_workspace_free(struct inflate_workspace* ws) { vfree(ws); }
#endif
