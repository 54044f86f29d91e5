/*
 * SipHash-2-4 of one 64-bit word (Linux: lib/siphash.c siphash_1u64).
 *
 * The state is four 64-bit words initialised from the key and the
 * constants "somepseudorandomlygeneratedbytes"; each message word is
 * absorbed with two SipRounds, then the final word (the length, 8, in the
 * top byte) with two more, and four finalisation rounds produce the hash.
 * No tables, no memory beyond the state: callable from any context.
 */
#include <lib/siphash.h>

namespace lib
{
namespace
{
constexpr uint64_t rotl(uint64_t x, int b)
{
	return (x << b) | (x >> (64 - b));
}

struct sipstate {
	uint64_t v0, v1, v2, v3;

	void round()
	{
		v0 += v1;
		v1 = rotl(v1, 13);
		v1 ^= v0;
		v0 = rotl(v0, 32);
		v2 += v3;
		v3 = rotl(v3, 16);
		v3 ^= v2;
		v0 += v3;
		v3 = rotl(v3, 21);
		v3 ^= v0;
		v2 += v1;
		v1 = rotl(v1, 17);
		v1 ^= v2;
		v2 = rotl(v2, 32);
	}

	void absorb(uint64_t m)
	{
		v3 ^= m;
		round();
		round();
		v0 ^= m;
	}
};
} // namespace

uint64_t siphash_1u64(uint64_t first, const siphash_key_t* key)
{
	sipstate s{0x736f6d6570736575ULL ^ key->key[0], 0x646f72616e646f6dULL ^ key->key[1],
	           0x6c7967656e657261ULL ^ key->key[0], 0x7465646279746573ULL ^ key->key[1]};
	s.absorb(first);
	s.absorb(uint64_t(8) << 56); /* the message length, 8 bytes, and no tail */
	s.v2 ^= 0xff;
	for (int i = 0; i < 4; i++)
		s.round();
	return s.v0 ^ s.v1 ^ s.v2 ^ s.v3;
}

} // namespace lib
