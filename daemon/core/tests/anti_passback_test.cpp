// Anti-passback and occupancy (issue 8) on explicit times: who is inside a
// zone comes from `entry` events; hard anti-passback refuses a second entry
// without an exit, soft grants and raises an incident; a zone at its
// occupancy limit refuses newcomers; the state rebuilt from journal rows
// decides as the live one did.
#include <gtest/gtest.h>

#include "passage.hpp"
#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kApbBob{12, 1002};  // admins: lobby + server room, always open
const CardNumber kDora{12, 1007};    // admins too

Site apb_site(AntiPassback lobby, std::optional<int> server_limit = std::nullopt) {
  Site site = testing::make_site();
  site.zones[1].anti_passback = lobby;
  site.zones[2].occupancy_limit = server_limit;
  return site;
}

PeopleDirectory apb_people() {
  PeopleDirectory people = testing::make_people();
  people.add_person({PersonId("dora"), "Dora", true, {AccessLevelId("admins")}});
  people.add_credential({kDora, PersonId("dora"), true, {}, {}});
  return people;
}

Decision ask(const Site& site, const AccessState& state, CardNumber card, const char* reader) {
  static const PeopleDirectory people = apb_people();
  return decide(site, people, state,
                AccessRequest{card, ReaderId(reader), at_utc(kMonday, 9, 0), {}});
}

TEST(AntiPassback, ASecondEntryWithoutAnExitIsRefusedHardAndFlaggedSoft) {
  struct Case {
    AntiPassback mode;
    const char* bob_is_in;  // nullptr: nowhere yet
    const char* reader;
    Outcome outcome;
    DenyReason reason;
    bool soft_flag;
  };
  const std::vector<Case> cases{
      {AntiPassback::hard, nullptr, "lobby-in", Outcome::grant, DenyReason::none, false},
      {AntiPassback::hard, "lobby", "lobby-in", Outcome::deny, DenyReason::anti_passback, false},
      // Inside the server room is inside the lobby around it.
      {AntiPassback::hard, "server-room", "lobby-in", Outcome::deny, DenyReason::anti_passback,
       false},
      // Badged out (into the zone outside): in again.
      {AntiPassback::hard, "outside", "lobby-in", Outcome::grant, DenyReason::none, false},
      // Entering a zone inside the lobby is no re-entry of the lobby.
      {AntiPassback::hard, "lobby", "server-in", Outcome::grant, DenyReason::none, false},
      {AntiPassback::soft, "lobby", "lobby-in", Outcome::grant, DenyReason::none, true},
      {AntiPassback::none, "lobby", "lobby-in", Outcome::grant, DenyReason::none, false},
  };
  for (const auto& c : cases) {
    const Site site = apb_site(c.mode);
    AccessState state;
    if (c.bob_is_in)
      state.occupancy.enter(PersonId("bob"), ZoneId(c.bob_is_in), at_utc(kMonday, 8, 0));
    const Decision d = ask(site, state, kApbBob, c.reader);
    SCOPED_TRACE(std::string(to_string(c.mode)) + " in " + (c.bob_is_in ? c.bob_is_in : "-") +
                 " at " + c.reader);
    EXPECT_EQ(d.outcome, c.outcome);
    EXPECT_EQ(d.reason, c.reason);
    if (c.reason == DenyReason::anti_passback) {
      EXPECT_EQ(d.rule, Rule::anti_passback);
    }
    EXPECT_EQ(attr_text(d.attrs, "anti_passback") == "soft", c.soft_flag);
  }
}

TEST(AntiPassback, ASoftViolationRaisesAnIncidentAndAHardOneToo) {
  AccessState state;
  state.occupancy.enter(PersonId("bob"), ZoneId("lobby"), at_utc(kMonday, 8, 0));
  for (auto mode : {AntiPassback::soft, AntiPassback::hard}) {
    const Decision d = ask(apb_site(mode), state, kApbBob, "lobby-in");
    Event e;
    e.kind = d.granted() ? EventKind::access_granted : EventKind::access_denied;
    e.reason = d.reason;
    e.reader = ReaderId("lobby-in");
    e.person = PersonId("bob");
    e.attrs = d.attrs;
    auto incident = IncidentRules{}.observe(e);
    ASSERT_TRUE(incident) << to_string(mode);
    EXPECT_EQ(incident->kind, IncidentKind::anti_passback);
  }
}

