#include <cstddef>

#include "vigil/wiegand/frame.hpp"

namespace vigil::wiegand {
namespace {

unsigned read_nibble(const std::vector<bool>& bits, std::size_t first) {
  unsigned value = 0;
  for (std::size_t i = first; i < first + 4; ++i) value = (value << 1) | (bits[i] ? 1u : 0u);
  return value;
}

void append_nibble(std::vector<bool>& bits, unsigned value) {
  for (int shift = 3; shift >= 0; --shift) bits.push_back(((value >> shift) & 1u) != 0);
}

}  // namespace

std::vector<bool> encode_key(core::KeypadKey key, KeyBurst burst) {
  const unsigned code = core::keypad_key_code(key);
  std::vector<bool> bits;
  if (burst == KeyBurst::eight_bit) append_nibble(bits, ~code & 0xFu);
  append_nibble(bits, code);
  return bits;
}

std::optional<WiegandResult> decode_key(const std::vector<bool>& bits) {
  if (bits.size() != 4 && bits.size() != 8) return std::nullopt;
  const auto error = [&](std::string_view check) {
    return WiegandResult{
        WiegandError{bits_to_string(bits), static_cast<int>(bits.size()), std::string(check)}};
  };
  const bool eight = bits.size() == 8;
  const unsigned code = read_nibble(bits, eight ? 4 : 0);
  // The complement is checked before the code: a burst whose halves disagree
  // says nothing trustworthy about which key was pressed.
  if (eight && read_nibble(bits, 0) != (~code & 0xFu)) return error(kCheckKeyComplement);
  const auto key = core::keypad_key_from_code(code);
  if (!key) return error(kCheckUnknownKey);
  return WiegandKey{*key, eight ? KeyBurst::eight_bit : KeyBurst::four_bit, bits_to_string(bits)};
}

}  // namespace vigil::wiegand
