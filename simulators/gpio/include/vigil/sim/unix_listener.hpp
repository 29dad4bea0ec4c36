// Listening Unix stream sockets for the simulators (GPIO chip, vigil-sim's
// control socket). A socket file left by a crashed simulator is replaced; one
// that a live simulator still answers on is refused, so two sims never fight
// over a path.
#pragma once

#include <string>

namespace vigil::sim {

// Creates the parent directory, binds and listens. Returns the listening fd
// (close-on-exec); throws std::runtime_error naming the path.
int listen_unix(const std::string& path, int backlog = 4);

// Connects to a Unix stream socket; -1 when nobody listens there.
int connect_unix(const std::string& path);

}  // namespace vigil::sim
