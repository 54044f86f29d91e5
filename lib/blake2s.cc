/*
 * BLAKE2s (Linux: lib/crypto/blake2s.c and blake2s-generic.c; RFC 7693).
 *
 * Ten rounds of the G mixing function over a 16-word working vector made
 * of the chaining value h, the IV, the byte counter t and the final-block
 * flag f; the message words are taken in the order of the sigma table.
 * blake2s_update keeps the last block (even a full one) in buf, because
 * only the final block is compressed with f[0] set.  Invariant: buflen is
 * 1..64 after an update with data, 0 only before any.
 * Locks: none; the caller owns the state.
 */
#include <lib/blake2s.h>
#include <lib/string.h>

namespace
{
constexpr uint32_t blake2s_iv[8] = {0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A,
                                    0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19};

constexpr uint8_t blake2s_sigma[10][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15}, {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4}, {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13}, {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11}, {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5}, {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
};

constexpr uint32_t ror32(uint32_t x, int b) { return (x >> b) | (x << (32 - b)); }

void compress(struct blake2s_state* s, const uint8_t* block, uint32_t inc)
{
	uint32_t m[16], v[16];
	s->t[0] += inc;
	s->t[1] += s->t[0] < inc;
	for (int i = 0; i < 16; i++)
		m[i] = uint32_t(block[4 * i]) | uint32_t(block[4 * i + 1]) << 8 | uint32_t(block[4 * i + 2]) << 16 |
		       uint32_t(block[4 * i + 3]) << 24;
	for (int i = 0; i < 8; i++) {
		v[i] = s->h[i];
		v[i + 8] = blake2s_iv[i];
	}
	v[12] ^= s->t[0];
	v[13] ^= s->t[1];
	v[14] ^= s->f[0];
	v[15] ^= s->f[1];
	auto g = [&](int r, int i, int a, int b, int c, int d) {
		v[a] = v[a] + v[b] + m[blake2s_sigma[r][2 * i]];
		v[d] = ror32(v[d] ^ v[a], 16);
		v[c] = v[c] + v[d];
		v[b] = ror32(v[b] ^ v[c], 12);
		v[a] = v[a] + v[b] + m[blake2s_sigma[r][2 * i + 1]];
		v[d] = ror32(v[d] ^ v[a], 8);
		v[c] = v[c] + v[d];
		v[b] = ror32(v[b] ^ v[c], 7);
	};
	for (int r = 0; r < 10; r++) {
		g(r, 0, 0, 4, 8, 12);
		g(r, 1, 1, 5, 9, 13);
		g(r, 2, 2, 6, 10, 14);
		g(r, 3, 3, 7, 11, 15);
		g(r, 4, 0, 5, 10, 15);
		g(r, 5, 1, 6, 11, 12);
		g(r, 6, 2, 7, 8, 13);
		g(r, 7, 3, 4, 9, 14);
	}
	for (int i = 0; i < 8; i++)
		s->h[i] ^= v[i] ^ v[i + 8];
	lib::memset(m, 0, sizeof(m));
	lib::memset(v, 0, sizeof(v));
}
} // namespace

void blake2s_init_key(struct blake2s_state* s, size_t outlen, const void* key, size_t keylen)
{
	lib::memset(s, 0, sizeof(*s));
	for (int i = 0; i < 8; i++)
		s->h[i] = blake2s_iv[i];
	/* the parameter block: digest length, key length, fanout 1, depth 1 */
	s->h[0] ^= 0x01010000 | uint32_t(keylen) << 8 | uint32_t(outlen);
	s->outlen = unsigned(outlen);
	if (keylen) {
		/* the key, zero-padded, is the first block */
		lib::memcpy(s->buf, key, keylen);
		s->buflen = BLAKE2S_BLOCK_SIZE;
	}
}

void blake2s_init(struct blake2s_state* s, size_t outlen) { blake2s_init_key(s, outlen, nullptr, 0); }

void blake2s_update(struct blake2s_state* s, const void* in_, size_t inlen)
{
	const uint8_t* in = static_cast<const uint8_t*>(in_);
	if (!inlen)
		return;
	size_t fill = BLAKE2S_BLOCK_SIZE - s->buflen;
	if (inlen > fill) {
		/* complete and compress the buffered block: more follows it */
		lib::memcpy(s->buf + s->buflen, in, fill);
		compress(s, s->buf, BLAKE2S_BLOCK_SIZE);
		s->buflen = 0;
		in += fill;
		inlen -= fill;
		while (inlen > BLAKE2S_BLOCK_SIZE) {
			compress(s, in, BLAKE2S_BLOCK_SIZE);
			in += BLAKE2S_BLOCK_SIZE;
			inlen -= BLAKE2S_BLOCK_SIZE;
		}
	}
	lib::memcpy(s->buf + s->buflen, in, inlen);
	s->buflen += unsigned(inlen);
}

void blake2s_final(struct blake2s_state* s, uint8_t* out)
{
	s->f[0] = ~0u; /* the last block */
	lib::memset(s->buf + s->buflen, 0, BLAKE2S_BLOCK_SIZE - s->buflen);
	compress(s, s->buf, s->buflen);
	uint8_t full[BLAKE2S_HASH_SIZE];
	for (int i = 0; i < 8; i++)
		for (int b = 0; b < 4; b++)
			full[4 * i + b] = uint8_t(s->h[i] >> (8 * b));
	lib::memcpy(out, full, s->outlen);
	lib::memset(full, 0, sizeof(full));
	lib::memset(s, 0, sizeof(*s));
}

void blake2s(uint8_t* out, const void* in, const void* key, size_t outlen, size_t inlen, size_t keylen)
{
	struct blake2s_state s;
	blake2s_init_key(&s, outlen, key, keylen);
	blake2s_update(&s, in, inlen);
	blake2s_final(&s, out);
}
