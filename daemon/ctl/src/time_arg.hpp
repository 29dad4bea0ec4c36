// Parses the --from/--to arguments of `vigilctl log query`.
#pragma once

#include <optional>
#include <string_view>

#include "vigil/core/time.hpp"

namespace vigil::ctl {

// "2026-11-25" (UTC midnight), "2026-11-25T10:00:00Z", "2026-11-25T10:00Z",
// or "2026-11-25 10:00:00" (UTC). nullopt when it is none of those.
std::optional<core::TimePoint> parse_time_arg(std::string_view text);

}  // namespace vigil::ctl
