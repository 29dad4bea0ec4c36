// TZif loading: offsets from the system's tzdata, POSIX footer rules, and
// refusal of names and files that are not time zones.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "posix_tz.hpp"
#include "vigil/config/time_zone.hpp"

namespace vigil::config {
namespace {

using namespace std::chrono;

core::TimePoint utc(int y, unsigned m, unsigned d, int h = 12, int min = 0, int s = 0) {
  const sys_days date = year(y) / month(m) / day(d);
  return time_point_cast<microseconds>(date + hours(h) + minutes(min) + seconds(s));
}

std::int64_t unix_seconds(core::TimePoint t) {
  return core::to_unix_micros(t) / 1'000'000;
}

struct OffsetCase {
  const char* zone;
  core::TimePoint when;
  std::int32_t offset_seconds;
};

void PrintTo(const OffsetCase& c, std::ostream* os) {
  *os << c.zone << " at " << core::format_utc(c.when);
}

class TimeZoneOffset : public testing::TestWithParam<OffsetCase> {};

TEST_P(TimeZoneOffset, MatchesTzdata) {
  const OffsetCase& c = GetParam();
  EXPECT_EQ(load_time_zone(c.zone).offset_at(c.when), c.offset_seconds);
}

INSTANTIATE_TEST_SUITE_P(
    Zones, TimeZoneOffset,
    testing::Values(OffsetCase{"Europe/Berlin", utc(2026, 1, 15), 3600},
                    OffsetCase{"Europe/Berlin", utc(2026, 7, 15), 7200},
                    // Past the fat file's 2037 horizon only the footer rule knows.
                    OffsetCase{"Europe/Berlin", utc(2150, 7, 1), 7200},
                    OffsetCase{"Europe/Berlin", utc(2150, 12, 1), 3600},
                    OffsetCase{"America/New_York", utc(2026, 1, 15), -5 * 3600},
                    OffsetCase{"America/New_York", utc(2026, 7, 15), -4 * 3600},
                    OffsetCase{"Australia/Sydney", utc(2026, 1, 15), 11 * 3600},
                    OffsetCase{"Australia/Sydney", utc(2026, 7, 15), 10 * 3600},
                    OffsetCase{"Asia/Kolkata", utc(2026, 7, 15), 5 * 3600 + 1800},
                    OffsetCase{"UTC", utc(2026, 7, 15), 0}));

TEST(TimeZone, BerlinSwitchesToSummerTimeAtOneUtcOnLastMarchSunday) {
  const core::TimeZone berlin = load_time_zone("Europe/Berlin");
  EXPECT_EQ(berlin.offset_at(utc(2026, 3, 29, 0, 59, 59)), 3600);
  EXPECT_EQ(berlin.offset_at(utc(2026, 3, 29, 1, 0, 0)), 7200);
  EXPECT_EQ(berlin.offset_at(utc(2026, 10, 25, 0, 59, 59)), 7200);
  EXPECT_EQ(berlin.offset_at(utc(2026, 10, 25, 1, 0, 0)), 3600);
}

TEST(TimeZone, KeepsTheName) {
  EXPECT_EQ(load_time_zone("Europe/Berlin").name(), "Europe/Berlin");
}

TEST(TimeZone, UnknownNameThrows) {
  EXPECT_THROW(load_time_zone("Mars/Olympus_Mons"), TimeZoneError);
}

TEST(TimeZone, PathsOutsideTheZoneinfoFolderAreRefused) {
  EXPECT_THROW(load_time_zone("../../etc/passwd"), TimeZoneError);
  EXPECT_THROW(load_time_zone("/etc/passwd"), TimeZoneError);
}

TEST(TimeZone, FileThatIsNotTzifThrows) {
  EXPECT_THROW(parse_tzif("hello, world", "Bogus"), TimeZoneError);
  EXPECT_THROW(parse_tzif("TZif2", "Truncated"), TimeZoneError);
}

// A slim TZif v2 file: no transitions at all, one time type, and the rule in
// the footer. Everything after 1970 comes from the footer.
std::string slim_tzif(const std::string& footer) {
  auto header = [](char version) {
    std::string h = "TZif";
    h += version;
    h += std::string(15, '\0');
    const std::uint32_t counts[6] = {0, 0, 0, 0, 1, 4};  // ..., timecnt, typecnt, charcnt
    for (std::uint32_t c : counts) {
      for (int shift = 24; shift >= 0; shift -= 8) h += static_cast<char>((c >> shift) & 0xff);
    }
    return h;
  };
  const std::string type("\0\0\x0e\x10\0\0", 6);  // utoff 3600, isdst 0, abbreviation 0
  const std::string block = type + std::string("CET\0", 4);
  return header('2') + block + header('2') + block + "\n" + footer + "\n";
}

TEST(TimeZone, SlimFileUsesTheFooterRule) {
  const core::TimeZone tz = parse_tzif(slim_tzif("CET-1CEST,M3.5.0,M10.5.0/3"), "Slim/Berlin");
  EXPECT_EQ(tz.offset_at(utc(2030, 1, 15)), 3600);
  EXPECT_EQ(tz.offset_at(utc(2030, 7, 15)), 7200);
  // 2030: last Sunday of March is the 31st, of October the 27th.
  EXPECT_EQ(tz.offset_at(utc(2030, 3, 31, 0, 59, 59)), 3600);
  EXPECT_EQ(tz.offset_at(utc(2030, 3, 31, 1, 0, 0)), 7200);
  EXPECT_EQ(tz.offset_at(utc(2030, 10, 27, 1, 0, 0)), 3600);
}

TEST(TimeZone, MalformedFooterThrows) {
  EXPECT_THROW(parse_tzif(slim_tzif("CET-1CEST,M13.5.0,M10.5.0"), "Bad"), TimeZoneError);
}

TEST(PosixTz, ExpandsUsRules) {
  auto tz = parse_posix_tz("EST5EDT,M3.2.0,M11.1.0");
  ASSERT_TRUE(tz.has_value());
  EXPECT_EQ(tz->std_utc_offset_seconds, -5 * 3600);
  const auto t = expand(*tz, 2026, 2026);
  ASSERT_EQ(t.size(), 2u);
  EXPECT_EQ(t[0].at_unix_seconds, unix_seconds(utc(2026, 3, 8, 7)));  // 02:00 EST
  EXPECT_EQ(t[0].offset_seconds, -4 * 3600);
  EXPECT_EQ(t[1].at_unix_seconds, unix_seconds(utc(2026, 11, 1, 6)));  // 02:00 EDT
  EXPECT_EQ(t[1].offset_seconds, -5 * 3600);
}

TEST(PosixTz, ReadsAngleBracketNamesAndJulianDays) {
  auto tz = parse_posix_tz("<+0330>-3:30");
  ASSERT_TRUE(tz.has_value());
  EXPECT_EQ(tz->std_utc_offset_seconds, 3 * 3600 + 1800);
  EXPECT_FALSE(tz->daylight.has_value());
  auto j = parse_posix_tz("XXX3YYY,J60/0,J300/0");
  ASSERT_TRUE(j.has_value());
  // J60 is 1 March in every year, leap or not.
  EXPECT_EQ(expand(*j, 2028, 2028)[0].at_unix_seconds, unix_seconds(utc(2028, 3, 1, 3)));
}

TEST(PosixTz, RejectsGarbage) {
  EXPECT_FALSE(parse_posix_tz("").has_value());
  EXPECT_FALSE(parse_posix_tz("C1").has_value());
  EXPECT_FALSE(parse_posix_tz("CET-1CEST,M3.5").has_value());
  EXPECT_FALSE(parse_posix_tz("CET-1 trailing").has_value());
}

}  // namespace
}  // namespace vigil::config
