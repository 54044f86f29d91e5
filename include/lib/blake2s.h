/*
 * blake2s.h - the BLAKE2s hash, unkeyed and keyed (Linux:
 * include/crypto/blake2s.h, lib/crypto/blake2s.c; RFC 7693).
 *
 * The CRNG's input pool is a running BLAKE2s hash of everything mixed
 * into it, and extraction is keyed BLAKE2s, as in Linux 6.1's random.c.
 *
 *     struct blake2s_state s;
 *     blake2s_init(&s, BLAKE2S_HASH_SIZE);    // or blake2s_init_key(...)
 *     blake2s_update(&s, data, len);          // any number of times
 *     blake2s_final(&s, out);                 // outlen bytes; wipes s
 *
 * Host-compilable; the state is the caller's (no locking here).
 */
#pragma once
#include <cstddef>
#include <cstdint>

inline constexpr size_t BLAKE2S_BLOCK_SIZE = 64;
inline constexpr size_t BLAKE2S_HASH_SIZE = 32;
inline constexpr size_t BLAKE2S_KEY_SIZE = 32;

struct blake2s_state {
	uint32_t h[8];  /* the chaining value */
	uint32_t t[2];  /* bytes compressed so far, 64-bit */
	uint32_t f[2];  /* the finalisation flag */
	uint8_t buf[BLAKE2S_BLOCK_SIZE]; /* the last, not yet compressed block */
	unsigned int buflen;
	unsigned int outlen;
};

/* outlen 1..32; keylen 0..32 (0: unkeyed) */
void blake2s_init(struct blake2s_state* state, size_t outlen);
void blake2s_init_key(struct blake2s_state* state, size_t outlen, const void* key, size_t keylen);
void blake2s_update(struct blake2s_state* state, const void* in, size_t inlen);
void blake2s_final(struct blake2s_state* state, uint8_t* out);

/* one call: out = BLAKE2s-outlen(key)(in) */
void blake2s(uint8_t* out, const void* in, const void* key, size_t outlen, size_t inlen, size_t keylen);
