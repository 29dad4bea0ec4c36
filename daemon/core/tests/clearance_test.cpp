// Zones and clearance (issue 8, rule 2): a zone may require a clearance
// level, nested zones inherit their parents' requirement, and a person's
// clearance expires at the local midnight that ends its last day.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

// hq with a secret `vault` inside the server room, and an `annex` inside the
// vault that requires nothing itself. The site runs on UTC+1 (Berlin winter).
Site clearance_site() {
  Site site = testing::make_site();
  site.time_zone = TimeZone::fixed("UTC+1", 3600);
  site.zones.push_back({ZoneId("vault"), "Vault", SecurityLevel::protected_, ZoneId("server-room"),
                        ClearanceLevel::secret});
  site.zones.push_back(
      {ZoneId("annex"), "Annex", SecurityLevel::restricted, ZoneId("vault"), ClearanceLevel::none});
  Door vault = site.doors[1];
  vault.id = DoorId("vault-door");
  vault.from_zone = ZoneId("server-room");
  vault.to_zone = ZoneId("vault");
  Door annex = vault;
  annex.id = DoorId("annex-door");
  annex.from_zone = ZoneId("vault");
  annex.to_zone = ZoneId("annex");
  site.doors.push_back(vault);
  site.doors.push_back(annex);
  site.readers.push_back({ReaderId("vault-in"), DoorId("vault-door"), Direction::in});
  site.readers.push_back({ReaderId("annex-in"), DoorId("annex-door"), Direction::in});
  site.access_levels.push_back({AccessLevelId("vault"),
                                {ZoneId("vault"), ZoneId("annex"), ZoneId("lobby")},
                                {WeeklyWindow{0x7f, 0, 24 * 60}},
                                ""});
  return site;
}

// 2026-11-30 (Monday + 7) is the last valid day of a clearance.
const LocalDate kLastDay = *parse_date("2026-11-30");

PeopleDirectory clearance_people() {
  PeopleDirectory people;
  auto add = [&](const char* id, std::uint64_t card, Clearance clearance) {
    people.add_person({PersonId(id), id, true, {AccessLevelId("vault")}, clearance});
    people.add_credential({CardNumber{7, card}, PersonId(id), true, {}, {}});
  };
  add("none", 1, Clearance{});
  add("confidential", 2, Clearance{ClearanceLevel::confidential, std::nullopt});
  add("secret", 3, Clearance{ClearanceLevel::secret, kLastDay});
  add("top", 4, Clearance{ClearanceLevel::top_secret, std::nullopt});
  add("lapsed-low", 5, Clearance{ClearanceLevel::confidential, *parse_date("2026-01-01")});
  return people;
}

struct ClearanceCase {
  const char* name;
  std::uint64_t card;
  const char* reader;
  TimePoint time;
  DenyReason reason;
};

class ClearanceRule : public ::testing::TestWithParam<ClearanceCase> {};

TEST_P(ClearanceRule, RefusesWithItsOwnReason) {
  const Site site = clearance_site();
  const PeopleDirectory people = clearance_people();
  const auto& c = GetParam();
  const Decision d = decide(site, people, CardNumber{7, c.card}, ReaderId(c.reader), c.time);
  EXPECT_EQ(std::string(to_string(d.reason)), to_string(c.reason));
  EXPECT_EQ(d.granted(), c.reason == DenyReason::none);
  if (c.reason != DenyReason::none) {
    EXPECT_EQ(d.rule, Rule::clearance);
    EXPECT_EQ(attr_text(d.attrs, "required_clearance"), "secret");
    EXPECT_EQ(attr_text(d.attrs, "required_by"), "vault");
  }
}

const TimePoint kNoon = at_utc(kMonday + 7, 11, 0);
// 23:59:59 and 00:00:00 local (UTC+1) around the end of the last day.
const TimePoint kLastSecond = at_utc(kMonday + 7, 22, 59, 59);
const TimePoint kMidnight = at_utc(kMonday + 7, 23, 0, 0);

INSTANTIATE_TEST_SUITE_P(
    Edges, ClearanceRule,
    ::testing::Values(
        ClearanceCase{"no_clearance", 1, "vault-in", kNoon, DenyReason::clearance_missing},
        ClearanceCase{"lower_level", 2, "vault-in", kNoon, DenyReason::clearance_insufficient},
        ClearanceCase{"lower_and_expired_names_the_level", 5, "vault-in", kNoon,
                      DenyReason::clearance_insufficient},
        ClearanceCase{"exact_level", 3, "vault-in", kNoon, DenyReason::none},
        ClearanceCase{"higher_level", 4, "vault-in", kNoon, DenyReason::none},
        ClearanceCase{"last_second_of_last_day", 3, "vault-in", kLastSecond, DenyReason::none},
        ClearanceCase{"local_midnight_after_last_day", 3, "vault-in", kMidnight,
                      DenyReason::clearance_expired},
        ClearanceCase{"utc_midnight_is_not_the_edge", 3, "vault-in", at_utc(kMonday + 8, 0, 0),
                      DenyReason::clearance_expired},
        ClearanceCase{"nested_zone_inherits_parent_requirement", 1, "annex-in", kNoon,
                      DenyReason::clearance_missing},
        ClearanceCase{"nested_zone_expired", 3, "annex-in", kMidnight,
                      DenyReason::clearance_expired},
        ClearanceCase{"zone_without_requirement", 1, "lobby-in", kNoon, DenyReason::none}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(ClearanceRule, RefusalWinsOverAnAlwaysOpenLevel) {
  // `vault` is open around the clock and covers the zone: the missing
  // clearance still refuses, and the level never gets a say.
  const Decision d =
      decide(clearance_site(), clearance_people(), CardNumber{7, 1}, ReaderId("vault-in"), kNoon);
  EXPECT_EQ(d.outcome, Outcome::deny);
  EXPECT_EQ(d.reason, DenyReason::clearance_missing);
  EXPECT_EQ(d.level, nullptr);
}

TEST(ClearanceRule, ExpiredRefusalNamesTheLastDay) {
  const Decision d = decide(clearance_site(), clearance_people(), CardNumber{7, 3},
                            ReaderId("vault-in"), kMidnight);
  EXPECT_EQ(attr_text(d.attrs, "clearance"), "secret");
  EXPECT_EQ(attr_text(d.attrs, "clearance_expires"), "2026-11-30");
}

TEST(LocalDate, ParsesAndFormatsCalendarDays) {
  EXPECT_EQ(parse_date("1970-01-02")->days, 1);
  EXPECT_EQ(format_date(*parse_date("2028-02-29")), "2028-02-29");
  EXPECT_FALSE(parse_date("2027-02-29"));
  EXPECT_FALSE(parse_date("2026-13-01"));
  EXPECT_FALSE(parse_date("2026-1-01"));
  EXPECT_FALSE(parse_date("2026-01-0x"));
}

TEST(LocalDate, DayStartsAtLocalMidnight) {
  const TimeZone tz = TimeZone::fixed("UTC+1", 3600);
  EXPECT_EQ(tz.start_of(*parse_date("2026-12-01")), kMidnight);
  EXPECT_EQ(format_date(tz.local(kMidnight).date), "2026-12-01");
  EXPECT_EQ(format_date(tz.local(kLastSecond).date), "2026-11-30");
}

}  // namespace
}  // namespace vigil::core
