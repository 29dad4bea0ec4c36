#include "vigil/gpio/sim_protocol.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace vigil::gpio::sim_protocol {
namespace {

std::vector<Message> decode_all(FrameDecoder& decoder, const std::vector<std::uint8_t>& bytes) {
  decoder.push(bytes);
  std::vector<Message> out;
  while (auto m = decoder.next()) out.push_back(*m);
  return out;
}

TEST(SimProtocol, EdgeRoundTripsWithItsTimestamp) {
  FrameDecoder decoder;
  auto messages = decode_all(decoder, encode(Edge{7, true, 0x0123456789ABCDEFull}));
  ASSERT_EQ(messages.size(), 1u);
  const auto& edge = std::get<Edge>(messages[0]);
  EXPECT_EQ(edge.line, 7u);
  EXPECT_TRUE(edge.rising);
  EXPECT_EQ(edge.timestamp_ns, 0x0123456789ABCDEFull);
}

TEST(SimProtocol, FrameLayoutIsStartTypeLengthPayloadCrc) {
  const auto bytes = encode(Set{0x01020304, true});
  const std::vector<std::uint8_t> expected{
      0xA5, 0x10, 5, 0x04, 0x03, 0x02, 0x01, 1, crc8(std::span(bytes).subspan(1, 7))};
  EXPECT_EQ(bytes, expected);
}

TEST(SimProtocol, DecodesFramesSplitAcrossReads) {
  std::vector<std::uint8_t> stream;
  encode(Hello{kVersion, 64}, stream);
  encode(Level{3, true}, stream);
  encode(Edge{3, false, 42}, stream);
  FrameDecoder decoder;
  std::vector<Message> out;
  for (std::uint8_t b : stream) {
    decoder.push(std::span(&b, 1));
    while (auto m = decoder.next()) out.push_back(*m);
  }
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(std::get<Hello>(out[0]).line_count, 64u);
  EXPECT_TRUE(std::get<Level>(out[1]).value);
  EXPECT_EQ(std::get<Edge>(out[2]).timestamp_ns, 42u);
  EXPECT_EQ(decoder.corrupt_frames(), 0u);
}

struct DamageCase {
  const char* name;
  std::vector<std::uint8_t> junk;
};

void PrintTo(const DamageCase& c, std::ostream* os) {
  *os << c.name;
}

class SimProtocolDamage : public ::testing::TestWithParam<DamageCase> {};

TEST_P(SimProtocolDamage, CountsJunkAndRecoversTheNextFrame) {
  std::vector<std::uint8_t> stream = GetParam().junk;
  encode(Edge{1, true, 1000}, stream);
  FrameDecoder decoder;
  auto out = decode_all(decoder, stream);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<Edge>(out[0]).timestamp_ns, 1000u);
  EXPECT_GE(decoder.corrupt_frames(), 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Junk, SimProtocolDamage,
    ::testing::Values(DamageCase{"text", {'h', 'e', 'l', 'l', 'o', '\n'}},
                      DamageCase{"start_byte_oversized_length", {0xA5, 0x03, 200}},
                      DamageCase{"start_byte_bad_crc", {0xA5, 0x10, 5, 1, 0, 0, 0, 1, 0x00}},
                      DamageCase{"truncated_edge", {0xA5, 0x03, 13, 1, 2, 3}},
                      DamageCase{"lone_start_bytes", {0xA5, 0xA5, 0xA5, 0xA5}}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(SimProtocol, FrameOfUnknownTypeIsCorrupt) {
  std::vector<std::uint8_t> stream{0xA5, 0x7E, 2, 9, 9};
  stream.push_back(crc8(std::span(stream).subspan(1, 4)));
  encode(Level{2, true}, stream);
  FrameDecoder decoder;
  auto out = decode_all(decoder, stream);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(decoder.corrupt_frames(), 1u);
}

TEST(SimProtocol, JunkHeaderDoesNotHoldBackTheFrameBehindIt) {
  // 0xA5 0x03 13 looks like the start of an edge frame that needs 17 bytes;
  // the real frame behind it must come out now, not when more bytes arrive.
  std::vector<std::uint8_t> stream{0xA5, 0x03, 13};
  encode(Set{4, true}, stream);
  FrameDecoder decoder;
  auto out = decode_all(decoder, stream);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<Set>(out[0]).line, 4u);
  EXPECT_EQ(decoder.corrupt_frames(), 1u);
}

TEST(SimProtocol, WaitsForTheRestOfAGenuinePartialFrame) {
  const auto bytes = encode(Edge{1, true, 5});
  FrameDecoder decoder;
  decoder.push(std::span(bytes).first(10));
  EXPECT_FALSE(decoder.next().has_value());
  decoder.push(std::span(bytes).subspan(10));
  EXPECT_TRUE(decoder.next().has_value());
  EXPECT_EQ(decoder.corrupt_frames(), 0u);
}

TEST(SimProtocol, LevelByteOtherThanZeroOrOneIsRejected) {
  std::vector<std::uint8_t> stream{0xA5, 0x02, 13, 1, 0, 0, 0, 7, 0, 0, 0, 0, 0, 0, 0, 0};
  stream.push_back(crc8(std::span(stream).subspan(1, 15)));
  FrameDecoder decoder;
  EXPECT_TRUE(decode_all(decoder, stream).empty());
  EXPECT_EQ(decoder.unknown_frames(), 1u);
}

TEST(SimProtocol, RequestRoundTripsWithItsWiring) {
  const Request sent{17, Direction::output, true, WireBias::pull_down, true};
  const auto bytes = encode(sent);
  EXPECT_EQ(bytes.size(), 3u + 7u + 1u);
  FrameDecoder decoder;
  const auto out = decode_all(decoder, bytes);
  ASSERT_EQ(out.size(), 1u);
  const auto& got = std::get<Request>(out[0]);
  EXPECT_EQ(got.line, 17u);
  EXPECT_EQ(got.direction, Direction::output);
  EXPECT_TRUE(got.active_low);
  EXPECT_EQ(got.bias, WireBias::pull_down);
  EXPECT_TRUE(got.initial);
}

TEST(SimProtocol, RequestWithUnknownFlagBitsIsRejected) {
  // line 1, input, flags 0x08 (no such bit), initial 0
  std::vector<std::uint8_t> stream{0xA5, 0x11, 7, 1, 0, 0, 0, 0, 0x08, 0};
  stream.push_back(crc8(std::span(stream).subspan(1, 9)));
  FrameDecoder decoder;
  EXPECT_TRUE(decode_all(decoder, stream).empty());
  EXPECT_EQ(decoder.unknown_frames(), 1u);
}

TEST(SimProtocol, LevelCarriesTheTimeItWasRead) {
  FrameDecoder decoder;
  const auto out = decode_all(decoder, encode(Level{4, true, 123456789}));
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(std::get<Level>(out[0]).timestamp_ns, 123456789u);
}

TEST(SimProtocol, SurvivesRandomBytes) {
  std::uint32_t x = 12345;
  std::vector<std::uint8_t> stream;
  for (int i = 0; i < 100000; ++i) {
    x = x * 1664525u + 1013904223u;
    stream.push_back(static_cast<std::uint8_t>(x >> 24));
  }
  encode(Edge{5, false, 99}, stream);
  FrameDecoder decoder;
  auto out = decode_all(decoder, stream);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(std::get<Edge>(out.back()).timestamp_ns, 99u);
}

}  // namespace
}  // namespace vigil::gpio::sim_protocol
