#include "vigil/core/controller.hpp"

#include <gtest/gtest.h>

#include "site_fixture.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using testing::at_utc;
using testing::kMonday;

class ControllerTest : public ::testing::Test {
 protected:
  Site site_ = testing::make_site();
  PeopleDirectory people_ = testing::make_people();
  Controller controller_{site_, people_};
  TimePoint t0_ = at_utc(kMonday, 9, 0);
  MonoTime m0_ = MonoTime{std::chrono::hours(1)};
};

TEST_F(ControllerTest, GrantedSwipeEnergisesTheDoorsLockCoil) {
  Effects fx =
      controller_.handle(CardPresented{ReaderId("lobby-in"), {12, 1001}, "H10301", t0_, m0_});
  // door_unlocked waits for the driver's confirmation of the write.
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].kind, EventKind::access_granted);
  EXPECT_EQ(*fx.events[0].person, PersonId("alice"));
  EXPECT_EQ(*fx.events[0].door, DoorId("lobby-main"));
  ASSERT_EQ(fx.outputs.size(), 1u);
  EXPECT_EQ(fx.outputs[0].point, (PointRef{DeviceId("io1"), PointKind::coil, 0}));
  EXPECT_TRUE(fx.outputs[0].value);
}

TEST_F(ControllerTest, DeniedSwipeLeavesTheLockAloneAndCarriesTheReason) {
  Effects fx =
      controller_.handle(CardPresented{ReaderId("server-in"), {12, 1001}, "H10301", t0_, m0_});
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].kind, EventKind::access_denied);
  EXPECT_EQ(fx.events[0].reason, DenyReason::no_access_level);
  EXPECT_EQ(*fx.events[0].card, (CardNumber{12, 1001}));
  EXPECT_TRUE(fx.outputs.empty());
}

TEST_F(ControllerTest, ContactInputDrivesTheRightDoor) {
  Effects fx = controller_.handle(
      PointChanged{{DeviceId("io1"), PointKind::discrete_input, 1}, true, t0_, m0_});
  fx.append(controller_.advance(t0_ + 20ms, m0_ + 20ms));  // after the contact's debounce
  ASSERT_EQ(fx.events.size(), 2u);
  EXPECT_EQ(fx.events[1].kind, EventKind::door_forced);
  EXPECT_EQ(*fx.events[1].door, DoorId("server-door"));
}

TEST_F(ControllerTest, RexReleaseIsIgnoredPressUnlocks) {
  const PointRef rex{DeviceId("io1"), PointKind::discrete_input, 3};
  EXPECT_TRUE(controller_.handle(PointChanged{rex, false, t0_, m0_}).events.empty());
  Effects fx = controller_.handle(PointChanged{rex, true, t0_, m0_});
  EXPECT_TRUE(fx.outputs.empty());  // not before the REX debounce
  EXPECT_EQ(controller_.next_deadline(), m0_ + 50ms);
  fx = controller_.advance(t0_ + 50ms, m0_ + 50ms);
  ASSERT_EQ(fx.outputs.size(), 1u);
  EXPECT_TRUE(fx.outputs[0].value);
}

TEST_F(ControllerTest, AdvanceFiresTheEarliestDoorDeadline) {
  controller_.handle(CardPresented{ReaderId("lobby-in"), {12, 1001}, "H10301", t0_, m0_});
  EXPECT_EQ(controller_.next_deadline(), m0_ + 5s);
  Effects fx = controller_.advance(t0_ + 5s, m0_ + 5s);
  ASSERT_EQ(fx.outputs.size(), 1u);
  EXPECT_FALSE(fx.outputs[0].value);
  EXPECT_FALSE(controller_.next_deadline());
}

TEST_F(ControllerTest, ReadErrorIsJournalledWithRawBits) {
  Effects fx =
      controller_.handle(ReadFailed{ReaderId("lobby-in"), "0101", 4, "unknown_length", t0_, m0_});
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].kind, EventKind::read_error);
  EXPECT_EQ(fx.events[0].detail, "unknown_length bits=4 raw=0101");
}

TEST_F(ControllerTest, DeviceStatusBecomesOfflineAndOnlineEvents) {
  Effects off =
      controller_.handle(DeviceStatusChanged{DeviceId("io1"), false, "timeout", t0_, m0_});
  Effects on =
      controller_.handle(DeviceStatusChanged{DeviceId("io1"), true, "", t0_ + 1s, m0_ + 1s});
  EXPECT_EQ(off.events.at(0).kind, EventKind::device_offline);
  EXPECT_EQ(on.events.at(0).kind, EventKind::device_online);
}

}  // namespace
}  // namespace vigil::core
