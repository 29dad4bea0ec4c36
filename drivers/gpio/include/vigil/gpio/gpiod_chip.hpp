// GpioChip backend for a kernel gpiochip through libgpiod 1.6's C++ bindings.
// Inputs are requested with both-edge events; a thread polls their event fds
// and delivers the kernel's own timestamps (CLOCK_MONOTONIC on kernels >= 5.7
// with the v1 uAPI libgpiod 1.6 uses; CLOCK_REALTIME before that).
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/gpio/gpio_chip.hpp"

namespace vigil::gpio {

class GpiodChip final : public GpioChip {
 public:
  struct Options {
    std::string chip;  // "/dev/gpiochip0", "gpiochip0", "0" or the chip's label
    std::string consumer = "vigild";
  };

  explicit GpiodChip(Options options);
  ~GpiodChip() override;

  void request_input(std::uint32_t line) override;
  void request_output(std::uint32_t line, bool initial) override;
  void on_edge(EdgeHandler handler) override;
  void on_status(StatusHandler handler) override;
  // Throws std::runtime_error naming the chip when it cannot be opened or a
  // line cannot be requested (busy, out of range).
  void start() override;
  void stop() override;
  [[nodiscard]] SetStatus set_output(std::uint32_t line, bool value) override;
  std::optional<bool> input_level(std::uint32_t line) const override;
  ChipStats stats() const override;

 private:
  void run();

  Options options_;
  std::vector<std::uint32_t> input_offsets_;
  std::map<std::uint32_t, bool> output_initial_;
  EdgeHandler edge_handler_;
  StatusHandler status_handler_;

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