TEST(Occupancy, AZoneAtItsLimitRefusesNewcomersButNotThoseAlreadyInside) {
  const Site site = apb_site(AntiPassback::none, 1);
  AccessState state;
  EXPECT_EQ(ask(site, state, kApbBob, "server-in").outcome, Outcome::grant);
  state.occupancy.enter(PersonId("dora"), ZoneId("server-room"), at_utc(kMonday, 8, 0));
  const Decision full = ask(site, state, kApbBob, "server-in");
  EXPECT_EQ(full.reason, DenyReason::occupancy_limit);
  EXPECT_EQ(full.rule, Rule::occupancy);
  EXPECT_EQ(attr_int(full.attrs, "occupancy"), 1);
  EXPECT_EQ(attr_int(full.attrs, "occupancy_limit"), 1);
  EXPECT_EQ(ask(site, state, kDora, "server-in").outcome, Outcome::grant);
  state.occupancy.enter(PersonId("dora"), ZoneId("lobby"), at_utc(kMonday, 8, 30));
  EXPECT_EQ(ask(site, state, kApbBob, "server-in").outcome, Outcome::grant) << "dora left";
}

TEST(Occupancy, CountsTheZoneAndTheZonesInsideIt) {
  const Site site = testing::make_site();
  Occupancy o;
  o.enter(PersonId("a"), ZoneId("lobby"), at_utc(kMonday, 8, 0));
  o.enter(PersonId("b"), ZoneId("server-room"), at_utc(kMonday, 8, 1));
  o.enter(PersonId("c"), ZoneId("server-room"), at_utc(kMonday, 8, 2));
  o.enter(PersonId("c"), ZoneId("outside"), at_utc(kMonday, 8, 3));
  EXPECT_EQ(o.count(site, ZoneId("lobby")), 2u);
  EXPECT_EQ(o.count(site, ZoneId("server-room")), 1u);
  ASSERT_EQ(o.in_zone(ZoneId("lobby")).size(), 1u);
  EXPECT_EQ(o.in_zone(ZoneId("lobby"))[0].second.since, at_utc(kMonday, 8, 0));
}

class ApbController : public ::testing::Test {
 protected:
  // A grant at `reader`, the door opening (an entry) and closing.
  Effects pass(CardNumber card, const char* reader, Duration after) {
    return testing::pass_door(controller_, site_.doors[0], card, reader, t0_ + after, m0_ + after);
  }

  Site site_ = apb_site(AntiPassback::hard);
  PeopleDirectory people_ = apb_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime m0_ = MonoTime{std::chrono::hours(1)};
};

TEST_F(ApbController, AnEntryMakesTheNextEntryAPassbackAndTheJournalRebuildsIt) {
  std::vector<Event> journal;
  const Effects first = pass(kApbBob, "lobby-in", 0s);
  journal.insert(journal.end(), first.events.begin(), first.events.end());
  const Presence* at = controller_.access_state().occupancy.where(PersonId("bob"));
  ASSERT_NE(at, nullptr);
  EXPECT_EQ(at->zone, ZoneId("lobby"));
  const Effects second = controller_.handle(
      CardPresented{ReaderId("lobby-in"), kApbBob, "H10301", t0_ + 1min, m0_ + 1min});
  ASSERT_EQ(second.events.size(), 1u);
  EXPECT_EQ(second.events[0].reason, DenyReason::anti_passback);

  // A restart: a new Controller knows nobody until the journal rows are folded in.
  Controller restarted{site_, people_};
  Occupancy rebuilt;
  for (const auto& e : journal) rebuilt.observe(e);
  restarted.restore_occupancy(rebuilt);
  const Effects after = restarted.handle(
      CardPresented{ReaderId("lobby-in"), kApbBob, "H10301", t0_ + 2min, m0_ + 2min});
  ASSERT_EQ(after.events.size(), 1u);
  EXPECT_EQ(after.events[0].reason, DenyReason::anti_passback);
}

TEST_F(ApbController, AGrantNobodyUsedIsNoEntry) {
  const Effects granted =
      controller_.handle(CardPresented{ReaderId("lobby-in"), kApbBob, "H10301", t0_, m0_});
  ASSERT_EQ(granted.events.at(0).kind, EventKind::access_granted);
  controller_.advance(t0_ + 10s, m0_ + 10s);  // the pulse ends, the door never opened
  EXPECT_EQ(controller_.access_state().occupancy.where(PersonId("bob")), nullptr);
}

}  // namespace
}  // namespace vigil::core
