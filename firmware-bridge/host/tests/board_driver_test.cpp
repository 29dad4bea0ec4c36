// The gateway's door board driver against the firmware core over a real pty
// pair (SimDoorBoard), with the board's faults injected on the line.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "driver_rig.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::fwb {
namespace {

using testing::DriverRig;

// The site YAML's limits for a door_board (daemon/config/src/parse_door_board.cpp).
static_assert(kMaxReaders == 4 && kMaxInputs == 8 && kMaxRelays == 8);

TEST(BoardDriver, LinkUpIsReportedAndTheCacheAndTimeArePushed) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  const auto status = rig.all<core::DeviceStatusChanged>();
  ASSERT_FALSE(status.empty());
  EXPECT_TRUE(status.front().online);
  EXPECT_EQ(status.front().device, core::DeviceId("door-1"));
  EXPECT_EQ(rig.driver->counters().cache_pushes, 1u);
  ASSERT_TRUE(rig.run_until(
      [&] { return rig.driver->last_status() && rig.driver->last_status()->cache_version != 0; }));
}

TEST(BoardDriver, ACardAtABoardReaderReachesTheGatewayAndTheRelayFollowsItsCommands) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.swipe(0, 12, 1001);
  ASSERT_TRUE(rig.run_until([&] { return !rig.all<core::CardPresented>().empty(); }));
  const auto read = rig.all<core::CardPresented>().front();
  EXPECT_EQ(read.reader, core::ReaderId("lab-in"));
  EXPECT_EQ(read.card, (core::CardNumber{12, 1001}));
  EXPECT_EQ(read.format, "H10301");
  EXPECT_FALSE(rig.board.relay(0)) << "online, the board leaves the decision to the gateway";

  rig.driver->set_output(0, true, 5);
  ASSERT_TRUE(rig.run_until([&] { return !rig.all<core::OutputResult>().empty(); }));
  const auto result = rig.all<core::OutputResult>().front();
  EXPECT_TRUE(result.ok) << result.error;
  EXPECT_EQ(result.point, relay_point(core::DeviceId("door-1"), 0));
  EXPECT_EQ(result.write_id, 5u) << "the core matches the answer to its write by this id";
  EXPECT_TRUE(rig.board.relay(0)) << "confirmed only once the board has it";
  // Two commands of the same level are two answers, each with its own id.
  rig.driver->set_output(0, false, 6);
  rig.driver->set_output(0, false, 7);
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OutputResult>().size() == 3; }));
  EXPECT_FALSE(rig.board.relay(0));
  EXPECT_EQ(rig.all<core::OutputResult>()[1].write_id, 6u);
  EXPECT_EQ(rig.all<core::OutputResult>()[2].write_id, 7u);
}

TEST(BoardDriver, KeysAtABoardKeypadReachTheCoreAsKeysOfTheSiteReader) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.keys(0, "90*#");
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::KeyPressed>().size() == 4; }));
  const auto keys = rig.all<core::KeyPressed>();
  const core::KeypadKey expected[] = {core::KeypadKey::k9, core::KeypadKey::k0,
                                      core::KeypadKey::star, core::KeypadKey::hash};
  for (std::size_t i = 0; i < keys.size(); ++i) {
    EXPECT_EQ(keys[i].reader, core::ReaderId("lab-in"));
    EXPECT_EQ(keys[i].key, expected[i]);
  }
  EXPECT_EQ(rig.driver->counters().keys, 4u);
}

TEST(BoardDriver, AReaderSignalReachesTheBoardsReader) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  ASSERT_EQ(rig.driver->board_reader(core::ReaderId("lab-in")), std::uint8_t{0});
  EXPECT_FALSE(rig.driver->board_reader(core::ReaderId("elsewhere")));
  rig.driver->signal_reader(0, LedColour::red, true, std::chrono::milliseconds(200));
  ASSERT_TRUE(rig.run_until([&] { return !rig.board.signal_changes().empty(); }));
  EXPECT_EQ(rig.board.signal_changes().front().signal, (ReaderSignal{LedColour::red, true}));
  ASSERT_TRUE(rig.run_until([&] { return rig.board.signal_changes().size() == 2; }));
  EXPECT_EQ(rig.board.signal_changes().back().signal, ReaderSignal{}) << "off after 200 ms";
}

