#include "vigil/config/duration.hpp"

#include <array>
#include <charconv>
#include <cstdint>
#include <limits>
#include <utility>

namespace vigil::config {
namespace {

struct Unit {
  std::string_view suffix;
  std::int64_t micros;
};

constexpr std::array<Unit, 5> kUnits{{
    {"us", 1},
    {"ms", 1'000},
    {"s", 1'000'000},
    {"m", 60'000'000},
    {"h", 3'600'000'000},
}};

void set(std::string* error, std::string text) {
  if (error != nullptr) *error = std::move(text);
}

}  // namespace

std::optional<std::chrono::microseconds> parse_duration(std::string_view text, std::string* error) {
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  const std::string_view number = text.substr(0, digits);
  const std::string_view suffix = text.substr(digits);
  if (number.empty()) {
    set(error, "expected a duration such as 5s or 500ms, got '" + std::string(text) + "'");
    return std::nullopt;
  }
  if (suffix.empty()) {
    set(error, "duration needs a unit (ms, s, m or h), e.g. '" + std::string(number) + "s'");
    return std::nullopt;
  }
  if (suffix.front() == '.' || suffix.front() == ',') {
    set(error, "duration '" + std::string(text) +
                   "' must be a whole number (use a smaller unit, such as ms)");
    return std::nullopt;
  }
  for (const Unit& unit : kUnits) {
    if (suffix != unit.suffix) continue;
    std::int64_t value = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), value);
    if (ec != std::errc{} || end != number.data() + number.size() ||
        value > std::numeric_limits<std::int64_t>::max() / unit.micros) {
      set(error, "duration '" + std::string(text) + "' is too long");
      return std::nullopt;
    }
    return std::chrono::microseconds{value * unit.micros};
  }
  set(error, "unknown duration unit '" + std::string(suffix) + "' in '" + std::string(text) +
                 "' (use us, ms, s, m or h)");
  return std::nullopt;
}

std::string format_duration(std::chrono::microseconds d) {
  const std::int64_t us = d.count();
  for (auto it = kUnits.rbegin(); it != kUnits.rend(); ++it) {
    if (us != 0 && us % it->micros == 0) {
      return std::to_string(us / it->micros) + std::string(it->suffix);
    }
  }
  return std::to_string(us) + "us";
}

}  // namespace vigil::config
