#include "vigil/core/door.hpp"

#include <gtest/gtest.h>

#include "site_fixture.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

std::vector<std::string> kinds(const Effects& fx) {
  std::vector<std::string> out;
  for (const auto& e : fx.events) out.emplace_back(to_string(e.kind));
  return out;
}

class DoorTest : public ::testing::Test {
 protected:
  Site site_ = testing::make_site();
  DoorStateMachine door_{site_.doors[0]};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
};

TEST_F(DoorTest, GrantUnlocksThenOpeningRecordsEntryAndClosingRelocks) {
  Effects fx;
  door_.grant(PersonId("alice"), ZoneId("lobby"), ReaderId("lobby-in"), t0_, fx);
  ASSERT_EQ(fx.outputs.size(), 1u);
  EXPECT_TRUE(fx.outputs[0].value);
  EXPECT_EQ(fx.outputs[0].point, site_.doors[0].lock);
  door_.contact(true, t0_ + 1s, fx);
  door_.contact(false, t0_ + 3s, fx);
  EXPECT_EQ(kinds(fx), (std::vector<std::string>{"door_unlocked", "door_opened", "entry",
                                                 "door_closed", "door_relocked"}));
  ASSERT_EQ(fx.outputs.size(), 2u);
  EXPECT_FALSE(fx.outputs[1].value);
  EXPECT_EQ(*fx.events[2].person, PersonId("alice"));
  EXPECT_EQ(*fx.events[2].zone, ZoneId("lobby"));
  EXPECT_FALSE(door_.unlocked());
}

TEST_F(DoorTest, UnusedGrantRelocksWhenThePulseEnds) {
  Effects fx;
  door_.grant(PersonId("alice"), ZoneId("lobby"), ReaderId("lobby-in"), t0_, fx);
  ASSERT_EQ(door_.next_deadline(), t0_ + 5s);
  door_.advance(t0_ + 4s, fx);
  EXPECT_TRUE(door_.unlocked());
  door_.advance(t0_ + 5s, fx);
  EXPECT_FALSE(door_.unlocked());
  EXPECT_EQ(kinds(fx), (std::vector<std::string>{"door_unlocked", "door_relocked"}));
  EXPECT_EQ(fx.events[1].time, t0_ + 5s);
  // The spent grant does not excuse a later opening.
  Effects later;
  door_.contact(true, t0_ + 10s, later);
  EXPECT_EQ(kinds(later), (std::vector<std::string>{"door_opened", "door_forced"}));
}

TEST_F(DoorTest, OpeningWithoutGrantOrRexIsForced) {
  Effects fx;
  door_.contact(true, t0_, fx);
  EXPECT_EQ(kinds(fx), (std::vector<std::string>{"door_opened", "door_forced"}));
  EXPECT_TRUE(door_.forced());
  EXPECT_TRUE(fx.outputs.empty());
  door_.contact(false, t0_ + 2s, fx);
  EXPECT_FALSE(door_.forced());
}

TEST_F(DoorTest, RexGivesFreeEgressWithoutAlarm) {
  Effects fx;
  door_.rex(t0_, fx);
  door_.contact(true, t0_ + 1s, fx);
  door_.contact(false, t0_ + 2s, fx);
  EXPECT_EQ(kinds(fx), (std::vector<std::string>{"rex_pressed", "door_unlocked", "door_opened",
                                                 "door_closed", "door_relocked"}));
}

TEST_F(DoorTest, HeldOpenRaisesAfterTheHeldTimeAndClearsOnClose) {
  Effects fx;
  door_.grant(PersonId("alice"), ZoneId("lobby"), ReaderId("lobby-in"), t0_, fx);
  door_.contact(true, t0_ + 1s, fx);
  EXPECT_EQ(door_.next_deadline(), t0_ + 31s);
  door_.advance(t0_ + 30s, fx);
  EXPECT_FALSE(door_.held_open_alarm());
  door_.advance(t0_ + 31s, fx);
  EXPECT_TRUE(door_.held_open_alarm());
  door_.advance(t0_ + 40s, fx);  // raised once, not on every tick
  door_.contact(false, t0_ + 45s, fx);
  EXPECT_EQ(kinds(fx),
            (std::vector<std::string>{"door_unlocked", "door_opened", "entry", "door_held_open",
                                      "door_closed", "door_held_open_cleared", "door_relocked"}));
  EXPECT_FALSE(door_.held_open_alarm());
}

TEST_F(DoorTest, SecondGrantWhileUnlockedExtendsThePulseWithoutASecondUnlock) {
  Effects fx;
  door_.grant(PersonId("alice"), ZoneId("lobby"), ReaderId("lobby-in"), t0_, fx);
  door_.grant(PersonId("bob"), ZoneId("lobby"), ReaderId("lobby-in"), t0_ + 3s, fx);
  EXPECT_EQ(door_.next_deadline(), t0_ + 8s);
  EXPECT_EQ(fx.outputs.size(), 1u);
  door_.contact(true, t0_ + 4s, fx);
  ASSERT_EQ(fx.events.back().kind, EventKind::entry);
  EXPECT_EQ(*fx.events.back().person, PersonId("bob"));
}

TEST_F(DoorTest, RepeatedContactReportIsIgnored) {
  Effects fx;
  door_.contact(false, t0_, fx);
  EXPECT_TRUE(fx.events.empty());
}

}  // namespace
}  // namespace vigil::core
