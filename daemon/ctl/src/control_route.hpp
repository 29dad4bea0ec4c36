// The routing behind run_through_daemon and run_through_daemon_cached: the
// same decisions, with the socket of `--config SITE` found by `socket_of`
// (the full config load, or the front's socket cache).
#pragma once

#include <functional>
#include <iosfwd>
#include <optional>
#include <string>
#include <vector>

namespace vigil::ctl {

// The control socket of the site config at a path; nullopt when it cannot
// be told here (the command then runs locally).
using SocketOfConfig = std::function<std::optional<std::string>(const std::string& config_path)>;

std::optional<int> route_through_daemon(std::vector<std::string> words,
                                        const SocketOfConfig& socket_of, std::ostream& out,
                                        std::ostream& err);

}  // namespace vigil::ctl
