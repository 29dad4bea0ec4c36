// Events as the aligned table `log query` prints, shared by `person show`.
#pragma once

#include <iosfwd>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::ctl {

void print_table(const std::vector<core::Event>& events, std::ostream& out);

}  // namespace vigil::ctl
