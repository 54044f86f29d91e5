/*
 * chacha.h - the ChaCha20 block function (Linux: include/crypto/chacha.h,
 * lib/crypto/chacha.c; the algorithm is Bernstein's, as RFC 8439 (was
 * RFC 7539) specifies it).
 *
 * The state is 16 32-bit words: the constants "expand 32-byte k" (0-3),
 * the 256-bit key (4-11), a 32-bit block counter (12) and a 96-bit nonce
 * (13-15).  chacha20_block() writes the 64-byte keystream block of the
 * state and increments word 12, as Linux's does; a caller that wants a
 * 64-bit counter carries into word 13 itself (the CRNG does).
 * Host-compilable, no tables, any context.
 */
#pragma once
#include <cstddef>
#include <cstdint>

inline constexpr size_t CHACHA_KEY_SIZE = 32;
inline constexpr size_t CHACHA_BLOCK_SIZE = 64;
inline constexpr size_t CHACHA_STATE_WORDS = CHACHA_BLOCK_SIZE / sizeof(uint32_t);

/* words 0-3: "expand 32-byte k", little-endian */
static inline void chacha_init_consts(uint32_t* state)
{
	state[0] = 0x61707865;
	state[1] = 0x3320646e;
	state[2] = 0x79622d32;
	state[3] = 0x6b206574;
}

/* the constants, key (32 bytes, little-endian words) and the counter and
 * nonce words iv[0..3] (RFC 8439: iv[0] the counter, iv[1..3] the nonce) */
void chacha_init(uint32_t* state, const uint8_t key[CHACHA_KEY_SIZE], const uint32_t iv[4]);

/* 20 rounds: out = the keystream block (serialized little-endian); ++state[12] */
void chacha20_block(uint32_t* state, uint8_t out[CHACHA_BLOCK_SIZE]);
