// Inputs are debounced edges; levels read at start or reconnect are state.
// No false forced doors from contact bounce, no unlock from a stuck REX.
#include "vigil/core/debounce.hpp"

#include <gtest/gtest.h>

#include "door_harness.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;
using testing::DoorHarness;

// Grant at 0 s, entry at 1 s, close at 3 s (counted at 3.02 s).
void entry_then_close(DoorHarness& h) {
  h.swipe(0s);
  h.contact(true, 1s);
  h.contact(false, 3s);
  h.run_until(3s + 20ms);
  ASSERT_EQ(h.kinds(),
            (Kinds{"access_granted", "door_unlocked", "door_opened", "entry", "door_closed"}));
  h.clear();
}

class ContactBounceAfterEntry : public ::testing::TestWithParam<Duration> {};

TEST_P(ContactBounceAfterEntry, IsFilteredWithoutForcedOrExtraEvents) {
  DoorHarness h;
  entry_then_close(h);
  h.contact(true, 3100ms);
  h.contact(false, 3100ms + GetParam());
  h.run_until(10s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_relocked"}));
  EXPECT_EQ(h.events()[0].time, h.at(3500ms).wall);
}

INSTANTIATE_TEST_SUITE_P(Bounces, ContactBounceAfterEntry, ::testing::Values(1ms, 5ms, 19ms),
                         [](const auto& info) {
                           return std::to_string(info.param.count()) + "us";
                         });

TEST(Debounce, ContactBounceLastingOnePollAfterEntryIsNotForced) {
  DoorHarness h;
  entry_then_close(h);
  // A 50 ms poll saw the contact open once: it counts, but inside the relock
  // delay it is the same passage.
  h.contact(true, 3100ms);
  h.contact(false, 3150ms);
  h.run_until(10s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_opened", "door_closed", "door_relocked"}));
  EXPECT_EQ(h.events()[2].time, h.at(3650ms).wall);  // relock delay restarts at the close
}

TEST(Debounce, ChatterDuringTheCloseCountsOneClose) {
  DoorHarness h;
  h.swipe(0s);
  h.contact(true, 1s);
  h.contact(false, 3s);
  h.contact(true, 3s + 5ms);
  h.contact(false, 3s + 8ms);
  h.run_until(10s);
  EXPECT_EQ(h.count(EventKind::door_closed), 1u);
  EXPECT_EQ(h.find(EventKind::door_closed)->time, h.at(3s + 8ms).wall);
  EXPECT_EQ(h.count(EventKind::door_forced), 0u);
}

struct RelockCase {
  const char* name;
  Duration reopen_after_close;
  bool forced;
};

class RelockDelay : public ::testing::TestWithParam<RelockCase> {};

TEST_P(RelockDelay, OpeningInsideTheDelayIsTheSamePassageAfterItIsForced) {
  DoorHarness h;
  entry_then_close(h);  // closed at 3 s: relock due at 3.5 s
  h.contact(true, 3s + GetParam().reopen_after_close);
  h.run_until(5s);
  EXPECT_EQ(h.count(EventKind::door_forced), GetParam().forced ? 1u : 0u);
  EXPECT_EQ(h.count(EventKind::door_opened), 1u);
  EXPECT_EQ(h.count(EventKind::door_relocked), GetParam().forced ? 1u : 0u);
}

INSTANTIATE_TEST_SUITE_P(Boundaries, RelockDelay,
                         ::testing::Values(RelockCase{"just_before", 500ms - 1us, false},
                                           RelockCase{"exactly_at", 500ms, true},
                                           RelockCase{"just_after", 500ms + 1us, true},
                                           RelockCase{"well_inside", 100ms, false}),
                         [](const auto& info) { return std::string(info.param.name); });

TEST(Debounce, ChangeThatRevertsBeforeTheHoldIsDiscarded) {
  Debouncer d(20ms);
  const MonoTime m0{1h};
  d.set_initial(false);
  d.raw(true, {{}, m0});
  EXPECT_EQ(d.deadline(), m0 + 20ms);
  EXPECT_FALSE(d.commit_due(m0 + 20ms - 1us));
  d.raw(false, {{}, m0 + 19ms});
  EXPECT_FALSE(d.deadline());
  EXPECT_FALSE(d.level());
  d.raw(true, {{}, m0 + 30ms});
  auto since = d.commit_due(m0 + 50ms);
  ASSERT_TRUE(since);
  EXPECT_EQ(since->mono, m0 + 30ms);
  EXPECT_TRUE(d.level());
}

// IEC 60839-11-1: an input held for 400 ms always registers, whatever the
// configured debounce (longer ones are clamped and refused by validate()).
class FourHundredMsPulse : public ::testing::TestWithParam<Duration> {};

TEST_P(FourHundredMsPulse, AlwaysRegistersOnContactAndRex) {
  Site site = testing::make_site();
  site.doors[0].contact_debounce = GetParam();
  site.doors[0].rex_debounce = GetParam();
  DoorHarness h(std::move(site));
  h.rex(true, 0s);
  h.rex(false, 400ms);
  h.run_until(10s);
  EXPECT_EQ(h.count(EventKind::rex_pressed), 1u);
  h.contact(true, 20s);
  h.contact(false, 20s + 400ms);
  h.run_until(30s);
  EXPECT_EQ(h.count(EventKind::door_opened), 1u);
  EXPECT_EQ(h.count(EventKind::door_closed), 1u);
}

INSTANTIATE_TEST_SUITE_P(Debounces, FourHundredMsPulse,
                         ::testing::Values(0ms, 20ms, 50ms, 300ms, 400ms, 10s),
                         [](const auto& info) {
                           return std::to_string(info.param.count()) + "us";
                         });

TEST(Debounce, ValidateRefusesDebouncesThatWouldSwallowA400MsPress) {
  Door door = testing::make_site().doors[0];
  EXPECT_TRUE(validate(door).empty());
  door.contact_debounce = kMaxDebounce;
  EXPECT_TRUE(validate(door).empty());
  door.contact_debounce = kMaxDebounce + 1ms;
  door.rex_debounce = -1ms;
  door.relock_delay = -1ms;
  EXPECT_EQ(validate(door).size(), 3u);
}

TEST(Rex, PressedAtStartDoesNotUnlockUntilSeenReleased) {
  DoorHarness h;
  h.rex(true, 0s, /*initial=*/true);
  h.run_until(10s);
  EXPECT_TRUE(h.events().empty());
  EXPECT_TRUE(h.outputs().empty());
  h.rex(false, 11s);
  h.run_until(12s);
  EXPECT_TRUE(h.events().empty());
  h.rex(true, 12s);
  h.run_until(13s);
  EXPECT_EQ(h.kinds(), (Kinds{"rex_pressed", "door_unlocked"}));
}

TEST(Rex, StuckRexDoesNotUnlockAfterReconnect) {
  DoorHarness h;
  h.rex(false, 0s, true);
  h.rex(true, 1s);
  h.run_until(2s);
  EXPECT_EQ(h.kinds(), (Kinds{"rex_pressed", "door_unlocked"}));
  h.rex(true, 10s, true);  // device reconnected, REX still held: nothing new
  h.run_until(31s - 1us);
  EXPECT_EQ(h.count(EventKind::rex_stuck), 0u);
  h.run_until(31s);  // held 30 s since the press
  ASSERT_EQ(h.count(EventKind::rex_stuck), 1u);
  EXPECT_EQ(h.find(EventKind::rex_stuck)->time, h.at(31s).wall);
  EXPECT_TRUE(h.lobby().rex_stuck());
  auto incident = IncidentRules{}.observe(*h.find(EventKind::rex_stuck));
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::rex_stuck);
  h.rex(true, 40s, true);  // reconnect again, still stuck
  h.run_until(60s);
  EXPECT_EQ(h.count(EventKind::door_unlocked), 1u);
  EXPECT_EQ(h.count(EventKind::rex_stuck), 1u);
  h.rex(false, 70s);
  h.run_until(71s);
  EXPECT_EQ(h.events().back().kind, EventKind::rex_released);
  h.rex(true, 72s);
  h.run_until(73s);
  EXPECT_EQ(h.count(EventKind::rex_pressed), 2u);
}

TEST(Rex, FoundPressedAtStartAndNeverReleasedIsStuck) {
  DoorHarness h;
  h.rex(true, 0s, true);
  h.run_until(40s);
  EXPECT_EQ(h.kinds(), (Kinds{"rex_stuck"}));
  EXPECT_EQ(h.events()[0].time, h.at(30s).wall);
}

TEST(Contact, OpenAtStartIsReportedOnceAndNotForced) {
  DoorHarness h;
  h.contact(true, 0s, true);
  h.run_until(1s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_open_at_start"}));
  auto incident = IncidentRules{}.observe(h.events()[0]);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::door_open_at_start);
  h.contact(true, 5s, true);  // reconnect, same level: nothing
  h.contact(false, 10s);
  h.run_until(11s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_open_at_start", "door_closed"}));
  EXPECT_TRUE(h.outputs().empty());
}

TEST(Contact, OpenAtStartLeftOpenRaisesHeldOpen) {
  DoorHarness h;
  h.contact(true, 0s, true);
  h.run_until(31s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_open_at_start", "door_held_open"}));
}

TEST(Contact, ClosedAtStartIsQuiet) {
  DoorHarness h;
  h.contact(false, 0s, true);
  h.rex(false, 0s, true);
  h.run_until(60s);
  EXPECT_TRUE(h.events().empty());
}

TEST(Contact, OpenedWhileOfflineIsForcedUnlessUnlocked) {
  DoorHarness h;
  h.contact(false, 0s, true);
  h.contact(true, 10s, true);  // reconnect shows it open
  h.run_until(11s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_opened", "door_forced"}));
  EXPECT_EQ(attr_text(h.events()[0].attrs, "seen"), "reconnect");

  DoorHarness granted;
  granted.contact(false, 0s, true);
  granted.swipe(1s);
  granted.contact(true, 2s, true);
  granted.run_until(3s);
  EXPECT_EQ(granted.count(EventKind::door_forced), 0u);
  EXPECT_EQ(granted.count(EventKind::entry), 1u);
}

}  // namespace
}  // namespace vigil::core
