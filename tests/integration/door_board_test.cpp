// The firmware bridge end to end: the real vigild drives a door board (the
// firmware core, SimDoorBoard, on its own thread behind a real pty pair) as a
// `door_board` device of its site YAML, with a real mosquitto and journal.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "log_text.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/core/pin_hash.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/roster.hpp"
#include "vigil/sim/sim_door_board.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"
#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

using namespace std::chrono_literals;

sim::SimDoorBoardOptions lab_board() {
  sim::SimDoorBoardOptions o;
  o.config.relays[0] = {false, false};  // the lab's strike: fail-secure
  o.config.reader_count = 1;
  o.config.reader_lock_relay[0] = 0;
  o.config.unlock_time[0] = fwb::Millis{2000};
  o.config.input_count = 1;
  o.ring_capacity = 256;
  return o;
}

// One lab door whose lock, contact and reader are all on board1; card 12:1001
// (p01) may enter, every other card is unknown.
class BoardSite {
 public:
  explicit BoardSite(std::string unlock_time = "2s", bool card_and_pin = false)
      : board_(lab_board()) {
    journal_ = dir_.file("journal.db");
    config_ = dir_.file("site.yaml");
    std::ofstream out(config_);
    out << "site: { id: test-site, gateway: gw1, time_zone: UTC }\n"
        << "journal: { path: " << journal_.string() << " }\n"
        << "broker: { host: 127.0.0.1, port: " << broker_.port() << ", keepalive: 2s }\n"
        << "devices:\n"
        << "  - { id: board1, type: door_board, serial: " << board_.path()
        << ", baud: 115200, readers: 1, inputs: 1, relays: 1 }\n"
        << "zones:\n"
        << "  - { id: lab, name: Lab }\n"
        << "doors:\n"
        << "  - id: lab-door\n"
        << "    from: outside\n"
        << "    to: lab\n"
        << "    lock: { device: board1, coil: 0 }\n"
        << "    contact: { device: board1, input: 0 }\n"
        << "    unlock_time: " << unlock_time << "\n"
        << (card_and_pin ? "    mode: card_and_pin\n" : "") << "readers:\n"
        << "  - { id: lab-in, door: lab-door, direction: in, board: { device: board1, reader: 0 } "
           "}\n"
        << "access_levels:\n"
        << "  - { id: everyone, zones: [lab], schedule: always }\n"
        << (card_and_pin ? "pin: { entry_time: 3s }\n" : "");
    out.close();
    journal::Roster(journal_, "test-harness")
        .import(
            journal::RosterFile{
                .people = {core::Person{
                    core::PersonId("p01"), "Anna", true, {core::AccessLevelId("everyone")}}},
                .credentials = {core::Credential{{12, 1001}, core::PersonId("p01"), true, {}, {}}},
                .name = "harness",
                .sha256 = journal::sha256_hex("harness"),
                .replace = false},
            std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()));
    if (card_and_pin) {
      // The lowest count the parser accepts: the test is about the flow, not the hash.
      journal::Roster(journal_, "test-harness")
          .set_pin(core::PersonId("p01"), core::hash_pin(*core::PinCode::from_digits("1234"), 1000),
                   std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now()));
    }
  }

  ~BoardSite() {
    if (vigild_) vigild_->kill();
  }

  // Starts vigild and waits for the board's link to come up and its cache.
  void start_vigild() {
    vigild_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{VIGILD_PATH, "-c", config_.string(), "--log-level", "debug"},
        dir_.file("vigild.log"));
    if (!eventually([&] { return board_.link_up() && board_.cache_version() != 0; }, 15s))
      throw std::runtime_error("the board's link did not come up; log:\n" + log());
  }

  // SIGKILL: whatever vigild had received but not committed dies with it.
  void kill_vigild() {
    if (vigild_) vigild_->kill();
    vigild_.reset();
  }

  std::vector<core::Event> events(core::EventKind kind) const {
    if (!std::filesystem::exists(journal_)) return {};
    journal::Filter filter;
    filter.kinds = {kind};
    return journal::Journal(journal_).query(filter);
  }
  std::vector<core::Event> access_events() const {
    if (!std::filesystem::exists(journal_)) return {};
    journal::Filter filter;
    filter.kinds = {core::EventKind::access_granted, core::EventKind::access_denied};
    return journal::Journal(journal_).query(filter);
  }
  std::string log() const {
    std::ifstream in(dir_.file("vigild.log"));
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

  sim::SimDoorBoard& board() { return board_; }

 private:
  TempDir dir_{"vigil-board"};
  MosquittoProcess broker_;
  sim::SimDoorBoard board_;
  std::filesystem::path journal_;
  std::filesystem::path config_;
  std::unique_ptr<ChildProcess> vigild_;
};

