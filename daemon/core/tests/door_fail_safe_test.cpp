// The lock output's lifecycle: the journal records what the hardware did
// (confirmed writes), failures are incidents, and stop/start leave every lock
// in a known state.
#include <gtest/gtest.h>

#include "door_harness.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;
using testing::DoorHarness;

Site site_with(FailMode mode) {
  Site s = testing::make_site();
  for (auto& d : s.doors) d.fail_mode = mode;
  return s;
}

TEST(DoorLock, UnlockIsJournalledOnlyWhenTheDriverConfirmsIt) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  ASSERT_EQ(h.outputs().size(), 1u);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted"}));
  EXPECT_FALSE(h.controller().all_outputs_settled());
  h.confirm(40ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked"}));
  const Event& unlocked = h.events()[1];
  EXPECT_EQ(unlocked.time, h.at(40ms).wall);
  EXPECT_EQ(unlocked.mono, h.at(40ms).mono);
  EXPECT_EQ(*unlocked.person, PersonId("alice"));
  EXPECT_EQ(attr_text(unlocked.attrs, "cause"), "grant");
  EXPECT_TRUE(h.controller().all_outputs_settled());
}

TEST(DoorLock, FailedUnlockIsAMajorLockFailureNamingThePerson) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  h.fail(200ms, "no answer from io1");
  ASSERT_EQ(h.kinds(), (Kinds{"access_granted", "output_failed"}));
  const Event& failed = h.events()[1];
  EXPECT_EQ(*failed.door, DoorId("lobby-main"));
  EXPECT_EQ(*failed.person, PersonId("alice"));
  EXPECT_EQ(failed.time, h.at(200ms).wall);
  EXPECT_EQ(attr_text(failed.attrs, "output"), "io1/coil/0");
  EXPECT_EQ(attr_text(failed.attrs, "error"), "no answer from io1");
  EXPECT_EQ(attr_bool(failed.attrs, "value"), true);
  EXPECT_EQ(attr_text(failed.attrs, "action"), "unlock");
  auto incident = IncidentRules{}.observe(failed);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::lock_failure);
  EXPECT_EQ(incident->severity, Severity::major);
  EXPECT_NE(incident->summary.find("alice"), std::string::npos);
  // The person could not pass: the door counts as locked, the grant is spent,
  // and no relock write chases a device that just failed.
  EXPECT_FALSE(h.lobby().unlocked());
  EXPECT_FALSE(h.controller().next_deadline());
  EXPECT_EQ(h.outputs().size(), 1u);
  h.clear();
  h.contact(true, 1s);
  h.run_until(2s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_opened", "door_forced"}));
}

TEST(DoorLock, FailedRelockIsCriticalAndTheNextRelockOpportunityWritesAgain) {
  DoorHarness h;
  h.swipe(0s);
  h.auto_confirm(false);
  h.run_until(5s);  // pulse ends unused: relock write
  ASSERT_EQ(h.outputs().size(), 2u);
  h.fail(5100ms, "read-back mismatch");
  const Event* failed = h.find(EventKind::output_failed);
  ASSERT_NE(failed, nullptr);
  EXPECT_EQ(attr_text(failed->attrs, "action"), "relock");
  EXPECT_EQ(attr_bool(failed->attrs, "value"), false);
  EXPECT_FALSE(failed->person);
  auto incident = IncidentRules{}.observe(*failed);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::lock_failure);
  EXPECT_EQ(incident->severity, Severity::critical);
  EXPECT_TRUE(h.lobby().lock_suspect());
  // Nobody was granted: an opening is still forced. When the door shuts the
  // relock is asked for again.
  h.auto_confirm(true);
  h.contact(true, 10s);
  h.contact(false, 12s);
  h.run_until(13s);
  EXPECT_EQ(h.count(EventKind::door_forced), 1u);
  ASSERT_EQ(h.outputs().size(), 3u);
  EXPECT_FALSE(h.outputs()[2].value);
  EXPECT_EQ(h.events().back().kind, EventKind::door_relocked);
  EXPECT_FALSE(h.lobby().lock_suspect());
}

TEST(DoorLock, OpeningBeforeTheConfirmationArrivesIsTheGrantedPassage) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  h.contact(true, 100ms);
  h.run_until(200ms);
  h.confirm(300ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_opened", "entry", "door_unlocked"}));
}

