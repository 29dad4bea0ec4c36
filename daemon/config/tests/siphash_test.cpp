// SipHash-2-4, the people import's row digest: the paper's test vectors,
// and OpenSSL's implementation (EVP_MAC "SIPHASH") as the peer on random
// keys and inputs of every length a block boundary can matter for.
#include "siphash.hpp"

#include <gtest/gtest.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <random>
#include <string>

namespace vigil::config {
namespace {

SipKey counting_key() {
  SipKey key{};
  for (std::size_t i = 0; i < key.size(); ++i) key[i] = static_cast<std::uint8_t>(i);
  return key;
}

std::string counting_bytes(std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out.push_back(static_cast<char>(i));
  return out;
}

// OpenSSL's SipHash-2-4 with an 8-byte output, read as a little-endian number.
std::uint64_t openssl_siphash(const SipKey& key, const std::string& bytes) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "SIPHASH", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(mac);
  std::size_t size = 8;
  const OSSL_PARAM params[] = {OSSL_PARAM_construct_size_t(OSSL_MAC_PARAM_SIZE, &size),
                               OSSL_PARAM_construct_end()};
  unsigned char out[8] = {};
  std::size_t out_size = 0;
  const bool ok = EVP_MAC_init(ctx, key.data(), key.size(), params) == 1 &&
                  EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(bytes.data()),
                                 bytes.size()) == 1 &&
                  EVP_MAC_final(ctx, out, &out_size, sizeof out) == 1;
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(mac);
  EXPECT_TRUE(ok);
  EXPECT_EQ(out_size, 8u);
  std::uint64_t v = 0;
  for (int i = 7; i >= 0; --i) v = (v << 8) | out[i];
  return v;
}

TEST(SipHash, GivesThePapersTestVectors) {
  // Appendix A of the paper: key 00..0f, message 00..0e.
  EXPECT_EQ(siphash24(counting_key(), counting_bytes(15)), 0xa129ca6149be45e5ULL);
  // The reference implementation's vectors.h, the empty message.
  EXPECT_EQ(siphash24(counting_key(), ""), 0x726fdb47dd0e0e31ULL);
}

TEST(SipHash, AgreesWithOpenSslOnRandomKeysAndEveryLengthUpTo70) {
  std::mt19937_64 random(20261201);
  for (std::size_t n = 0; n <= 70; ++n) {
    SipKey key{};
    for (auto& b : key) b = static_cast<std::uint8_t>(random());
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(random()));
    EXPECT_EQ(siphash24(key, bytes), openssl_siphash(key, bytes)) << "length " << n;
  }
}

// The import digests a row field by field: any split gives the one-shot digest.
TEST(SipHash, BytesGivenInPiecesDigestAsWhole) {
  std::mt19937_64 random(7);
  for (std::size_t n = 0; n <= 40; ++n) {
    SipKey key{};
    for (auto& b : key) b = static_cast<std::uint8_t>(random());
    std::string bytes;
    for (std::size_t i = 0; i < n; ++i) bytes.push_back(static_cast<char>(random()));
    for (int trial = 0; trial < 8; ++trial) {
      SipHasher hasher(key);
      for (std::size_t at = 0; at < n;) {
        const std::size_t piece = std::min<std::size_t>(n - at, random() % 11);
        hasher.update(std::string_view(bytes).substr(at, piece));
        at += piece;
      }
      EXPECT_EQ(hasher.finish(), siphash24(key, bytes)) << "length " << n;
    }
  }
}

TEST(SipHash, DependsOnTheKey) {
  SipKey other = counting_key();
  other[15] ^= 1;
  EXPECT_NE(siphash24(counting_key(), "p01,Anna"), siphash24(other, "p01,Anna"));
}

}  // namespace
}  // namespace vigil::config
