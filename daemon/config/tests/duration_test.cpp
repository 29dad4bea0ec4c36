// Durations in config files: a whole number and a unit, never a bare number.
#include <gtest/gtest.h>

#include "vigil/config/duration.hpp"

namespace vigil::config {
namespace {

using namespace std::chrono_literals;

struct Good {
  const char* text;
  std::chrono::microseconds value;
};

void PrintTo(const Good& c, std::ostream* os) {
  *os << c.text;
}

class DurationParses : public testing::TestWithParam<Good> {};

TEST_P(DurationParses, ToMicroseconds) {
  EXPECT_EQ(parse_duration(GetParam().text), GetParam().value);
}

INSTANTIATE_TEST_SUITE_P(Units, DurationParses,
                         testing::Values(Good{"250us", 250us}, Good{"25ms", 25ms},
                                         Good{"500ms", 500ms}, Good{"5s", 5s}, Good{"0s", 0s},
                                         Good{"2m", 2min}, Good{"1h", 1h}));

struct Bad {
  const char* text;
  const char* error;
};

void PrintTo(const Bad& c, std::ostream* os) {
  *os << '"' << c.text << '"';
}

class DurationRefuses : public testing::TestWithParam<Bad> {};

TEST_P(DurationRefuses, WithAReason) {
  std::string error;
  EXPECT_FALSE(parse_duration(GetParam().text, &error).has_value());
  EXPECT_EQ(error, GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Mistakes, DurationRefuses,
    testing::Values(Bad{"5", "duration needs a unit (ms, s, m or h), e.g. '5s'"},
                    Bad{"5 s", "unknown duration unit ' s' in '5 s' (use us, ms, s, m or h)"},
                    Bad{"5sec", "unknown duration unit 'sec' in '5sec' (use us, ms, s, m or h)"},
                    Bad{"1.5s",
                        "duration '1.5s' must be a whole number (use a smaller unit, such as ms)"},
                    Bad{"-5s", "expected a duration such as 5s or 500ms, got '-5s'"},
                    Bad{"", "expected a duration such as 5s or 500ms, got ''"},
                    Bad{"99999999999999999999h", "duration '99999999999999999999h' is too long"}));

TEST(Duration, FormatsInTheLargestExactUnit) {
  EXPECT_EQ(format_duration(30s), "30s");
  EXPECT_EQ(format_duration(1500ms), "1500ms");
  EXPECT_EQ(format_duration(2min), "2m");
  EXPECT_EQ(format_duration(25ms), "25ms");
  EXPECT_EQ(format_duration(0s), "0us");
}

}  // namespace
}  // namespace vigil::config
