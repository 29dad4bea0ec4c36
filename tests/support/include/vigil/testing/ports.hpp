// Free loopback TCP ports for test servers. The kernel picks the port (bind to
// port 0), so parallel tests do not collide on a hard-coded number. The port
// is free when returned; a server started right after is all but certain to
// get it, and MosquittoProcess retries with a new one if it does not.
#pragma once

#include <cstdint>

namespace vigil::testing {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
std::uint16_t free_tcp_port();

// True if something accepts TCP connections on 127.0.0.1:port right now.
bool tcp_port_accepts(std::uint16_t port);

}  // namespace vigil::testing
