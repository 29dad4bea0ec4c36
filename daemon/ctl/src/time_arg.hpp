// Parses and prints the times of `vigilctl log query|export --from/--to`
// (docs/design.md, "Records queries and signed exports"). Strict: the whole
// text must be one time, every field in range, the day must exist in its
// month, and a local time must exist in the zone. Accepted:
//   2026-11-25                         local midnight (start of that local day)
//   2026-11-25T10:00  2026-11-25 10:00:15  2026-11-25T10:00:15.123456
//                                      local wall time in `zone`
//   ...Z  ...+02:00  ...-0530          that offset from UTC (ISO 8601)
// format_time_arg's output (the tool's own) is always accepted back exactly.
// A local time that occurs twice (the hour repeated when DST ends) means the
// earlier instant; give an offset for the later one.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vigil/core/time.hpp"

namespace vigil::ctl {

struct TimeArg {
  std::optional<core::TimePoint> time{};
  std::string error{};  // set when !time: names the text and what is wrong with it
  explicit operator bool() const { return time.has_value(); }
};

TimeArg parse_time_arg(std::string_view text, const core::TimeZone& zone);

// "2026-11-25T10:30:15.000000+01:00" in `zone`; "...Z" when the offset is 0
// and the zone is UTC.
std::string format_time_arg(core::TimePoint time, const core::TimeZone& zone);

// UTC (no zone): what `explain TIME` reads.
std::optional<core::TimePoint> parse_time_arg(std::string_view text);

}  // namespace vigil::ctl
