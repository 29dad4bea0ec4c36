// A card as read from a reader: facility code and card number together. Two
// cards with the same number but another facility code are different cards
// (a decoder that drops the facility code lets one site's badges open another's).
#pragma once

#include <compare>
#include <cstdint>
#include <functional>
#include <string>

namespace vigil::core {

struct CardNumber {
  std::uint32_t facility = 0;
  std::uint64_t number = 0;
  auto operator<=>(const CardNumber&) const = default;
  bool operator==(const CardNumber&) const = default;
};

// "facility:number", e.g. "12:1001": the form used in CSV imports and logs.
std::string to_string(const CardNumber& card);

}  // namespace vigil::core

template <>
struct std::hash<vigil::core::CardNumber> {
  std::size_t operator()(const vigil::core::CardNumber& c) const noexcept {
    std::uint64_t h = c.number * 0x9E3779B97F4A7C15ull;
    h ^= (std::uint64_t{c.facility} + 0x7F4A7C15ull) * 0xC2B2AE3D27D4EB4Full;
    return static_cast<std::size_t>(h ^ (h >> 29));
  }
};
