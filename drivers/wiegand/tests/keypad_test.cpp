// Keypad bursts: every key in both encodings, the complement check of the
// 8-bit form, and the edge-level decoder reporting keys only when asked to.
#include <chrono>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vigil/wiegand/decoder.hpp"
#include "vigil/wiegand/frame.hpp"

namespace vigil::wiegand {
namespace {

using core::KeypadKey;
using namespace std::chrono_literals;
using std::chrono::nanoseconds;

struct KeyCase {
  KeypadKey key;
  std::string four_bit;
  std::string eight_bit;  // complement nibble, then the key nibble
};

// Written out by hand, not computed, so the table is the specification.
const std::vector<KeyCase> kEveryKey = {
    {KeypadKey::k0, "0000", "11110000"},   {KeypadKey::k1, "0001", "11100001"},
    {KeypadKey::k2, "0010", "11010010"},   {KeypadKey::k3, "0011", "11000011"},
    {KeypadKey::k4, "0100", "10110100"},   {KeypadKey::k5, "0101", "10100101"},
    {KeypadKey::k6, "0110", "10010110"},   {KeypadKey::k7, "0111", "10000111"},
    {KeypadKey::k8, "1000", "01111000"},   {KeypadKey::k9, "1001", "01101001"},
    {KeypadKey::star, "1010", "01011010"}, {KeypadKey::hash, "1011", "01001011"},
};

TEST(WiegandKeypad, EveryKeyDecodesFromBothEncodings) {
  for (const auto& c : kEveryKey) {
    SCOPED_TRACE(std::string(1, core::keypad_key_char(c.key)));
    EXPECT_EQ(decode_key(bits_from_string(c.four_bit)),
              WiegandResult(WiegandKey{c.key, KeyBurst::four_bit, c.four_bit}));
    EXPECT_EQ(decode_key(bits_from_string(c.eight_bit)),
              WiegandResult(WiegandKey{c.key, KeyBurst::eight_bit, c.eight_bit}));
  }
}

TEST(WiegandKeypad, EveryKeyEncodesToTheBurstAReaderSends) {
  for (const auto& c : kEveryKey) {
    SCOPED_TRACE(std::string(1, core::keypad_key_char(c.key)));
    EXPECT_EQ(bits_to_string(encode_key(c.key, KeyBurst::four_bit)), c.four_bit);
    EXPECT_EQ(bits_to_string(encode_key(c.key, KeyBurst::eight_bit)), c.eight_bit);
  }
}

TEST(WiegandKeypad, BurstsThatNoKeySendsAreReadErrorsWithTheirBits) {
  struct Case {
    std::string bits;
    std::string_view check;
  };
  const std::vector<Case> cases = {
      {"11110001", kCheckKeyComplement},  // key 1 with the complement of 0
      {"00000001", kCheckKeyComplement},  // complement nibble lost (all zero)
      {"11111111", kCheckKeyComplement},  // line stuck at 1
      {"00000000", kCheckKeyComplement},  // line stuck at 0
      {"01101000", kCheckKeyComplement},  // one flipped bit of key 9
      {"1100", kCheckUnknownKey},         // codes 12-15 are no key
      {"1111", kCheckUnknownKey},
      {"00111100", kCheckUnknownKey},  // 12 with its complement: still no key
      {"00001111", kCheckUnknownKey},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.bits);
    const auto result = decode_key(bits_from_string(c.bits));
    ASSERT_TRUE(result.has_value());
    ASSERT_TRUE(std::holds_alternative<WiegandError>(*result));
    const auto& error = std::get<WiegandError>(*result);
    EXPECT_EQ(error.check_failed, c.check);
    EXPECT_EQ(error.raw_bits, c.bits);
    EXPECT_EQ(error.bit_count, static_cast<int>(c.bits.size()));
  }
}

TEST(WiegandKeypad, FramesOfOtherLengthsAreLeftToTheCardDecoder) {
  for (std::size_t length : {0u, 1u, 3u, 5u, 7u, 9u, 26u}) {
    EXPECT_FALSE(decode_key(std::vector<bool>(length, true)).has_value()) << length;
  }
}

// --- the edge-level decoder -------------------------------------------------

constexpr nanoseconds kStart = 1000s;
constexpr nanoseconds kCloseAfter = 25ms;

nanoseconds send(WiegandDecoder& decoder, const std::vector<bool>& bits, nanoseconds start) {
  nanoseconds t = start;
  for (bool bit : bits) {
    const auto line = bit ? WiegandDecoder::Line::d1 : WiegandDecoder::Line::d0;
    decoder.on_edge(line, false, t);
    decoder.on_edge(line, true, t + 50us);
    t += 2ms;
  }
  return t - 2ms + 50us;
}

TEST(WiegandKeypad, KeypadReaderReportsEachKeyPressAsItsOwnFrame) {
  WiegandDecoder decoder(builtin_formats(), DecoderTiming{}, KeypadInput::decode);
  // "1", "2" in the 4-bit form, "#" in the 8-bit form, 300 ms apart as a
  // person types.
  const std::vector<std::pair<KeypadKey, KeyBurst>> presses = {
      {KeypadKey::k1, KeyBurst::four_bit},
      {KeypadKey::k2, KeyBurst::four_bit},
      {KeypadKey::hash, KeyBurst::eight_bit}};
  nanoseconds t = kStart;
  for (const auto& [key, burst] : presses) {
    const auto bits = encode_key(key, burst);
    const auto end = send(decoder, bits, t);
    const auto result = decoder.poll(end + kCloseAfter);
    ASSERT_TRUE(result.has_value());
    EXPECT_EQ(*result, WiegandResult(WiegandKey{key, burst, bits_to_string(bits)}));
    t += 300ms;
  }
  EXPECT_EQ(decoder.frames_ok(), 3u);
  EXPECT_EQ(decoder.frames_error(), 0u);
}

TEST(WiegandKeypad, KeypadReaderStillReadsCards) {
  WiegandDecoder decoder(builtin_formats(), DecoderTiming{}, KeypadInput::decode);
  const auto spec = find_format("H10301").value_or(FormatSpec{});
  const auto bits = encode(spec, {7, 4242});
  const auto result = decoder.poll(send(decoder, bits, kStart) + kCloseAfter);
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(*result, WiegandResult(WiegandCard{"H10301", {7, 4242}, bits_to_string(bits)}));
}

TEST(WiegandKeypad, ReaderWithoutKeypadInputTurnsKeyBurstsIntoReadErrors) {
  WiegandDecoder decoder(builtin_formats());
  const auto bits = encode_key(KeypadKey::k5, KeyBurst::eight_bit);
  const auto result = decoder.poll(send(decoder, bits, kStart) + kCloseAfter);
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(std::holds_alternative<WiegandError>(*result));
  EXPECT_EQ(std::get<WiegandError>(*result).check_failed, kCheckUnknownLength);
}

TEST(WiegandKeypad, BadComplementOnTheWireIsCountedAsAReadError) {
  WiegandDecoder decoder(builtin_formats(), DecoderTiming{}, KeypadInput::decode);
  const auto result =
      decoder.poll(send(decoder, bits_from_string("10100100"), kStart) + kCloseAfter);
  ASSERT_TRUE(result.has_value());
  ASSERT_TRUE(std::holds_alternative<WiegandError>(*result));
  EXPECT_EQ(std::get<WiegandError>(*result).check_failed, kCheckKeyComplement);
  EXPECT_EQ(std::get<WiegandError>(*result).raw_bits, "10100100");
  EXPECT_EQ(decoder.frames_error(), 1u);
}

}  // namespace
}  // namespace vigil::wiegand