bool offline(const core::Event& e) {
  return core::attr_bool(e.attrs, "offline").value_or(false);
}

TEST(DoorBoardBridge, ACardAtABoardReaderReachesVigildAndTheRelayPulses) {
  BoardSite site;
  site.start_vigild();
  site.board().swipe(0, 12, 1001);
  ASSERT_TRUE(eventually(
      [&] {
        return !site.events(core::EventKind::door_relocked).empty() &&
               !site.events(core::EventKind::door_unlocked).empty();
      },
      10s))
      << site.log();
  const auto granted = site.events(core::EventKind::access_granted);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_FALSE(offline(granted[0])) << "decided by vigild";
  EXPECT_EQ(granted[0].reader->str(), "lab-in");
  // The board's relay went on for the grant and off again after unlock_time.
  ASSERT_TRUE(eventually(
      [&] {
        const auto changes = site.board().relay_changes();
        return changes.size() >= 2 && changes[changes.size() - 2].level && !changes.back().level;
      },
      10s))
      << site.log();
  const auto changes = site.board().relay_changes();
  const auto pulse = changes.back().at - changes[changes.size() - 2].at;
  EXPECT_GE(pulse, 1900ms);
  EXPECT_LT(pulse, 3000ms);
}

TEST(DoorBoardBridge, ALinkCutDuringABurstOf100ReadsJournalsEveryReadOnceInOrderMarkedOffline) {
  BoardSite site;
  site.start_vigild();
  site.board().cut(true);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::device_offline).empty(); }, 10s))
      << site.log();
  for (std::uint64_t n = 1; n <= 100; ++n) site.board().swipe(0, 12, 1000 + n);
  site.board().cut(false);
  ASSERT_TRUE(eventually([&] { return site.access_events().size() >= 100; }, 20s)) << site.log();
  std::this_thread::sleep_for(500ms);  // anything more would be a duplicate

  const auto events = site.access_events();
  ASSERT_EQ(events.size(), 100u);
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    const core::Event& e = events[i];
    EXPECT_TRUE(offline(e)) << core::describe(e);
    EXPECT_EQ(core::attr_int(e.attrs, "board_seq"), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(e.card->number, 1001 + i);
    EXPECT_EQ(e.kind, i == 0 ? core::EventKind::access_granted : core::EventKind::access_denied);
    if (i > 0) {
      EXPECT_EQ(e.reason, core::DenyReason::unknown_card);
      EXPECT_GE(e.time, events[i - 1].time) << "the board's decision times, in order";
    }
  }
  EXPECT_EQ(events[0].person->str(), "p01");
  EXPECT_FALSE(site.events(core::EventKind::device_online).empty());
}

// The board forgets an offline event only when vigild's journal has
// committed it: events in flight when vigild is killed come again from the
// board to the restarted vigild, and each is journalled exactly once.
TEST(DoorBoardBridge, OfflineEventsInFlightWhenVigildIsKilledAreJournalledOnceAfterARestart) {
  BoardSite site;
  site.start_vigild();
  site.board().cut(true);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::device_offline).empty(); }, 10s))
      << site.log();
  constexpr std::size_t kReads = 100;
  for (std::uint64_t n = 1; n <= kReads; ++n) site.board().swipe(0, 12, 1000 + n);
  site.board().cut(false);
  ASSERT_TRUE(eventually([&] { return !site.access_events().empty(); }, 10s, 1ms)) << site.log();
  site.kill_vigild();  // mid-stream: some committed, some received only, some still on the board
  const std::size_t before = site.access_events().size();
  site.start_vigild();
  ASSERT_TRUE(eventually([&] { return site.access_events().size() >= kReads; }, 20s))
      << "journalled before the kill: " << before << "\n"
      << site.log();
  ASSERT_TRUE(eventually([&] { return site.board().offline_queued() == 0; }, 5s))
      << "every event acknowledged once committed";
  std::this_thread::sleep_for(300ms);  // anything more would be a duplicate

  const auto events = site.access_events();
  ASSERT_EQ(events.size(), kReads) << "journalled before the kill: " << before << "\n"
                                   << site.log();
  for (std::size_t i = 0; i < events.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_TRUE(offline(events[i])) << core::describe(events[i]);
    EXPECT_EQ(core::attr_int(events[i].attrs, "board_seq"), static_cast<std::int64_t>(i + 1));
    EXPECT_EQ(events[i].card->number, 1001 + i);
  }
}

