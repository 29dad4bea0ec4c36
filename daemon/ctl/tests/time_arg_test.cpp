#include "../src/time_arg.hpp"

#include <gtest/gtest.h>

#include "vigil/config/time_zone.hpp"

namespace vigil::ctl {
namespace {

const core::TimeZone& berlin() {
  static const core::TimeZone zone = config::load_time_zone("Europe/Berlin");
  return zone;
}

struct Good {
  const char* text;
  const char* utc;  // format_utc of the instant
};

// Berlin: CET (+01:00) in winter, CEST (+02:00) from 2026-03-29 01:00 UTC
// to 2026-10-25 01:00 UTC.
TEST(TimeArg, ReadsSiteTimesDatesAndOffsets) {
  const Good cases[] = {
      {"2026-11-25", "2026-11-24T23:00:00.000000Z"},  // local midnight
      {"2026-07-01", "2026-06-30T22:00:00.000000Z"},
      {"2026-11-25T10:30", "2026-11-25T09:30:00.000000Z"},
      {"2026-11-25 10:30:15", "2026-11-25T09:30:15.000000Z"},
      {"2026-11-25t10:30:15.5", "2026-11-25T09:30:15.500000Z"},
      {"2026-11-25T10:30:15.123456", "2026-11-25T09:30:15.123456Z"},
      {"2026-11-25T10:30:15Z", "2026-11-25T10:30:15.000000Z"},
      {"2026-11-25T10:30z", "2026-11-25T10:30:00.000000Z"},
      {"2026-11-25T10:30:15+02:00", "2026-11-25T08:30:15.000000Z"},
      {"2026-11-25T10:30:15-0530", "2026-11-25T16:00:15.000000Z"},
      {"2026-11-25T00:30+01:00", "2026-11-24T23:30:00.000000Z"},
      {"2028-02-29T12:00", "2028-02-29T11:00:00.000000Z"},  // a leap day
      // The hour repeated when DST ends (02:00-03:00 twice on 2026-10-25):
      // the earlier instant, in CEST; an offset picks the later one.
      {"2026-10-25T02:30", "2026-10-25T00:30:00.000000Z"},
      {"2026-10-25T02:30+01:00", "2026-10-25T01:30:00.000000Z"},
      // The tool's own output format.
      {"2026-11-25T10:30:15.250000+01:00", "2026-11-25T09:30:15.250000Z"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_time_arg(c.text, berlin());
    ASSERT_TRUE(parsed) << c.text << ": " << parsed.error;
    EXPECT_EQ(core::format_utc(*parsed.time), c.utc) << c.text;
  }
}

struct Bad {
  const char* text;
  const char* says;  // part of the error message
};

TEST(TimeArg, RejectsWhatIsNotExactlyOneTimeAndNamesTheText) {
  const Bad cases[] = {
      {"", "not a date"},
      {"yesterday", "not a date"},
      {"2026-02-31", "day 31 does not exist"},
      {"2027-02-29", "day 29 does not exist"},
      {"2026-04-31T10:00", "day 31 does not exist"},
      {"2026-13-01", "no month 13"},
      {"2026-00-10", "no month 0"},
      {"2026-11-25x", "trailing text after the date"},
      {"2026-11-25T25:00", "out of range"},
      {"2026-11-25T10:60", "out of range"},
      {"2026-11-25T10:00:61", "out of range"},
      {"2026-11-25T10:00junk", "trailing text 'junk'"},
      {"2026-11-25T10:00Zjunk", "trailing text 'junk'"},
      {"2026-11-25T10:00:00+01:00 ", "trailing text ' '"},
      {"2026-11-25T10:00+1", "offset is +HH:MM"},
      {"2026-11-25T10:00+24:00", "offset is +HH:MM"},
      {"2026-11-25T10:00:00.", "1 to 6 digits"},
      {"2026-11-25T10:00:00.1234567", "trailing text '7'"},
      {"2026-11-25T1:00", "trailing text after the date"},
      {"26-11-25", "not a date"},
      // The hour skipped when DST starts (02:00-03:00 on 2026-03-29).
      {"2026-03-29T02:30", "does not exist in Europe/Berlin"},
  };
  for (const auto& c : cases) {
    auto parsed = parse_time_arg(c.text, berlin());
    EXPECT_FALSE(parsed) << c.text;
    EXPECT_NE(parsed.error.find(c.says), std::string::npos) << c.text << ": " << parsed.error;
    EXPECT_EQ(parsed.error.rfind("'" + std::string{c.text} + "'", 0), 0u) << parsed.error;
  }
}

TEST(TimeArg, SkippedLocalTimeIsFineWithAnOffset) {
  auto parsed = parse_time_arg("2026-03-29T02:30+01:00", berlin());
  ASSERT_TRUE(parsed) << parsed.error;
  EXPECT_EQ(core::format_utc(*parsed.time), "2026-03-29T01:30:00.000000Z");
}

TEST(TimeArg, PrintsInTheZoneAndReadsItsOwnOutputBack) {
  const auto t = *parse_time_arg("2026-10-25T00:30:00.000001Z", berlin()).time;
  EXPECT_EQ(format_time_arg(t, berlin()), "2026-10-25T02:30:00.000001+02:00");
  EXPECT_EQ(format_time_arg(t + std::chrono::hours(1), berlin()),
            "2026-10-25T02:30:00.000001+01:00");
  EXPECT_EQ(format_time_arg(t, core::TimeZone{}), "2026-10-25T00:30:00.000001Z");
  for (auto step = 0; step < 48; ++step) {  // across the repeated hour, both zones
    const auto when = t + std::chrono::minutes(37 * step);
    for (const auto* zone : {&berlin(), static_cast<const core::TimeZone*>(nullptr)}) {
      const core::TimeZone& z = zone ? *zone : core::TimeZone{};
      const auto text = format_time_arg(when, z);
      auto back = parse_time_arg(text, z);
      ASSERT_TRUE(back) << back.error;
      EXPECT_EQ(*back.time, when) << text;
    }
  }
}

TEST(TimeArg, WithoutAZoneReadsUtc) {
  EXPECT_EQ(core::format_utc(*parse_time_arg("2026-11-25")), "2026-11-25T00:00:00.000000Z");
  EXPECT_EQ(core::format_utc(*parse_time_arg("2026-11-25 10:30")), "2026-11-25T10:30:00.000000Z");
  EXPECT_FALSE(parse_time_arg("2026-02-31"));
}

}  // namespace
}  // namespace vigil::ctl
