// Durations in config files are a whole number with a unit: 25ms, 5s, 2m, 1h.
// A bare number is refused: "5" could mean seconds to one engineer and
// milliseconds to the next, and a door that stays unlocked 5000 s is a breach.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace vigil::config {

// Units: us, ms, s, m, h. On failure returns nullopt and, when `error` is
// given, a sentence saying why ("duration needs a unit ...").
std::optional<std::chrono::microseconds> parse_duration(std::string_view text,
                                                        std::string* error = nullptr);

// The shortest exact form: 30000000us -> "30s", 1500000us -> "1500ms".
std::string format_duration(std::chrono::microseconds d);

}  // namespace vigil::config