TEST(DoorLock, ResultForAnotherPointIsIgnored) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  Effects fx = h.controller().handle(OutputResult{PointRef{DeviceId("io9"), PointKind::coil, 0},
                                                  h.outputs()[0].write_id, true, true, "",
                                                  h.at(1s).wall, h.at(1s).mono});
  EXPECT_TRUE(fx.events.empty());
  EXPECT_EQ(h.controller().pending_outputs(), 1u);
}

struct StopCase {
  FailMode mode;
  EventKind confirmed;
};

class SafeStateAtStop : public ::testing::TestWithParam<StopCase> {};

TEST_P(SafeStateAtStop, EveryLockGoesDeEnergisedAndIsJournalledOnConfirmation) {
  DoorHarness h(site_with(GetParam().mode));
  h.start(0s);
  h.swipe(1s);
  h.clear();
  h.auto_confirm(false);
  const std::size_t before = h.outputs().size();
  h.safe_state("stop", 2s);
  ASSERT_EQ(h.outputs().size(), before + 2);  // both doors, whatever we believe
  for (std::size_t i = before; i < h.outputs().size(); ++i) EXPECT_FALSE(h.outputs()[i].value);
  EXPECT_TRUE(h.events().empty());
  EXPECT_EQ(h.controller().pending_outputs(), 2u);
  h.confirm(2050ms);
  EXPECT_FALSE(h.controller().all_outputs_settled());
  h.confirm(2060ms);
  EXPECT_TRUE(h.controller().all_outputs_settled());
  ASSERT_EQ(h.events().size(), 2u);
  for (const auto& e : h.events()) {
    EXPECT_EQ(e.kind, GetParam().confirmed);
    EXPECT_EQ(attr_text(e.attrs, "cause"), "stop");
  }
  // Stopping: a grant no longer unlocks.
  const std::size_t outputs = h.outputs().size();
  h.swipe(3s);
  EXPECT_EQ(h.outputs().size(), outputs);
}

INSTANTIATE_TEST_SUITE_P(Doors, SafeStateAtStop,
                         ::testing::Values(StopCase{FailMode::secure, EventKind::door_relocked},
                                           StopCase{FailMode::safe, EventKind::door_released}),
                         [](const auto& info) { return std::string(to_string(info.param.mode)); });

TEST(DoorLock, StartLocksEveryDoorAndSaysSoOnConfirmation) {
  struct Case {
    FailMode mode;
    bool locked_output;
  };
  for (const Case c : {Case{FailMode::secure, false}, Case{FailMode::safe, true}}) {
    SCOPED_TRACE(to_string(c.mode));
    DoorHarness h(site_with(c.mode));
    h.auto_confirm(false);
    h.start(0s);
    ASSERT_EQ(h.outputs().size(), 2u);
    EXPECT_EQ(h.outputs()[0].value, c.locked_output);
    h.confirm(10ms);
    h.confirm(10ms);
    EXPECT_EQ(h.kinds(), (Kinds{"door_relocked", "door_relocked"}));
    EXPECT_EQ(attr_text(h.events()[0].attrs, "cause"), "start");
  }
}

TEST(DoorLock, FailSafeDoorUnlocksByDeEnergising) {
  DoorHarness h(site_with(FailMode::safe));
  h.start(0s);
  h.swipe(1s);
  h.run_until(6s);
  ASSERT_EQ(h.outputs().size(), 4u);  // start x2, unlock, relock
  EXPECT_FALSE(h.outputs()[2].value);
  EXPECT_TRUE(h.outputs()[3].value);
  EXPECT_EQ(h.count(EventKind::door_unlocked), 1u);
  EXPECT_EQ(h.count(EventKind::door_relocked), 3u);
}

TEST(DoorLock, FailSafeDoorInSafeStateOpensWithoutAlarm) {
  DoorHarness h(site_with(FailMode::safe));
  h.start(0s);
  h.safe_state("fault", 1s);
  h.contact(true, 2s);
  h.run_until(3s);
  EXPECT_EQ(h.count(EventKind::door_forced), 0u);
  EXPECT_EQ(h.count(EventKind::door_opened), 1u);
}

