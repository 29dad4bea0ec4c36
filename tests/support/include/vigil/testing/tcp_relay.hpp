// A TCP relay between a client and a server on loopback, in its own process
// (tests/support/tcp_relay.py, Python stdlib), that cuts every connection it
// carries when told: the network failure of a test, done by a second process
// the code under test shares nothing with. Listens on 127.0.0.1 on a free
// port; a client whose upstream refuses is closed at once (as if the server
// were down). The destructor ends the relay.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>

#include "vigil/testing/child_process.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::testing {

class TcpRelay {
 public:
  // Starts the relay to 127.0.0.1:upstream_port and waits until it listens.
  // Throws std::runtime_error (with its log) if it does not come up. With
  // mqtt311_only it refuses an MQTT 5 CONNECT as a 3.1.1-only broker does
  // (CONNACK code 1, then close; log() says "refused MQTT 5") and relays
  // 3.1.1 ones.
  explicit TcpRelay(std::uint16_t upstream_port, bool mqtt311_only = false);
  ~TcpRelay();
  TcpRelay(const TcpRelay&) = delete;
  TcpRelay& operator=(const TcpRelay&) = delete;

  std::uint16_t port() const { return port_; }
  // Cuts every open connection (a reset on both sides, no goodbye) and waits
  // until the relay has done it; it keeps accepting new connections. Returns
  // how many connections were cut, or -1 if the relay did not answer in time.
  int cut(std::chrono::milliseconds timeout = std::chrono::seconds(5));
  // What the relay printed (one line per cut).
  std::string log() const;

 private:
  TempDir dir_;
  std::uint16_t port_ = 0;
  int cuts_ = 0;
  std::unique_ptr<ChildProcess> child_;
};

}  // namespace vigil::testing
