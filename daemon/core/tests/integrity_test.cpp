// Integrity-risk flags and trips abroad (issue 8, rules 7 and 8): table of
// edges on explicit times in a UTC+1 site, and the incidents they raise.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

// Monday 2026-11-23 in a UTC+1 site. The server room wants a return report
// after trips to XX.
Site integrity_site() {
  Site site = testing::make_site();
  site.time_zone = TimeZone::fixed("UTC+1", 3600);
  site.zones[2].requires_return_report = true;
  site.return_report_destinations = {"XX"};
  return site;
}

LocalDate day(int days_after_monday) {
  return LocalDate{kMonday + days_after_monday};
}

// Local hh:mm on Monday + d, in UTC+1.
TimePoint local(int d, int hour, int minute = 0, int second = 0) {
  return at_utc(kMonday + d, hour, minute, second) - std::chrono::hours(1);
}

IntegrityFlag flag(FlagKind kind, std::optional<LocalDate> until = std::nullopt) {
  return IntegrityFlag{kind, "ethics-1", local(0, 8), "leak inquiry 17", until};
}

Trip trip(int first, int last, const char* destination, bool returned = false) {
  return Trip{42, day(first), day(last), destination, "APP-2026-9", returned};
}

struct RiskCase {
  const char* name;
  PersonRisk risk;
  const char* reader;
  TimePoint time;
  DenyReason reason;
  const char* flag_attr;  // expected attr "flag" on the decision, or nullptr
};

class RiskRule : public ::testing::TestWithParam<RiskCase> {};

// Bob holds `admins`, open around the clock for the lobby and server room:
// every refusal below wins over that level.
TEST_P(RiskRule, DecidesWithItsReason) {
  const auto& c = GetParam();
  const Site site = integrity_site();
  PeopleDirectory people = testing::make_people();
  people.set_risk(PersonId("bob"), c.risk);
  const Decision d = decide(site, people, CardNumber{12, 1002}, ReaderId(c.reader), c.time);
  EXPECT_EQ(std::string(to_string(d.reason)), to_string(c.reason));
  EXPECT_EQ(d.rule, rule_of(c.reason));
  EXPECT_EQ(attr_text(d.attrs, "flag"),
            c.flag_attr ? std::optional<std::string>(c.flag_attr) : std::nullopt);
}

const DenyReason kGrant = DenyReason::none;

