// Alarm zones armed and disarmed by schedule in site local time, across
// both DST changes, and armed when the last person leaves (issue 9 item 4).
#include <gtest/gtest.h>

#include "vigil/core/alarm.hpp"

namespace vigil::core {
namespace alarm_schedule_test {

// Europe/Berlin in 2026: CEST from 2026-03-29T01:00Z, CET again from
// 2026-10-25T01:00Z.
TimeZone berlin() {
  return TimeZone("Europe/Berlin", 3600, {{1774746000, 7200}, {1792890000, 3600}});
}

TimePoint utc(int y, int mo, int d, int h, int mi) {
  const auto day = std::chrono::sys_days{std::chrono::year{y} / mo / d};
  return std::chrono::time_point_cast<Duration>(day + std::chrono::hours(h) +
                                                std::chrono::minutes(mi));
}

AlarmZone zone_with(std::vector<WeeklyWindow> schedule) {
  AlarmZone z;
  z.id = ZoneId("store");
  z.exit_delay = std::chrono::seconds(30);
  z.sensors = {{"pir", {DeviceId("io1"), PointKind::discrete_input, 3}, SensorKind::motion, false}};
  z.arm_schedule = std::move(schedule);
  return z;
}

struct Step {
  EventKind kind;
  TimePoint at;
};

TEST(AlarmSchedule, ArmsAtOffHoursAndDisarmsAtTheWindowInSiteLocalTime) {
  struct Case {
    const char* name;
    std::vector<WeeklyWindow> schedule;
    TimePoint from, to;  // ticks every minute
    std::vector<Step> expected;
  };
  const std::vector<Case> cases{
      {"a winter weekday: 19:00 CET is 18:00Z, 07:00 CET is 06:00Z",
       {WeeklyWindow{0x1f, 7 * 60, 19 * 60}},
       utc(2026, 11, 23, 17, 0),
       utc(2026, 11, 24, 7, 0),
       {{EventKind::alarm_arming, utc(2026, 11, 23, 18, 0)},
        {EventKind::alarm_disarmed, utc(2026, 11, 24, 6, 0)}}},
      {"no window on Saturday: Friday evening arms until Monday",
       {WeeklyWindow{0x1f, 7 * 60, 19 * 60}},
       utc(2026, 11, 27, 17, 0),
       utc(2026, 11, 30, 7, 0),
       {{EventKind::alarm_arming, utc(2026, 11, 27, 18, 0)},
        {EventKind::alarm_disarmed, utc(2026, 11, 30, 6, 0)}}},
      {"spring forward: 06:00 CEST on the DST day is 04:00Z",
       {WeeklyWindow{0x7f, 6 * 60, 19 * 60}},
       utc(2026, 3, 28, 17, 0),
       utc(2026, 3, 29, 6, 0),
       {{EventKind::alarm_arming, utc(2026, 3, 28, 18, 0)},
        {EventKind::alarm_disarmed, utc(2026, 3, 29, 4, 0)}}},
      {"fall back: the repeated hour 02:00-03:00 arms and disarms once",
       {WeeklyWindow{0x7f, 2 * 60 + 30, 24 * 60}},
       utc(2026, 10, 24, 21, 0),
       utc(2026, 10, 25, 3, 0),
       {{EventKind::alarm_arming, utc(2026, 10, 24, 22, 0)},
        {EventKind::alarm_disarmed, utc(2026, 10, 25, 0, 30)}}},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    AlarmPanel panel({zone_with(c.schedule)}, berlin());
    std::vector<Step> seen;
    MonoTime mono{std::chrono::hours(1)};
    for (TimePoint t = c.from; t <= c.to; t += std::chrono::minutes(1)) {
      for (const Event& e : panel.advance({t, mono}).events) {
        if (e.kind == EventKind::alarm_arming || e.kind == EventKind::alarm_disarmed) {
          seen.push_back({e.kind, e.time});
          EXPECT_EQ(attr_text(e.attrs, "by"), "schedule");
        }
      }
      mono += std::chrono::minutes(1);
    }
    ASSERT_EQ(seen.size(), c.expected.size());
    for (std::size_t i = 0; i < seen.size(); ++i) {
      EXPECT_EQ(seen[i].kind, c.expected[i].kind) << i;
      EXPECT_EQ(format_utc(seen[i].at), format_utc(c.expected[i].at)) << i;
    }
  }
}

TEST(AlarmSchedule, AStartInsideOffHoursLeavesTheZoneAsItWas) {
  AlarmPanel panel({zone_with({WeeklyWindow{0x1f, 7 * 60, 19 * 60}})}, berlin());
  const auto first = panel.advance({utc(2026, 11, 23, 22, 0), MonoTime{}});
  EXPECT_TRUE(first.events.empty());
  EXPECT_EQ(panel.state(ZoneId("store")), AlarmState::disarmed);
}

TEST(AlarmSchedule, ArmsWithTheExitDelayWhenTheLastPersonLeaves) {
  AlarmZone z = zone_with({});
  z.arm_schedule.reset();
  z.auto_arm_when_empty = true;
  AlarmZone manual = z;
  manual.id = ZoneId("lab");
  manual.auto_arm_when_empty = false;
  AlarmPanel panel({z, manual});
  const Moment t0{utc(2026, 11, 23, 18, 0), MonoTime{std::chrono::hours(1)}};
  EXPECT_TRUE(panel.occupancy(ZoneId("store"), 0, t0).events.empty()) << "first count is state";
  EXPECT_TRUE(panel.occupancy(ZoneId("store"), 2, t0).events.empty());
  EXPECT_TRUE(panel.occupancy(ZoneId("store"), 1, t0).events.empty());
  const auto out = panel.occupancy(ZoneId("store"), 0, t0);
  ASSERT_EQ(out.events.size(), 1u);
  EXPECT_EQ(out.events[0].kind, EventKind::alarm_arming);
  EXPECT_EQ(attr_text(out.events[0].attrs, "by"), "occupancy");
  EXPECT_EQ(panel.state(ZoneId("store")), AlarmState::exit_delay);
  const Moment later{t0.wall + std::chrono::seconds(30), t0.mono + std::chrono::seconds(30)};
  EXPECT_EQ(panel.advance(later).events.at(0).kind, EventKind::alarm_armed);
  panel.occupancy(ZoneId("lab"), 1, t0);
  EXPECT_TRUE(panel.occupancy(ZoneId("lab"), 0, t0).events.empty()) << "not asked to";
}

}  // namespace alarm_schedule_test
}  // namespace vigil::core
