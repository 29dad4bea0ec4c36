// Whole Wiegand frames: encoding a card or a keypad key into bits (for tests
// and the reader simulator) and decoding received bits into a card, a key or
// a counted error. A bad
// frame is normal input on this path, so decode() returns a value, never
// throws, and never guesses: a frame whose parity fails under every candidate
// format is an error, not a card.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/keypad.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::wiegand {

// Values of WiegandError::check_failed. They are written to the journal, so
// they are stable names, not messages.
inline constexpr std::string_view kCheckUnknownLength = "unknown_length";
inline constexpr std::string_view kCheckEvenParity = "even_parity";
inline constexpr std::string_view kCheckOddParity = "odd_parity";
inline constexpr std::string_view kCheckNoise = "noise";
inline constexpr std::string_view kCheckTooLong = "too_long";  // more than kMaxFrameBits
// An 8-bit key burst whose high nibble is not the complement of its low one.
inline constexpr std::string_view kCheckKeyComplement = "key_complement";
// A key burst carrying code 12-15, which no keypad key sends.
inline constexpr std::string_view kCheckUnknownKey = "unknown_key";

// Keypad readers send each key press on its own as a short burst, in one of
// two encodings (a reader is configured for one; we accept both):
// - 4 bits: the key code, most significant bit first;
// - 8 bits: the complement of the key code in the high nibble, then the key
//   code in the low nibble, so a lost or flipped bit shows.
enum class KeyBurst { four_bit, eight_bit };

struct WiegandCard {
  std::string format;  // FormatSpec::name that decoded it
  core::CardNumber card;
  std::string raw_bits;  // "0110...", as received
  bool operator==(const WiegandCard&) const = default;
};

struct WiegandError {
  std::string raw_bits;  // as received (see WiegandDecoder for the storage cap)
  int bit_count = 0;     // bits received, even when raw_bits was capped
  std::string check_failed;
  int failed_bit = -1;  // the parity bit that failed, -1 for other checks
  bool operator==(const WiegandError&) const = default;
};

// One key press. Digits are part of a PIN: never log or journal `key` or
// `raw_bits` of a key result (the PIN assembler in vigil/core/pin.hpp takes
// them; logs may say that a key was pressed).
struct WiegandKey {
  core::KeypadKey key;
  KeyBurst burst;
  std::string raw_bits;
  bool operator==(const WiegandKey&) const = default;
};

using WiegandResult = std::variant<WiegandCard, WiegandError, WiegandKey>;

// Frame bits for the card, parity included, or an empty vector when the
// facility or number does not fit its field (a facility other than 0 for a
// format without one included) or the spec fails validate_format().
[[nodiscard]] std::vector<bool> encode(const FormatSpec& spec, core::CardNumber card);

// Tries every format whose bit count matches, in the order given, and
// returns the first whose parity checks all pass. The order matters only for
// formats with identical length and parity layout (H10302 and H10304): any
// frame of one passes as the other, so the list passed here (the reader's
// formats in config order) decides. When no candidate passes, the error is
// the first failing check of the first candidate. Frames longer than
// kMaxFrameBits are "too_long", other unmatched lengths "unknown_length".
[[nodiscard]] WiegandResult decode(const std::vector<bool>& bits,
                                   const std::vector<FormatSpec>& formats);

// The burst a keypad sends for `key`.
[[nodiscard]] std::vector<bool> encode_key(core::KeypadKey key, KeyBurst burst);

// A 4- or 8-bit frame decoded as a key press, or a read error with the raw
// bits (bad complement, unknown key code); nullopt for any other length, which
// is then a card frame for decode().
[[nodiscard]] std::optional<WiegandResult> decode_key(const std::vector<bool>& bits);

// "0110...": first bit on the wire first.
std::string bits_to_string(const std::vector<bool>& bits);
// Inverse of bits_to_string(); empty when `text` holds anything but '0'/'1'.
std::vector<bool> bits_from_string(std::string_view text);

}  // namespace vigil::wiegand
