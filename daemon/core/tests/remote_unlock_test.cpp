// A remote unlock (vigilctl door unlock, the signed door-unlock): the
// door's unlock pulse for N seconds, relocked by its deadline on the steady
// clock, refused when the lock cannot be vouched for or a lockdown covers
// the door.
#include <gtest/gtest.h>

#include "door_harness.hpp"

namespace vigil::core::testing {
namespace {

const DoorId kRemoteLobby("lobby-main");

RemoteUnlockResult remote_unlock_at(DoorHarness& h, Duration length, Duration d,
                                    const DoorId& door = kRemoteLobby) {
  h.run_until(d);
  RemoteUnlockResult r =
      h.controller().remote_unlock(door, length, "ben", h.at(d).wall, h.at(d).mono);
  return r;
}

// Feeds the result's effects through the harness (writes confirmed at `d`).
void apply_remote(DoorHarness& h, RemoteUnlockResult r, Duration d) {
  for (const auto& o : r.effects.outputs) {
    Effects fx = h.controller().handle(
        OutputResult{o.point, o.write_id, o.value, true, "", h.at(d).wall, h.at(d).mono});
    r.effects.append(std::move(fx));
  }
  for (auto& e : r.effects.events) h.remember(std::move(e));
}

TEST(RemoteUnlock, RelocksExactlyAfterTheSecondsAskedOnTheSteadyClock) {
  DoorHarness h;
  h.start(0s);
  h.clear();
  auto r = remote_unlock_at(h, 20s, 10s);
  ASSERT_TRUE(r.ok) << r.message;
  ASSERT_EQ(r.effects.outputs.size(), 1U);
  EXPECT_EQ(r.effects.outputs[0].point, kLobbyLock);
  EXPECT_TRUE(r.effects.outputs[0].value);  // fail-secure: energised = released
  apply_remote(h, std::move(r), 10s);
  const Event* unlocked = h.find(EventKind::door_unlocked);
  ASSERT_NE(unlocked, nullptr);
  EXPECT_EQ(attr_text(unlocked->attrs, "cause"), "remote");
  EXPECT_EQ(attr_text(unlocked->attrs, "operator"), "ben");
  EXPECT_EQ(attr_int(unlocked->attrs, "seconds"), 20);
  EXPECT_FALSE(unlocked->person.has_value());

  // The wall clock stepping back does not lengthen it.
  h.shift_wall(-1h);
  h.run_until(30s - 1ms);
  EXPECT_TRUE(h.lobby().unlocked());
  EXPECT_EQ(h.count(EventKind::door_relocked), 0U);
  h.run_until(30s);
  EXPECT_FALSE(h.lobby().unlocked());
  const Event* relocked = h.find(EventKind::door_relocked);
  ASSERT_NE(relocked, nullptr);
  EXPECT_EQ(relocked->mono, h.at(30s).mono);
  EXPECT_EQ(attr_text(relocked->attrs, "cause"), "pulse_end");
}

TEST(RemoteUnlock, ASecondUnlockReplacesTheEndWithoutASecondWrite) {
  DoorHarness h;
  h.start(0s);
  apply_remote(h, remote_unlock_at(h, 60s, 0s), 0s);
  const std::size_t writes = h.outputs().size();
  // 10 s in, a 5 s unlock: the door now relocks at 15 s, not 60 s.
  auto second = remote_unlock_at(h, 5s, 10s);
  ASSERT_TRUE(second.ok);
  EXPECT_TRUE(second.effects.outputs.empty());
  h.run_until(15s - 1ms);
  EXPECT_TRUE(h.lobby().unlocked());
  h.run_until(15s);
  EXPECT_FALSE(h.lobby().unlocked());
  EXPECT_EQ(h.outputs().size(), writes + 1);  // just the relock
}

TEST(RemoteUnlock, AnOpenDoorRelocksAfterItClosesLikeAnyPassage) {
  DoorHarness h;
  h.start(0s);
  apply_remote(h, remote_unlock_at(h, 5s, 0s), 0s);
  h.contact(true, 2s);
  EXPECT_EQ(h.count(EventKind::door_forced), 0U);
  h.run_until(8s);
  EXPECT_TRUE(h.lobby().unlocked());  // still open: no relock on an open door
  h.contact(false, 9s);
  h.run_until(20s);
  EXPECT_FALSE(h.lobby().unlocked());
}

TEST(RemoteUnlock, RefusedWhileALockdownCoversTheDoorsZone) {
  DoorHarness h;
  h.start(0s);
  Lockdowns orders;
  orders.set(LockdownOrder{ZoneId("lobby"), "guard-1", h.at(1s).wall, "intruder"});
  (void)h.controller().handle(LockdownChanged{orders, h.at(1s).wall, h.at(1s).mono});
  auto r = remote_unlock_at(h, 5s, 2s);
  EXPECT_FALSE(r.ok);
  EXPECT_NE(r.message.find("lockdown"), std::string::npos) << r.message;
  EXPECT_TRUE(r.effects.outputs.empty());
  EXPECT_FALSE(h.lobby().unlocked());
}

TEST(RemoteUnlock, RefusedWhenTheLockCannotBeVouchedFor) {
  DoorHarness h;
  h.start(0s);
  (void)h.controller().handle(
      DeviceStatusChanged{DeviceId("io1"), false, "timeout", h.at(1s).wall, h.at(1s).mono});
  auto offline = remote_unlock_at(h, 5s, 2s);
  EXPECT_FALSE(offline.ok);
  EXPECT_NE(offline.message.find("offline"), std::string::npos) << offline.message;
  EXPECT_TRUE(offline.effects.outputs.empty());
  (void)h.controller().handle(
      DeviceStatusChanged{DeviceId("io1"), true, "", h.at(3s).wall, h.at(3s).mono});
  EXPECT_TRUE(remote_unlock_at(h, 5s, 4s).ok);
}

TEST(RemoteUnlock, UnknownDoorAndSafeStateAreRefusedAFireHoldHasNothingToDo) {
  DoorHarness h;
  EXPECT_FALSE(remote_unlock_at(h, 5s, 0s).ok);  // not started: safe state
  h.start(1s);
  EXPECT_FALSE(remote_unlock_at(h, 5s, 2s, DoorId("no-such-door")).ok);
  h.clear();
  (void)h.controller().fire_release({kRemoteLobby}, true, h.at(3s).wall, h.at(3s).mono);
  auto held = remote_unlock_at(h, 5s, 4s);
  EXPECT_TRUE(held.ok);
  EXPECT_NE(held.message.find("nothing to do"), std::string::npos) << held.message;
  EXPECT_TRUE(held.effects.outputs.empty());
}

}  // namespace
}  // namespace vigil::core::testing
