// Whole Wiegand frames: encoding a card into bits (for tests and the reader
// simulator) and decoding received bits into a card or a counted error. A bad
// frame is normal input on this path, so decode() returns a value, never
// throws, and never guesses: a frame whose parity fails under every candidate
// format is an error, not a card.
#pragma once

#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::wiegand {

// Values of WiegandError::check_failed. They are written to the journal, so
// they are stable names, not messages.
inline constexpr std::string_view kCheckUnknownLength = "unknown_length";
inline constexpr std::string_view kCheckEvenParity = "even_parity";
inline constexpr std::string_view kCheckOddParity = "odd_parity";
inline constexpr std::string_view kCheckNoise = "noise";
inline constexpr std::string_view kCheckTooLong = "too_long";  // more than kMaxFrameBits

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

using WiegandResult = std::variant<WiegandCard, WiegandError>;

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

// "0110...": first bit on the wire first.
std::string bits_to_string(const std::vector<bool>& bits);
// Inverse of bits_to_string(); empty when `text` holds anything but '0'/'1'.
std::vector<bool> bits_from_string(std::string_view text);

}  // namespace vigil::wiegand
