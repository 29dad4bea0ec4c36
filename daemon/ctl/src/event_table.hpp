// Events as the aligned table `log query` prints, shared by `person show`.
#pragma once

#include <iosfwd>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::ctl {

// Times in UTC.
void print_table(const std::vector<core::Event>& events, std::ostream& out);
// Times in `zone` (format_time_arg).
void print_table(const std::vector<core::Event>& events, const core::TimeZone& zone,
                 std::ostream& out);

}  // namespace vigil::ctl
