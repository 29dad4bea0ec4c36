#include "vigil/core/time.hpp"

#include <gtest/gtest.h>

#include "site_fixture.hpp"

namespace vigil::core {
namespace {

TEST(Time, FormatsUtcWithMicroseconds) {
  const TimePoint t =
      testing::at_utc(testing::kMonday, 15, 36, 57) + std::chrono::microseconds(123456);
  EXPECT_EQ(format_utc(t), "2026-11-23T15:36:57.123456Z");
  EXPECT_EQ(format_utc(TimePoint{}), "1970-01-01T00:00:00.000000Z");
}

// The journal's date attributes (trip days, expiries) are formatted inside
// decide(); since s24 without snprintf, which must not change a character.
TEST(Time, FormatsDatesAsIsoDaysAcrossTheCalendar) {
  EXPECT_EQ(format_date(LocalDate{0}), "1970-01-01");
  EXPECT_EQ(format_date(LocalDate{-1}), "1969-12-31");
  EXPECT_EQ(format_date(*parse_date("2000-02-29")), "2000-02-29");
  EXPECT_EQ(format_date(*parse_date("2026-11-23")), "2026-11-23");
  EXPECT_EQ(format_date(*parse_date("0001-01-01")), "0001-01-01");
  EXPECT_EQ(format_date(*parse_date("9999-12-31")), "9999-12-31");
  EXPECT_EQ(format_date(*parse_date("9999-12-31") + 1), "10000-01-01");
  for (std::int32_t day = -800; day < 40'000; day += 37) {
    EXPECT_EQ(parse_date(format_date(LocalDate{day})), LocalDate{day}) << day;
  }
}

TEST(Time, LocalWeekdayFollowsTheOffsetAcrossMidnight) {
  const TimeZone tz = TimeZone::fixed("UTC+2", 7200);
  // Sunday 23:00 UTC is Monday 01:00 at UTC+2.
  const LocalTime lt = tz.local(testing::at_utc(testing::kMonday - 1, 23, 0));
  EXPECT_EQ(lt.weekday, 0);
  EXPECT_EQ(lt.minute_of_day, 60);
}

TEST(Time, TransitionsChangeTheOffset) {
  const TimeZone tz("Test", 3600, {{1000, 7200}, {2000, 3600}});
  EXPECT_EQ(tz.offset_at(from_unix_micros(999'000'000)), 3600);
  EXPECT_EQ(tz.offset_at(from_unix_micros(1000'000'000)), 7200);
  EXPECT_EQ(tz.offset_at(from_unix_micros(2500'000'000)), 3600);
}

}  // namespace
}  // namespace vigil::core
