// Holiday calendars (issue 8, rule 1): a holiday overrides the weekly
// schedule of the levels that follow its calendar for the whole local day,
// closed or in a holiday schedule's hours. Written as facilities staff write
// them in the site YAML.
#include <gtest/gtest.h>

#include <chrono>

#include "vigil/config/load.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::config {
namespace {

using namespace std::chrono;

constexpr const char* kSite = R"yaml(site: { id: hq, gateway: gw1, time_zone: Europe/Berlin }
journal: { path: j.db }
zones:
  - { id: lobby }
doors:
  - { id: main, from: outside, to: lobby, lock: { device: io1, coil: 0 }, contact: { device: io1, input: 0 } }
devices:
  - { id: io1, type: modbus_tcp, host: 127.0.0.1, port: 1502 }
  - { id: gpio0, type: sim_gpio, socket: g.sock }
readers:
  - { id: in, door: main, direction: in, wiegand: { chip: gpio0, d0: 0, d1: 1 } }
holiday_schedules:
  - { id: half-day, windows: [ { from: "08:00", to: "12:00" } ] }
holiday_calendars:
  - id: berlin
    days:
      - { date: 2026-12-24, name: Christmas Eve, schedule: half-day }
      - { date: 2026-12-25, name: Christmas Day }
access_levels:
  - { id: staff, zones: [lobby], holidays: berlin, schedule: [ { days: [mon, tue, wed, thu, fri], from: "07:00", to: "19:00" } ] }
  - { id: all-hours, zones: [lobby], holidays: berlin, schedule: always }
  - { id: guards, zones: [lobby], schedule: always }
)yaml";

// Berlin is UTC+1 in December.
core::TimePoint local(unsigned d, int h, int min = 0, int s = 0) {
  return time_point_cast<microseconds>(sys_days(year(2026) / December / day(d)) + hours(h - 1) +
                                       minutes(min) + seconds(s));
}

struct HolidayCase {
  const char* name;
  const char* level;
  core::TimePoint at;
  core::DenyReason reason;
  const char* holiday;  // attr "holiday", or nullptr
};

class Holidays : public ::testing::TestWithParam<HolidayCase> {};

TEST_P(Holidays, OverrideTheWeeklySchedule) {
  auto config = load_site_config_from_string(kSite, "/etc/site.yaml");
  ASSERT_TRUE(config.ok()) << to_string(config.diagnostics());
  const auto& c = GetParam();
  core::PeopleDirectory people;
  people.add_person({core::PersonId("p"), "P", true, {core::AccessLevelId(c.level)}, {}});
  people.add_credential({core::CardNumber{1, 1}, core::PersonId("p"), true, {}, {}});
  const auto d =
      core::decide(config.value().site, people, core::CardNumber{1, 1}, core::ReaderId("in"), c.at);
  EXPECT_EQ(std::string(core::to_string(d.reason)), core::to_string(c.reason));
  EXPECT_EQ(d.rule, core::rule_of(c.reason));
  EXPECT_EQ(core::attr_text(d.attrs, "holiday"),
            c.holiday ? std::optional<std::string>(c.holiday) : std::nullopt);
}

using R = core::DenyReason;

INSTANTIATE_TEST_SUITE_P(
    Edges, Holidays,
    ::testing::Values(HolidayCase{"ordinary_thursday", "staff", local(23, 10), R::none, nullptr},
                      HolidayCase{"half_day_open", "staff", local(24, 8), R::none, "Christmas Eve"},
                      HolidayCase{"half_day_closes_at_noon", "staff", local(24, 12),
                                  R::holiday_closed, "Christmas Eve"},
                      HolidayCase{"closed_day", "staff", local(25, 10), R::holiday_closed,
                                  "Christmas Day"},
                      HolidayCase{"level_without_calendar_ignores_holidays", "guards",
                                  local(25, 10), R::none, nullptr},
                      HolidayCase{"last_minute_before_the_holiday", "all-hours",
                                  local(23, 23, 59, 59), R::none, nullptr},
                      HolidayCase{"holiday_starts_at_local_midnight", "all-hours", local(24, 0),
                                  R::holiday_closed, "Christmas Eve"},
                      HolidayCase{"closed_until_local_midnight", "all-hours", local(25, 23, 59, 59),
                                  R::holiday_closed, "Christmas Day"},
                      HolidayCase{"day_after", "all-hours", local(26, 0), R::none, nullptr},
                      HolidayCase{"weekend_after_is_just_the_schedule", "staff", local(26, 10),
                                  R::outside_schedule, nullptr}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(Holidays, MistakesAreReportedWithTheirPosition) {
  std::string text = kSite;
  auto replace = [&](const std::string& from, const std::string& to) {
    text.replace(text.find(from), from.size(), to);
  };
  replace("schedule: half-day }", "schedule: halfday }");
  replace("{ date: 2026-12-25, name: Christmas Day }",
          "{ date: 2026-12-24, name: Christmas Day }\n      - { date: 2026-12-32 }");
  replace("holidays: berlin, schedule: always", "holidays: berln, schedule: always");
  auto result = load_site_config_from_string(text, "site.yaml");
  std::vector<std::string> got;
  for (const auto& d : result.diagnostics()) got.push_back(to_string(d));
  EXPECT_EQ(got, (std::vector<std::string>{
                     "site.yaml:17:60: 'schedule': unknown holiday schedule 'halfday' (did you "
                     "mean 'half-day'?)",
                     "site.yaml:18:9: holiday 2026-12-24 is listed twice in 'berlin' (first on "
                     "line 17)",
                     "site.yaml:19:17: 'date': expected a date such as 2026-12-25, got "
                     "'2026-12-32'",
                     "site.yaml:22:48: 'holidays': unknown holiday calendar 'berln' (did you "
                     "mean 'berlin'?)"}));
}

}  // namespace
}  // namespace vigil::config
