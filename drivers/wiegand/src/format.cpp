#include "vigil/wiegand/format.hpp"

#include <algorithm>
#include <set>
#include <utility>

namespace vigil::wiegand {
namespace {

using Kind = ParityCheck::Kind;

std::vector<int> range(int first, int last) {
  std::vector<int> bits;
  for (int i = first; i <= last; ++i) bits.push_back(i);
  return bits;
}

// Corporate 1000 interleaves its two half-checks over pairs of bits, skipping
// every third position (HID "Corporate 1000 35-bit format" definition; same
// masks as Proxmark3's C1k35s packer).
std::vector<int> every_third_skipped(int first, int last, int skipped_phase) {
  std::vector<int> bits;
  for (int i = first; i <= last; ++i) {
    if (i % 3 != skipped_phase) bits.push_back(i);
  }
  return bits;
}

ParityCheck even(int bit, std::vector<int> covered) {
  return {Kind::even, bit, std::move(covered)};
}
ParityCheck odd(int bit, std::vector<int> covered) {
  return {Kind::odd, bit, std::move(covered)};
}

std::vector<FormatSpec> make_builtin_formats() {
  using P = std::vector<ParityCheck>;
  return {
      {"H10301", 26, {1, 8}, {9, 16}, P{even(0, range(1, 12)), odd(25, range(13, 24))}},
      {"H10306", 34, {1, 16}, {17, 16}, P{even(0, range(1, 16)), odd(33, range(17, 32))}},
      // Evaluation order matters: bit 34 covers bit 1, bit 0 covers both.
      {"Corporate1000",
       35,
       {2, 12},
       {14, 20},
       P{even(1, every_third_skipped(2, 33, 1)),  // 2,3,5,6,...,32,33
         odd(34, every_third_skipped(1, 32, 0)),  // 1,2,4,5,...,31,32
         odd(0, range(1, 34))}},
      // H10302 and H10304 have the same parity layout; bit 18 is covered by
      // both checks.
      {"H10302", 37, {1, 0}, {1, 35}, P{even(0, range(1, 18)), odd(36, range(18, 35))}},
      {"H10304", 37, {1, 16}, {17, 19}, P{even(0, range(1, 18)), odd(36, range(18, 35))}},
  };
}

bool overlaps(const BitField& a, const BitField& b) {
  if (a.length == 0 || b.length == 0) return false;
  return a.first < b.first + b.length && b.first < a.first + a.length;
}

bool contains(const BitField& field, int bit) {
  return bit >= field.first && bit < field.first + field.length;
}

std::string check_field(const FormatSpec& spec, const BitField& field, std::string_view what) {
  if (field.length < 0) return std::string(what) + " field has a negative length";
  if (field.length == 0) return {};
  if (field.first < 0 || field.first + field.length > spec.bit_count) {
    return std::string(what) + " field (bits " + std::to_string(field.first) + ".." +
           std::to_string(field.first + field.length - 1) + ") lies outside the " +
           std::to_string(spec.bit_count) + "-bit frame";
  }
  return {};
}

std::string check_parity(const FormatSpec& spec, const ParityCheck& check) {
  const std::string label = "parity bit " + std::to_string(check.bit);
  if (check.bit < 0 || check.bit >= spec.bit_count) {
    return label + " lies outside the " + std::to_string(spec.bit_count) + "-bit frame";
  }
  if (contains(spec.facility, check.bit) || contains(spec.number, check.bit)) {
    return label + " lies inside a data field";
  }
  if (check.covered.empty()) return label + " covers no bits";
  std::set<int> seen;
  for (int bit : check.covered) {
    if (bit < 0 || bit >= spec.bit_count) {
      return label + " covers bit " + std::to_string(bit) + " outside the frame";
    }
    if (bit == check.bit) return label + " covers itself";
    // A bit listed twice cancels out of the parity and is never checked.
    if (!seen.insert(bit).second) return label + " covers bit " + std::to_string(bit) + " twice";
  }
  return {};
}

}  // namespace

const std::vector<FormatSpec>& builtin_formats() {
  static const std::vector<FormatSpec> formats = make_builtin_formats();
  return formats;
}

std::optional<FormatSpec> find_format(std::string_view name,
                                      const std::vector<FormatSpec>& custom) {
  for (const auto* list : {&builtin_formats(), &custom}) {
    auto it = std::find_if(list->begin(), list->end(),
                           [&](const FormatSpec& spec) { return spec.name == name; });
    if (it != list->end()) return *it;
  }
  return std::nullopt;
}

std::string validate_format(const FormatSpec& spec) {
  if (spec.name.empty()) return "format has no name";
  if (spec.bit_count < 1 || spec.bit_count > kMaxFrameBits) {
    return "bit count " + std::to_string(spec.bit_count) + " is outside 1.." +
           std::to_string(kMaxFrameBits);
  }
  if (spec.number.length == 0) return "card number field is empty";
  if (auto error = check_field(spec, spec.facility, "facility"); !error.empty()) return error;
  if (auto error = check_field(spec, spec.number, "card number"); !error.empty()) return error;
  if (spec.facility.length > kMaxFacilityBits) {
    return "facility field is wider than " + std::to_string(kMaxFacilityBits) + " bits";
  }
  if (overlaps(spec.facility, spec.number)) return "facility and card number fields overlap";

  std::set<int> parity_bits;
  for (const auto& check : spec.parity) {
    if (auto error = check_parity(spec, check); !error.empty()) return error;
    if (!parity_bits.insert(check.bit).second) {
      return "parity bit " + std::to_string(check.bit) + " is defined twice";
    }
  }
  if (!parity_evaluation_order(spec)) return "parity checks cover each other in a cycle";
  return {};
}

std::optional<std::vector<std::size_t>> parity_evaluation_order(const FormatSpec& spec) {
  const auto& checks = spec.parity;
  // check i depends on check j when i covers j's parity bit.
  auto depends_on = [&](std::size_t i, std::size_t j) {
    const auto& covered = checks[i].covered;
    return std::find(covered.begin(), covered.end(), checks[j].bit) != covered.end();
  };
  std::vector<std::size_t> order;
  std::vector<bool> done(checks.size(), false);
  // Repeated passes keep the declared order among independent checks; the
  // lists are a handful of entries, so the quadratic cost does not matter.
  while (order.size() < checks.size()) {
    bool progressed = false;
    for (std::size_t i = 0; i < checks.size(); ++i) {
      if (done[i]) continue;
      bool ready = true;
      for (std::size_t j = 0; j < checks.size() && ready; ++j) {
        if (j != i && !done[j] && depends_on(i, j)) ready = false;
      }
      if (ready) {
        done[i] = true;
        order.push_back(i);
        progressed = true;
      }
    }
    if (!progressed) return std::nullopt;
  }
  return order;
}

}  // namespace vigil::wiegand
