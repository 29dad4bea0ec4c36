#include "vigil/wiegand/frame.hpp"

#include <bit>
#include <cstdint>
#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace vigil::wiegand {
namespace {

using core::CardNumber;

FormatSpec builtin(const std::string& name) {
  auto spec = find_format(name);
  EXPECT_TRUE(spec.has_value()) << name;
  return spec.value_or(FormatSpec{});
}

std::uint64_t max_of(int bits) {
  return (std::uint64_t{1} << bits) - 1;
}

std::vector<bool> flipped(std::vector<bool> bits, int position) {
  EXPECT_LT(static_cast<std::size_t>(position), bits.size()) << "the card did not encode";
  const auto index = static_cast<std::size_t>(position);
  if (index < bits.size()) bits[index] = !bits[index];
  return bits;
}

// A small card every built-in format can carry (H10302 has no facility).
CardNumber small_card(const FormatSpec& spec) {
  return spec.facility.length > 0 ? CardNumber{1, 1} : CardNumber{0, 1};
}

TEST(Wiegand, EveryBuiltinFormatRoundTripsCardsAtTheFieldLimits) {
  struct Case {
    std::string format;
    CardNumber card;
  };
  const std::vector<Case> cases = {
      {"H10301", {0, 0}},
      {"H10301", {255, 0}},
      {"H10301", {0, 65535}},
      {"H10301", {255, 65535}},
      {"H10301", {123, 4567}},
      {"H10306", {0, 0}},
      {"H10306", {65535, 0}},
      {"H10306", {0, 65535}},
      {"H10306", {65535, 65535}},
      {"H10306", {4242, 31337}},
      {"Corporate1000", {0, 0}},
      {"Corporate1000", {4095, 0}},
      {"Corporate1000", {0, 1048575}},
      {"Corporate1000", {4095, 1048575}},
      {"Corporate1000", {1234, 567890}},
      {"H10302", {0, 0}},
      {"H10302", {0, max_of(35)}},
      {"H10302", {0, 12345678901}},
      {"H10304", {0, 0}},
      {"H10304", {65535, 0}},
      {"H10304", {0, 524287}},
      {"H10304", {65535, 524287}},
      {"H10304", {1234, 56789}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format + " " + std::to_string(c.card.facility) + ":" +
                 std::to_string(c.card.number));
    const FormatSpec spec = builtin(c.format);
    const std::vector<bool> bits = encode(spec, c.card);
    ASSERT_EQ(bits.size(), static_cast<std::size_t>(spec.bit_count));
    const WiegandResult result = decode(bits, {spec});
    ASSERT_TRUE(std::holds_alternative<WiegandCard>(result));
    EXPECT_EQ(std::get<WiegandCard>(result), (WiegandCard{c.format, c.card, bits_to_string(bits)}));
  }
}

TEST(Wiegand, DecodesTheKnownH10301FrameForFacility1Card1) {
  // By hand: facility 1 = 00000001 (bits 1-8), card 1 = 0...01 (bits 9-24).
  // Bits 1-12 hold one 1, so the even parity bit 0 is 1; bits 13-24 hold one
  // 1, already odd, so the odd parity bit 25 is 0. As a number 0x2020002,
  // the value HID Prox tools show for FC 1 / CN 1 behind the 0x20040 header.
  const std::string frame =
      "1"
      "00000001"
      "0000000000000001"
      "0";
  EXPECT_EQ(bits_to_string(encode(builtin("H10301"), {1, 1})), frame);
  const WiegandResult result = decode(bits_from_string(frame), builtin_formats());
  ASSERT_TRUE(std::holds_alternative<WiegandCard>(result));
  EXPECT_EQ(std::get<WiegandCard>(result), (WiegandCard{"H10301", {1, 1}, frame}));
}

// Corporate 1000 computed independently, the way card tools do it: the frame
// as a 35-bit integer whose least significant bit is the last bit on the
// wire, with the HID parity masks written out in hex.
std::uint64_t corporate1000_reference(std::uint32_t facility, std::uint32_t number) {
  constexpr std::uint64_t kEvenMask = 0x1B6DB6DB6;  // wire bits 2-3,5-6,...,32-33
  constexpr std::uint64_t kOddMask = 0x36DB6DB6C;   // wire bits 1-2,4-5,...,31-32
  std::uint64_t v = (std::uint64_t{facility} << 21) | (std::uint64_t{number} << 1);
  v |= std::uint64_t{std::popcount(v & kEvenMask) % 2 == 1} << 33;  // wire bit 1
  v |= std::uint64_t{std::popcount(v & kOddMask) % 2 == 0};         // wire bit 34
  v |= std::uint64_t{std::popcount(v) % 2 == 0} << 34;              // wire bit 0
  return v;
}

TEST(Wiegand, EncodesCorporate1000LikeTheHidMaskDefinition) {
  const std::vector<CardNumber> cards = {{0, 0},         {1, 1},         {4095, 1048575},
                                         {1234, 567890}, {2730, 699050}, {1365, 349525}};
  for (const auto& card : cards) {
    SCOPED_TRACE(std::to_string(card.facility) + ":" + std::to_string(card.number));
    const std::vector<bool> bits = encode(builtin("Corporate1000"), card);
    ASSERT_EQ(bits.size(), 35u);
    std::uint64_t value = 0;
    for (bool bit : bits) value = (value << 1) | (bit ? 1u : 0u);
    EXPECT_EQ(value,
              corporate1000_reference(card.facility, static_cast<std::uint32_t>(card.number)));
  }
}

TEST(Wiegand, RejectsFrameWithBadEvenParity) {
  const auto bits = flipped(encode(builtin("H10301"), {1, 1}), 0);
  EXPECT_EQ(decode(bits, builtin_formats()),
            WiegandResult(WiegandError{bits_to_string(bits), 26, "even_parity", 0}));
}

TEST(Wiegand, RejectsFrameWithBadOddParity) {
  const auto bits = flipped(encode(builtin("H10301"), {1, 1}), 25);
  EXPECT_EQ(decode(bits, builtin_formats()),
            WiegandResult(WiegandError{bits_to_string(bits), 26, "odd_parity", 25}));
}

TEST(Wiegand, RejectsBadParityOnTheFirstAndLastBitOfEveryFormat) {
  struct Case {
    std::string format;
    int flipped_bit;
    std::string check_failed;
  };
  const std::vector<Case> cases = {
      {"H10301", 0, "even_parity"},       {"H10301", 25, "odd_parity"},
      {"H10306", 0, "even_parity"},       {"H10306", 33, "odd_parity"},
      {"Corporate1000", 0, "odd_parity"}, {"Corporate1000", 34, "odd_parity"},
      {"H10302", 0, "even_parity"},       {"H10302", 36, "odd_parity"},
      {"H10304", 0, "even_parity"},       {"H10304", 36, "odd_parity"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format + " bit " + std::to_string(c.flipped_bit));
    const FormatSpec spec = builtin(c.format);
    const auto bits = flipped(encode(spec, small_card(spec)), c.flipped_bit);
    EXPECT_EQ(decode(bits, {spec}), WiegandResult(WiegandError{bits_to_string(bits), spec.bit_count,
                                                               c.check_failed, c.flipped_bit}));
  }
}

TEST(Wiegand, ReportsTheFirstFailingCorporate1000CheckInDeclaredOrder) {
  struct Case {
    int flipped_bit;
    std::string check_failed;
    int failed_bit;
  };
  const std::vector<Case> cases = {
      {1, "even_parity", 1},  // the interleaved even parity bit itself
      {2, "even_parity", 1},  // covered by all three checks
      {4, "odd_parity", 34},  // skipped by the even check
      {3, "even_parity", 1},  // skipped by the odd interleaved check
      {33, "even_parity", 1},
  };
  const FormatSpec spec = builtin("Corporate1000");
  for (const auto& c : cases) {
    SCOPED_TRACE("bit " + std::to_string(c.flipped_bit));
    const auto bits = flipped(encode(spec, {1234, 567890}), c.flipped_bit);
    const auto result = decode(bits, {spec});
    ASSERT_TRUE(std::holds_alternative<WiegandError>(result));
    EXPECT_EQ(std::get<WiegandError>(result).check_failed, c.check_failed);
    EXPECT_EQ(std::get<WiegandError>(result).failed_bit, c.failed_bit);
  }
}

TEST(Wiegand, SingleBitErrorsNeverDecodeAsACard) {
  for (const auto& spec : builtin_formats()) {
    const CardNumber card = spec.facility.length > 0 ? CardNumber{77, 4321} : CardNumber{0, 4321};
    const auto bits = encode(spec, card);
    ASSERT_FALSE(bits.empty()) << spec.name;
    for (int i = 0; i < spec.bit_count; ++i) {
      EXPECT_TRUE(std::holds_alternative<WiegandError>(decode(flipped(bits, i), builtin_formats())))
          << spec.name << " bit " << i;
    }
  }
}

TEST(Wiegand, ReportsUnknownLengthWithRawBitsAndCount) {
  const std::vector<std::string> frames = {
      "",
      "1",
      "1000000010000000000000001",    // 25: H10301 missing its last bit
      "100000001000000000000000100",  // 27: H10301 with one bit too many
      std::string(36, '1'),
      std::string(38, '0'),
      std::string(64, '1'),
  };
  for (const auto& frame : frames) {
    SCOPED_TRACE(frame.size());
    EXPECT_EQ(decode(bits_from_string(frame), builtin_formats()),
              WiegandResult(WiegandError{frame, static_cast<int>(frame.size()), "unknown_length"}));
  }
}

TEST(Wiegand, ReportsFramesLongerThan64BitsAsTooLong) {
  for (std::size_t size : {65u, 100u}) {
    const std::string frame(size, '1');
    EXPECT_EQ(decode(bits_from_string(frame), builtin_formats()),
              WiegandResult(WiegandError{frame, static_cast<int>(size), "too_long"}));
  }
}

TEST(Wiegand, ReaderFormatOrderDecidesBetweenH10302AndH10304) {
  // Same length, same parity layout: every H10304 frame is also a valid
  // H10302 frame, so nothing in the bits can tell them apart. The reader's
  // configured formats decide, first match wins.
  const FormatSpec h10302 = builtin("H10302");
  const FormatSpec h10304 = builtin("H10304");
  const auto bits = encode(h10304, {1234, 56789});
  const std::uint64_t as_one_number = (std::uint64_t{1234} << 19) | 56789;

  struct Case {
    std::string what;
    std::vector<FormatSpec> formats;
    WiegandCard expected;
  };
  const std::vector<Case> cases = {
      {"H10304 only", {h10304}, {"H10304", {1234, 56789}, bits_to_string(bits)}},
      {"H10304 first", {h10304, h10302}, {"H10304", {1234, 56789}, bits_to_string(bits)}},
      {"H10302 first", {h10302, h10304}, {"H10302", {0, as_one_number}, bits_to_string(bits)}},
      {"built-in order", builtin_formats(), {"H10302", {0, as_one_number}, bits_to_string(bits)}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    EXPECT_EQ(decode(bits, c.formats), WiegandResult(c.expected));
  }
}

TEST(Wiegand, ReportsTheFirstCandidatesFailureWhenNoFormatOfThatLengthPasses) {
  const auto bits = flipped(encode(builtin("H10304"), {1, 1}), 36);
  EXPECT_EQ(decode(bits, {builtin("H10302"), builtin("H10304")}),
            WiegandResult(WiegandError{bits_to_string(bits), 37, "odd_parity", 36}));
}

TEST(Wiegand, RefusesToEncodeCardsThatDoNotFitTheFormat) {
  struct Case {
    std::string format;
    CardNumber card;
  };
  const std::vector<Case> cases = {
      {"H10301", {256, 0}},    {"H10301", {0, 65536}},          {"H10306", {65536, 0}},
      {"H10306", {0, 65536}},  {"Corporate1000", {4096, 0}},    {"Corporate1000", {0, 1048576}},
      {"H10302", {1, 0}},      {"H10302", {0, max_of(35) + 1}}, {"H10304", {65536, 0}},
      {"H10304", {0, 524288}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.format + " " + std::to_string(c.card.facility) + ":" +
                 std::to_string(c.card.number));
    EXPECT_TRUE(encode(builtin(c.format), c.card).empty());
  }
}

TEST(Wiegand, RefusesToEncodeWithAnInvalidFormat) {
  FormatSpec spec = builtin("H10301");
  spec.parity[1].bit = 26;
  EXPECT_TRUE(encode(spec, {1, 1}).empty());
}

TEST(Wiegand, SkipsInvalidFormatsWhenDecoding) {
  FormatSpec broken = builtin("H10301");
  broken.number.length = 40;  // would read past the frame
  const auto bits = encode(builtin("H10301"), {1, 1});
  EXPECT_EQ(decode(bits, {broken}),
            WiegandResult(WiegandError{bits_to_string(bits), 26, "unknown_length"}));
}

TEST(Wiegand, ConvertsBitsToAndFromText) {
  const std::vector<bool> bits = {false, true, true, false};
  EXPECT_EQ(bits_to_string(bits), "0110");
  EXPECT_EQ(bits_from_string("0110"), bits);
  EXPECT_TRUE(bits_from_string("01x0").empty());
  EXPECT_TRUE(bits_from_string("").empty());
}

}  // namespace
}  // namespace vigil::wiegand
