#include "vigil/gpio/sim_gpio_chip.hpp"

#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <vector>

#include "sim_test_support.hpp"
#include "vigil/sim/sim_chip_server.hpp"

namespace vigil::gpio {
namespace {

using namespace std::chrono_literals;
using testing::eventually;
using testing::TempDir;

// Collects what the chip's thread delivers.
struct Recorder {
  std::mutex mutex;
  std::vector<EdgeEvent> edges;
  std::vector<std::chrono::nanoseconds> received_at;
  void attach(SimGpioChip& chip) {
    chip.on_edge([this](const EdgeEvent& e) {
      const auto now = sim::monotonic_now();
      std::lock_guard lock(mutex);
      edges.push_back(e);
      received_at.push_back(now);
    });
  }
  std::size_t count() {
    std::lock_guard lock(mutex);
    return edges.size();
  }
};

SimGpioChip::Options options_for(const std::string& path) {
  return SimGpioChip::Options{path, 10ms, 50ms};
}

TEST(SimGpioChip, EdgesArriveInOrderWithTheSimsTimestamps) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  Recorder recorder;
  recorder.attach(chip);
  chip.request_input(0);
  chip.request_input(1);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));

  std::vector<std::chrono::nanoseconds> sent;
  for (int i = 0; i < 50; ++i) {
    sent.push_back(*server.set_input(static_cast<std::uint32_t>(i % 2), i % 4 < 2));
  }
  ASSERT_TRUE(eventually([&] { return recorder.count() == sent.size(); }));
  std::lock_guard lock(recorder.mutex);
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(recorder.edges[i].line, i % 2);
    EXPECT_EQ(recorder.edges[i].rising, i % 4 < 2);
    EXPECT_EQ(recorder.edges[i].timestamp, sent[i]) << "edge " << i;
  }
  EXPECT_TRUE(std::is_sorted(sent.begin(), sent.end()));
}

TEST(SimGpioChip, EdgesReachTheHandlerWithinTheLatencyBudget) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  Recorder recorder;
  recorder.attach(chip);
  chip.request_input(0);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  constexpr std::size_t kEdges = 200;
  // The card-to-coil budget is 2 ms at p99 for the whole path; the socket hop
  // alone must fit in it. The median of a round is robust to a busy CI box and
  // one of five rounds must make it; the p99 itself is measured in bench/.
  std::chrono::nanoseconds median{0};
  for (int round = 0; round < 5; ++round) {
    const std::size_t before = recorder.count();
    for (std::size_t i = 0; i < kEdges; ++i) {
      server.set_input(0, !server.level(0));
      std::this_thread::sleep_for(100us);
    }
    ASSERT_TRUE(eventually([&] { return recorder.count() == before + kEdges; }));
    std::vector<std::chrono::nanoseconds> latency;
    {
      std::lock_guard lock(recorder.mutex);
      for (std::size_t i = before; i < before + kEdges; ++i) {
        latency.push_back(recorder.received_at[i] - recorder.edges[i].timestamp);
      }
    }
    std::sort(latency.begin(), latency.end());
    median = latency[kEdges / 2];
    if (median < 2ms) break;
  }
  EXPECT_LT(median, 2ms);
}

TEST(SimGpioChip, InputLevelsAreKnownOnceConnected) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  server.set_input(3, true);
  SimGpioChip chip(options_for(server.socket_path()));
  chip.request_input(3);
  chip.request_input(4);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.input_level(4).has_value(); }));
  EXPECT_EQ(chip.input_level(3), true);
  EXPECT_EQ(chip.input_level(4), false);
  EXPECT_EQ(chip.input_level(5), std::nullopt);  // not requested
}

TEST(SimGpioChip, EdgesOnLinesNotRequestedAreNotDelivered) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  Recorder recorder;
  recorder.attach(chip);
  chip.request_input(1);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  server.set_input(2, true);
  server.set_input(1, true);
  ASSERT_TRUE(eventually([&] { return recorder.count() == 1; }));
  EXPECT_EQ(recorder.edges[0].line, 1u);
}

TEST(SimGpioChip, OutputSetByTheDaemonReachesTheSim) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  std::mutex mutex;
  std::vector<std::pair<std::uint32_t, bool>> changes;
  server.on_output_change([&](std::uint32_t line, bool value) {
    std::lock_guard lock(mutex);
    changes.emplace_back(line, value);
  });
  SimGpioChip chip(options_for(server.socket_path()));
  chip.request_output(5, false);
  EXPECT_EQ(chip.set_output(6, true), SetStatus::not_an_output);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(chip.set_output(5, true), SetStatus::applied);
  ASSERT_TRUE(eventually([&] { return server.level(5); }));
  std::lock_guard lock(mutex);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_EQ(changes[0], std::make_pair(5u, true));
}

