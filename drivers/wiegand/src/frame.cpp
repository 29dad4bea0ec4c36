#include "vigil/wiegand/frame.hpp"

#include <cstdint>

namespace vigil::wiegand {
namespace {

// Largest value a field of `length` bits holds (length <= 64).
std::uint64_t field_max(int length) {
  return length >= 64 ? ~std::uint64_t{0} : (std::uint64_t{1} << length) - 1;
}

std::uint64_t read_field(const std::vector<bool>& bits, const BitField& field) {
  std::uint64_t value = 0;
  for (int i = 0; i < field.length; ++i) {
    value = (value << 1) | (bits[static_cast<std::size_t>(field.first + i)] ? 1u : 0u);
  }
  return value;
}

void write_field(std::vector<bool>& bits, const BitField& field, std::uint64_t value) {
  for (int i = 0; i < field.length; ++i) {
    const int shift = field.length - 1 - i;  // most significant bit first
    bits[static_cast<std::size_t>(field.first + i)] = ((value >> shift) & 1u) != 0;
  }
}

bool ones_are_odd(const std::vector<bool>& bits, const std::vector<int>& positions) {
  bool odd = false;
  for (int position : positions) odd ^= bits[static_cast<std::size_t>(position)];
  return odd;
}

// The parity bit value that makes the check pass over the current bits.
bool parity_value(const std::vector<bool>& bits, const ParityCheck& check) {
  const bool covered_odd = ones_are_odd(bits, check.covered);
  // Even parity: covered bits plus the parity bit hold an even number of
  // ones, so the bit repeats the covered parity; odd parity inverts it.
  return check.kind == ParityCheck::Kind::even ? covered_odd : !covered_odd;
}

bool passes(const std::vector<bool>& bits, const ParityCheck& check) {
  return bits[static_cast<std::size_t>(check.bit)] == parity_value(bits, check);
}

// The first failing check in declared order, or nullptr.
const ParityCheck* first_failure(const std::vector<bool>& bits, const FormatSpec& spec) {
  for (const auto& check : spec.parity) {
    if (!passes(bits, check)) return &check;
  }
  return nullptr;
}

WiegandError error(const std::vector<bool>& bits, std::string_view check, int failed_bit = -1) {
  return {bits_to_string(bits), static_cast<int>(bits.size()), std::string(check), failed_bit};
}

}  // namespace

std::vector<bool> encode(const FormatSpec& spec, core::CardNumber card) {
  if (!validate_format(spec).empty()) return {};
  if (card.facility > field_max(spec.facility.length)) return {};
  if (card.number > field_max(spec.number.length)) return {};

  std::vector<bool> bits(static_cast<std::size_t>(spec.bit_count), false);
  write_field(bits, spec.facility, card.facility);
  write_field(bits, spec.number, card.number);
  // validate_format() passed, so an order exists. Held in a named variable:
  // ranging over *temporary_optional would dangle.
  const auto order = parity_evaluation_order(spec);
  for (std::size_t index : *order) {
    const auto& check = spec.parity[index];
    bits[static_cast<std::size_t>(check.bit)] = parity_value(bits, check);
  }
  return bits;
}

WiegandResult decode(const std::vector<bool>& bits, const std::vector<FormatSpec>& formats) {
  if (bits.size() > static_cast<std::size_t>(kMaxFrameBits)) return error(bits, kCheckTooLong);

  std::optional<WiegandError> first_error;
  for (const auto& spec : formats) {
    if (static_cast<std::size_t>(spec.bit_count) != bits.size()) continue;
    // A spec that slipped past the config loader could index outside the
    // frame; skipping it keeps bad config from crashing the daemon.
    if (!validate_format(spec).empty()) continue;
    if (const ParityCheck* failed = first_failure(bits, spec)) {
      if (!first_error) {
        const auto check =
            failed->kind == ParityCheck::Kind::even ? kCheckEvenParity : kCheckOddParity;
        first_error = error(bits, check, failed->bit);
      }
      continue;
    }
    const core::CardNumber card{static_cast<std::uint32_t>(read_field(bits, spec.facility)),
                                read_field(bits, spec.number)};
    return WiegandCard{spec.name, card, bits_to_string(bits)};
  }
  if (first_error) return *first_error;
  return error(bits, kCheckUnknownLength);
}

std::string bits_to_string(const std::vector<bool>& bits) {
  std::string text;
  text.reserve(bits.size());
  for (bool bit : bits) text.push_back(bit ? '1' : '0');
  return text;
}

std::vector<bool> bits_from_string(std::string_view text) {
  std::vector<bool> bits;
  bits.reserve(text.size());
  for (char c : text) {
    if (c != '0' && c != '1') return {};
    bits.push_back(c == '1');
  }
  return bits;
}

}  // namespace vigil::wiegand
