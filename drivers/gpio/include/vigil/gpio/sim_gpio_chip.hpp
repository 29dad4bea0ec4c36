// GpioChip backend for vigil-sim's GPIO chip, reached over a Unix stream
// socket (protocol: docs/sim-gpio.md). A reader thread connects, decodes
// frames and calls the edge handler directly, so an edge costs one socket
// read and no queue hop: the card-read-to-coil budget is 2 ms at p99. If the
// sim is not up yet, or restarts, the thread reconnects with backoff and
// re-sends every line request (outputs with their current level, as a kernel
// chip keeps its outputs). The sim answers each input request with the
// line's level, reported as an initial level: the chip counts itself online
// once it has them all, so an edge never precedes the state it changes.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "vigil/gpio/edge_debouncer.hpp"
#include "vigil/gpio/gpio_chip.hpp"
#include "vigil/gpio/sim_protocol.hpp"

namespace vigil::gpio {

class SimGpioChip final : public GpioChip {
 public:
  struct Options {
    std::string socket_path;
    std::chrono::milliseconds reconnect_min{50};
    std::chrono::milliseconds reconnect_max{1000};
  };

  explicit SimGpioChip(Options options);
  ~SimGpioChip() override;

  using GpioChip::request_input;
  using GpioChip::request_output;
  void request_input(std::uint32_t line, const LineSettings& settings) override;
  void request_output(std::uint32_t line, bool initial, const LineSettings& settings) override;
  void on_edge(EdgeHandler handler) override;
  void on_level(LevelHandler handler) override;
  void on_status(StatusHandler handler) override;
  void start() override;
  void start(boost::asio::io_context& io) override;
  void stop() override;
  [[nodiscard]] SetStatus set_output(std::uint32_t line, bool value) override;
  std::optional<bool> input_level(std::uint32_t line) const override;
  ChipStats stats() const override;

  bool connected() const { return online_.load(); }

 private:
  void run();
  int connect_once() const;
  void serve_connection(int fd);  // thread mode: until the connection ends
  // One connection's steps, shared by the thread and the event-loop modes.
  void begin_connection(int fd);  // sends the line requests, resets per-connection state
  bool read_ready(int fd, std::string& detail);  // one read; false when the connection ended
  void end_connection(int fd, const std::string& detail);
  // Event-loop mode (sim_gpio_chip_asio.cpp).
  void asio_connect();
  void asio_wait_readable();
  void asio_arm_debounce();
  void asio_stop();
  void dispatch(const sim_protocol::Message& message);
  void deliver(const std::vector<EdgeEvent>& edges);
  int poll_timeout_ms() const;  // until the debouncer's next deadline; -1 = none
  bool wait_backoff(std::chrono::milliseconds delay);  // false when stopping
  void set_online(bool online, const std::string& detail);

  struct Output {
    bool value = false;
    LineSettings settings;
  };

  Options options_;
  std::map<std::uint32_t, LineSettings> inputs_;
  EdgeHandler edge_handler_;
  LevelHandler level_handler_;
  StatusHandler status_handler_;

  mutable std::mutex mutex_;  // guards fd_, outputs_, levels_
  int fd_ = -1;
  std::map<std::uint32_t, Output> outputs_;
  std::map<std::uint32_t, bool> levels_;

  // Reader thread only: this connection's progress and the edge filter.
  bool hello_seen_ = false;
  std::set<std::uint32_t> awaiting_levels_;
  EdgeDebouncer debouncer_;
  sim_protocol::FrameDecoder decoder_;
  std::uint64_t seen_corrupt_ = 0;
  std::uint64_t seen_unknown_ = 0;
  struct Loop;                  // the io_context mode's descriptor and timers
  std::unique_ptr<Loop> loop_;  // set by start(io)

  int wake_fd_ = -1;  // eventfd: stop() wakes the reader thread
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> online_{false};
  std::atomic<std::uint64_t> edges_{0};
  std::atomic<std::uint64_t> corrupt_{0};
  std::atomic<std::uint64_t> unknown_{0};
  std::atomic<std::uint64_t> connects_{0};
};

}  // namespace vigil::gpio
