// Door modes and the site's PIN rules (issue 8). A door's mode says what a
// badge read there needs; the PIN rules say how a PIN is typed after a card
// and how many wrong ones lock the credential (docs/policy.md).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "vigil/core/pin.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

enum class DoorMode : std::uint8_t {
  card,          // a valid card opens (the default)
  card_and_pin,  // a valid card, then the holder's PIN on the same reader's keypad
  locked,        // no card opens it (refused with door_locked); egress (REX) stays free
  unlocked,      // held released during its schedule (lobby by day); `card` outside it
};

const char* to_string(DoorMode mode);
std::optional<DoorMode> door_mode_from_string(std::string_view s);

struct PinPolicy {
  PinEntryRules entry{};  // digits per PIN and the time between two keys
  // From the card to the `#` that submits the PIN: past it the read is
  // refused with pin_timeout, however fast the keys came.
  Duration entry_time = std::chrono::seconds(20);
  LockoutRules lockout{};  // wrong PINs in a row that lock, and for how long
};

}  // namespace vigil::core
