// A door board on the host: the firmware core (vigil::fwb::DoorBoard),
// unchanged, behind a pty pair, on its own thread with a 1 ms tick. The
// gateway opens path() like a serial port. Fault injection for tests and
// vigil-sim: drop or corrupt bytes the board sends, inject garbage, cut the
// line both ways, reboot the board (its RAM is lost: link, cache, offline
// ring, relays back at their fail levels). Every method is thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vigil/fwb/door_board.hpp"

namespace vigil::sim {

struct SimDoorBoardOptions {
  fwb::BoardConfig config;
  std::size_t cache_capacity = 10'000;
  std::size_t ring_capacity = 512;
  std::string link_path;  // optional: a symlink to the pty slave, for a site YAML
};

struct RelayChange {
  std::chrono::milliseconds at;  // board time
  std::uint8_t relay = 0;
  bool level = false;
};

struct SignalChange {
  std::chrono::milliseconds at;  // board time
  std::uint8_t reader = 0;
  fwb::ReaderSignal signal;
};

class SimDoorBoard {
 public:
  explicit SimDoorBoard(SimDoorBoardOptions options);
  ~SimDoorBoard();
  SimDoorBoard(const SimDoorBoard&) = delete;
  SimDoorBoard& operator=(const SimDoorBoard&) = delete;

  // The pty slave (or link_path when given): what the gateway opens.
  const std::string& path() const { return path_; }

  // A 26-bit H10301 card at a board reader.
  void swipe(std::uint8_t reader, std::uint32_t facility, std::uint32_t number);
  void present(std::uint8_t reader, const fwb::CapturedFrame& frame);
  // Keys typed at a board reader's keypad, one burst each: "0".."9", "*", "#".
  void keys(std::uint8_t reader, const std::string& keys);
  void set_input(std::uint8_t input, bool level);

  // Faults on the line. cut(true) loses every byte both ways until cut(false).
  void cut(bool cut);
  void drop_bytes(std::size_t count);  // the next `count` bytes the board sends
  void flip_bits(std::size_t count);   // one bit in each of the next `count` bytes it sends
  void inject(std::vector<std::uint8_t> garbage);  // sent to the gateway as is
  void reboot();

  // Called on the board's thread at every relay change (keep it short; it
  // must not call back into the board).
  void on_relay_change(std::function<void(std::uint8_t relay, bool level)> callback);

  bool relay(std::uint8_t index) const;
  std::vector<RelayChange> relay_changes() const;
  // Every change of a reader's LED and buzzer, as the reader would show it.
  std::vector<SignalChange> signal_changes() const;
  bool link_up() const;
  std::uint32_t session() const;
  std::uint32_t cache_version() const;
  std::size_t offline_queued() const;
  fwb::BoardCounters counters() const;
  fwb::DecoderCounters decoder_counters() const;
  std::chrono::milliseconds now() const;

 private:
  struct Uart;
  void boot();
  void run();
  void after_call();                                          // relay edge log (mutex held)
  void send_to_gateway(std::span<const std::uint8_t> bytes);  // faults applied (mutex held)

  SimDoorBoardOptions options_;
  std::chrono::steady_clock::time_point origin_;
  int master_ = -1;
  int slave_ = -1;
  std::string path_;
  mutable std::mutex mutex_;
  std::unique_ptr<Uart> uart_;
  std::vector<fwb::StoredEntry> cache_storage_;
  std::vector<fwb::OfflineEvent> ring_storage_;
  std::optional<fwb::CredentialCache> cache_;
  std::optional<fwb::OfflineEventRing> ring_;
  std::optional<fwb::DoorBoard> board_;
  std::uint32_t session_ = 0xB0A0;
  bool cut_ = false;
  std::size_t drop_ = 0;
  std::size_t flip_ = 0;
  std::vector<bool> last_levels_;
  std::array<bool, fwb::kMaxInputs> raw_inputs_{};
  std::function<void(std::uint8_t, bool)> on_relay_;
  std::vector<RelayChange> changes_;
  std::array<fwb::ReaderSignal, fwb::kMaxReaders> last_signals_{};
  std::vector<SignalChange> signal_changes_;
  std::atomic<bool> running_{true};
  std::thread thread_;
};

}  // namespace vigil::sim
