// lib/chacha.cc against RFC 8439's test vectors (section 2.3.2 and
// appendix A.1), lib/blake2s.cc against RFC 7693's "abc", the reference
// implementation's keyed test vector and values from Python's hashlib.
#include <cstring>
#include <gtest/gtest.h>
#include <lib/blake2s.h>
#include <lib/chacha.h>
#include <string>

namespace
{
std::string hex(const uint8_t* p, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	std::string s;
	for (size_t i = 0; i < n; i++) {
		s += digits[p[i] >> 4];
		s += digits[p[i] & 15];
	}
	return s;
}

std::string chacha_block_hex(const uint8_t key[32], uint32_t counter, const uint8_t nonce[12])
{
	uint32_t iv[4] = {counter, 0, 0, 0};
	for (int i = 0; i < 3; i++)
		iv[1 + i] = uint32_t(nonce[4 * i]) | uint32_t(nonce[4 * i + 1]) << 8 | uint32_t(nonce[4 * i + 2]) << 16 |
		            uint32_t(nonce[4 * i + 3]) << 24;
	uint32_t state[16];
	chacha_init(state, key, iv);
	uint8_t out[64];
	chacha20_block(state, out);
	EXPECT_EQ(state[12], counter + 1); // the block counter moved on
	return hex(out, 64);
}

TEST(ChaCha20, Rfc8439BlockFunction)
{
	// 2.3.2: key 00 01 .. 1f, nonce 00 00 00 09 00 00 00 4a 00 00 00 00, counter 1
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = uint8_t(i);
	const uint8_t nonce[12] = {0, 0, 0, 9, 0, 0, 0, 0x4a, 0, 0, 0, 0};
	EXPECT_EQ(chacha_block_hex(key, 1, nonce),
	          "10f1e7e4d13b5915500fdd1fa32071c4c7d1f4c733c068030422aa9ac3d46c4e"
	          "d2826446079faa0914c2d705d98b02a2b5129cd1de164eb9cbd083e8a2503c4e");
}

TEST(ChaCha20, Rfc8439AppendixA1)
{
	const uint8_t zero[32] = {};
	// test vector #1: all zero, counter 0
	EXPECT_EQ(chacha_block_hex(zero, 0, zero),
	          "76b8e0ada0f13d90405d6ae55386bd28bdd219b8a08ded1aa836efcc8b770dc7"
	          "da41597c5157488d7724e03fb8d84a376a43b8f41518a11cc387b669b2ee6586");
	// #2: all zero, counter 1
	EXPECT_EQ(chacha_block_hex(zero, 1, zero),
	          "9f07e7be5551387a98ba977c732d080dcb0f29a048e3656912c6533e32ee7aed"
	          "29b721769ce64e43d57133b074d839d531ed1f28510afb45ace10a1f4b794d6f");
	// #3: key ending in 01, counter 1
	uint8_t key[32] = {};
	key[31] = 1;
	EXPECT_EQ(chacha_block_hex(key, 1, zero),
	          "3aeb5224ecf849929b9d828db1ced4dd832025e8018b8160b82284f3c949aa5a"
	          "8eca00bbb4a73bdad192b5c42f73f2fd4e273644c8b36125a64addeb006c13a0");
}

std::string b2s(const void* in, size_t inlen, const void* key = nullptr, size_t keylen = 0, size_t outlen = 32)
{
	uint8_t out[32];
	blake2s(out, in, key, outlen, inlen, keylen);
	return hex(out, outlen);
}

TEST(Blake2s, KnownAnswers)
{
	EXPECT_EQ(b2s("abc", 3), "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982"); // RFC 7693 B.2
	EXPECT_EQ(b2s("", 0), "69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
	uint8_t key[32];
	for (int i = 0; i < 32; i++)
		key[i] = uint8_t(i);
	EXPECT_EQ(b2s("", 0, key, 32), "48a8997da407876b3d79c0d92325ad3b89cbb754d86ab71aee047ad345fd2c49");

	uint8_t data[1000];
	for (int i = 0; i < 1000; i++)
		data[i] = uint8_t(i * 7 + 3);
	EXPECT_EQ(b2s(data, 1000), "02a016193469710efadf8fb005ca19b509331cb847df5598cc0794bded669681");
	EXPECT_EQ(b2s(data, 128), "83470c75afa23d90cd7659906e4b47daa278131fbb225241dd37a40fd5355ac7");
	EXPECT_EQ(b2s(data, 1000, key, 32), "f79818aa3bc6f7d7aa15e75574dccc5198d22b7b370f43216cc2a8c52fe5c3f5");
	EXPECT_EQ(b2s(data, 64, key, 32, 16), "27337ab7d92116d773ea23fded157e28");
}

TEST(Blake2s, UpdatesInAnyPiecesEqualOneCall)
{
	uint8_t data[1000];
	for (int i = 0; i < 1000; i++)
		data[i] = uint8_t(i * 7 + 3);
	for (size_t step : {1u, 63u, 64u, 65u, 128u, 999u}) {
		blake2s_state s;
		blake2s_init(&s, BLAKE2S_HASH_SIZE);
		for (size_t off = 0; off < sizeof(data); off += step)
			blake2s_update(&s, data + off, std::min(step, sizeof(data) - off));
		uint8_t out[32];
		blake2s_final(&s, out);
		EXPECT_EQ(hex(out, 32), "02a016193469710efadf8fb005ca19b509331cb847df5598cc0794bded669681") << step;
	}
}
} // namespace
