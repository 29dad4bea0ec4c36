#include "vigil/wiegand/format.hpp"

#include <functional>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace vigil::wiegand {
namespace format_test {

using ::testing::HasSubstr;
using Kind = ParityCheck::Kind;

FormatSpec builtin(const std::string& name) {
  auto spec = find_format(name);
  EXPECT_TRUE(spec.has_value()) << name;
  return spec.value_or(FormatSpec{});
}

std::vector<int> range(int first, int last) {
  std::vector<int> bits;
  for (int i = first; i <= last; ++i) bits.push_back(i);
  return bits;
}

TEST(WiegandFormat, BuiltinFormatsPassValidation) {
  for (const auto& spec : builtin_formats()) {
    EXPECT_EQ(validate_format(spec), "") << spec.name;
  }
}

TEST(WiegandFormat, BuiltinFormatsHaveTheHidFieldLayouts) {
  struct Layout {
    std::string name;
    int bit_count;
    BitField facility;
    BitField number;
  };
  const std::vector<Layout> layouts = {
      {"H10301", 26, {1, 8}, {9, 16}},
      {"H10306", 34, {1, 16}, {17, 16}},
      {"Corporate1000", 35, {2, 12}, {14, 20}},
      {"H10302", 37, {1, 0}, {1, 35}},  // no facility code
      {"H10304", 37, {1, 16}, {17, 19}},
  };
  ASSERT_EQ(builtin_formats().size(), layouts.size());
  for (const auto& layout : layouts) {
    SCOPED_TRACE(layout.name);
    const FormatSpec spec = builtin(layout.name);
    EXPECT_EQ(spec.bit_count, layout.bit_count);
    EXPECT_EQ(spec.facility.length, layout.facility.length);
    if (layout.facility.length > 0) {
      EXPECT_EQ(spec.facility.first, layout.facility.first);
    }
    EXPECT_EQ(spec.number.first, layout.number.first);
    EXPECT_EQ(spec.number.length, layout.number.length);
  }
}

TEST(WiegandFormat, BuiltinFormatsHaveTheHidParityLayouts) {
  // Corporate 1000: bit 1 even over 2-3,5-6,...,32-33; bit 34 odd over
  // 1-2,4-5,...,31-32; bit 0 odd over every other bit, parity bits included.
  std::vector<int> c1000_even;
  std::vector<int> c1000_odd;
  for (int i = 2; i <= 33; i += 3) c1000_even.insert(c1000_even.end(), {i, i + 1});
  for (int i = 1; i <= 32; i += 3) c1000_odd.insert(c1000_odd.end(), {i, i + 1});

  struct Expected {
    std::string name;
    std::vector<ParityCheck> parity;
  };
  const std::vector<Expected> table = {
      {"H10301", {{Kind::even, 0, range(1, 12)}, {Kind::odd, 25, range(13, 24)}}},
      {"H10306", {{Kind::even, 0, range(1, 16)}, {Kind::odd, 33, range(17, 32)}}},
      {"Corporate1000",
       {{Kind::even, 1, c1000_even}, {Kind::odd, 34, c1000_odd}, {Kind::odd, 0, range(1, 34)}}},
      {"H10302", {{Kind::even, 0, range(1, 18)}, {Kind::odd, 36, range(18, 35)}}},
      {"H10304", {{Kind::even, 0, range(1, 18)}, {Kind::odd, 36, range(18, 35)}}},
  };
  EXPECT_EQ(c1000_even.size(), 22u);
  EXPECT_EQ(c1000_odd.size(), 22u);
  for (const auto& expected : table) {
    SCOPED_TRACE(expected.name);
    const FormatSpec spec = builtin(expected.name);
    ASSERT_EQ(spec.parity.size(), expected.parity.size());
    for (std::size_t i = 0; i < spec.parity.size(); ++i) {
      EXPECT_EQ(spec.parity[i].kind, expected.parity[i].kind);
      EXPECT_EQ(spec.parity[i].bit, expected.parity[i].bit);
      EXPECT_EQ(spec.parity[i].covered, expected.parity[i].covered);
    }
  }
}

TEST(WiegandFormat, EvaluatesCoveredParityBitsBeforeTheChecksThatCoverThem) {
  FormatSpec spec = builtin("Corporate1000");
  // Declared backwards: the overall check first, the interleaved ones last.
  std::swap(spec.parity[0], spec.parity[2]);  // bit 0, bit 34, bit 1
  const auto order = parity_evaluation_order(spec);
  ASSERT_TRUE(order.has_value());
  EXPECT_EQ(*order, (std::vector<std::size_t>{2, 1, 0}));  // bit 1, bit 34, bit 0
}

TEST(WiegandFormat, FindsFormatsByExactName) {
  FormatSpec custom = builtin("H10301");
  custom.name = "Site40";
  custom.bit_count = 40;
  const std::vector<FormatSpec> customs = {custom};

  EXPECT_EQ(find_format("H10304", customs)->bit_count, 37);
  EXPECT_EQ(find_format("Site40", customs)->bit_count, 40);
  EXPECT_FALSE(find_format("h10301", customs).has_value());
  EXPECT_FALSE(find_format("Site40").has_value());
}

TEST(WiegandFormat, BuiltinNamesCannotBeShadowedByCustomFormats) {
  FormatSpec impostor = builtin("H10301");
  impostor.facility = {};
  EXPECT_EQ(find_format("H10301", {impostor})->facility.length, 8);
}

TEST(WiegandFormat, RejectsInvalidLayoutsWithAReason) {
  struct Case {
    std::string what;
    std::function<void(FormatSpec&)> mutate;
    std::string message;
  };
  const std::vector<Case> cases = {
      {"no name", [](FormatSpec& s) { s.name.clear(); }, "no name"},
      {"zero bits", [](FormatSpec& s) { s.bit_count = 0; }, "bit count 0"},
      {"too many bits", [](FormatSpec& s) { s.bit_count = 65; }, "bit count 65"},
      {"no card number", [](FormatSpec& s) { s.number.length = 0; }, "card number field is empty"},
      {"number past the end", [](FormatSpec& s) { s.number.length = 25; },
       "card number field (bits 9..33) lies outside the 26-bit frame"},
      {"facility before the start", [](FormatSpec& s) { s.facility.first = -1; }, "facility field"},
      {"negative length", [](FormatSpec& s) { s.facility.length = -1; }, "negative length"},
      {"overlapping fields", [](FormatSpec& s) { s.facility.length = 9; }, "overlap"},
      {"parity bit outside frame", [](FormatSpec& s) { s.parity[1].bit = 26; },
       "parity bit 26 lies outside the 26-bit frame"},
      {"parity bit inside a field", [](FormatSpec& s) { s.parity[1].bit = 24; },
       "parity bit 24 lies inside a data field"},
      {"parity covers outside", [](FormatSpec& s) { s.parity[0].covered.push_back(30); },
       "covers bit 30 outside the frame"},
      {"parity covers itself", [](FormatSpec& s) { s.parity[0].covered.push_back(0); },
       "covers itself"},
      {"parity covers a bit twice", [](FormatSpec& s) { s.parity[0].covered.push_back(1); },
       "covers bit 1 twice"},
      {"parity covers nothing", [](FormatSpec& s) { s.parity[0].covered.clear(); },
       "covers no bits"},
      {"parity bit defined twice", [](FormatSpec& s) { s.parity.push_back(s.parity[0]); },
       "defined twice"},
      {"cyclic parity",
       [](FormatSpec& s) {
         s.parity[0].covered.push_back(25);
         s.parity[1].covered.push_back(0);
       },
       "cycle"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.what);
    FormatSpec spec = builtin("H10301");
    c.mutate(spec);
    EXPECT_THAT(validate_format(spec), HasSubstr(c.message));
  }
}

TEST(WiegandFormat, RejectsFacilityWiderThanThirtyTwoBits) {
  FormatSpec spec{"Wide", 64, {0, 33}, {33, 31}, {}};
  EXPECT_THAT(validate_format(spec), HasSubstr("wider than 32 bits"));
  spec.facility = {0, 32};
  spec.number = {32, 32};
  EXPECT_EQ(validate_format(spec), "");  // 64 bits, no parity: legal if unwise
}

}  // namespace format_test
}  // namespace vigil::wiegand
