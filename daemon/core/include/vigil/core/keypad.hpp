// One key of a reader's keypad, as any reader family reports it (a Wiegand
// keypad burst, an OSDP keypad reply). Header only, like card.hpp, so the
// drivers can use it without linking the core. The values are the key codes
// Wiegand keypads send: 0-9 for the digits, 10 for `*`, 11 for `#`.
#pragma once

#include <cstdint>
#include <optional>

namespace vigil::core {

enum class KeypadKey : std::uint8_t {
  k0 = 0,
  k1 = 1,
  k2 = 2,
  k3 = 3,
  k4 = 4,
  k5 = 5,
  k6 = 6,
  k7 = 7,
  k8 = 8,
  k9 = 9,
  star = 10,  // clears the entry
  hash = 11,  // submits the entry
};

inline constexpr unsigned kKeypadKeyCount = 12;

// The key with Wiegand key code `code`; nullopt for 12 and above.
inline std::optional<KeypadKey> keypad_key_from_code(unsigned code) {
  if (code >= kKeypadKeyCount) return std::nullopt;
  return static_cast<KeypadKey>(code);
}

inline unsigned keypad_key_code(KeypadKey key) {
  return static_cast<unsigned>(key);
}

inline bool is_digit(KeypadKey key) {
  return keypad_key_code(key) <= 9;
}

// '0'-'9', '*' or '#': the label printed on the key.
inline char keypad_key_char(KeypadKey key) {
  if (key == KeypadKey::star) return '*';
  if (key == KeypadKey::hash) return '#';
  return static_cast<char>('0' + keypad_key_code(key));
}

}  // namespace vigil::core
