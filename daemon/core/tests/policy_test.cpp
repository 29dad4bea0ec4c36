#include "vigil/core/policy.hpp"

#include <gtest/gtest.h>

#include "site_fixture.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

struct DecideCase {
  const char* name;
  CardNumber card;
  const char* reader;
  TimePoint time;
  bool granted;
  DenyReason reason;
};

class Decide : public ::testing::TestWithParam<DecideCase> {};

TEST_P(Decide, GivesTheExpectedReason) {
  const Site site = testing::make_site();
  const PeopleDirectory people = testing::make_people();
  const auto& c = GetParam();
  const Decision d = decide(site, people, c.card, ReaderId(c.reader), c.time);
  EXPECT_EQ(d.granted(), c.granted);
  EXPECT_EQ(to_string(d.reason), std::string(to_string(c.reason)));
  EXPECT_EQ(to_string(d.rule), std::string(to_string(rule_of(c.reason))));
  EXPECT_EQ(d.outcome, c.granted ? Outcome::grant : Outcome::deny);
}

INSTANTIATE_TEST_SUITE_P(Reasons, Decide,
                         ::testing::Values(DecideCase{"staff_in_hours",
                                                      {12, 1001},
                                                      "lobby-in",
                                                      at_utc(kMonday, 9, 0),
                                                      true,
                                                      DenyReason::none},
                                           DecideCase{"unknown_card",
                                                      {12, 9999},
                                                      "lobby-in",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::unknown_card},
                                           DecideCase{"same_number_other_facility",
                                                      {13, 1001},
                                                      "lobby-in",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::unknown_card},
                                           DecideCase{"inactive_person",
                                                      {12, 1003},
                                                      "lobby-in",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::inactive_credential},
                                           DecideCase{"inactive_credential",
                                                      {12, 1004},
                                                      "lobby-in",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::inactive_credential},
                                           DecideCase{"no_level_for_zone",
                                                      {12, 1001},
                                                      "server-in",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::no_access_level},
                                           DecideCase{"before_schedule",
                                                      {12, 1001},
                                                      "lobby-in",
                                                      at_utc(kMonday, 6, 59),
                                                      false,
                                                      DenyReason::outside_schedule},
                                           DecideCase{"at_schedule_end",
                                                      {12, 1001},
                                                      "lobby-in",
                                                      at_utc(kMonday, 19, 0),
                                                      false,
                                                      DenyReason::outside_schedule},
                                           DecideCase{"saturday",
                                                      {12, 1001},
                                                      "lobby-in",
                                                      at_utc(kMonday + 5, 9, 0),
                                                      false,
                                                      DenyReason::outside_schedule},
                                           DecideCase{"admin_any_time",
                                                      {12, 1002},
                                                      "server-in",
                                                      at_utc(kMonday + 6, 3, 0),
                                                      true,
                                                      DenyReason::none},
                                           DecideCase{"out_reader_targets_from_zone",
                                                      {12, 1001},
                                                      "server-out",
                                                      at_utc(kMonday, 9, 0),
                                                      true,
                                                      DenyReason::none},
                                           DecideCase{"unknown_reader",
                                                      {12, 1001},
                                                      "nowhere",
                                                      at_utc(kMonday, 9, 0),
                                                      false,
                                                      DenyReason::unknown_reader}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Decide, ExpiredCredentialIsInactive) {
  const Site site = testing::make_site();
  PeopleDirectory people = testing::make_people();
  people.add_credential({CardNumber{12, 1005}, PersonId("alice"), true, {}, at_utc(kMonday, 8, 0)});
  EXPECT_EQ(decide(site, people, {12, 1005}, ReaderId("lobby-in"), at_utc(kMonday, 7, 59)).reason,
            DenyReason::none);
  EXPECT_EQ(decide(site, people, {12, 1005}, ReaderId("lobby-in"), at_utc(kMonday, 8, 0)).reason,
            DenyReason::inactive_credential);
}

TEST(Decide, ScheduleIsReadInTheSiteTimeZone) {
  Site site = testing::make_site();
  // UTC+2: 05:30 UTC is 07:30 local, inside the 07:00-19:00 staff window.
  site.time_zone = TimeZone::fixed("UTC+2", 2 * 3600);
  const PeopleDirectory people = testing::make_people();
  EXPECT_TRUE(
      decide(site, people, {12, 1001}, ReaderId("lobby-in"), at_utc(kMonday, 5, 30)).granted());
  EXPECT_FALSE(
      decide(site, people, {12, 1001}, ReaderId("lobby-in"), at_utc(kMonday, 17, 30)).granted());
}

TEST(Decide, OneOpenLevelAmongSeveralGrants) {
  const Site site = testing::make_site();
  PeopleDirectory people = testing::make_people();
  // staff is closed on Saturday; admins is always open and covers the lobby too.
  people.add_person(
      {PersonId("dave"), "Dave", true, {AccessLevelId("staff"), AccessLevelId("admins")}});
  people.add_credential({CardNumber{12, 1006}, PersonId("dave"), true, {}, {}});
  const Decision d =
      decide(site, people, {12, 1006}, ReaderId("lobby-in"), at_utc(kMonday + 5, 9, 0));
  EXPECT_TRUE(d.granted());
  ASSERT_NE(d.level, nullptr);
  EXPECT_EQ(d.level->id, AccessLevelId("admins"));
}

TEST(Decide, ClosedScheduleNamesTheCoveringLevel) {
  const Site site = testing::make_site();
  const PeopleDirectory people = testing::make_people();
  const Decision d =
      decide(site, people, {12, 1001}, ReaderId("lobby-in"), at_utc(kMonday + 5, 9, 0));
  EXPECT_EQ(d.rule, Rule::schedule);
  ASSERT_NE(d.level, nullptr);
  EXPECT_EQ(d.level->id, AccessLevelId("staff"));
}

TEST(Decide, KnownCardDenialNamesThePerson) {
  const Site site = testing::make_site();
  const PeopleDirectory people = testing::make_people();
  const Decision d = decide(site, people, {12, 1001}, ReaderId("server-in"), at_utc(kMonday, 9, 0));
  ASSERT_TRUE(d.person.has_value());
  EXPECT_EQ(d.person->id(), PersonId("alice"));
  EXPECT_EQ(*d.zone, ZoneId("server-room"));
}

}  // namespace
}  // namespace vigil::core
