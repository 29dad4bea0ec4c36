// Visits and escorts (issue 8, item 6): a visitor's card opens the server
// room door only inside their visit and only when an escort authorised for
// the server room badges at the same door within 10 s, in either order.
// Everything else refuses the visitor and raises visitor_anomaly.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kEscortBob{12, 1002};    // admins: lobby + server room, always
const CardNumber kEscortAlice{12, 1001};  // staff: lobby only
const CardNumber kVisitorVic{12, 2001};   // visit 7: server room, today
const CardNumber kVisitorVal{12, 2002};   // visit 8: server room, today

Visit escort_visit(std::int64_t id, const char* visitor) {
  const LocalDate today = *parse_date("2026-11-23");
  return Visit{.id = id,
               .visitor = PersonId(visitor),
               .host = PersonId("bob"),
               .purpose = "audit",
               .organisation = "Ministry of X",
               .delegation = "DEL-1",
               .first_day = today,
               .last_day = today,
               .zones = {ZoneId("server-room")},
               .ended = false};
}

PeopleDirectory escort_people() {
  PeopleDirectory people = testing::make_people();
  people.add_person({PersonId("vic"), "Vic", true, {}});
  people.add_credential({kVisitorVic, PersonId("vic"), true, {}, {}});
  people.set_visits(PersonId("vic"), {escort_visit(7, "vic")});
  people.add_person({PersonId("val"), "Val", true, {}});
  people.add_credential({kVisitorVal, PersonId("val"), true, {}, {}});
  people.set_visits(PersonId("val"), {escort_visit(8, "val")});
  return people;
}

// The access verdicts of a step (grant, denial, wait), as "kind person
// reason", in order.
std::vector<std::string> escort_verdicts(const Effects& out) {
  std::vector<std::string> lines;
  for (const auto& e : out.events) {
    if (e.kind != EventKind::access_granted && e.kind != EventKind::access_denied &&
        e.kind != EventKind::escort_waiting) {
      continue;
    }
    std::string line = std::string(to_string(e.kind)) + " " + (e.person ? e.person->str() : "-");
    if (e.reason != DenyReason::none) line += std::string(" ") + to_string(e.reason);
    if (const auto escort = attr_text(e.attrs, "escort")) line += " escort=" + *escort;
    lines.push_back(line);
  }
  return lines;
}

class Escort : public ::testing::Test {
 protected:
  Site site_ = testing::make_site();
  PeopleDirectory people_ = escort_people();
  TimePoint t0_ = at_utc(kMonday, 10, 0);
  MonoTime m0_ = MonoTime{1h};
};

