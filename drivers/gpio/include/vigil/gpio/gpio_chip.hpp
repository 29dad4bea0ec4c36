// Line-level GPIO I/O behind one small interface, so the Wiegand decoder and
// the door wiring do not care whether edges come from a kernel gpiochip
// (GpiodChip, libgpiod) or from vigil-sim's chip over a Unix socket
// (SimGpioChip). Lines are requested before start(); edges are delivered with
// the time the hardware (or the sim) saw them, CLOCK_MONOTONIC, never the time
// the daemon got round to reading them: Wiegand decoding needs the original
// pulse spacing. Handlers run on the chip's own thread and must not throw; a
// daemon posts what they receive onto its io_context.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::gpio {

struct EdgeEvent {
  std::uint32_t line = 0;
  bool rising = false;
  std::chrono::nanoseconds timestamp{0};  // CLOCK_MONOTONIC
};

using EdgeHandler = std::function<void(const EdgeEvent&)>;
// online = false carries the reason (disconnected, protocol mismatch, ...).
using StatusHandler = std::function<void(bool online, const std::string& detail)>;

enum class SetStatus : std::uint8_t {
  applied,        // written to the chip
  pending,        // chip offline; applied as soon as it is back
  not_an_output,  // line was not requested as an output
  failed,         // the chip refused the write
};
const char* to_string(SetStatus s);

struct ChipStats {
  std::uint64_t edges = 0;           // edges delivered to the handler
  std::uint64_t corrupt_frames = 0;  // sim backend: bytes discarded while resynchronising
  std::uint64_t unknown_frames = 0;  // sim backend: frames with a good CRC but impossible content
  std::uint64_t connects = 0;        // sim backend: successful (re)connections
};

class GpioChip {
 public:
  virtual ~GpioChip() = default;
  GpioChip() = default;
  GpioChip(const GpioChip&) = delete;
  GpioChip& operator=(const GpioChip&) = delete;

  // Configuration: call before start().
  virtual void request_input(std::uint32_t line) = 0;
  virtual void request_output(std::uint32_t line, bool initial) = 0;
  virtual void on_edge(EdgeHandler handler) = 0;
  virtual void on_status(StatusHandler handler) = 0;

  // start() throws on start-up failures (a kernel chip that does not exist);
  // a sim chip that is not up yet is not a failure: it is retried.
  virtual void start() = 0;
  virtual void stop() = 0;  // idempotent; joins the chip's thread

  // Thread-safe after start().
  [[nodiscard]] virtual SetStatus set_output(std::uint32_t line, bool value) = 0;
  // Last known level of a requested input line; nullopt while unknown.
  virtual std::optional<bool> input_level(std::uint32_t line) const = 0;
  virtual ChipStats stats() const = 0;
};

// backend "sim": path is the vigil-sim chip's Unix socket;
// backend "gpiod": path is /dev/gpiochipN, a chip name or a label.
// Throws std::invalid_argument for any other backend.
std::unique_ptr<GpioChip> make_gpio_chip(std::string_view backend, const std::string& path,
                                         const std::string& consumer = "vigild");

}  // namespace vigil::gpio
