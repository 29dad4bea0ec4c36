#include <gtest/gtest.h>

#include <numeric>

#include "board_rig.hpp"

namespace vigil::fwb {
namespace {

using testing::BoardRig;

BoardConfig door_config() {
  BoardConfig c;
  c.relays[0] = {false, false};  // lab strike, fail-secure
  c.relays[1] = {false, true};   // maglock, fail-safe
  c.relays[2] = {true, false};   // an output whose safe state is energised
  c.reader_count = 1;
  c.reader_lock_relay[0] = 0;
  c.unlock_time[0] = Millis{3000};
  c.input_count = 2;
  return c;
}

constexpr std::uint64_t kNoon = 1774267200000ull;  // 2026-03-23 12:00 UTC

BoardRig online_rig(std::size_t ring_capacity = 256) {
  BoardRig rig(door_config(), ring_capacity);
  rig.run_for(Millis{10});
  EXPECT_TRUE(rig.board->link().up());
  rig.sync_time(kNoon);
  rig.push_cache(1, 1, 50);
  return rig;
}

TEST(DoorBoard, ACachePushedOverTheLinkIsInstalledAndReported) {
  BoardRig rig = online_rig();
  EXPECT_EQ(rig.board->cache().version(), 1u);
  EXPECT_EQ(rig.board->cache().size(), 50u);
  const auto status = rig.received<BoardStatus>();
  ASSERT_FALSE(status.empty());
  EXPECT_EQ(status.back().cache_version, 1u);
}

TEST(DoorBoard, OnlineReadsGoToTheGatewayWhichDrivesTheLock) {
  BoardRig rig = online_rig();
  rig.swipe(0, 7);
  rig.run_for(Millis{5});
  EXPECT_EQ(rig.cards_handed_up(), (std::vector<std::uint64_t>{7}));
  EXPECT_FALSE(rig.board->relay(0)) << "the board does not decide while online";
  rig.gateway_send(OutputCommand{0, OutputMode::pulse, 5000});
  rig.run_for(Millis{5});
  EXPECT_TRUE(rig.board->relay(0));
  rig.run_for(Millis{5000});
  EXPECT_FALSE(rig.board->relay(0));
}

TEST(DoorBoard, OfflineTheBoardGrantsFromItsCacheAndDeniesTheRest) {
  BoardRig rig = online_rig();
  rig.cut = true;
  rig.run_for(Millis{2500});
  ASSERT_FALSE(rig.board->link().up());
  rig.swipe(0, 7);
  EXPECT_TRUE(rig.board->relay(0)) << "cached card: unlocked at once";
  rig.run_for(Millis{3000});
  EXPECT_FALSE(rig.board->relay(0)) << "relocked after the door's unlock time";
  rig.swipe(0, 999);
  EXPECT_FALSE(rig.board->relay(0));
  rig.cut = false;
  rig.run_for(Millis{1000});
  const auto events = rig.received<OfflineEvent>();
  ASSERT_EQ(events.size(), 2u);
  EXPECT_TRUE(events[0].granted);
  EXPECT_EQ(events[0].number, 7u);
  EXPECT_GT(events[0].unix_ms, kNoon + 2000) << "stamped with the board's synced wall time";
  EXPECT_LT(events[0].unix_ms, kNoon + 10'000);
  EXPECT_FALSE(events[1].granted);
  EXPECT_EQ(static_cast<OfflineReason>(events[1].reason), OfflineReason::unknown_card);
  EXPECT_EQ(events[1].event_seq, events[0].event_seq + 1);
}

// The scenario: the cable is cut in the middle of a burst of reads;
// every read reaches the gateway exactly once, in the order it happened,
// including the reads that arrive while the offline backlog is draining.
TEST(DoorBoard, LinkCutDuringABurstOf100ReadsHandsEveryReadUpOnceInOrder) {
  BoardRig rig = online_rig();
  for (std::uint32_t n = 1; n <= 100; ++n) {
    if (n == 21) rig.cut = true;
    if (n == 71) {
      rig.cut = false;
      while (!rig.board->link().up()) rig.step();
    }
    rig.swipe(0, n);
    rig.run_for(n < 71 ? Millis{100} : Millis{1});
  }
  rig.run_for(Millis{3000});
  std::vector<std::uint64_t> expected(100);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(rig.cards_handed_up(), expected);
  EXPECT_GT(rig.board->counters().offline_reads, 20u);
  EXPECT_GT(rig.board->counters().online_reads, 20u);
  const auto events = rig.received<OfflineEvent>();
  for (std::size_t i = 1; i < events.size(); ++i) {
    EXPECT_EQ(events[i].event_seq, events[i - 1].event_seq + 1);
  }
  EXPECT_TRUE(rig.ring->empty());
}

// An offline event leaves the ring only when the gateway's journal has it
// (OfflineAck); a gateway that restarts before acknowledging gets every held
// event again, oldest first, and only what it acknowledges is forgotten.
TEST(DoorBoard, OfflineEventsAreHeldUntilAcknowledgedAndHandedUpAgainToARestartedGateway) {
  BoardRig rig = online_rig();
  rig.auto_ack = false;
  rig.cut = true;
  rig.run_for(Millis{2500});
  for (std::uint32_t n = 1; n <= 5; ++n) rig.swipe(0, n);
  rig.cut = false;
  rig.run_for(Millis{1000});
  ASSERT_EQ(rig.received<OfflineEvent>().size(), 5u);
  EXPECT_EQ(rig.ring->size(), 5u) << "received by the gateway, but not yet committed";
  rig.swipe(0, 6);
  rig.run_for(Millis{50});
  EXPECT_EQ(rig.received<CardRead>().size(), 1u) << "held events do not turn new reads offline";

  // The gateway commits the first two, then dies.
  rig.gateway_send(rig.pending_acks[1]);
  rig.run_for(Millis{50});
  EXPECT_EQ(rig.ring->size(), 3u);
  EXPECT_EQ(rig.ring->front().event_seq, 3u);
  rig.restart_gateway(0x6A7F);
  rig.auto_ack = true;
  rig.run_for(Millis{1000});
  std::vector<std::uint32_t> again;
  for (const auto& e : rig.received<OfflineEvent>()) again.push_back(e.event_seq);
  EXPECT_EQ(again, (std::vector<std::uint32_t>{3, 4, 5}));
  EXPECT_TRUE(rig.ring->empty());

  // An acknowledgement meant for an earlier boot of the board is ignored.
  rig.auto_ack = false;
  rig.cut = true;
  rig.run_for(Millis{2500});
  rig.swipe(0, 7);
  rig.cut = false;
  rig.run_for(Millis{1000});
  rig.gateway_send(OfflineAck{0xDEAD, 100});
  rig.run_for(Millis{50});
  EXPECT_EQ(rig.ring->size(), 1u);
}

TEST(DoorBoard, RingOverflowIsCountedAndReportedWhenTheLinkReturns) {
  BoardRig rig = online_rig(16);
  rig.cut = true;
  rig.run_for(Millis{2500});
  for (std::uint32_t n = 1; n <= 30; ++n) {
    rig.swipe(0, n);
    rig.run_for(Millis{10});
  }
  EXPECT_EQ(rig.ring->dropped_total(), 14u);
  rig.cut = false;
  rig.run_for(Millis{2000});
  std::vector<std::uint64_t> expected(16);
  std::iota(expected.begin(), expected.end(), 1);
  EXPECT_EQ(rig.cards_handed_up(), expected) << "the oldest 16 are kept";
  EXPECT_EQ(rig.received<BoardStatus>().back().offline_dropped, 14u);
  rig.cut = true;
  rig.run_for(Millis{2500});
  rig.swipe(0, 31);
  rig.cut = false;
  rig.run_for(Millis{2000});
  const auto events = rig.received<OfflineEvent>();
  EXPECT_EQ(events.back().event_seq, 31u) << "the 14 dropped left a gap in event_seq";
  EXPECT_EQ(events.back().dropped_before, 14u);
}

TEST(DoorBoard, RebootMidUnlockLeavesEveryRelayInItsFailState) {
  BoardRig rig = online_rig();
  rig.gateway_send(OutputCommand{0, OutputMode::pulse, 5000});
  rig.gateway_send(OutputCommand{2, OutputMode::off, 0});
  rig.run_for(Millis{100});
  ASSERT_TRUE(rig.board->relay(0)) << "mid-unlock";
  ASSERT_TRUE(rig.board->relay(1)) << "maglock holding";
  rig.boot(0xB0A2);
  for (std::uint8_t i = 0; i < kMaxRelays; ++i) {
    EXPECT_EQ(rig.board->relay(i), door_config().relays[i].fail_level) << "relay " << int{i};
  }
  rig.run_for(Millis{6000});
  EXPECT_TRUE(rig.board->link().up());
  EXPECT_EQ(rig.gateway().counters().peer_restarts, 1u);
  for (std::uint8_t i = 0; i < kMaxRelays; ++i) {
    EXPECT_EQ(rig.board->relay(i), door_config().relays[i].fail_level)
        << "relay " << int{i} << ": nobody has vouched for it since the reboot";
  }
}

TEST(DoorBoard, TheReaderLedAndBuzzerFollowTheGatewayAndGoOffAfterTheirDuration) {
  BoardRig rig = online_rig();
  EXPECT_EQ(rig.board->reader_signal(0), ReaderSignal{});
  rig.gateway_send(LedBuzzer{0, LedColour::red, true, 300});
  rig.run_for(Millis{20});
  EXPECT_EQ(rig.board->reader_signal(0), (ReaderSignal{LedColour::red, true}));
  rig.run_for(Millis{300});
  EXPECT_EQ(rig.board->reader_signal(0), ReaderSignal{}) << "off again after 300 ms";
  rig.gateway_send(LedBuzzer{0, LedColour::amber, false, 0});
  rig.run_for(Millis{5000});
  EXPECT_EQ(rig.board->reader_signal(0).led, LedColour::amber) << "0 = until the next command";
  rig.gateway_send(LedBuzzer{3, LedColour::green, false, 0});  // no such reader
  rig.run_for(Millis{20});
  EXPECT_EQ(rig.board->reader_signal(3), ReaderSignal{});

  // Offline the board signals its own decisions the same way.
  rig.cut = true;
  rig.run_for(Millis{2500});
  rig.swipe(0, 1);
  EXPECT_EQ(rig.board->reader_signal(0), (ReaderSignal{LedColour::green, false}));
  rig.run_for(Millis{1000});
  rig.swipe(0, 999);
  EXPECT_EQ(rig.board->reader_signal(0), (ReaderSignal{LedColour::red, true}));
}

TEST(DoorBoard, WithoutTheTimeTheBoardDeniesOffline) {
  BoardRig rig(door_config());
  rig.run_for(Millis{10});
  rig.push_cache(1, 1, 5);
  rig.cut = true;
  rig.run_for(Millis{2500});
  rig.swipe(0, 1);
  EXPECT_FALSE(rig.board->relay(0));
  rig.cut = false;
  rig.run_for(Millis{1000});
  const auto events = rig.received<OfflineEvent>();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(static_cast<OfflineReason>(events[0].reason), OfflineReason::no_time);
}

TEST(DoorBoard, DebouncedInputChangesGoToTheGatewayWithTheBoardTime) {
  BoardRig rig = online_rig();
  const Millis t0 = rig.now;
  rig.board->on_input(1, true, rig.now);
  rig.run_for(Millis{5});
  rig.board->on_input(1, false, rig.now);  // bounce
  rig.board->on_input(1, true, rig.now);
  rig.run_for(Millis{30});
  rig.board->on_input(1, true, rig.now);
  rig.run_for(Millis{5});
  const auto changes = rig.received<InputChanged>();
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0].input, 1);
  EXPECT_TRUE(changes[0].level);
  EXPECT_EQ(changes[0].board_ms, static_cast<std::uint32_t>((t0 + Millis{35}).count()));
}

}  // namespace
}  // namespace vigil::fwb