TEST_F(Escort, AVisitorPassesOnlyWithAnAuthorisedEscortWithinTheWindowEitherOrder) {
  struct Step {
    std::optional<CardNumber> card;  // nullopt: only time passes
    Duration at;
    std::vector<std::string> verdicts;
  };
  struct Case {
    const char* name;
    std::vector<Step> steps;
  };
  const std::vector<Case> cases = {
      {"escort first, visitor exactly 10 s later",
       {{kEscortBob, 0s, {"access_granted bob"}},
        {kVisitorVic, 10s, {"access_granted vic escort=bob"}}}},
      {"escort first, visitor just after the window waits",
       {{kEscortBob, 0s, {"access_granted bob"}},
        {kVisitorVic, 10s + 1us, {"escort_waiting vic"}}}},
      {"visitor first, escort exactly 10 s later: both pass on one opening",
       {{kVisitorVic, 0s, {"escort_waiting vic"}},
        {kEscortBob, 10s, {"access_granted bob", "access_granted vic escort=bob"}}}},
      {"visitor first, escort just after the window: the visitor is refused first",
       {{kVisitorVic, 0s, {"escort_waiting vic"}},
        {kEscortBob, 10s + 1us, {"access_denied vic escort_missing", "access_granted bob"}}}},
      {"visitor alone: refused the instant the window has passed",
       {{kVisitorVic, 0s, {"escort_waiting vic"}},
        {std::nullopt, 10s, {}},
        {std::nullopt, 10s + 1us, {"access_denied vic escort_missing"}}}},
      {"visitor first, an escort not authorised for the zone",
       {{kVisitorVic, 0s, {"escort_waiting vic"}},
        {kEscortAlice,
         3s,
         {"access_denied alice no_access_level",
          "access_denied vic escort_not_authorised escort=alice"}}}},
      {"escort not authorised first",
       {{kEscortAlice, 0s, {"access_denied alice no_access_level"}},
        {kVisitorVic, 2s, {"access_denied vic escort_not_authorised escort=alice"}}}},
      {"an escort who is themself a visitor",
       {{kVisitorVic, 0s, {"escort_waiting vic"}},
        {kVisitorVal, 2s, {"access_denied vic escort_is_visitor escort=val", "escort_waiting val"}},
        {kEscortBob, 4s, {"access_granted bob", "access_granted val escort=bob"}}}},
      {"a visitor granted is no escort for the next visitor once the escort's window passed",
       {{kEscortBob, 0s, {"access_granted bob"}},
        {kVisitorVic, 5s, {"access_granted vic escort=bob"}},
        {kVisitorVal, 11s, {"escort_waiting val"}}}},
      {"a delegation badging after its escort all pass",
       {{kEscortBob, 0s, {"access_granted bob"}},
        {kVisitorVic, 3s, {"access_granted vic escort=bob"}},
        {kVisitorVal, 6s, {"access_granted val escort=bob"}}}},
  };
  for (const auto& c : cases) {
    Controller controller(site_, people_);
    for (const auto& step : c.steps) {
      SCOPED_TRACE(std::string(c.name) + " at +" + std::to_string(step.at.count()) + "us");
      const Effects out =
          step.card ? controller.handle(CardPresented{ReaderId("server-in"), *step.card, "H10301",
                                                      t0_ + step.at, m0_ + step.at})
                    : controller.advance(t0_ + step.at, m0_ + step.at);
      EXPECT_EQ(escort_verdicts(out), step.verdicts);
    }
  }
}

TEST_F(Escort, TheControllerWakesJustAfterTheVisitorsWindow) {
  Controller controller(site_, people_);
  controller.handle(CardPresented{ReaderId("server-in"), kVisitorVic, "H10301", t0_, m0_});
  EXPECT_EQ(controller.next_deadline(), m0_ + 10s + 1us);
}

TEST_F(Escort, TheWindowComesFromTheZoneElseTheSite) {
  site_.escort_window = 20s;
  EXPECT_EQ(site_.escort_window_for(ZoneId("server-room")), 20s);
  site_.zones[2].escort_window = 5s;
  EXPECT_EQ(site_.escort_window_for(ZoneId("server-room")), 5s);
  Controller controller(site_, people_);
  controller.handle(CardPresented{ReaderId("server-in"), kEscortBob, "H10301", t0_, m0_});
  const Effects late = controller.handle(
      CardPresented{ReaderId("server-in"), kVisitorVic, "H10301", t0_ + 6s, m0_ + 6s});
  EXPECT_EQ(escort_verdicts(late), std::vector<std::string>{"escort_waiting vic"});
  EXPECT_EQ(attr_int(late.events.back().attrs, "escort_window_s"), 5);
}

TEST_F(Escort, BothPassOnOneOpeningAndAreInside) {
  Controller controller(site_, people_);
  controller.handle(CardPresented{ReaderId("server-in"), kVisitorVic, "H10301", t0_, m0_});
  controller.handle(CardPresented{ReaderId("server-in"), kEscortBob, "H10301", t0_ + 4s, m0_ + 4s});
  const PointRef contact = controller.door(DoorId("server-door"))->door().contact;
  Effects opened = controller.handle(PointChanged{contact, true, t0_ + 5s, m0_ + 5s});
  opened.append(controller.advance(t0_ + 5100ms, m0_ + 5100ms));
  opened.append(controller.handle(PointChanged{contact, false, t0_ + 6s, m0_ + 6s}));
  opened.append(controller.advance(t0_ + 7s, m0_ + 7s));
  int entries = 0;
  for (const auto& e : opened.events) entries += e.kind == EventKind::entry ? 1 : 0;
  EXPECT_EQ(entries, 2);
  EXPECT_EQ(controller.access_state().occupancy.count(site_, ZoneId("server-room")), 2u);
}