TEST(SimGpioChip, GarbageOnTheSocketIsCountedAndDropped) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  SimGpioChip chip(options_for(server.socket_path()));
  Recorder recorder;
  recorder.attach(chip);
  chip.request_input(0);
  chip.start();
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  const std::vector<std::uint8_t> junk{'n', 'o', 'i', 's', 'e', 0xA5, 0xFF, 0xA5, 0x03, 13, 0};
  ASSERT_TRUE(server.inject_bytes(junk));
  const auto sent = *server.set_input(0, true);
  ASSERT_TRUE(eventually([&] { return recorder.count() == 1; }));
  EXPECT_EQ(recorder.edges[0].timestamp, sent);
  EXPECT_GE(chip.stats().corrupt_frames, 1u);
  EXPECT_TRUE(chip.connected());
}

TEST(SimGpioChip, ReconnectsAfterTheSimRestartsAndResendsItsOutputs) {
  TempDir dir;
  const auto path = dir.file("chip.sock");
  std::vector<bool> statuses;
  std::mutex mutex;
  SimGpioChip chip(options_for(path));
  Recorder recorder;
  recorder.attach(chip);
  chip.on_status([&](bool online, const std::string&) {
    std::lock_guard lock(mutex);
    statuses.push_back(online);
  });
  chip.request_input(0);
  chip.request_output(7, false);
  chip.start();  // before the sim is up: not an error, it retries

  auto server = std::make_unique<sim::SimChipServer>(path);
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_EQ(chip.set_output(7, true), SetStatus::applied);
  ASSERT_TRUE(eventually([&] { return server->level(7); }));

  server.reset();  // sim goes away
  EXPECT_FALSE(std::filesystem::exists(path));
  ASSERT_TRUE(eventually([&] { return !chip.connected(); }));
  EXPECT_EQ(chip.set_output(7, true), SetStatus::pending);

  server = std::make_unique<sim::SimChipServer>(path);
  ASSERT_TRUE(eventually([&] { return chip.connected(); }));
  EXPECT_TRUE(eventually([&] { return server->level(7); })) << "output re-sent on reconnect";
  const auto sent = *server->set_input(0, true);
  ASSERT_TRUE(eventually([&] { return recorder.count() == 1; }));
  EXPECT_EQ(recorder.edges[0].timestamp, sent);
  EXPECT_EQ(chip.stats().connects, 2u);
  std::lock_guard lock(mutex);
  EXPECT_EQ(statuses, (std::vector<bool>{true, false, true}));
}

int connect_raw(const std::string& path) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

TEST(SimChipServer, CountsGarbageFromTheDaemonAndKeepsServing) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  const int fd = connect_raw(server.socket_path());
  ASSERT_GE(fd, 0);
  std::vector<std::uint8_t> bytes{'x', 'y', 'z', 0xA5, 0xA5};
  sim_protocol::encode(sim_protocol::Set{9, true}, bytes);
  ASSERT_EQ(::write(fd, bytes.data(), bytes.size()), static_cast<ssize_t>(bytes.size()));
  EXPECT_TRUE(eventually([&] { return server.level(9); }));
  EXPECT_GE(server.corrupt_frames(), 1u);
  ::close(fd);
}

TEST(SimChipServer, RefusesASocketAnotherSimIsServing) {
  TempDir dir;
  sim::SimChipServer first(dir.file("chip.sock"));
  EXPECT_THROW(sim::SimChipServer(dir.file("chip.sock")), std::runtime_error);
}

TEST(SimChipServer, ReplacesAStaleSocketFileAndRemovesItOnStop) {
  TempDir dir;
  const auto path = dir.file("sub/chip.sock");
  { sim::SimChipServer crashed(path); }
  // Leave a socket file behind with nobody listening, as a crashed sim would.
  const int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::strncpy(addr.sun_path, path.c_str(), sizeof addr.sun_path - 1);
  ASSERT_EQ(::bind(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof addr), 0);
  ::close(fd);
  ASSERT_TRUE(std::filesystem::exists(path));
  {
    sim::SimChipServer server(path);
    EXPECT_TRUE(std::filesystem::exists(path));
  }
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(SimChipServer, SetInputReportsOnlyChanges) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"), 4);
  EXPECT_TRUE(server.set_input(1, true).has_value());
  EXPECT_FALSE(server.set_input(1, true).has_value());
  EXPECT_THROW(server.set_input(4, true), std::out_of_range);
}

}  // namespace
}  // namespace vigil::gpio
