// SimGpioChip started on an io_context: the chip's socket is a
// posix::stream_descriptor on the loop, so edges, debounce deadlines and
// reconnects all happen on the thread that runs the loop; the chip has no
// thread of its own and never polls.
#include <gtest/gtest.h>

#include <utility>  // Boost 1.74 Asio needs it first under C++20

#include <boost/asio/io_context.hpp>
#include <thread>

#include "sim_test_support.hpp"
#include "vigil/gpio/sim_gpio_chip.hpp"
#include "vigil/sim/sim_chip_server.hpp"

namespace vigil::gpio {
namespace sim_gpio_event_loop_test {

using namespace std::chrono_literals;
using testing::TempDir;

// Runs the loop on this thread until `done` holds or the deadline passes.
template <class Predicate>
bool run_until(boost::asio::io_context& io, Predicate done,
               std::chrono::milliseconds deadline = 5s) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(10ms);
  }
  return true;
}

struct LoopRecorder {
  std::vector<EdgeEvent> edges;
  std::vector<bool> statuses;
  std::vector<std::thread::id> threads;
  void attach(SimGpioChip& chip) {
    chip.on_edge([this](const EdgeEvent& e) {
      edges.push_back(e);
      threads.push_back(std::this_thread::get_id());
    });
    chip.on_status([this](bool online, const std::string&) { statuses.push_back(online); });
  }
};

SimGpioChip::Options options_for(const std::string& path) {
  return SimGpioChip::Options{path, 10ms, 50ms};
}

TEST(SimGpioEventLoop, EdgesArriveThroughTheDescriptorOnTheLoopsThread) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  boost::asio::io_context io;
  SimGpioChip chip(options_for(server.socket_path()));
  LoopRecorder recorder;
  recorder.attach(chip);
  chip.request_input(0);
  chip.request_input(1);
  chip.start(io);
  ASSERT_TRUE(run_until(io, [&] { return chip.connected(); }));

  std::vector<std::chrono::nanoseconds> sent;
  for (int i = 0; i < 20; ++i) {
    sent.push_back(*server.set_input(static_cast<std::uint32_t>(i % 2), i % 4 < 2));
  }
  ASSERT_TRUE(run_until(io, [&] { return recorder.edges.size() == sent.size(); }));
  for (std::size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(recorder.edges[i].line, i % 2);
    EXPECT_EQ(recorder.edges[i].rising, i % 4 < 2);
    EXPECT_EQ(recorder.edges[i].timestamp, sent[i]) << "edge " << i;
    EXPECT_EQ(recorder.threads[i], std::this_thread::get_id()) << "edge " << i;
  }
  chip.stop();
  EXPECT_EQ(recorder.statuses, (std::vector<bool>{true, false}));
}

TEST(SimGpioEventLoop, DebouncedEdgeIsDeliveredByATimerOnTheLoop) {
  TempDir dir;
  sim::SimChipServer server(dir.file("chip.sock"));
  boost::asio::io_context io;
  SimGpioChip chip(options_for(server.socket_path()));
  LoopRecorder recorder;
  recorder.attach(chip);
  chip.request_input(3, LineSettings{.debounce = std::chrono::microseconds(20'000)});
  chip.start(io);
  ASSERT_TRUE(run_until(io, [&] { return chip.connected(); }));

  const auto sent = *server.set_input(3, true);
  // Nothing more comes over the socket: only the debounce timer can deliver it.
  ASSERT_TRUE(run_until(io, [&] { return recorder.edges.size() == 1; }));
  EXPECT_TRUE(recorder.edges[0].rising);
  EXPECT_GE(recorder.edges[0].timestamp, sent);
  chip.stop();
}

TEST(SimGpioEventLoop, ReconnectsOnTheLoopAfterTheSimRestarts) {
  TempDir dir;
  const auto path = dir.file("chip.sock");
  boost::asio::io_context io;
  SimGpioChip chip(options_for(path));
  LoopRecorder recorder;
  recorder.attach(chip);
  chip.request_input(0);
  chip.request_output(7, false);
  chip.start(io);  // before the sim is up: retried on a timer

  auto server = std::make_unique<sim::SimChipServer>(path);
  ASSERT_TRUE(run_until(io, [&] { return chip.connected(); }));
  EXPECT_EQ(chip.set_output(7, true), SetStatus::applied);
  server.reset();
  ASSERT_TRUE(run_until(io, [&] { return !chip.connected(); }));

  server = std::make_unique<sim::SimChipServer>(path);
  ASSERT_TRUE(run_until(io, [&] { return chip.connected(); }));
  ASSERT_TRUE(run_until(io, [&] { return server->level(7); })) << "output re-sent on reconnect";
  const auto sent = *server->set_input(0, true);
  ASSERT_TRUE(run_until(io, [&] { return recorder.edges.size() == 1; }));
  EXPECT_EQ(recorder.edges[0].timestamp, sent);
  EXPECT_EQ(chip.stats().connects, 2u);
  EXPECT_EQ(recorder.statuses, (std::vector<bool>{true, false, true}));
  chip.stop();
}

}  // namespace sim_gpio_event_loop_test
}  // namespace vigil::gpio
