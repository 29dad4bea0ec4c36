// Passages through one door: grants, entries, REX egress, forced and held-open.
#include "vigil/core/door.hpp"

#include <gtest/gtest.h>

#include "door_harness.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;
using testing::DoorHarness;

TEST(Door, GrantUnlocksThenOpeningRecordsEntryAndClosingRelocks) {
  DoorHarness h;
  h.swipe(0s);
  ASSERT_EQ(h.outputs().size(), 1u);
  EXPECT_TRUE(h.outputs()[0].value);
  EXPECT_EQ(h.outputs()[0].point, testing::kLobbyLock);
  h.contact(true, 1s);
  h.contact(false, 3s);
  h.run_until(10s);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked", "door_opened", "entry",
                              "door_closed", "door_relocked"}));
  ASSERT_EQ(h.outputs().size(), 2u);
  EXPECT_FALSE(h.outputs()[1].value);
  const Event& entry = h.events()[3];
  EXPECT_EQ(*entry.person, PersonId("alice"));
  EXPECT_EQ(*entry.zone, ZoneId("lobby"));
  EXPECT_EQ(entry.time, h.at(1s).wall);              // the edge's time, not the debounce's end
  EXPECT_EQ(h.events()[5].time, h.at(3500ms).wall);  // relock delay after the close
  EXPECT_EQ(attr_text(h.events()[5].attrs, "cause"), "door_closed");
  EXPECT_FALSE(h.lobby().unlocked());
}

TEST(Door, UnusedGrantRelocksWhenThePulseEnds) {
  DoorHarness h;
  h.swipe(0s);
  ASSERT_EQ(h.controller().next_deadline(), h.at(5s).mono);
  h.run_until(5s - 1us);
  EXPECT_TRUE(h.lobby().unlocked());
  h.run_until(5s);
  EXPECT_FALSE(h.lobby().unlocked());
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked", "door_relocked"}));
  EXPECT_EQ(h.events()[2].time, h.at(5s).wall);
  EXPECT_EQ(attr_text(h.events()[2].attrs, "cause"), "pulse_end");
  // The spent grant does not excuse a later opening.
  h.clear();
  h.contact(true, 10s);
  h.run_until(11s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_opened", "door_forced"}));
}

TEST(Door, OpeningWithoutGrantOrRexIsForced) {
  DoorHarness h;
  h.contact(true, 0s);
  h.run_until(1s);
  EXPECT_EQ(h.kinds(), (Kinds{"door_opened", "door_forced"}));
  EXPECT_TRUE(h.lobby().forced());
  EXPECT_TRUE(h.outputs().empty());
  h.contact(false, 2s);
  h.run_until(3s);
  EXPECT_FALSE(h.lobby().forced());
}

TEST(Door, RexGivesFreeEgressWithoutAlarm) {
  DoorHarness h;
  h.rex(true, 0s);
  h.rex(false, 300ms);
  h.contact(true, 1s);
  h.contact(false, 2s);
  h.run_until(5s);
  EXPECT_EQ(h.kinds(),
            (Kinds{"rex_pressed", "door_unlocked", "door_opened", "door_closed", "door_relocked"}));
  EXPECT_EQ(attr_text(h.events()[1].attrs, "cause"), "rex");
}

TEST(Door, RexActsOnThePressNotTheRelease) {
  DoorHarness h;
  h.rex(false, 0s);
  h.run_until(1s);
  EXPECT_TRUE(h.events().empty());
  h.rex(true, 1s);
  h.run_until(2s);
  EXPECT_EQ(h.kinds(), (Kinds{"rex_pressed", "door_unlocked"}));
}

TEST(Door, HeldOpenRaisesAfterTheHeldTimeAndClearsOnClose) {
  DoorHarness h;
  h.swipe(0s);
  h.contact(true, 1s);
  h.run_until(2s);
  EXPECT_EQ(h.controller().next_deadline(), h.at(31s).mono);
  h.run_until(31s - 1us);
  EXPECT_FALSE(h.lobby().held_open_alarm());
  h.run_until(31s);
  EXPECT_TRUE(h.lobby().held_open_alarm());
  h.run_until(40s);  // raised once, not on every tick
  h.contact(false, 45s);
  h.run_until(50s);
  EXPECT_EQ(h.kinds(),
            (Kinds{"access_granted", "door_unlocked", "door_opened", "entry", "door_held_open",
                   "door_closed", "door_held_open_cleared", "door_relocked"}));
  EXPECT_EQ(h.find(EventKind::door_held_open)->time, h.at(31s).wall);
  EXPECT_FALSE(h.lobby().held_open_alarm());
}

TEST(Door, SecondGrantWhileUnlockedExtendsThePulseWithoutASecondUnlock) {
  DoorHarness h;
  h.swipe(0s);
  h.swipe(3s, CardNumber{12, 1002});
  EXPECT_EQ(h.controller().next_deadline(), h.at(8s).mono);
  EXPECT_EQ(h.outputs().size(), 1u);
  h.contact(true, 4s);
  h.run_until(5s);
  const Event* entry = h.find(EventKind::entry);
  ASSERT_NE(entry, nullptr);
  EXPECT_EQ(*entry->person, PersonId("bob"));
}

TEST(Door, RepeatedContactReportIsIgnored) {
  DoorHarness h;
  h.contact(false, 0s);
  h.contact(false, 1s);
  h.run_until(2s);
  EXPECT_TRUE(h.events().empty());
}

TEST(Door, OpeningThatBeginsBeforeThePulseEndsIsAnEntryEvenIfItCountsAfter) {
  DoorHarness h;
  h.swipe(0s);
  h.contact(true, 5s - 10ms);  // counts 20 ms later, after the pulse's end
  h.run_until(6s);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked", "door_opened", "entry"}));
}

}  // namespace
}  // namespace vigil::core
