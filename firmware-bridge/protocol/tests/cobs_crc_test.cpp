#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "vigil/fwb/cobs.hpp"
#include "vigil/fwb/crc32.hpp"

namespace vigil::fwb {
namespace cobs_crc_test {

using Bytes = std::vector<std::uint8_t>;

Bytes encode(const Bytes& in) {
  Bytes out(cobs_max_encoded(in.size()));
  out.resize(cobs_encode(in, out));
  return out;
}

// Vectors from Cheshire and Baker's paper (and the Wikipedia COBS article).
TEST(Cobs, EncodesReferenceVectors) {
  const std::vector<std::pair<Bytes, Bytes>> table = {
      {{0x00}, {0x01, 0x01}},
      {{0x00, 0x00}, {0x01, 0x01, 0x01}},
      {{0x11, 0x22, 0x00, 0x33}, {0x03, 0x11, 0x22, 0x02, 0x33}},
      {{0x11, 0x22, 0x33, 0x44}, {0x05, 0x11, 0x22, 0x33, 0x44}},
      {{0x11, 0x00, 0x00, 0x00}, {0x02, 0x11, 0x01, 0x01, 0x01}},
      {{}, {0x01}},
  };
  for (const auto& [raw, coded] : table) {
    EXPECT_EQ(encode(raw), coded);
    Bytes back(raw.size() + 1);
    const long n = cobs_decode(coded, back);
    ASSERT_GE(n, 0);
    back.resize(static_cast<std::size_t>(n));
    EXPECT_EQ(back, raw);
  }
}

TEST(Cobs, RoundTripsRunsAroundTheBlockLimit) {
  for (std::size_t len : {253u, 254u, 255u, 508u, 509u, 600u}) {
    for (std::uint8_t fill : {std::uint8_t{0}, std::uint8_t{7}}) {
      Bytes raw(len, fill);
      if (fill != 0) raw[len / 2] = 0;
      const Bytes coded = encode(raw);
      EXPECT_EQ(std::count(coded.begin(), coded.end(), 0), 0);
      Bytes back(len);
      ASSERT_EQ(cobs_decode(coded, back), static_cast<long>(len));
      EXPECT_EQ(back, raw);
    }
  }
}

TEST(Cobs, RejectsZeroInsideAndCodesPastTheEnd) {
  Bytes out(16);
  EXPECT_EQ(cobs_decode(Bytes{0x03, 0x11, 0x00}, out), -1);
  EXPECT_EQ(cobs_decode(Bytes{0x05, 0x11, 0x22}, out), -1);
  EXPECT_EQ(cobs_decode(Bytes{0x00}, out), -1);
  Bytes small(1);
  EXPECT_EQ(cobs_decode(Bytes{0x03, 0x11, 0x22}, small), -1);
}

TEST(Cobs, EncodeRefusesAShortBuffer) {
  Bytes out(3);
  EXPECT_EQ(cobs_encode(Bytes{1, 2, 3}, out), 0u);
}

TEST(Crc32, MatchesTheCheckValue) {
  const std::string s = "123456789";
  EXPECT_EQ(crc32({reinterpret_cast<const std::uint8_t*>(s.data()), s.size()}), 0xCBF43926u);
  EXPECT_EQ(crc32({}), 0u);
}

TEST(Crc32, ChainedCallsEqualOneCall) {
  const Bytes b = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const auto whole = crc32(b);
  const auto part = crc32(std::span<const std::uint8_t>(b).first(4));
  EXPECT_EQ(crc32(std::span<const std::uint8_t>(b).subspan(4), part), whole);
}

// Python's zlib is the independent peer: a board or tool in any language
// that uses zlib's crc32 must agree with us on every frame.
TEST(Crc32, AgreesWithPythonZlib) {
  std::mt19937 rng(12);
  for (int round = 0; round < 5; ++round) {
    Bytes b(static_cast<std::size_t>(rng() % 300));
    for (auto& x : b) x = static_cast<std::uint8_t>(rng());
    std::string hex;
    char two[3];
    for (auto x : b) {
      std::snprintf(two, sizeof two, "%02x", x);
      hex += two;
    }
    const std::string cmd =
        "python3 -c 'import sys,zlib; print(zlib.crc32(bytes.fromhex(sys.argv[1])))' '" + hex + "'";
    FILE* p = popen(cmd.c_str(), "r");
    ASSERT_NE(p, nullptr);
    unsigned long expected = 0;
    ASSERT_EQ(std::fscanf(p, "%lu", &expected), 1);
    pclose(p);
    EXPECT_EQ(crc32(b), static_cast<std::uint32_t>(expected)) << hex;
  }
}

}  // namespace cobs_crc_test
}  // namespace vigil::fwb
