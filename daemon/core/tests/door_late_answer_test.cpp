// A driver may answer the latest lock write twice: its background retry of
// a failed write held at last, or its re-apply of a confirmed write after a
// reconnect failed. Either changes what the hardware did and whether the
// lock is vouched for, so each is journalled, and a door unlocked late for
// a grant already spent locks again at once.
#include <gtest/gtest.h>

#include "door_harness.hpp"
#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

using namespace std::chrono_literals;
using Kinds = std::vector<std::string>;
using testing::DoorHarness;
using testing::kLobbyLock;

// The position in h.outputs() of the lobby lock's n-th write (0 = first).
std::size_t lobby_write(const DoorHarness& h, std::size_t n) {
  for (std::size_t i = 0; i < h.outputs().size(); ++i) {
    if (h.outputs()[i].point == kLobbyLock && n-- == 0) return i;
  }
  ADD_FAILURE() << "no such write";
  return 0;
}

TEST(DoorLateAnswer, AFailedRelockThatTheRetryHoldsIsJournalledAndTheLockTrustedAgain) {
  DoorHarness h;
  h.swipe(0s);
  h.auto_confirm(false);
  h.run_until(5s);  // the pulse ends: relock written
  ASSERT_EQ(h.outputs().size(), 2u);
  h.fail(5100ms, "no answer from io1");
  ASSERT_TRUE(h.lobby().lock_suspect());
  h.clear();

  h.answer_again(1, 9s, true);  // the module is back and took the relock
  ASSERT_EQ(h.kinds(), (Kinds{"door_relocked"}));
  const Event& relocked = h.events()[0];
  EXPECT_EQ(attr_text(relocked.attrs, "cause"), "pulse_end");
  EXPECT_EQ(attr_bool(relocked.attrs, "late"), true);
  EXPECT_EQ(relocked.time, h.at(9s).wall);
  EXPECT_FALSE(h.lobby().lock_suspect());
  EXPECT_EQ(h.outputs().size(), 2u) << "nothing more to write";

  h.answer_again(1, 10s, true);  // the same answer again changes nothing
  EXPECT_EQ(h.kinds(), (Kinds{"door_relocked"}));
}

TEST(DoorLateAnswer, AFailedUnlockThatHoldsLateIsJournalledAndLockedAgainAtOnce) {
  DoorHarness h;
  h.start(0s);
  h.auto_confirm(false);
  const std::size_t before = h.outputs().size();
  h.swipe(1s);
  ASSERT_EQ(h.outputs().size(), before + 1);
  h.fail(1200ms, "no answer from io1");  // the grant is spent: nobody passes
  ASSERT_FALSE(h.lobby().unlocked());
  h.clear();

  // Minutes later the driver's retry reaches the module: the strike opens
  // for nobody. The journal says so, and the door locks again.
  h.answer_again(before, 120s, true);
  ASSERT_EQ(h.kinds(), (Kinds{"door_unlocked"}));
  EXPECT_EQ(attr_text(h.events()[0].attrs, "cause"), "grant");
  EXPECT_EQ(attr_bool(h.events()[0].attrs, "late"), true);
  EXPECT_EQ(*h.events()[0].person, PersonId("alice"));
  ASSERT_EQ(h.outputs().size(), before + 2);
  EXPECT_EQ(h.outputs().back().point, kLobbyLock);
  EXPECT_FALSE(h.outputs().back().value) << "relock commanded";
  EXPECT_FALSE(h.controller().all_outputs_settled());

  h.confirm(120100ms);
  EXPECT_EQ(h.kinds(), (Kinds{"door_unlocked", "door_relocked"}));
  EXPECT_EQ(attr_text(h.events()[1].attrs, "cause"), "late_unlock");
  EXPECT_TRUE(h.controller().all_outputs_settled());
  EXPECT_FALSE(h.lobby().lock_suspect());
}

TEST(DoorLateAnswer, AReappliedRelockThatFailsMakesTheLockSuspectUntilItHolds) {
  DoorHarness h;
  h.start(0s);  // confirmed at once
  const std::size_t start = lobby_write(h, 0);
  ASSERT_FALSE(h.lobby().lock_suspect());
  h.clear();

  // The module restarted; the driver's re-apply of the relock fails.
  h.answer_again(start, 30s, false, "exception 4");
  ASSERT_EQ(h.kinds(), (Kinds{"output_failed"}));
  EXPECT_EQ(attr_text(h.events()[0].attrs, "action"), "relock");
  EXPECT_EQ(attr_bool(h.events()[0].attrs, "reapplied"), true);
  EXPECT_EQ(attr_text(h.events()[0].attrs, "error"), "exception 4");
  EXPECT_TRUE(h.lobby().lock_suspect()) << "not vouched for";
  auto incident = IncidentRules{}.observe(h.events()[0]);
  ASSERT_TRUE(incident);
  EXPECT_EQ(incident->kind, IncidentKind::lock_failure);

  h.answer_again(start, 31s, false, "exception 4");  // reported once
  EXPECT_EQ(h.kinds(), (Kinds{"output_failed"}));

  h.answer_again(start, 40s, true);
  EXPECT_EQ(h.kinds(), (Kinds{"output_failed", "door_relocked"}));
  EXPECT_EQ(attr_text(h.events()[1].attrs, "cause"), "start");
  EXPECT_FALSE(h.lobby().lock_suspect());
}

TEST(DoorLateAnswer, ARetryThatHoldsAfterANewerWriteIsJournalledAndTheNewerOneStillAwaited) {
  DoorHarness h;
  h.swipe(0s);
  h.auto_confirm(false);
  h.run_until(5s);
  h.fail(5100ms, "no answer from io1");  // the pulse end's relock
  h.clear();
  h.swipe(6s);  // a new grant: unlock commanded while the relock is retried
  ASSERT_EQ(h.outputs().size(), 3u);
  h.answer_again(1, 6100ms, true);  // the retry held just before
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_relocked"}));
  EXPECT_TRUE(h.lobby().output_pending()) << "the unlock is still unanswered";
  h.confirm(6200ms);
  EXPECT_EQ(h.kinds(), (Kinds{"access_granted", "door_relocked", "door_unlocked"}));
  EXPECT_TRUE(h.controller().all_outputs_settled());
}

}  // namespace
}  // namespace vigil::core
