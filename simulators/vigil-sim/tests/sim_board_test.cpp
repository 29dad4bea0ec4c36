// vigil-sim's door boards: a door_board device of the site config is served
// on a pty linked from its serial path; the gateway's own BoardDriver talks
// to it, and hand commands swipe at its readers and inject line faults.
#include <gtest/gtest.h>
#include <algorithm>

#include <boost/asio/io_context.hpp>

#include "commands.hpp"
#include "sim_site.hpp"
#include "vigil/config/load.hpp"
#include "vigil/fwb/board_driver.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::sim {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSite =
    "site: { id: lab-site, gateway: gw1, time_zone: UTC }\n"
    "devices:\n"
    "  - { id: board1, type: door_board, serial: run/board1.tty, readers: 1, inputs: 1, relays: 1 "
    "}\n"
    "zones:\n"
    "  - { id: lab, name: Lab }\n"
    "doors:\n"
    "  - { id: lab-door, from: outside, to: lab, lock: { device: board1, coil: 0 }, contact: { "
    "device: board1, input: 0 } }\n"
    "readers:\n"
    "  - { id: lab-in, door: lab-door, direction: in, board: { device: board1, reader: 0 } }\n"
    "access_levels:\n"
    "  - { id: all, zones: [lab], schedule: always }\n";

class SimBoardTest : public ::testing::Test {
 protected:
  SimBoardTest() {
    auto loaded = config::load_site_config_from_string(kSite, dir_.file("site.yaml"));
    EXPECT_TRUE(loaded.ok()) << config::to_string(loaded.diagnostics());
    config_ = std::move(loaded).value();
    site_ = std::make_unique<SimSite>(config_, console_);
    fwb::BoardDriverOptions o;
    o.id = core::DeviceId("board1");
    o.serial_path = config_.door_boards[0].serial_device;
    o.readers = {fwb::BoardReader{core::ReaderId("lab-in"), wiegand::builtin_formats()}};
    fwb::BoardDriverCallbacks cb;
    cb.on_input = [this](const core::Input& in) { inputs_.push_back(in); };
    driver_ = std::make_unique<fwb::BoardDriver>(io_, o, cb);
    driver_->start();
  }

  template <class Pred>
  bool run_until(Pred done, std::chrono::milliseconds timeout = 10s) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!done()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      io_.run_for(2ms);
    }
    return true;
  }

  std::size_t reads() const {
    std::size_t n = 0;
    for (const auto& in : inputs_) n += std::holds_alternative<core::CardPresented>(in) ? 1 : 0;
    return n;
  }

  vigil::testing::TempDir dir_{"vigil-sim-board"};
  Console console_;
  config::SiteConfig config_;
  std::unique_ptr<SimSite> site_;
  boost::asio::io_context io_;
  std::vector<core::Input> inputs_;
  std::unique_ptr<fwb::BoardDriver> driver_;
};

TEST_F(SimBoardTest, TheBoardIsServedOnItsSerialPathAndSwipesGoThroughIt) {
  ASSERT_TRUE(run_until([&] { return driver_->link_up(); }));
  const auto reply = run_command(*site_, {"swipe", "lab-in", "12:1001"});
  EXPECT_TRUE(reply.ok) << reply.lines.front();
  ASSERT_TRUE(run_until([&] { return reads() == 1; }));
  const auto& read = std::get<core::CardPresented>(inputs_.back());
  EXPECT_EQ(read.card, (core::CardNumber{12, 1001}));
  driver_->set_output(0, true, 1);
  ASSERT_TRUE(run_until([&] { return site_->lock_energised("lab-door"); }));
}

TEST_F(SimBoardTest, LineFaultsAreHandCommands) {
  ASSERT_TRUE(run_until([&] { return driver_->link_up(); }));
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "cut"}).ok);
  ASSERT_TRUE(run_until([&] { return !driver_->link_up(); }));
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "restore"}).ok);
  ASSERT_TRUE(run_until([&] { return driver_->link_up(); }));
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "garbage", "40"}).ok);
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "flip", "3"}).ok);
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "drop", "2"}).ok);
  EXPECT_TRUE(run_command(*site_, {"swipe", "lab-in", "12:7"}).ok);
  // The read arrives once: live, or (if the faults hit the board's side of
  // the handshake just then) decided by the board and handed up offline.
  auto arrived = [&] {
    return std::count_if(inputs_.begin(), inputs_.end(), [](const core::Input& in) {
      return std::holds_alternative<core::CardPresented>(in) ||
             std::holds_alternative<core::OfflineDecision>(in);
    });
  };
  ASSERT_TRUE(run_until([&] { return arrived() == 1; })) << "the link recovers from the garbage";
  EXPECT_TRUE(driver_->link_up());
  EXPECT_GT(driver_->link().decoder_counters().dropped(), 0u);
  EXPECT_TRUE(run_command(*site_, {"board", "board1", "reboot"}).ok);
  ASSERT_TRUE(run_until([&] { return driver_->link().counters().peer_restarts > 0; }));

  EXPECT_FALSE(run_command(*site_, {"board", "board9", "cut"}).ok);
  EXPECT_FALSE(run_command(*site_, {"board", "board1", "melt"}).ok);
  EXPECT_FALSE(run_command(*site_, {"board", "board1", "drop", "-1"}).ok);
}

}  // namespace
}  // namespace vigil::sim