// A roster change goes to the board as a delta on the cache it holds, so
// the board is never without a cache: cut off right after, it decides
// from the updated one.
TEST(BoardDriver, ARosterChangeIsPushedAsADeltaAndTheBoardDecidesFromItOffline) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->last_status().has_value(); }));
  const std::uint32_t before = rig.board.cache_version();
  rig.people.add_credential({core::CardNumber{12, 500}, core::PersonId("p1"), true, {}, {}});
  rig.people.add_credential({core::CardNumber{12, 2}, core::PersonId("p1"), false, {}, {}});
  rig.driver->push_cache();
  ASSERT_TRUE(rig.run_until([&] { return rig.board.cache_version() == before + 1; }));
  EXPECT_EQ(rig.driver->counters().cache_pushes, 1u) << "no second full image";
  EXPECT_EQ(rig.driver->counters().cache_deltas, 1u);

  rig.board.cut(true);
  ASSERT_TRUE(rig.run_until([&] { return !rig.board.link_up(); }));
  rig.board.swipe(0, 12, 500);
  EXPECT_TRUE(rig.board.relay(0)) << "the card added a moment ago opens offline";
  rig.board.swipe(0, 12, 2);
  rig.board.swipe(0, 12, 3);
  rig.board.cut(false);
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OfflineDecision>().size() == 3; }));
  const auto d = rig.all<core::OfflineDecision>();
  EXPECT_TRUE(d[0].granted);
  EXPECT_FALSE(d[1].granted) << "the card disabled a moment ago is refused";
  EXPECT_EQ(d[1].reason, core::DenyReason::inactive_credential);
  EXPECT_TRUE(d[2].granted) << "the rest of the cache is still there";
  rig.run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_EQ(rig.driver->counters().cache_pushes, 1u) << "the board's version was one we sent";
}

TEST(BoardDriver, BoardInputsArePointsOfTheDevice) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.set_input(1, true);  // debounced on the board, then sent
  ASSERT_TRUE(rig.run_until([&] { return !rig.all<core::PointChanged>().empty(); }));
  const auto change = rig.all<core::PointChanged>().front();
  EXPECT_EQ(change.point, input_point(core::DeviceId("door-1"), 1));
  EXPECT_TRUE(change.value);
}

TEST(BoardDriver, AWriteBeforeTheHandshakeIsSentOnceTheLinkIsUp) {
  DriverRig rig;
  rig.driver->set_output(0, true, 1);  // the lock commands at vigild's start come this early
  ASSERT_TRUE(rig.run_until([&] { return !rig.all<core::OutputResult>().empty(); }));
  EXPECT_TRUE(rig.all<core::OutputResult>().front().ok)
      << rig.all<core::OutputResult>().front().error;
  EXPECT_TRUE(rig.board.relay(0));
}

TEST(BoardDriver, AWriteWhileTheLineIsCutFailsAfterTheOutputTimeout) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.cut(true);
  ASSERT_TRUE(rig.run_until([&] { return !rig.driver->link_up(); }));
  rig.driver->set_output(0, true, 1);
  ASSERT_TRUE(rig.run_until([&] { return !rig.all<core::OutputResult>().empty(); }));
  const auto result = rig.all<core::OutputResult>().front();
  EXPECT_FALSE(result.ok);
  EXPECT_NE(result.error.find("link down"), std::string::npos) << result.error;
  rig.board.cut(false);
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->link_up(); }));
  rig.run_until([] { return false; }, std::chrono::milliseconds(200));
  EXPECT_FALSE(rig.board.relay(0)) << "a failed write is never applied late";
}

TEST(BoardDriver, ABurstOf100ReadsDuringACutIsHandedUpOnceInOrderMarkedOffline) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.cut(true);
  ASSERT_TRUE(rig.run_until([&] { return !rig.driver->link_up() && !rig.board.link_up(); }));
  for (std::uint32_t n = 1; n <= 100; ++n) rig.board.swipe(0, 12, n * 2);  // 12:2 .. 12:200
  EXPECT_EQ(rig.board.offline_queued(), 100u);
  EXPECT_TRUE(rig.all<core::CardPresented>().empty());
  rig.board.cut(false);
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OfflineDecision>().size() >= 100; }));
  rig.run_until([] { return false; }, std::chrono::milliseconds(300));  // nothing more comes

  const auto decisions = rig.all<core::OfflineDecision>();
  ASSERT_EQ(decisions.size(), 100u);
  for (std::size_t i = 0; i < decisions.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(decisions[i].card, (core::CardNumber{12, (i + 1) * 2}));
    EXPECT_EQ(decisions[i].board_seq, i + 1);
    EXPECT_EQ(decisions[i].board_session, rig.board.session());
    EXPECT_EQ(decisions[i].reader, core::ReaderId("lab-in"));
    EXPECT_TRUE(decisions[i].board_had_time);
    // Cards above 200 are not enrolled; all of these are.
    EXPECT_TRUE(decisions[i].granted);
  }
  EXPECT_TRUE(rig.all<core::CardPresented>().empty()) << "no read reached the gateway twice";
  EXPECT_EQ(rig.driver->counters().offline_duplicates, 0u);
}

