// vigilctl's side of vigild's control socket: send one request, read the
// reply; and the routing that decides whether a command line goes to the
// daemon (docs/control.md) or runs locally on a file (the offline/admin
// paths: --journal, --db, `log verify`, `config check`).
#pragma once

#include <chrono>
#include <iosfwd>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "vigil/ctl/control_protocol.hpp"

namespace vigil::ctl {

// A string is what went wrong (cannot connect, no reply, bad reply).
std::variant<ControlReply, std::string> call_control(
    const std::string& socket_path, const ControlRequest& request,
    std::chrono::milliseconds timeout = std::chrono::seconds(120));

// True when something accepts connections at `socket_path`.
bool control_socket_answers(const std::string& socket_path);

// "log query", "person import", "status": the command words of `words`
// (what follows `vigilctl`), or empty when none is recognised.
std::string command_path(const std::vector<std::string>& words);
// Whether vigild serves `path` through its socket.
bool served_by_daemon(const std::string& path);

// Runs `words` through the daemon when it should go there: `--socket PATH`
// given, or `--config SITE` given and the site's control socket answers.
// Prints the reply's output to out/err and returns its exit code; nullopt
// when the command runs locally (no socket, --journal/--db given, or a
// command the daemon does not serve, such as `log verify`).
// Each successful load of a --config is remembered (socket_cache.hpp).
std::optional<int> run_through_daemon(std::vector<std::string> words, std::ostream& out,
                                      std::ostream& err);

// The front's way (vigilctl): the same routing, but the socket of
// `--config SITE` comes only from the socket cache, never from loading the
// config. nullopt on a miss too: the caller then runs the full tool, which
// loads and checks the config and fills the cache.
std::optional<int> run_through_daemon_cached(std::vector<std::string> words, std::ostream& out,
                                             std::ostream& err);

}  // namespace vigil::ctl