// One door's machine on its own (no Controller), its writes and events in
// `out`, on a clock of its own.
struct LoneDoor {
  explicit LoneDoor(FailMode mode) : site(site_with(mode)), door(site.doors.front()) {
    door.start(at(0s), out);
  }
  static Moment at(Duration d) { return Moment{TimePoint{} + 1000h + d, MonoTime{} + d}; }
  // The driver's answer to `w` at `d`.
  void answer(const SetOutput& w, bool ok, Duration d) {
    door.output_result(
        {w.point, w.write_id, w.value, ok, ok ? "" : "timeout", at(d).wall, at(d).mono}, out);
  }
  // Only a door_opened, and no forced door, for an opening at `d`.
  void expect_a_passage_at(Duration d) {
    out.events.clear();
    door.contact(true, at(d), false, out);
    door.advance(at(d + 1s), out);
    ASSERT_EQ(out.events.size(), 1u);
    EXPECT_EQ(out.events[0].kind, EventKind::door_opened);
    EXPECT_FALSE(door.forced());
  }
  Site site;
  DoorStateMachine door;
  Effects out;
};

// Found by DoorModel (s27): a fire hold and its end while the daemon stops
// used to leave the door marked released for passage, so its next close
// scheduled a relock, which for a fail-safe door energises the maglock:
// locked in the safe state, which for that door is released.
TEST(DoorLock, AFireResetDuringTheStopLeavesAFailSafeDoorReleasedWhenItCloses) {
  LoneDoor d(FailMode::safe);
  d.door.safe_state("sigterm", d.at(1s), d.out);
  d.door.fire_hold(true, d.at(2s), d.out);  // the alarm panel trips while vigild stops
  d.door.fire_hold(false, d.at(3s), d.out);
  EXPECT_FALSE(d.out.outputs.back().value) << "the safe state: de-energised";
  const std::size_t before = d.out.outputs.size();
  d.door.contact(true, d.at(4s), false, d.out);
  d.door.contact(false, d.at(5s), false, d.out);
  d.door.advance(d.at(60s), d.out);
  for (std::size_t i = before; i < d.out.outputs.size(); ++i) {
    EXPECT_FALSE(d.out.outputs[i].value) << "the maglock energised in the safe state";
  }
}

// A start while a fire holds the door keeps it released (vigild starts its
// doors before it reads fire inputs; the machine must not rely on that).
TEST(DoorLock, AStartDuringAFireHoldKeepsTheDoorReleased) {
  for (const FailMode mode : {FailMode::secure, FailMode::safe}) {
    SCOPED_TRACE(to_string(mode));
    LoneDoor d(mode);
    d.door.fire_hold(true, d.at(1s), d.out);
    d.door.safe_state("sigterm", d.at(2s), d.out);
    d.door.start(d.at(3s), d.out);
    EXPECT_EQ(d.out.outputs.back().value, mode == FailMode::secure) << "released for the fire";
    EXPECT_TRUE(d.door.unlocked());
    EXPECT_TRUE(d.door.fire_held());
  }
}

// Found by DoorModel (s27): a stop during a fire kept the door released but
// no longer counted it released for passage, so everyone leaving through it
// raised door_forced.
TEST(DoorLock, AStopDuringAFireKeepsOpeningsFromBeingForced) {
  LoneDoor d(FailMode::secure);
  d.door.fire_hold(true, d.at(1s), d.out);
  d.door.safe_state("sigterm", d.at(2s), d.out);
  d.expect_a_passage_at(3s);
}

// Found by DoorModel (s27): an open schedule's unlock that failed, then held
// on the driver's retry, left the door released on the hardware but not in
// the machine's view, so every opening of the window was a forced door.
TEST(DoorLock, AScheduleUnlockThatHoldsLateMakesOpeningsPassagesAgain) {
  LoneDoor d(FailMode::secure);
  d.answer(d.out.outputs.back(), true, 10ms);
  d.door.schedule_hold(true, "schedule_end", d.at(1s), d.out);
  const SetOutput unlock = d.out.outputs.back();
  ASSERT_TRUE(unlock.value);
  d.answer(unlock, false, 1100ms);  // the module did not answer
  d.answer(unlock, true, 5s);       // the driver's retry held
  EXPECT_TRUE(d.door.unlocked());
  d.expect_a_passage_at(6s);
}

}  // namespace
}  // namespace vigil::core
