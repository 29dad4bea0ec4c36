// Lines wired as installers wire them, through the sim chip over a real Unix
// socket: active-low, bias on a floating line, debounce, and the initial
// levels reported at start and after the sim restarts.
#include <gtest/gtest.h>

#include <map>
#include <mutex>
#include <vector>

#include "sim_test_support.hpp"
#include "vigil/gpio/sim_gpio_chip.hpp"
#include "vigil/sim/sim_chip_server.hpp"

namespace vigil::gpio {
namespace sim_line_settings_test {

using namespace std::chrono_literals;
using testing::eventually;
using testing::TempDir;

// Everything the chip's thread reports, in order.
struct Reports {
  std::mutex mutex;
  std::vector<LevelReport> levels;
  std::vector<EdgeEvent> edges;
  void attach(SimGpioChip& chip) {
    chip.on_level([this](const LevelReport& r) {
      std::lock_guard lock(mutex);
      levels.push_back(r);
    });
    chip.on_edge([this](const EdgeEvent& e) {
      std::lock_guard lock(mutex);
      edges.push_back(e);
    });
  }
  std::size_t level_count() {
    std::lock_guard lock(mutex);
    return levels.size();
  }
  std::size_t edge_count() {
    std::lock_guard lock(mutex);
    return edges.size();
  }
  std::map<std::uint32_t, bool> last_levels() {
    std::lock_guard lock(mutex);
    std::map<std::uint32_t, bool> out;
    for (const auto& r : levels) out[r.line] = r.value;
    return out;
  }
};

SimGpioChip::Options options_for(const std::string& path) {
  return SimGpioChip::Options{path, 10ms, 50ms};
}

constexpr LineSettings kActiveLow{true, Bias::as_is, 0us};

TEST(SimGpioLines, ActiveLowInputReadsTrueWhenPulledToGroundAndInvertsEdges) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"), 64, {{3, false}});  // contact pulls low
  SimGpioChip chip(options_for(server.socket_path()));
  Reports reports;
  reports.attach(chip);
  chip.request_input(3, kActiveLow);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(chip.input_level(3), true);
  EXPECT_EQ(reports.last_levels(), (std::map<std::uint32_t, bool>{{3, true}}));

  const auto at = *server.set_input(3, true);  // wire goes high: inactive
  ASSERT_TRUE(eventually([&] { return reports.edge_count() == 1; }));
  EXPECT_FALSE(reports.edges[0].rising);
  EXPECT_EQ(reports.edges[0].timestamp, at);
  EXPECT_EQ(chip.input_level(3), false);
}

TEST(SimGpioLines, ActiveLowOutputDrivesTheWireInverted) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  chip.request_output(5, false, kActiveLow);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_TRUE(eventually([&] { return server.level(5); })) << "inactive = high on the wire";
  EXPECT_EQ(chip.set_output(5, true), SetStatus::applied);
  EXPECT_TRUE(eventually([&] { return !server.level(5); }));
}

TEST(SimGpioLines, BiasDecidesWhatAFloatingLineReads) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));  // nothing drives any line
  SimGpioChip chip(options_for(server.socket_path()));
  Reports reports;
  reports.attach(chip);
  chip.request_input(2, LineSettings{false, Bias::pull_up, 0us});
  chip.request_input(4, LineSettings{false, Bias::pull_down, 0us});
  chip.request_input(6, LineSettings{true, Bias::pull_up, 0us});  // contact to ground, open
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(reports.last_levels(),
            (std::map<std::uint32_t, bool>{{2, true}, {4, false}, {6, false}}));
  EXPECT_TRUE(server.level(2));

  server.set_input(6, false);  // the contact closes to ground: active
  ASSERT_TRUE(eventually([&] { return reports.edge_count() == 1; }));
  EXPECT_TRUE(reports.edges[0].rising);
  server.float_input(6);  // opens again: the pull-up takes the line high
  ASSERT_TRUE(eventually([&] { return reports.edge_count() == 2; }));
  EXPECT_FALSE(reports.edges[1].rising);
  EXPECT_EQ(reports.edge_count(), 2u);
}

TEST(SimGpioLines, InitialLevelsAreReportedOnceAtStartAndNeverAsEdges) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"), 64, {{1, true}});
  SimGpioChip chip(options_for(server.socket_path()));
  Reports reports;
  reports.attach(chip);
  chip.request_input(0);
  chip.request_input(1);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(reports.last_levels(), (std::map<std::uint32_t, bool>{{0, false}, {1, true}}));
  EXPECT_EQ(reports.level_count(), 2u);
  EXPECT_EQ(reports.edge_count(), 0u);
}

TEST(SimGpioLines, AfterASimRestartLevelsAreInitialAndAChangeWhileAwayIsSeen) {
  TempDir dir;
  const auto path = dir.file("chip.sock");
  auto server = std::make_unique<sim::SimChipServer>(
      path, 64, std::map<std::uint32_t, bool>{{3, true}, {4, true}});
  SimGpioChip chip(options_for(path));
  Reports reports;
  reports.attach(chip);
  chip.request_input(3);
  chip.request_input(4);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  ASSERT_EQ(reports.level_count(), 2u);

  server.reset();
  ASSERT_TRUE(eventually([&] { return !chip.connected(); }));
  // While the chip was away, the door on line 3 closed; line 4 stayed.
  server = std::make_unique<sim::SimChipServer>(
      path, 64, std::map<std::uint32_t, bool>{{3, false}, {4, true}});
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(reports.level_count(), 4u) << "both lines reported again as initial levels";
  EXPECT_EQ(reports.last_levels(), (std::map<std::uint32_t, bool>{{3, false}, {4, true}}));
  EXPECT_EQ(chip.input_level(3), false);
  EXPECT_EQ(reports.edge_count(), 0u) << "no phantom edge for line 4, no edge for what was missed";

  server->set_input(3, true);  // and edges flow again
  ASSERT_TRUE(eventually([&] { return reports.edge_count() == 1; }));
  EXPECT_TRUE(reports.edges[0].rising);
}

TEST(SimGpioLines, DebouncedLineReportsOnlyTheChangeThatHeld) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  Reports reports;
  reports.attach(chip);
  chip.request_input(3, LineSettings{false, Bias::as_is, 20ms});
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  server.set_input(3, true);  // a contact bouncing as the door opens
  server.set_input(3, false);
  const auto settled = *server.set_input(3, true);
  ASSERT_TRUE(eventually([&] { return reports.edge_count() == 1; }));
  EXPECT_TRUE(reports.edges[0].rising);
  EXPECT_EQ(reports.edges[0].timestamp, settled);
  EXPECT_EQ(chip.stats().edges, 1u);
}

}  // namespace sim_line_settings_test
}  // namespace vigil::gpio