TEST(BoardDriver, GarbageAndCorruptBytesAreCountedAndTheLinkRecovers) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  rig.board.inject({0x13, 0x37, 0x00, 0xFF, 0xFE, 0x01, 0x02, 0x00, 0x42});
  rig.board.flip_bits(3);
  rig.board.drop_bytes(2);
  rig.board.swipe(0, 12, 7);
  rig.board.swipe(0, 12, 8);
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::CardPresented>().size() >= 2; }));
  const auto reads = rig.all<core::CardPresented>();
  ASSERT_EQ(reads.size(), 2u);
  EXPECT_EQ(reads[0].card.number, 7u) << "retransmitted after the damaged frame, in order";
  EXPECT_EQ(reads[1].card.number, 8u);
  EXPECT_GE(rig.driver->link().decoder_counters().dropped(), 2u);
  EXPECT_TRUE(rig.driver->link_up());
}

TEST(BoardDriver, ABoardRebootMidUnlockLeavesEveryRelayInItsFailStateUntilRearmed) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  ASSERT_TRUE(rig.board.relay(1)) << "armed: the maglock is energised (locked)";
  rig.driver->set_output(0, true, 1);  // the strike is released: unlock in progress
  ASSERT_TRUE(rig.run_until([&] { return rig.board.relay(0); }));
  rig.board.reboot();
  EXPECT_FALSE(rig.board.relay(0)) << "fail-secure strike de-energised";
  EXPECT_FALSE(rig.board.relay(1)) << "fail-safe maglock de-energised (released)";
  // The gateway sees a new board session and pushes a fresh cache, which
  // re-arms the relays at their locked levels; the unlock is not replayed.
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->counters().cache_pushes >= 2; }));
  ASSERT_TRUE(rig.run_until([&] { return rig.board.cache_version() != 0; }));
  EXPECT_FALSE(rig.board.relay(0));
  EXPECT_TRUE(rig.board.relay(1));
}

// The board forgets an offline event only once the journal has it: nothing
// is acknowledged before the commit callback fires, and a gateway restarted
// before the commit gets the uncommitted events again, each exactly once.
TEST(BoardDriver, OfflineEventsAreAcknowledgedToTheBoardOnlyAfterTheJournalCommits) {
  vigil::testing::TempDir dir;
  const std::string cursor = (dir.path() / "door-1.cursor").string();
  DriverRig rig(cursor);
  {
    rig.auto_commit = false;
    ASSERT_TRUE(rig.up_and_cached());
    rig.board.cut(true);
    ASSERT_TRUE(rig.run_until([&] { return !rig.driver->link_up() && !rig.board.link_up(); }));
    for (std::uint32_t n = 1; n <= 6; ++n) rig.board.swipe(0, 12, n);
    rig.board.cut(false);
    ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OfflineDecision>().size() == 6; }));
    rig.run_until([] { return false; }, std::chrono::milliseconds(200));
    EXPECT_EQ(rig.driver->counters().offline_acks, 0u);
    EXPECT_EQ(rig.board.offline_queued(), 6u) << "the board still holds every uncommitted event";

    const auto decisions = rig.all<core::OfflineDecision>();
    rig.driver->offline_committed(decisions[0].board_session, decisions[0].board_seq);
    rig.driver->offline_committed(decisions[1].board_session, decisions[1].board_seq);
    ASSERT_TRUE(rig.run_until([&] { return rig.board.offline_queued() == 4u; }));
    EXPECT_EQ(rig.driver->cursor().last_seq(), 2u);
  }
  rig.restart_driver();  // dies with events 3..6 handed to its core but not committed
  ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OfflineDecision>().size() == 4; }))
      << rig.all<core::OfflineDecision>().size() << " link " << rig.driver->link_up() << " dup "
      << rig.driver->counters().offline_duplicates << " ahead "
      << rig.driver->counters().offline_out_of_order << " events "
      << rig.driver->counters().offline_events << " queued " << rig.board.offline_queued();
  rig.run_until([] { return false; }, std::chrono::milliseconds(300));  // nothing more comes
  const auto again = rig.all<core::OfflineDecision>();
  ASSERT_EQ(again.size(), 4u);
  for (std::size_t i = 0; i < again.size(); ++i) {
    EXPECT_EQ(again[i].board_seq, i + 3);
    EXPECT_EQ(again[i].card.number, i + 3);
  }
  ASSERT_TRUE(rig.run_until([&] { return rig.board.offline_queued() == 0u; }));
  EXPECT_EQ(rig.driver->cursor().last_seq(), 6u);
}

