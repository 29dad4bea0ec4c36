// The Wiegand formats a reader tries, shared by GPIO readers (site_io.cpp)
// and door-board readers (site_io_boards.cpp).
#pragma once

#include <string>
#include <vector>

#include "vigil/config/site_config.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::app {

// The formats named, in the reader's order; none named: every built-in and
// custom format.
std::vector<wiegand::FormatSpec> reader_formats(const std::vector<std::string>& names,
                                                const config::SiteConfig& config);

}  // namespace vigil::app
