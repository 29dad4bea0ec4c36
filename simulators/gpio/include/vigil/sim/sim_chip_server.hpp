// The sim side of a GPIO chip: a Unix-socket server holding line levels. The
// site simulator drives input lines (door contacts, Wiegand D0/D1) and each
// change reaches the connected daemon as an edge stamped with CLOCK_MONOTONIC
// at the moment it is written, as a kernel chip stamps its edge events.
// Output lines the daemon sets (lock relays, LEDs) are recorded and reported
// through on_output_change(). One daemon at a time: a new connection replaces
// the old one, as a restarted daemon would. Protocol: docs/sim-gpio.md.
//
// Levels here are electrical (what the wire carries). The daemon requests
// each line with its wiring; the server then acts like a kernel chip: a line
// nothing drives (never set, or floated) reads what its bias gives, and an
// active-low line is inverted both ways, so the daemon sees logical levels.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "vigil/gpio/sim_protocol.hpp"

namespace vigil::sim {

class SimChipServer {
 public:
  using OutputHandler = std::function<void(std::uint32_t line, bool value)>;

  // Binds and listens on socket_path (creating its directory; replacing a
  // stale socket file, refusing one another live server answers on), then
  // serves on its own thread. Throws std::runtime_error with the path.
  // `driven` sets lines' levels before anyone can connect (a sim that
  // restarts with a door already open); every other line floats.
  explicit SimChipServer(std::string socket_path, std::uint32_t line_count = 64,
                         const std::map<std::uint32_t, bool>& driven = {});
  ~SimChipServer();
  SimChipServer(const SimChipServer&) = delete;
  SimChipServer& operator=(const SimChipServer&) = delete;

  // Stops serving, closes the connection and removes the socket file. Idempotent.
  void stop();

  // Set before a daemon connects; called on the server thread.
  void on_output_change(OutputHandler handler);

  // Drives a line. When the level changes, the daemon (if connected and it
  // requested the line as an input) gets an edge; returns the change's
  // timestamp, or nullopt when the level did not change.
  // Throws std::out_of_range for a line past line_count().
  std::optional<std::chrono::nanoseconds> set_input(std::uint32_t line, bool level);
  // Stops driving a line (a contact that opens the circuit, a cut wire): it
  // reads what the daemon's bias for it gives (pull-up high, pull-down low;
  // otherwise it keeps its last level). Same return and throw as set_input.
  std::optional<std::chrono::nanoseconds> float_input(std::uint32_t line);
  // One change of a frame that drive_frame() sends: `line` goes to `level`
  // at `at` (CLOCK_MONOTONIC).
  struct TimedLevel {
    std::uint32_t line = 0;
    bool level = false;
    std::chrono::nanoseconds at{0};
  };
  // Drives lines as a reader's microcontroller did, each change at its own
  // time (non-decreasing, not in the future), and sends their edges to the
  // daemon in one write: a frame arrives whole, so a daemon (or this sim)
  // starved of the CPU for longer than the decoder's close time never sees
  // it cut in two. Same throw as set_input.
  void drive_frame(std::span<const TimedLevel> changes);
  // The electrical level of a line, bias applied.
  bool level(std::uint32_t line) const;

  bool client_connected() const;
  bool wait_for_client(std::chrono::milliseconds timeout) const;

  const std::string& socket_path() const { return socket_path_; }
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(levels_.size()); }
  std::uint64_t corrupt_frames() const { return corrupt_.load(); }

  // Fault injection for tests: writes raw bytes to the connected daemon.
  bool inject_bytes(std::span<const std::uint8_t> bytes);

 private:
  void run();
  void accept_client();
  bool read_client();  // false when the client is gone
  void drop_client_locked();
  bool send_locked(const std::vector<std::uint8_t>& bytes);
  void handle(const gpio::sim_protocol::Message& message);
  bool physical_locked(std::uint32_t line) const;
  bool logical_locked(std::uint32_t line) const;
  std::optional<std::chrono::nanoseconds> drive(std::uint32_t line, std::optional<bool> level);

  // What the connected daemon asked of a line.
  struct LineRequest {
    bool requested = false;
    bool output = false;
    bool active_low = false;
    std::uint8_t bias = 0;  // sim_protocol::WireBias
  };

  std::string socket_path_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> corrupt_{0};

  mutable std::mutex mutex_;  // guards client_fd_, levels_ and every write to the client
  int client_fd_ = -1;
  std::vector<bool> levels_;  // last driven level (by the sim or, for outputs, the daemon)
  std::vector<bool> driven_;  // false = floating: the bias decides
  std::vector<LineRequest> requests_;
  OutputHandler output_handler_;
};

// CLOCK_MONOTONIC now, the clock kernel GPIO edge events use.
std::chrono::nanoseconds monotonic_now();

}  // namespace vigil::sim
