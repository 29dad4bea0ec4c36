// Lock writes carry ids: a driver's answer is matched to the write it
// answers, never to a value two writes share, so the journal records what
// the hardware did even when a newer write overtook an unanswered one.
#include <gtest/gtest.h>

#include "door_harness.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;
using testing::DoorHarness;

// The lobby door's events of this kind, as "kind cause" in journal order.
std::vector<std::string> lobby_lock_events(const DoorHarness& h) {
  std::vector<std::string> out;
  for (const auto& e : h.events()) {
    if (e.door != DoorId("lobby-main")) continue;
    if (e.kind != EventKind::door_unlocked && e.kind != EventKind::door_relocked &&
        e.kind != EventKind::door_released && e.kind != EventKind::output_failed)
      continue;
    out.push_back(std::string(to_string(e.kind)) + " " + attr_text(e.attrs, "cause").value_or(""));
  }
  return out;
}

// The CI flake of Vigild.SwipeSetsTheLockCoilAndIsJournalled: the stop's
// relock (value false) was commanded while the pulse end's relock (also
// false) was done but its answer still queued. Matched by value, that
// answer was taken for the stop's: journalled as cause=stop, the pulse end
// never journalled, and the stop's own write never waited for.
TEST(DoorWriteId, StopDuringAnUnansweredRelockJournalsBothAndWaitsForTheStopsOwnAnswer) {
  DoorHarness h;
  h.start(0s);
  h.swipe(1s);
  h.auto_confirm(false);
  h.run_until(6s);  // the pulse ends: relock written, answer not handled yet
  const std::size_t pulse_end = h.outputs().size() - 1;
  h.safe_state("stop", 6100ms);
  ASSERT_EQ(h.outputs().size(), pulse_end + 3);  // both doors, same value false
  EXPECT_FALSE(h.outputs()[pulse_end + 1].value);
  EXPECT_NE(h.outputs()[pulse_end + 1].write_id, h.outputs()[pulse_end].write_id);
  EXPECT_EQ(h.controller().pending_outputs(), 2u);

  h.confirm(6150ms);  // the pulse end's answer
  EXPECT_EQ(lobby_lock_events(h),
            (Kinds{"door_relocked start", "door_unlocked grant", "door_relocked pulse_end"}));
  EXPECT_EQ(h.events().back().time, h.at(6150ms).wall);
  EXPECT_FALSE(h.controller().all_outputs_settled()) << "the stop's relock is still unanswered";

  h.confirm(6200ms);
  h.confirm(6200ms);
  EXPECT_EQ(lobby_lock_events(h), (Kinds{"door_relocked start", "door_unlocked grant",
                                         "door_relocked pulse_end", "door_relocked stop"}));
  EXPECT_TRUE(h.controller().all_outputs_settled());
}

TEST(DoorWriteId, UnlockOvertakenByTheRelockIsJournalledWhenItsAnswerComes) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  h.run_until(5s);  // the pulse ends before the unlock was answered
  ASSERT_EQ(h.outputs().size(), 2u);
  h.confirm(5100ms);  // the unlock held: the hardware did unlock
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked"}));
  const Event& unlocked = h.events()[1];
  EXPECT_EQ(*unlocked.person, PersonId("alice"));
  EXPECT_EQ(attr_text(unlocked.attrs, "cause"), "grant");
  EXPECT_EQ(unlocked.time, h.at(5100ms).wall);
  EXPECT_FALSE(h.controller().all_outputs_settled());
  h.confirm(5200ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_unlocked", "door_relocked"}));
  EXPECT_EQ(attr_text(h.events()[2].attrs, "cause"), "pulse_end");
  EXPECT_TRUE(h.controller().all_outputs_settled());
}

TEST(DoorWriteId, UnlockTheDriverDroppedIsNeverJournalled) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  h.run_until(5s);
  h.drop_oldest();  // superseded before the driver confirmed it
  h.confirm(5100ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_relocked"}));
  EXPECT_TRUE(h.controller().all_outputs_settled());
  // An answer older than the one answered is never coming; one that does
  // anyway (a driver out of order) is not taken for anything.
  const SetOutput& unlock = h.outputs()[0];
  const Effects late = h.controller().handle(
      OutputResult{unlock.point, unlock.write_id, true, true, "", h.at(6s).wall, h.at(6s).mono});
  EXPECT_TRUE(late.events.empty());
}

TEST(DoorWriteId, FailedOvertakenWriteIsRecordedAndTheNewerWriteDecidesTheLock) {
  DoorHarness h;
  h.auto_confirm(false);
  h.swipe(0s);
  h.run_until(5s);
  h.fail(5100ms, "exception: slave device failure");
  ASSERT_EQ(h.kinds(), (Kinds{"access_granted", "output_failed"}));
  const Event& failed = h.events()[1];
  EXPECT_EQ(attr_text(failed.attrs, "action"), "unlock");
  EXPECT_EQ(attr_bool(failed.attrs, "superseded"), true);
  EXPECT_EQ(*failed.person, PersonId("alice"));
  // A newer write is in flight: its answer, not this one, says whether the
  // lock can be trusted.
  EXPECT_FALSE(h.lobby().lock_suspect());
  EXPECT_FALSE(h.controller().all_outputs_settled());
  h.confirm(5200ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "output_failed", "door_relocked"}));
  EXPECT_FALSE(h.lobby().lock_suspect());
  EXPECT_TRUE(h.controller().all_outputs_settled());
}

TEST(DoorWriteId, EveryWriteOfALockHasItsOwnId) {
  DoorHarness h;
  h.start(0s);
  for (int i = 0; i < 3; ++i) {
    h.swipe(std::chrono::seconds(1 + 10 * i));
    h.run_until(std::chrono::seconds(10 + 10 * i));
  }
  h.safe_state("stop", 40s);
  std::vector<std::uint64_t> ids;
  for (const auto& o : h.outputs())
    if (o.point == testing::kLobbyLock) ids.push_back(o.write_id);
  ASSERT_EQ(ids.size(), 8u);  // start, 3 x (unlock, relock), stop
  for (std::size_t i = 1; i < ids.size(); ++i) EXPECT_GT(ids[i], ids[i - 1]);
  EXPECT_EQ(h.count(EventKind::door_relocked), 2u + 3u + 2u);
}

}  // namespace
}  // namespace vigil::core
