// Lockdown (issue 8): a locked-down zone, and every zone inside it, refuses
// every card but those of a lockdown-override level, whatever other levels
// say; the Controller relocks doors into it at once.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

const CardNumber kLockdownAlice{12, 1001};  // staff: lobby, Mon-Fri 07-19
const CardNumber kLockdownBob{12, 1002};    // admins: lobby + server room, always
const CardNumber kGuard{12, 1005};  // response: lobby + server room, lockdown override, always
const CardNumber kNight{12, 1006};  // night-response: override, but only 22-06

Site lockdown_site() {
  Site site = testing::make_site();
  AccessLevel response{
      AccessLevelId("response"), {ZoneId("lobby"), ZoneId("server-room")}, {WeeklyWindow{}}, ""};
  response.lockdown_override = true;
  AccessLevel night = response;
  night.id = AccessLevelId("night-response");
  night.schedule = {WeeklyWindow{0x7f, 22 * 60, 24 * 60}, WeeklyWindow{0x7f, 0, 6 * 60}};
  site.access_levels.push_back(response);
  site.access_levels.push_back(night);
  return site;
}

PeopleDirectory lockdown_people() {
  PeopleDirectory people = testing::make_people();
  people.add_person({PersonId("gina"), "Gina", true, {AccessLevelId("response")}});
  people.add_credential({kGuard, PersonId("gina"), true, {}, {}});
  people.add_person(
      {PersonId("nils"), "Nils", true, {AccessLevelId("admins"), AccessLevelId("night-response")}});
  people.add_credential({kNight, PersonId("nils"), true, {}, {}});
  return people;
}

AccessState locked_down(const char* zone) {
  AccessState state;
  state.lockdowns.set(LockdownOrder{ZoneId(zone), "guard-1", at_utc(kMonday, 8, 0), "intruder"});
  return state;
}

TEST(Lockdown, RefusesEveryLevelButAnOverrideOneInTheZoneAndTheZonesInsideIt) {
  const Site site = lockdown_site();
  const PeopleDirectory people = lockdown_people();
  const TimePoint monday_9 = at_utc(kMonday, 9, 0);
  struct Case {
    const char* locked;
    CardNumber card;
    const char* reader;
    Outcome outcome;
    DenyReason reason;
  };
  const std::vector<Case> cases{
      // The server room itself: the always-open admins level does not pass.
      {"server-room", kLockdownBob, "server-in", Outcome::deny, DenyReason::zone_locked_down},
      {"server-room", kGuard, "server-in", Outcome::grant, DenyReason::none},
      // An override level outside its own schedule: only override levels count.
      {"server-room", kNight, "server-in", Outcome::deny, DenyReason::outside_schedule},
      // The lobby's lockdown covers the server room inside it.
      {"lobby", kLockdownBob, "server-in", Outcome::deny, DenyReason::zone_locked_down},
      {"lobby", kLockdownAlice, "lobby-in", Outcome::deny, DenyReason::zone_locked_down},
      {"lobby", kGuard, "server-in", Outcome::grant, DenyReason::none},
      // A lockdown inside does not close the zone around it.
      {"server-room", kLockdownAlice, "lobby-in", Outcome::grant, DenyReason::none},
      // Leaving the server room asks to enter the lobby: not locked down.
      {"server-room", kLockdownBob, "server-out", Outcome::grant, DenyReason::none},
  };
  for (const auto& c : cases) {
    const Decision d = decide(site, people, locked_down(c.locked),
                              AccessRequest{c.card, ReaderId(c.reader), monday_9, {}});
    SCOPED_TRACE(std::string(c.locked) + " " + to_string(c.card) + " at " + c.reader);
    EXPECT_EQ(d.outcome, c.outcome);
    EXPECT_EQ(d.reason, c.reason);
    if (c.reason == DenyReason::zone_locked_down) {
      EXPECT_EQ(d.rule, Rule::lockdown);
      EXPECT_EQ(attr_text(d.attrs, "lockdown_zone"), c.locked);
      EXPECT_EQ(attr_text(d.attrs, "lockdown_by"), "guard-1");
      EXPECT_EQ(attr_text(d.attrs, "lockdown_reason"), "intruder");
    }
  }
}

TEST(Lockdown, WinsOverEveryAccessLevelOfTheSite) {
  const Site site = lockdown_site();
  for (const auto& level : site.access_levels) {
    if (level.lockdown_override) continue;
    PeopleDirectory people;
    people.add_person({PersonId("p"), "P", true, {level.id}});
    people.add_credential({CardNumber{1, 1}, PersonId("p"), true, {}, {}});
    for (const char* reader : {"lobby-in", "server-in"}) {
      const Decision d =
          decide(site, people, locked_down("lobby"),
                 AccessRequest{CardNumber{1, 1}, ReaderId(reader), at_utc(kMonday, 9, 0), {}});
      EXPECT_EQ(d.reason, DenyReason::zone_locked_down) << level.id << " at " << reader;
    }
  }
}

