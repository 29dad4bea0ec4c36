// GpioChip backend for a kernel gpiochip through libgpiod 1.6's C++ bindings.
// Inputs are requested with both-edge events; a thread polls their event fds
// and delivers the kernel's own timestamps (CLOCK_MONOTONIC on kernels >= 5.7
// with the v1 uAPI libgpiod 1.6 uses; CLOCK_REALTIME before that).
// Active-low and bias are request flags the kernel applies (bias needs
// kernel >= 5.5). The v1 uAPI has no debounce, so a line's debounce runs in
// EdgeDebouncer on this chip's thread. A chip that cannot be opened, or a
// line it refuses, leaves the chip offline (status handler) and is retried
// every retry_period: a missing or busy chip is a device fault at run time,
// not a reason for the daemon to stop guarding its other doors.
#pragma once

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/gpio/edge_debouncer.hpp"
#include "vigil/gpio/gpio_chip.hpp"

namespace vigil::gpio {

class GpiodChip final : public GpioChip {
 public:
  struct Options {
    std::string chip;  // "/dev/gpiochip0", "gpiochip0", "0" or the chip's label
    std::string consumer = "vigild";
    std::chrono::milliseconds retry_period{1000};
  };

  explicit GpiodChip(Options options);
  ~GpiodChip() override;

  using GpioChip::request_input;
  using GpioChip::request_output;
  void request_input(std::uint32_t line, const LineSettings& settings) override;
  void request_output(std::uint32_t line, bool initial, const LineSettings& settings) override;
  void on_edge(EdgeHandler handler) override;
  void on_level(LevelHandler handler) override;
  void on_status(StatusHandler handler) override;
  // Starts the chip's thread, which opens the chip and requests the lines;
  // failures are reported through the status handler and retried.
  void start() override;
  void start(boost::asio::io_context& io) override;
  void stop() override;
  [[nodiscard]] SetStatus set_output(std::uint32_t line, bool value) override;
  std::optional<bool> input_level(std::uint32_t line) const override;
  ChipStats stats() const override;
  bool online() const { return online_.load(); }

 private:
  void run();
  bool open_lines(std::string& error);  // requests every line; reports initial levels
  void serve();                         // delivers edges until stop or a poll failure
  bool wait(std::chrono::milliseconds delay);
  void set_online(bool online, const std::string& detail);
  void deliver(const std::vector<EdgeEvent>& edges);
  void read_line_events(std::size_t input);  // drains one input line's event fd
  // Event-loop mode.
  void loop_open();
  void loop_wait(std::size_t input);
  void loop_arm_debounce();
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::string loop_error_;

  Options options_;
  std::map<std::uint32_t, LineSettings> inputs_;
  struct Output {
    bool value = false;
    LineSettings settings;
  };
  std::map<std::uint32_t, Output> outputs_;  // guarded by mutex_ after start()
  EdgeHandler edge_handler_;
  LevelHandler level_handler_;
  StatusHandler status_handler_;
  EdgeDebouncer debouncer_;  // the chip's thread only
  std::atomic<bool> online_{false};
  bool started_ = false;

  // The open chip and its requested lines; keeps <gpiod.hpp> out of this header.
  struct RequestedLines;
  std::unique_ptr<RequestedLines> lines_;
  mutable std::mutex mutex_;  // libgpiod line objects are not thread-safe
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> edges_{0};
};

}  // namespace vigil::gpio
