// Line-level GPIO I/O behind one small interface, so the Wiegand decoder and
// the door wiring do not care whether edges come from a kernel gpiochip
// (GpiodChip, libgpiod) or from vigil-sim's chip over a Unix socket
// (SimGpioChip). Lines are requested before start(); edges are delivered with
// the time the hardware (or the sim) saw them, CLOCK_MONOTONIC, never the time
// the daemon got round to reading them: Wiegand decoding needs the original
// pulse spacing. Handlers run on the chip's own thread and must not throw; a
// daemon posts what they receive onto its io_context.
//
// Lines are requested with their wiring (LineSettings): the chip applies
// active-low and bias, so every level and edge reported is logical (true =
// active). Right after the lines are requested (start, and every reconnect
// of the sim chip) the chip reports each input's current level once through
// the level handler: that is state, not an event, and nothing that changed
// while the chip was unreachable is lost or reported as a phantom edge.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace boost::asio {
class io_context;
}

namespace vigil::gpio {

// How a line is wired. bias applies to a line nothing drives (a contact that
// opens the circuit); active_low inverts, so an input that pulls to ground
// when active reads true. debounce: a change must hold this long before it is
// reported (0 = every edge; Wiegand data lines need 0).
enum class Bias : std::uint8_t { as_is, disabled, pull_up, pull_down };
const char* to_string(Bias b);

struct LineSettings {
  bool active_low = false;
  Bias bias = Bias::as_is;
  std::chrono::microseconds debounce{0};
};

struct EdgeEvent {
  std::uint32_t line = 0;
  bool rising = false;                    // the logical level after the edge
  std::chrono::nanoseconds timestamp{0};  // CLOCK_MONOTONIC
};

// An input's level as read when the chip (re)started: always an initial
// level (state at start or reconnect), never an edge.
struct LevelReport {
  std::uint32_t line = 0;
  bool value = false;                     // logical
  std::chrono::nanoseconds timestamp{0};  // CLOCK_MONOTONIC when read
};

using EdgeHandler = std::function<void(const EdgeEvent&)>;
using LevelHandler = std::function<void(const LevelReport&)>;
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

  // Configuration: call before start(). Values are logical (after active-low).
  virtual void request_input(std::uint32_t line, const LineSettings& settings) = 0;
  virtual void request_output(std::uint32_t line, bool initial, const LineSettings& settings) = 0;
  void request_input(std::uint32_t line) { request_input(line, LineSettings{}); }
  void request_output(std::uint32_t line, bool initial) {
    request_output(line, initial, LineSettings{});
  }
  virtual void on_edge(EdgeHandler handler) = 0;
  // Initial levels of the requested inputs; optional (input_level() has them too).
  virtual void on_level(LevelHandler handler) = 0;
  virtual void on_status(StatusHandler handler) = 0;

  // start() throws on start-up failures (a kernel chip that does not exist);
  // a sim chip that is not up yet is not a failure: it is retried.
  virtual void start() = 0;
  // Runs the chip on `io` with no thread of its own and no polling: the
  // descriptor that carries input events (each gpiod line's event fd, the sim
  // chip's socket) is wrapped in a posix::stream_descriptor and read when it
  // becomes readable; debounce and reconnect deadlines are io timers. The
  // handlers then run on io's thread, and stop() must be called there (or
  // once io no longer runs). Same start-up failures as start().
  virtual void start(boost::asio::io_context& io) = 0;
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
