// Wiegand frame formats as data: bit length, facility-code and card-number
// fields, and parity checks over arbitrary bit sets (Corporate 1000 checks
// parity over interleaved bits, so ranges alone are not enough). Bit positions
// are 0-based in arrival order (bit 0 is the first bit on the wire).
//
// A parity check may cover another parity bit (Corporate 1000's bit 0 covers
// bits 1 and 34, and bit 34 covers bit 1). The encoder therefore computes
// parity bits in dependency order, and validate_format() rejects layouts whose
// checks cover each other in a cycle, since no evaluation order exists for them.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace vigil::wiegand {

struct BitField {
  int first = 0;   // position of the most significant bit
  int length = 0;  // 0 = field absent (e.g. H10302 has no facility code)
};

struct ParityCheck {
  enum class Kind { even, odd };
  Kind kind = Kind::even;
  int bit = 0;               // position of the parity bit itself
  std::vector<int> covered;  // positions it covers (not including itself)
};

struct FormatSpec {
  std::string name;  // e.g. "H10301"
  int bit_count = 0;
  BitField facility;
  BitField number;
  // Checked in this order when decoding: the first failing check is the one
  // reported. Built-in formats list them in evaluation order.
  std::vector<ParityCheck> parity;
};

// Longest frame the decoder accepts. 64 bits is above every HID format in
// use and keeps a card number within std::uint64_t.
inline constexpr int kMaxFrameBits = 64;
// CardNumber::facility is 32 bits wide.
inline constexpr int kMaxFacilityBits = 32;

// H10301 (26), H10306 (34), Corporate 1000 (35), H10302 (37), H10304 (37).
// H10302 and H10304 share length and parity layout, so a frame of one is a
// valid frame of the other: a reader must declare which one it sends (see
// decode()).
const std::vector<FormatSpec>& builtin_formats();

// Looks a format up by exact name, built-ins first. A custom format cannot
// shadow a built-in name; the config loader should reject such a definition.
std::optional<FormatSpec> find_format(std::string_view name,
                                      const std::vector<FormatSpec>& custom = {});

// Empty when the layout is usable, otherwise one sentence naming the first
// problem (field outside the frame, parity bit outside the frame or inside a
// data field, overlapping fields, cyclic parity checks, ...). The config
// loader prefixes it with the position of the definition.
std::string validate_format(const FormatSpec& spec);

// Indices into spec.parity in an order where every parity bit is computed
// after the parity bits it covers; nullopt if the checks cover each other in
// a cycle.
std::optional<std::vector<std::size_t>> parity_evaluation_order(const FormatSpec& spec);

}  // namespace vigil::wiegand