TEST(Lockdown, APersonalRefusalStillComesFirst) {
  const Site site = lockdown_site();
  const PeopleDirectory people = lockdown_people();
  // Carol is disabled: her card says so, lockdown or not.
  const Decision d =
      decide(site, people, locked_down("lobby"),
             AccessRequest{CardNumber{12, 1003}, ReaderId("lobby-in"), at_utc(kMonday, 9, 0), {}});
  EXPECT_EQ(d.reason, DenyReason::inactive_credential);
}

class LockdownController : public ::testing::Test {
 protected:
  Effects lockdown(const char* zone, Duration after) {
    Lockdowns orders;
    if (zone != nullptr) {
      orders.set(LockdownOrder{ZoneId(zone), "guard-1", t0_ + after, "intruder"});
    }
    return controller_.handle(LockdownChanged{orders, t0_ + after, m0_ + after});
  }
  Effects card(const CardNumber& c, const char* reader, Duration after) {
    return controller_.handle(
        CardPresented{ReaderId(reader), c, "H10301", t0_ + after, m0_ + after});
  }

  Site site_ = lockdown_site();
  PeopleDirectory people_ = lockdown_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime m0_ = MonoTime{std::chrono::hours(1)};
};

TEST_F(LockdownController, ALockdownDuringAnUnlockPulseRelocksTheDoorAtOnce) {
  const Effects granted = card(kLockdownBob, "server-in", 0s);
  ASSERT_EQ(granted.outputs.size(), 1u);
  controller_.handle(OutputResult{granted.outputs[0].point, granted.outputs[0].write_id, true, true,
                                  "", t0_, m0_});
  const Effects fx = lockdown("server-room", 1s);
  ASSERT_EQ(fx.outputs.size(), 1u) << "relocked 4 s before the pulse would end";
  EXPECT_EQ(fx.outputs[0].point, granted.outputs[0].point);
  EXPECT_FALSE(fx.outputs[0].value);
  const Effects confirmed = controller_.handle(OutputResult{
      fx.outputs[0].point, fx.outputs[0].write_id, false, true, "", t0_ + 1s, m0_ + 1s});
  ASSERT_EQ(confirmed.events.size(), 1u);
  EXPECT_EQ(confirmed.events[0].kind, EventKind::door_relocked);
  EXPECT_EQ(attr_text(confirmed.events[0].attrs, "cause"), "lockdown");
  EXPECT_FALSE(controller_.door(DoorId("server-door"))->unlocked());
}

TEST_F(LockdownController, DoorsElsewhereAndOverrideGrantsAfterTheOrderStayAsTheyAre) {
  const Effects lobby = card(kLockdownAlice, "lobby-in", 0s);
  ASSERT_EQ(lobby.outputs.size(), 1u);
  EXPECT_TRUE(lockdown("server-room", 1s).outputs.empty()) << "the lobby door is not in it";
  const Effects guard = card(kGuard, "server-in", 2s);
  ASSERT_EQ(guard.outputs.size(), 1u);
  EXPECT_TRUE(guard.outputs[0].value);
  // The same orders again (a roster reload that did not change them).
  EXPECT_TRUE(lockdown("server-room", 3s).outputs.empty());
}

// Life safety first (docs/alarm.md): a door held released for a fire stays
// released when its zone is locked down; the lockdown still refuses cards.
TEST_F(LockdownController, AFireReleasedDoorStaysReleasedThroughALockdown) {
  const Effects released = controller_.fire_release({DoorId("server-door")}, true, t0_, m0_);
  ASSERT_EQ(released.outputs.size(), 1u);
  const auto lock = released.outputs[0].point;
  controller_.handle(OutputResult{lock, released.outputs[0].write_id, released.outputs[0].value,
                                  true, "", t0_, m0_});
  const Effects fx = lockdown("server-room", 1s);
  for (const auto& o : fx.outputs) {
    EXPECT_NE(o.point, lock) << "a lockdown relocked an escape route during a fire";
  }
  EXPECT_TRUE(controller_.door(DoorId("server-door"))->fire_held());
  EXPECT_EQ(card(kLockdownBob, "server-in", 2s).events.at(0).reason, DenyReason::zone_locked_down);
  for (const auto& o : card(kLockdownBob, "server-in", 3s).outputs) EXPECT_NE(o.point, lock);
}

TEST_F(LockdownController, AReleaseLetsTheLevelsDecideAgain) {
  lockdown("server-room", 0s);
  EXPECT_EQ(card(kLockdownBob, "server-in", 1s).events.at(0).reason, DenyReason::zone_locked_down);
  lockdown(nullptr, 2s);
  EXPECT_EQ(card(kLockdownBob, "server-in", 3s).events.at(0).kind, EventKind::access_granted);
}

TEST_F(LockdownController, ACardAndPinReadInProgressEndsWhenItsZoneIsLockedDown) {
  site_.doors[1].mode = DoorMode::card_and_pin;
  people_.set_pin(PersonId("bob"), PinHash{});
  EXPECT_TRUE(card(kLockdownBob, "server-in", 0s).events.empty());
  const Effects fx = lockdown("server-room", 1s);
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].reason, DenyReason::zone_locked_down);
  EXPECT_EQ(fx.events[0].card, kLockdownBob);
  EXPECT_FALSE(controller_.next_deadline());
}

}  // namespace
}  // namespace vigil::core
