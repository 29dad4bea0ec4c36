// Two-person rule (issue 8, rule 5): the server room opens only when two
// different authorised people badge at its door within 30 s; someone left
// alone inside after the other leaves raises an incident.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kPairAlice{12, 1001};  // staff: lobby only
const CardNumber kPairBob{12, 1002};    // admins: lobby + server room
const CardNumber kPairCarol{12, 1003};  // admins, but disabled
const CardNumber kPairDave{12, 1010};   // admins

Site two_person_site() {
  Site site = testing::make_site();
  site.zones[2].two_person_window = 30s;  // server-room
  return site;
}

PeopleDirectory two_person_people() {
  PeopleDirectory people = testing::make_people();
  people.add_person({PersonId("dave"), "Dave", true, {AccessLevelId("admins")}});
  people.add_credential({kPairDave, PersonId("dave"), true, {}, {}});
  return people;
}

class TwoPerson : public ::testing::Test {
 protected:
  Effects badge(const CardNumber& card, const char* reader, Duration after) {
    return controller_.handle(
        CardPresented{ReaderId(reader), card, "H10301", t0_ + after, m0_ + after});
  }
  // The door opens and closes again a second later.
  Effects pass(const char* door, Duration after) {
    const PointRef contact = controller_.door(DoorId(door))->door().contact;
    Effects out = controller_.handle(PointChanged{contact, true, t0_ + after, m0_ + after});
    out.append(controller_.advance(t0_ + after + 100ms, m0_ + after + 100ms));
    out.append(
        controller_.handle(PointChanged{contact, false, t0_ + after + 1s, m0_ + after + 1s}));
    out.append(controller_.advance(t0_ + after + 2s, m0_ + after + 2s));
    return out;
  }

  Site site_ = two_person_site();
  PeopleDirectory people_ = two_person_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 10, 0);
  MonoTime m0_ = MonoTime{1h};
};

TEST_F(TwoPerson, OpensOnlyForTwoDifferentAuthorisedPeopleWithinTheWindow) {
  struct Step {
    CardNumber card;
    Duration at;
    EventKind kind;    // the read's event
    const char* with;  // two_person_with on a grant
    DenyReason reason = DenyReason::none;
  };
  struct Case {
    const char* name;
    std::vector<Step> steps;
  };
  const std::vector<Case> cases = {
      {"second person inside the window",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairDave, 12s, EventKind::access_granted, "bob"}}},
      {"at the window's last instant",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairDave, 30s, EventKind::access_granted, "bob"}}},
      {"just past the window: the late one waits in turn",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairDave, 30s + 1us, EventKind::two_person_waiting, nullptr},
        {kPairBob, 40s, EventKind::access_granted, "dave"}}},
      {"the same person twice is one person (and restarts the window)",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairBob, 20s, EventKind::two_person_waiting, nullptr},
        {kPairDave, 45s, EventKind::access_granted, "bob"}}},
      {"an unauthorised badge does not count",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairAlice, 5s, EventKind::access_denied, nullptr, DenyReason::no_access_level},
        {kPairCarol, 6s, EventKind::access_denied, nullptr, DenyReason::inactive_credential},
        {kPairDave, 10s, EventKind::access_granted, "bob"}}},
      {"a refused first badge starts nothing",
       {{kPairCarol, 0s, EventKind::access_denied, nullptr, DenyReason::inactive_credential},
        {kPairBob, 5s, EventKind::two_person_waiting, nullptr}}},
      {"a completed pair does not open for a third",
       {{kPairBob, 0s, EventKind::two_person_waiting, nullptr},
        {kPairDave, 5s, EventKind::access_granted, "bob"},
        {kPairBob, 8s, EventKind::two_person_waiting, nullptr}}},
  };
  for (const auto& c : cases) {
    Controller controller(site_, people_);
    for (const auto& step : c.steps) {
      const Effects out = controller.handle(
          CardPresented{ReaderId("server-in"), step.card, "H10301", t0_ + step.at, m0_ + step.at});
      ASSERT_FALSE(out.events.empty()) << c.name;
      const Event& e = out.events.front();
      EXPECT_EQ(e.kind, step.kind) << c.name;
      EXPECT_EQ(e.reason, step.reason) << c.name;
      const auto* with = find_attr(e.attrs, "two_person_with");
      if (step.with != nullptr) {
        ASSERT_NE(with, nullptr) << c.name;
        EXPECT_EQ(std::get<std::string>(*with), step.with) << c.name;
        EXPECT_EQ(out.outputs.size(), 1u) << c.name << ": the door unlocks";
      } else {
        EXPECT_EQ(with, nullptr) << c.name;
        EXPECT_TRUE(out.outputs.empty()) << c.name << ": the door stays locked";
      }
      if (e.kind == EventKind::two_person_waiting) {
        EXPECT_EQ(attr_int(e.attrs, "two_person_window_s"), 30) << c.name;
      }
    }
  }
}

TEST_F(TwoPerson, APersonLeftAloneInsideRaisesAnIncident) {
  IncidentRules incidents;
  badge(kPairBob, "server-in", 0s);
  badge(kPairDave, "server-in", 5s);
  const Effects in = pass("server-door", 6s);
  int entries = 0;
  for (const auto& e : in.events) entries += e.kind == EventKind::entry ? 1 : 0;
  EXPECT_EQ(entries, 2) << "both pass on the one opening";
  EXPECT_EQ(controller_.access_state().occupancy.count(site_, ZoneId("server-room")), 2u);

  // Bob badges out (the lobby needs one person) and leaves Dave alone.
  ASSERT_EQ(badge(kPairBob, "server-out", 60s).events.front().kind, EventKind::access_granted);
  const Effects out = pass("server-door", 61s);
  const Event* alone = nullptr;
  for (const auto& e : out.events) {
    if (e.kind == EventKind::two_person_alone) alone = &e;
  }
  ASSERT_NE(alone, nullptr);
  EXPECT_EQ(alone->zone, ZoneId("server-room"));
  EXPECT_EQ(alone->person, PersonId("dave"));
  EXPECT_EQ(attr_text(alone->attrs, "left"), "bob");
  const auto incident = incidents.observe(*alone);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::two_person_alone);
  EXPECT_EQ(incident->severity, Severity::major);

  // Dave leaves too: nobody is alone, no second incident.
  badge(kPairDave, "server-out", 120s);
  for (const auto& e : pass("server-door", 121s).events) {
    EXPECT_NE(e.kind, EventKind::two_person_alone);
  }
}

TEST(TwoPersonPolicy, WaitsBeforeThePinAndNamesItsRule) {
  Site site = two_person_site();
  const PeopleDirectory people = two_person_people();
  const Decision d =
      decide(site, people, AccessState{},
             AccessRequest{kPairBob, ReaderId("server-in"), at_utc(kMonday, 10, 0), MonoTime{1h}});
  EXPECT_EQ(d.outcome, Outcome::wait_for_second_person);
  EXPECT_EQ(d.rule, Rule::two_person);
  EXPECT_EQ(rule_position(Rule::two_person), 15);
  EXPECT_EQ(rule_position(Rule::pin), kRuleSteps);
  // Refusals still come first: the lobby side of the pair is irrelevant to
  // a disabled card.
  EXPECT_EQ(decide(site, people, AccessState{},
                   AccessRequest{kPairCarol, ReaderId("server-in"), at_utc(kMonday, 10, 0), {}})
                .reason,
            DenyReason::inactive_credential);
}

}  // namespace
}  // namespace vigil::core
