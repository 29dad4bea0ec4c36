// GpioChip backend for vigil-sim's GPIO chip, reached over a Unix stream
// socket (protocol: docs/sim-gpio.md). A reader thread connects, decodes
// frames and calls the edge handler directly, so an edge costs one socket
// read and no queue hop: the card-read-to-coil budget is 2 ms at p99. If the
// sim is not up yet, or restarts, the thread reconnects with backoff and
// re-sends every output's level, as a kernel chip keeps its outputs.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>

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

  void request_input(std::uint32_t line) override;
  void request_output(std::uint32_t line, bool initial) override;
  void on_edge(EdgeHandler handler) override;
  void on_status(StatusHandler handler) override;
  void start() override;
  void stop() override;
  [[nodiscard]] SetStatus set_output(std::uint32_t line, bool value) override;
  std::optional<bool> input_level(std::uint32_t line) const override;
  ChipStats stats() const override;

  bool connected() const { return online_.load(); }

 private:
  void run();
  int connect_once() const;
  void serve_connection(int fd);
  void dispatch(const sim_protocol::Message& message);
  bool wait_backoff(std::chrono::milliseconds delay);  // false when stopping
  void set_online(bool online, const std::string& detail);

  Options options_;
  std::set<std::uint32_t> inputs_;
  EdgeHandler edge_handler_;
  StatusHandler status_handler_;

  mutable std::mutex mutex_;  // guards fd_, outputs_, levels_
  int fd_ = -1;
  std::map<std::uint32_t, bool> outputs_;
  std::map<std::uint32_t, bool> levels_;

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
