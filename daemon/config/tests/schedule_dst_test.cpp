// Weekly schedules written in local time stay right across both daylight-
// saving changes (issue 8, rule 1): the skipped hour never opens, the
// repeated hour opens twice, and every boundary moves with the offset.
// Real TZif data from the system's zoneinfo, as vigild loads it.
#include <gtest/gtest.h>

#include <chrono>

#include "vigil/config/time_zone.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::config {
namespace schedule_dst_test {

using namespace std::chrono;

core::TimePoint utc(int y, unsigned m, unsigned d, int h, int min = 0, int s = 0) {
  return time_point_cast<microseconds>(sys_days(year(y) / month(m) / day(d)) + hours(h) +
                                       minutes(min) + seconds(s));
}

core::AccessLevel level(const char* id, int from_h, int to_h) {
  return core::AccessLevel{core::AccessLevelId(id),
                           {core::ZoneId("lobby")},
                           {core::WeeklyWindow{0x7f, from_h * 60, to_h * 60}},
                           ""};
}

core::Site site_in(const char* zone) {
  core::Site site;
  site.time_zone = load_time_zone(zone);
  site.zones = {{core::ZoneId("outside"),
                 "Outside",
                 core::SecurityLevel::public_,
                 {},
                 core::ClearanceLevel::none},
                {core::ZoneId("lobby"),
                 "Lobby",
                 core::SecurityLevel::public_,
                 {},
                 core::ClearanceLevel::none}};
  core::Door door;
  door.id = core::DoorId("main");
  door.from_zone = core::ZoneId("outside");
  door.to_zone = core::ZoneId("lobby");
  site.doors = {door};
  site.readers = {{core::ReaderId("in"), core::DoorId("main"), core::Direction::in}};
  site.access_levels = {level("night", 1, 3), level("skipped", 2, 3), level("day", 7, 19)};
  return site;
}

core::PeopleDirectory people() {
  core::PeopleDirectory p;
  std::uint64_t card = 1;
  for (const char* l : {"night", "skipped", "day"}) {
    p.add_person({core::PersonId(l), l, true, {core::AccessLevelId(l)}, {}});
    p.add_credential({core::CardNumber{1, card++}, core::PersonId(l), true, {}, {}});
  }
  return p;
}

struct DstCase {
  const char* name;
  const char* zone;
  const char* level;  // night 01-03, skipped 02-03, day 07-19 (local)
  core::TimePoint at;
  bool open;
};

class DstSchedule : public ::testing::TestWithParam<DstCase> {};

TEST_P(DstSchedule, OpensOnLocalTime) {
  const auto& c = GetParam();
  const std::string l = c.level;
  const std::uint64_t card = l == "night" ? 1 : l == "skipped" ? 2 : 3;
  const auto d = core::decide(site_in(c.zone), people(), core::CardNumber{1, card},
                              core::ReaderId("in"), c.at);
  EXPECT_EQ(d.granted(), c.open) << core::to_string(d.reason);
}

INSTANTIATE_TEST_SUITE_P(
    BothTransitions, DstSchedule,
    ::testing::Values(
        // Europe/Berlin, 2026-03-29: 02:00 CET jumps to 03:00 CEST at 01:00 UTC.
        DstCase{"berlin_spring_0130_cet", "Europe/Berlin", "night", utc(2026, 3, 29, 0, 30), true},
        DstCase{"berlin_spring_0159_cet", "Europe/Berlin", "skipped", utc(2026, 3, 29, 0, 59),
                false},
        DstCase{"berlin_spring_skipped_hour_never_opens", "Europe/Berlin", "skipped",
                utc(2026, 3, 29, 1, 0), false},
        DstCase{"berlin_spring_0300_cest_ends_night", "Europe/Berlin", "night",
                utc(2026, 3, 29, 1, 0), false},
        DstCase{"berlin_spring_0659_cest", "Europe/Berlin", "day", utc(2026, 3, 29, 4, 59), false},
        DstCase{"berlin_spring_0700_cest", "Europe/Berlin", "day", utc(2026, 3, 29, 5, 0), true},
        DstCase{"berlin_spring_1900_cest", "Europe/Berlin", "day", utc(2026, 3, 29, 17, 0), false},
        // Europe/Berlin, 2026-10-25: 03:00 CEST falls back to 02:00 CET at 01:00 UTC.
        DstCase{"berlin_autumn_first_0230", "Europe/Berlin", "skipped", utc(2026, 10, 25, 0, 30),
                true},
        DstCase{"berlin_autumn_repeated_0230", "Europe/Berlin", "skipped", utc(2026, 10, 25, 1, 30),
                true},
        DstCase{"berlin_autumn_0300_cet", "Europe/Berlin", "skipped", utc(2026, 10, 25, 2, 0),
                false},
        DstCase{"berlin_autumn_0659_cet", "Europe/Berlin", "day", utc(2026, 10, 25, 5, 59), false},
        DstCase{"berlin_autumn_0700_cet", "Europe/Berlin", "day", utc(2026, 10, 25, 6, 0), true},
        // America/New_York, 2026-03-08: 02:00 EST jumps to 03:00 EDT at 07:00 UTC.
        DstCase{"newyork_spring_0159_est", "America/New_York", "night", utc(2026, 3, 8, 6, 59),
                true},
        DstCase{"newyork_spring_skipped_hour_never_opens", "America/New_York", "skipped",
                utc(2026, 3, 8, 7, 0), false},
        DstCase{"newyork_spring_0300_edt_ends_night", "America/New_York", "night",
                utc(2026, 3, 8, 7, 0), false},
        DstCase{"newyork_spring_0659_edt", "America/New_York", "day", utc(2026, 3, 8, 10, 59),
                false},
        DstCase{"newyork_spring_0700_edt", "America/New_York", "day", utc(2026, 3, 8, 11, 0), true},
        // America/New_York, 2026-11-01: 02:00 EDT falls back to 01:00 EST at 06:00 UTC.
        DstCase{"newyork_autumn_first_0130", "America/New_York", "night", utc(2026, 11, 1, 5, 30),
                true},
        DstCase{"newyork_autumn_repeated_0130", "America/New_York", "night",
                utc(2026, 11, 1, 6, 30), true},
        DstCase{"newyork_autumn_0159_edt", "America/New_York", "skipped", utc(2026, 11, 1, 5, 59),
                false},
        DstCase{"newyork_autumn_0200_est", "America/New_York", "skipped", utc(2026, 11, 1, 7, 0),
                true},
        DstCase{"newyork_autumn_0659_est", "America/New_York", "day", utc(2026, 11, 1, 11, 59),
                false},
        DstCase{"newyork_autumn_0700_est", "America/New_York", "day", utc(2026, 11, 1, 12, 0),
                true}),
    [](const auto& info) { return std::string(info.param.name); });

}  // namespace schedule_dst_test
}  // namespace vigil::config
