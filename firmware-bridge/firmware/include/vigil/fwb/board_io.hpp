// Inputs and relays of a door board, on explicit times (board-monotonic ms).
// InputDebouncer reports a level only once it has held for the debounce
// time. RelayBank drives relays from gateway commands or offline decisions;
// at boot, and until armed, every relay sits at its configured fail level, so
// a reboot in the middle of an unlock leaves the door in its fail state.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "vigil/fwb/link.hpp"
#include "vigil/fwb/message.hpp"

namespace vigil::fwb {

class InputDebouncer {
 public:
  InputDebouncer() = default;
  explicit InputDebouncer(Millis debounce, bool initial = false)
      : debounce_(debounce), stable_(initial), candidate_(initial) {}
  // The new stable level when the raw level has held for the debounce time.
  std::optional<bool> update(bool raw, Millis now);
  bool level() const { return stable_; }

 private:
  Millis debounce_{20};
  bool stable_ = false;
  bool candidate_ = false;
  Millis since_{0};
};

inline constexpr std::size_t kMaxRelays = 8;

struct RelayConfig {
  bool fail_level = false;    // output at boot and until armed (de-energised: false)
  bool locked_level = false;  // resting output of a lock relay; a pulse drives the other level
};

class RelayBank {
 public:
  explicit RelayBank(const std::array<RelayConfig, kMaxRelays>& config);

  // Leaves the fail state: every relay goes to its locked (resting) level.
  void arm();
  bool armed() const { return armed_; }
  void command(const OutputCommand& c, Millis now);
  // Releases the lock for `duration` (an unlock pulse).
  void pulse(std::uint8_t relay, Millis duration, Millis now);
  void tick(Millis now);
  bool level(std::uint8_t relay) const { return relay < kMaxRelays && levels_[relay]; }

 private:
  std::array<RelayConfig, kMaxRelays> config_;
  std::array<bool, kMaxRelays> levels_{};
  std::array<std::optional<Millis>, kMaxRelays> pulse_until_{};
  bool armed_ = false;
};

}  // namespace vigil::fwb
