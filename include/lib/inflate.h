/*
 * inflate.h - the gzip (RFC 1952) and DEFLATE (RFC 1951) decompressor
 * (Linux: lib/zlib_inflate/, lib/decompress_inflate.c, whose gunzip() the
 * initramfs unpacker calls through decompress_method()).
 *
 *     const char* msg = nullptr;
 *     auto r = gunzip(buf, len, [&](const uint8_t* out, size_t n) -> lib::Result<void> {
 *             return write_buffer(out, n);          // cpio parser, a file...
 *     }, &msg);
 *     if (r.is_err())
 *             pr_err("Initramfs unpacking failed: %s\n", msg);
 *     else
 *             next_member = buf + r.value();        // concatenated members, junk
 *
 * gunzip decodes ONE gzip member at the start of in[0, in_len): the
 * header (FTEXT, FHCRC, FEXTRA, FNAME, FCOMMENT), the DEFLATE blocks
 * (stored, fixed and dynamic Huffman), the trailer (CRC32 and ISIZE, both
 * checked).  It hands the output to flush in successive chunks of at most
 * 32 KiB (the window) and returns how many input bytes the member took,
 * so the caller decides what follows it (another member, zero padding,
 * junk), as Linux's initramfs does.  A flush that fails stops the
 * decompression and its error is returned as is.
 *
 * Failure: Result's errno, and *msg (when msg is given) names the reason
 * with one of the fixed strings below (static storage, never freed):
 *   EINVAL  not gzip, or gzip this decoder does not take: GUNZIP_ERR_MAGIC,
 *           _METHOD, _FLAGS
 *   EIO     a corrupt or short stream: _TRUNCATED, _HCRC, _BLOCK_TYPE,
 *           _STORED_LEN, _TOO_MANY_SYMS, _CODE_LENGTHS, _LENGTH_REPEAT,
 *           _NO_END_OF_BLOCK, _LITLEN_SET, _DIST_SET, _LITLEN_CODE,
 *           _DIST_CODE, _TOO_FAR, _CRC, _ISIZE
 *   ENOMEM  GUNZIP_ERR_NOMEM: the 32 KiB window could not be allocated
 *   other   GUNZIP_ERR_WRITE: flush failed with that errno
 *
 * Safety: every input byte is read through a bounds check against in_len
 * and every window access is masked or checked, whatever the input (the
 * decoder is fuzzed: tests/fuzz/fuzz_inflate.cc).  Output per member is
 * bounded by DEFLATE itself (at most 258 bytes per 2 input bits).
 *
 * Memory: the core, __gunzip(), takes its workspace (window and Huffman
 * tables, sizeof(inflate_workspace) ~ 37 KiB) as a parameter; gunzip()
 * allocates one with inflate_workspace_alloc() (vmalloc in the kernel,
 * malloc on the host) and frees it.  No global state: callable from any
 * task context, concurrently.
 */
#pragma once
#include <cstddef>
#include <cstdint>
#include <lib/result.h>
#include <type_traits>
#include <uapi/asm-generic/errno-base.h>

/* the reasons gunzip reports (see above) */
extern const char GUNZIP_ERR_MAGIC[];        /* EINVAL: not 1f 8b */
extern const char GUNZIP_ERR_METHOD[];       /* EINVAL: CM is not 8 (deflate) */
extern const char GUNZIP_ERR_FLAGS[];        /* EINVAL: reserved FLG bits set */
extern const char GUNZIP_ERR_TRUNCATED[];    /* EIO: input ended inside the member */
extern const char GUNZIP_ERR_HCRC[];         /* EIO: FHCRC does not match the header */
extern const char GUNZIP_ERR_BLOCK_TYPE[];   /* EIO: BTYPE 3 */
extern const char GUNZIP_ERR_STORED_LEN[];   /* EIO: LEN != ~NLEN */
extern const char GUNZIP_ERR_TOO_MANY_SYMS[]; /* EIO: HLIT > 286 or HDIST > 30 */
extern const char GUNZIP_ERR_CODE_LENGTHS[]; /* EIO: code-length code not a complete code */
extern const char GUNZIP_ERR_LENGTH_REPEAT[]; /* EIO: repeat with nothing before, or past the end */
extern const char GUNZIP_ERR_NO_END_OF_BLOCK[]; /* EIO: symbol 256 has no code */
extern const char GUNZIP_ERR_LITLEN_SET[];   /* EIO: literal/length code over-subscribed or incomplete */
extern const char GUNZIP_ERR_DIST_SET[];     /* EIO: distance code over-subscribed or incomplete */
extern const char GUNZIP_ERR_LITLEN_CODE[];  /* EIO: no such literal/length symbol (286, 287, none) */
extern const char GUNZIP_ERR_DIST_CODE[];    /* EIO: no such distance symbol (30, 31, none) */
extern const char GUNZIP_ERR_TOO_FAR[];      /* EIO: a distance before the start of the output */
extern const char GUNZIP_ERR_CRC[];          /* EIO: the trailer's CRC32 is not the output's */
extern const char GUNZIP_ERR_ISIZE[];        /* EIO: the trailer's ISIZE is not the output's length */
extern const char GUNZIP_ERR_NOMEM[];        /* ENOMEM */
extern const char GUNZIP_ERR_WRITE[];        /* flush failed: its errno */

/* the decoder's memory: the 32 KiB window and the Huffman tables */
struct inflate_workspace;
struct inflate_workspace* inflate_workspace_alloc();
void inflate_workspace_free(struct inflate_workspace* ws);

/* receives each output chunk; a failure stops the decompression */
using gunzip_flush_t = lib::Result<void> (*)(void* ctx, const uint8_t* out, size_t len);

/* The core: one gzip member with the caller's workspace.  msg may be NULL. */
lib::Result<size_t> __gunzip(const uint8_t* in, size_t in_len, gunzip_flush_t flush, void* ctx,
                             struct inflate_workspace* ws, const char** msg);

/* One gzip member, allocating the workspace; flush is any callable
 * lib::Result<void>(const uint8_t* out, size_t len).  msg may be NULL. */
template <class Sink>
lib::Result<size_t> gunzip(const uint8_t* in, size_t in_len, Sink&& flush, const char** msg = nullptr)
{
	using S = std::remove_cvref_t<Sink>;
	struct inflate_workspace* ws = inflate_workspace_alloc();
	if (!ws) {
		if (msg)
			*msg = GUNZIP_ERR_NOMEM;
		return lib::Error{ENOMEM};
	}
	auto r = __gunzip(
	    in, in_len,
	    [](void* ctx, const uint8_t* out, size_t len) -> lib::Result<void> {
		    return (*static_cast<S*>(ctx))(out, len);
	    },
	    const_cast<S*>(&flush), ws, msg);
	inflate_workspace_free(ws);
	return r;
}