INSTANTIATE_TEST_SUITE_P(Edges, RiskRule,
                         ::testing::Values(RiskCase{"watch_grants_and_marks",
                                                    {flag(FlagKind::watch), {}},
                                                    "lobby-in",
                                                    local(0, 9),
                                                    kGrant,
                                                    "watch"},
                                           RiskCase{"watch_past_its_last_day",
                                                    {flag(FlagKind::watch, day(-1)), {}},
                                                    "lobby-in",
                                                    local(0, 0),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"suspend_wins_over_an_open_level",
                                                    {flag(FlagKind::suspend), {}},
                                                    "server-in",
                                                    local(0, 9),
                                                    DenyReason::person_suspended,
                                                    "suspend"},
                                           RiskCase{"suspend_through_its_last_day",
                                                    {flag(FlagKind::suspend, day(0)), {}},
                                                    "lobby-in",
                                                    local(0, 23, 59, 59),
                                                    DenyReason::person_suspended,
                                                    "suspend"},
                                           RiskCase{"suspend_ends_at_local_midnight",
                                                    {flag(FlagKind::suspend, day(0)), {}},
                                                    "lobby-in",
                                                    local(1, 0),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"trip_not_yet_begun",
                                                    {{}, {trip(1, 3, "XX")}},
                                                    "lobby-in",
                                                    local(0, 23, 59),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"trip_first_day",
                                                    {{}, {trip(1, 3, "XX")}},
                                                    "lobby-in",
                                                    local(1, 0),
                                                    DenyReason::credential_used_while_abroad,
                                                    nullptr},
                                           RiskCase{"trip_ends_today",
                                                    {{}, {trip(-2, 0, "XX")}},
                                                    "lobby-in",
                                                    local(0, 23, 59),
                                                    DenyReason::credential_used_while_abroad,
                                                    nullptr},
                                           RiskCase{"trip_ended_yesterday",
                                                    {{}, {trip(-2, -1, "XX")}},
                                                    "lobby-in",
                                                    local(0, 0),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"after_marked_trip_zone_waits_for_report",
                                                    {{}, {trip(-2, -1, "XX")}},
                                                    "server-in",
                                                    local(0, 9),
                                                    DenyReason::return_report_pending,
                                                    nullptr},
                                           RiskCase{"report_recorded",
                                                    {{}, {trip(-2, -1, "XX", true)}},
                                                    "server-in",
                                                    local(0, 9),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"unmarked_destination_needs_no_report",
                                                    {{}, {trip(-2, -1, "YY")}},
                                                    "server-in",
                                                    local(0, 9),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"returned_early_is_back",
                                                    {{}, {trip(-2, 3, "YY", true)}},
                                                    "lobby-in",
                                                    local(0, 9),
                                                    kGrant,
                                                    nullptr},
                                           RiskCase{"suspend_before_trip",
                                                    {flag(FlagKind::suspend), {trip(-1, 1, "XX")}},
                                                    "lobby-in",
                                                    local(0, 9),
                                                    DenyReason::person_suspended,
                                                    "suspend"}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RiskRule, AbroadRefusalNamesTheTrip) {
  PeopleDirectory people = testing::make_people();
  people.set_risk(PersonId("bob"), {{}, {trip(-2, 0, "XX")}});
  const Decision d =
      decide(integrity_site(), people, CardNumber{12, 1002}, ReaderId("lobby-in"), local(0, 9));
  EXPECT_EQ(attr_int(d.attrs, "trip"), 42);
  EXPECT_EQ(attr_text(d.attrs, "destination"), "XX");
  EXPECT_EQ(attr_text(d.attrs, "trip_last_day"), "2026-11-23");
  EXPECT_EQ(attr_text(d.attrs, "approval"), "APP-2026-9");
}

// Through the Controller: the decision's attrs reach the event, and the
// incident rules turn each into its incident.
struct IncidentCase {
  const char* name;
  PersonRisk risk;
  IncidentKind kind;
  Severity severity;
};

class RiskIncident : public ::testing::TestWithParam<IncidentCase> {};

TEST_P(RiskIncident, IsRaisedFromTheJournalledEvent) {
  const auto& c = GetParam();
  const Site site = integrity_site();
  PeopleDirectory people = testing::make_people();
  people.set_risk(PersonId("bob"), c.risk);
  Controller controller(site, people);
  const auto effects = controller.handle(
      CardPresented{ReaderId("lobby-in"), CardNumber{12, 1002}, "H10301", local(0, 9), {}});
  ASSERT_FALSE(effects.events.empty());
  IncidentRules rules;
  const auto incident = rules.observe(effects.events.front());
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, c.kind);
  EXPECT_EQ(incident->severity, c.severity);
  EXPECT_NE(incident->summary.find("bob"), std::string::npos) << incident->summary;
}

INSTANTIATE_TEST_SUITE_P(Kinds, RiskIncident,
                         ::testing::Values(IncidentCase{"watch",
                                                        {flag(FlagKind::watch), {}},
                                                        IncidentKind::watched_person_entry,
                                                        Severity::warning},
                                           IncidentCase{"suspend",
                                                        {flag(FlagKind::suspend), {}},
                                                        IncidentKind::suspended_person_attempt,
                                                        Severity::major},
                                           IncidentCase{"abroad",
                                                        {{}, {trip(-1, 1, "XX")}},
                                                        IncidentKind::credential_used_while_abroad,
                                                        Severity::critical}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(RiskIncident, AnUnflaggedGrantRaisesNone) {
  const Site site = integrity_site();
  const PeopleDirectory people = testing::make_people();
  Controller controller(site, people);
  const auto effects = controller.handle(
      CardPresented{ReaderId("lobby-in"), CardNumber{12, 1002}, "H10301", local(0, 9), {}});
  IncidentRules rules;
  EXPECT_FALSE(rules.observe(effects.events.front()));
}

}  // namespace
}  // namespace vigil::core