TEST_F(Escort, AVisitorOutsideTheZonesOrDatesOfTheVisitIsRefusedWithAnAnomaly) {
  struct Case {
    const char* name;
    const char* reader;
    TimePoint time;
    bool ended;
    DenyReason reason;
  };
  const std::vector<Case> cases = {
      {"zone the visit does not cover", "lobby-in", t0_, false, DenyReason::zone_not_in_visit},
      {"the day after the visit", "server-in", t0_ + 24h, false, DenyReason::visit_not_active},
      {"the visit was ended early", "server-in", t0_, true, DenyReason::visit_not_active},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    PeopleDirectory people = escort_people();
    Visit visit = escort_visit(7, "vic");
    visit.ended = c.ended;
    people.set_visits(PersonId("vic"), {visit});
    Controller controller(site_, people);
    IncidentRules rules;
    controller.handle(CardPresented{ReaderId(c.reader), kEscortBob, "H10301", c.time, m0_});
    const Effects out = controller.handle(
        CardPresented{ReaderId(c.reader), kVisitorVic, "H10301", c.time + 1s, m0_ + 1s});
    ASSERT_EQ(out.events.size(), 1u);
    const Event& e = out.events.front();
    EXPECT_EQ(e.kind, EventKind::access_denied);
    EXPECT_EQ(e.reason, c.reason);
    EXPECT_EQ(attr_int(e.attrs, "visit"), 7);
    EXPECT_EQ(rule_of(e.reason), Rule::visit);
    const auto incident = rules.observe(e);
    ASSERT_TRUE(incident.has_value());
    EXPECT_EQ(incident->kind, IncidentKind::visitor_anomaly);
    EXPECT_EQ(incident->severity, Severity::major);
    EXPECT_EQ(incident->event.person, PersonId("vic"));
    EXPECT_TRUE(incident->event.door.has_value());
    EXPECT_TRUE(incident->event.zone.has_value());
  }
}

TEST_F(Escort, EveryEscortRefusalRaisesAVisitorAnomaly) {
  for (auto reason : {DenyReason::escort_missing, DenyReason::escort_not_authorised,
                      DenyReason::escort_is_visitor}) {
    Event e;
    e.kind = EventKind::access_denied;
    e.reason = reason;
    e.person = PersonId("vic");
    e.door = DoorId("server-door");
    e.zone = ZoneId("server-room");
    set_attr(e.attrs, "visit", std::int64_t{7});
    IncidentRules rules;
    const auto incident = rules.observe(e);
    ASSERT_TRUE(incident.has_value()) << to_string(reason);
    EXPECT_EQ(incident->kind, IncidentKind::visitor_anomaly);
    EXPECT_NE(incident->summary.find("visit 7"), std::string::npos) << incident->summary;
    EXPECT_EQ(rule_of(reason), Rule::escort);
  }
}

// Visit dates are local days: a visit ending 2026-11-23 in Europe/Berlin
// (CET, UTC+1) works until 23:00 UTC and is over from the local midnight.
TEST_F(Escort, AVisitEndingTodayEndsAtLocalMidnightInBerlin) {
  site_.time_zone = TimeZone("Europe/Berlin", 3600, {{1774746000, 7200}, {1792890000, 3600}});
  const TimePoint last_instant = at_utc(kMonday, 22, 59, 59);
  const TimePoint midnight = at_utc(kMonday, 23, 0);
  const auto first_verdict = [&](TimePoint t) {
    Controller controller(site_, people_);
    return escort_verdicts(
        controller.handle(CardPresented{ReaderId("server-in"), kVisitorVic, "H10301", t, m0_}));
  };
  EXPECT_EQ(first_verdict(last_instant), std::vector<std::string>{"escort_waiting vic"});
  EXPECT_EQ(first_verdict(midnight),
            std::vector<std::string>{"access_denied vic visit_not_active"});
}

TEST(EscortRules, VisitAndEscortHaveTheirPlaceInTheOrder) {
  EXPECT_EQ(rule_position(Rule::visit), 7);
  EXPECT_EQ(rule_position(Rule::escort), 16);
  EXPECT_EQ(rule_position(Rule::pin), kRuleSteps);
}

}  // namespace
}  // namespace vigil::core
