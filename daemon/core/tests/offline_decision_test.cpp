// A door board's offline decision is recorded as the board took it, marked
// offline, and never drives a door the board already drove itself.
#include <gtest/gtest.h>

#include "site_fixture.hpp"
#include "vigil/core/controller.hpp"

namespace vigil::core {
namespace {

using testing::at_utc;
using testing::kMonday;

OfflineDecision decision(bool granted, DenyReason reason, TimePoint decided, TimePoint received) {
  OfflineDecision d;
  d.device = DeviceId("board1");
  d.reader = ReaderId("lobby-in");
  d.card = {12, 1001};
  d.granted = granted;
  d.reason = reason;
  d.board_session = 0xB0A1;
  d.board_seq = 17;
  d.time = decided;
  d.received = received;
  d.mono = MonoTime{std::chrono::hours(1)};
  return d;
}

TEST(OfflineDecision, IsJournalledAsTheBoardDecidedMarkedOfflineWithoutTouchingTheDoor) {
  const Site site = testing::make_site();
  const PeopleDirectory people = testing::make_people();
  Controller controller(site, people);
  const TimePoint decided = at_utc(kMonday, 9, 0);
  const TimePoint received = decided + std::chrono::minutes(3);
  Effects fx = controller.handle(decision(true, DenyReason::none, decided, received));
  ASSERT_EQ(fx.events.size(), 1u);
  const Event& e = fx.events[0];
  EXPECT_EQ(e.kind, EventKind::access_granted);
  EXPECT_EQ(e.time, decided) << "the board's time of the decision";
  EXPECT_EQ(*e.person, PersonId("alice"));
  EXPECT_EQ(*e.door, DoorId("lobby-main"));
  EXPECT_EQ(*e.device, DeviceId("board1"));
  EXPECT_EQ(attr_bool(e.attrs, "offline"), true);
  EXPECT_EQ(attr_int(e.attrs, "board_seq"), 17);
  EXPECT_EQ(attr_int(e.attrs, "board_session"), 0xB0A1);
  EXPECT_EQ(attr_int(e.attrs, "received"), to_unix_micros(received));
  EXPECT_TRUE(fx.outputs.empty()) << "the board drove its own lock";
}

TEST(OfflineDecision, KeepsTheBoardsOwnDenyReason) {
  const Site site = testing::make_site();
  const PeopleDirectory people = testing::make_people();
  Controller controller(site, people);
  const TimePoint t = at_utc(kMonday, 9, 0);
  Effects fx = controller.handle(decision(false, DenyReason::no_cache, t, t));
  ASSERT_EQ(fx.events.size(), 1u);
  EXPECT_EQ(fx.events[0].kind, EventKind::access_denied);
  EXPECT_STREQ(to_string(fx.events[0].reason), "no_cache");
  EXPECT_EQ(deny_reason_from_string("no_time"), DenyReason::no_time);
}

}  // namespace
}  // namespace vigil::core