TEST(BoardDriver, TheOfflineCursorSurvivesAGatewayRestart) {
  vigil::testing::TempDir dir;
  const std::string cursor = (dir.path() / "door-1.cursor").string();
  std::uint32_t session = 0;
  {
    DriverRig rig(cursor);
    ASSERT_TRUE(rig.up_and_cached());
    rig.board.cut(true);
    ASSERT_TRUE(rig.run_until([&] { return !rig.board.link_up(); }));
    for (std::uint32_t n = 1; n <= 3; ++n) rig.board.swipe(0, 12, n);
    rig.board.cut(false);
    ASSERT_TRUE(rig.run_until([&] { return rig.all<core::OfflineDecision>().size() == 3; }));
    session = rig.board.session();
  }
  BoardDriverOptions o;
  o.id = core::DeviceId("door-1");
  o.cursor_path = cursor;
  boost::asio::io_context io;
  BoardDriver restarted(io, o, {});
  EXPECT_EQ(restarted.cursor().session(), session);
  EXPECT_EQ(restarted.cursor().last_seq(), 3u);
}

// What the door state machine assumes of a driver (daemon/core/tests/
// door_model.hpp), on the board driver and the firmware core over the pty:
// random commands for the strike with ids, the line cut and restored, bits
// flipped on it. One relay's answers come in request order, each with its
// own request's value; a failure says why and its write is never applied
// late; once the line is well the last command is answered ok and held.
TEST(BoardDriver, RandomCommandsCutsAndDamageAnswerInRequestOrderAndEndWithTheLastHeld) {
  DriverRig rig;
  ASSERT_TRUE(rig.up_and_cached());
  std::mt19937 random(27);
  std::map<std::uint64_t, bool> requested;
  std::uint64_t id = 0;
  bool value = false;
  bool cut = false;
  for (int step = 0; step < 30; ++step) {
    switch (random() % 8) {
      case 0:
        cut = !cut;
        rig.board.cut(cut);
        break;
      case 1:
        rig.board.flip_bits(1);
        break;
      default: {
        value = random() % 2 == 1;
        requested[++id] = value;
        rig.driver->set_output(0, value, id);
        // Waits for its answer now and then, while the line is up (a write
        // during a cut fails only after the output timeout).
        if (!cut && random() % 2 == 0) {
          const std::uint64_t wanted = id;
          ASSERT_TRUE(rig.run_until([&] {
            for (const auto& r : rig.all<core::OutputResult>()) {
              if (r.write_id >= wanted) return true;
            }
            return false;
          })) << "write "
              << id;
        }
        break;
      }
    }
  }
  rig.board.cut(false);
  ASSERT_TRUE(rig.run_until([&] { return rig.driver->link_up(); }));
  requested[++id] = value;
  rig.driver->set_output(0, value, id);
  ASSERT_TRUE(rig.run_until([&] {
    const auto results = rig.all<core::OutputResult>();
    return !results.empty() && results.back().write_id == id;
  }));
  const auto results = rig.all<core::OutputResult>();
  EXPECT_TRUE(results.back().ok) << results.back().error;
  EXPECT_EQ(rig.board.relay(0), value);
  std::uint64_t previous = 0;
  for (const auto& r : results) {
    EXPECT_GE(r.write_id, previous) << "answered out of request order";
    previous = r.write_id;
    ASSERT_TRUE(requested.count(r.write_id)) << "an id never requested: " << r.write_id;
    EXPECT_EQ(r.value, requested[r.write_id]) << "write " << r.write_id;
    if (!r.ok) {
      EXPECT_FALSE(r.error.empty()) << "a failure without its reason";
    }
  }
}

}  // namespace
}  // namespace vigil::fwb
