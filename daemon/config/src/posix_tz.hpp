// POSIX TZ strings ("CET-1CEST,M3.5.0,M10.5.0/3"), as found in the footer of
// TZif version 2+ files: the rule that applies after the last transition the
// file lists. Slim TZif files list few transitions and rely on it entirely.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "vigil/core/time.hpp"

namespace vigil::config {

struct PosixTz {
  struct Rule {
    enum class Kind { julian_no_leap, zero_based_day, month_week_day };
    Kind kind = Kind::month_week_day;
    int month = 0;                         // month_week_day: 1..12
    int week = 0;                          // 1..5, 5 = last
    int weekday = 0;                       // 0 = Sunday
    int day = 0;                           // julian_no_leap: 1..365, zero_based_day: 0..365
    std::int32_t time_seconds = 2 * 3600;  // local time of the change
  };
  struct Daylight {
    std::int32_t utc_offset_seconds = 0;
    Rule start;
    Rule end;
  };
  std::int32_t std_utc_offset_seconds = 0;
  std::optional<Daylight> daylight;
};

// nullopt when the string is malformed.
std::optional<PosixTz> parse_posix_tz(std::string_view text);

// Transitions the rule produces in [from_year, to_year], ascending.
std::vector<core::TimeZone::Transition> expand(const PosixTz& tz, int from_year, int to_year);

}  // namespace vigil::config