// Card + PIN at a board reader: the board's keypad keys take the same path
// as a Wiegand keypad's, so a card_and_pin door opens only with the PIN.
TEST(DoorBoardBridge, ACardThenThePinAtABoardKeypadOpensACardAndPinDoor) {
  BoardSite site("2s", true);
  site.start_vigild();
  site.board().swipe(0, 12, 1001);
  site.board().keys(0, "9999#");
  ASSERT_TRUE(eventually([&] { return !site.events(core::EventKind::access_denied).empty(); }, 10s))
      << site.log();
  EXPECT_EQ(site.events(core::EventKind::access_denied)[0].reason, core::DenyReason::pin_wrong);
  EXPECT_FALSE(site.board().relay(0));
  // The reader shows the denial: red and a beep (vigild's output message).
  ASSERT_TRUE(eventually([&] { return !site.board().signal_changes().empty(); }, 5s));
  EXPECT_EQ(site.board().signal_changes().front().signal,
            (fwb::ReaderSignal{fwb::LedColour::red, true}));

  site.board().swipe(0, 12, 1001);
  site.board().keys(0, "1234#");
  ASSERT_TRUE(eventually([&] { return site.board().relay(0); }, 10s)) << site.log();
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::access_granted).empty(); }, 10s));
  const auto granted = site.events(core::EventKind::access_granted);
  ASSERT_EQ(granted.size(), 1u);
  EXPECT_EQ(core::attr_text(granted[0].attrs, "pin"), "ok");
  EXPECT_FALSE(offline(granted[0]));
  ASSERT_TRUE(eventually(
      [&] {
        for (const auto& c : site.board().signal_changes())
          if (c.signal == fwb::ReaderSignal{fwb::LedColour::green, false}) return true;
        return false;
      },
      5s))
      << "the grant shows green";
  const std::string log = site.log();
  for (const char* pin : {"1234", "9999"})
    EXPECT_FALSE(vigil::testing::has_digit_run(log, pin)) << "a PIN reached the log";
}

TEST(DoorBoardBridge, GarbageOnTheLineIsCountedAndTheLinkRecovers) {
  BoardSite site;
  site.start_vigild();
  site.board().inject({0x55, 0x13, 0x00, 0xFF, 0xEE, 0x01, 0x00, 0x42, 0x42, 0x42});
  site.board().flip_bits(4);
  site.board().swipe(0, 12, 1001);
  ASSERT_TRUE(
      eventually([&] { return !site.events(core::EventKind::access_granted).empty(); }, 10s))
      << site.log();
  EXPECT_FALSE(offline(site.events(core::EventKind::access_granted)[0]));
  ASSERT_TRUE(
      eventually([&] { return site.log().find("dropped on the line") != std::string::npos; }, 5s))
      << site.log();
  EXPECT_TRUE(site.board().link_up());
}

TEST(DoorBoardBridge, ABoardRebootMidUnlockLeavesTheRelayInItsFailState) {
  BoardSite site("30s");
  site.start_vigild();
  site.board().swipe(0, 12, 1001);
  ASSERT_TRUE(eventually([&] { return site.board().relay(0); }, 10s)) << site.log();
  site.board().reboot();
  EXPECT_FALSE(site.board().relay(0)) << "fail-secure strike: de-energised at boot";
  // The link comes back with the board's new session; the gateway pushes a
  // fresh cache and does not replay the unlock.
  ASSERT_TRUE(
      eventually([&] { return site.board().link_up() && site.board().cache_version() != 0; }, 10s))
      << site.log();
  std::this_thread::sleep_for(500ms);
  EXPECT_FALSE(site.board().relay(0));
  EXPECT_FALSE(site.events(core::EventKind::device_offline).empty()) << site.log();
}

}  // namespace
}  // namespace vigil::testing
