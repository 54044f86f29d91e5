/*
 * The ChaCha20 block function (Linux: lib/crypto/chacha.c chacha_permute
 * and chacha_block_generic; RFC 8439 section 2.3).
 *
 * Ten double rounds (a column round and a diagonal round, four quarter
 * rounds each) over a copy of the state, the state added back, the
 * result serialized as sixteen little-endian words.  The CRNG
 * (drivers/char/random.cc) is its user.  Stateless beyond the caller's
 * state array; callers wipe their copies of key material.
 */
#include <lib/chacha.h>

namespace
{
constexpr uint32_t rol32(uint32_t x, int b) { return (x << b) | (x >> (32 - b)); }

inline void quarter_round(uint32_t* x, int a, int b, int c, int d)
{
	x[a] += x[b];
	x[d] = rol32(x[d] ^ x[a], 16);
	x[c] += x[d];
	x[b] = rol32(x[b] ^ x[c], 12);
	x[a] += x[b];
	x[d] = rol32(x[d] ^ x[a], 8);
	x[c] += x[d];
	x[b] = rol32(x[b] ^ x[c], 7);
}

inline uint32_t get_le32(const uint8_t* p)
{
	return uint32_t(p[0]) | uint32_t(p[1]) << 8 | uint32_t(p[2]) << 16 | uint32_t(p[3]) << 24;
}
} // namespace

void chacha_init(uint32_t* state, const uint8_t key[CHACHA_KEY_SIZE], const uint32_t iv[4])
{
	chacha_init_consts(state);
	for (int i = 0; i < 8; i++)
		state[4 + i] = get_le32(key + 4 * i);
	for (int i = 0; i < 4; i++)
		state[12 + i] = iv[i];
}

void chacha20_block(uint32_t* state, uint8_t out[CHACHA_BLOCK_SIZE])
{
	uint32_t x[CHACHA_STATE_WORDS];
	for (unsigned i = 0; i < CHACHA_STATE_WORDS; i++)
		x[i] = state[i];
	for (int i = 0; i < 20; i += 2) {
		quarter_round(x, 0, 4, 8, 12); /* columns */
		quarter_round(x, 1, 5, 9, 13);
		quarter_round(x, 2, 6, 10, 14);
		quarter_round(x, 3, 7, 11, 15);
		quarter_round(x, 0, 5, 10, 15); /* diagonals */
		quarter_round(x, 1, 6, 11, 12);
		quarter_round(x, 2, 7, 8, 13);
		quarter_round(x, 3, 4, 9, 14);
	}
	for (unsigned i = 0; i < CHACHA_STATE_WORDS; i++) {
		uint32_t v = x[i] + state[i];
		out[4 * i] = uint8_t(v);
		out[4 * i + 1] = uint8_t(v >> 8);
		out[4 * i + 2] = uint8_t(v >> 16);
		out[4 * i + 3] = uint8_t(v >> 24);
		x[i] = 0; /* no keystream-derived words left on the stack */
	}
	state[12]++;
	asm volatile("" : : "r"(x) : "memory"); /* keep the wipe */
}
