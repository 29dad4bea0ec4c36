// The sim side of a GPIO chip: a Unix-socket server holding line levels. The
// site simulator drives input lines (door contacts, Wiegand D0/D1) and each
// change reaches the connected daemon as an edge stamped with CLOCK_MONOTONIC
// at the moment it is written, as a kernel chip stamps its edge events.
// Output lines the daemon sets (lock relays, LEDs) are recorded and reported
// through on_output_change(). One daemon at a time: a new connection replaces
// the old one, as a restarted daemon would. Protocol: docs/sim-gpio.md.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <thread>
#include <vector>

namespace vigil::sim {

class SimChipServer {
 public:
  using OutputHandler = std::function<void(std::uint32_t line, bool value)>;

  // Binds and listens on socket_path (creating its directory; replacing a
  // stale socket file, refusing one another live server answers on), then
  // serves on its own thread. Throws std::runtime_error with the path.
  explicit SimChipServer(std::string socket_path, std::uint32_t line_count = 64);
  ~SimChipServer();
  SimChipServer(const SimChipServer&) = delete;
  SimChipServer& operator=(const SimChipServer&) = delete;

  // Stops serving, closes the connection and removes the socket file. Idempotent.
  void stop();

  // Set before a daemon connects; called on the server thread.
  void on_output_change(OutputHandler handler);

  // Drives a line. When the level changes, the daemon (if connected) gets an
  // edge; returns its timestamp, or nullopt when the level did not change.
  // Throws std::out_of_range for a line past line_count().
  std::optional<std::chrono::nanoseconds> set_input(std::uint32_t line, bool level);
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

  std::string socket_path_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::uint64_t> corrupt_{0};

  mutable std::mutex mutex_;  // guards client_fd_, levels_ and every write to the client
  int client_fd_ = -1;
  std::vector<bool> levels_;
  OutputHandler output_handler_;
};

// CLOCK_MONOTONIC now, the clock kernel GPIO edge events use.
std::chrono::nanoseconds monotonic_now();

}  // namespace vigil::sim
