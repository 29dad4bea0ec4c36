// vigild's control socket (docs/control.md): a Unix stream socket (mode
// 0660) served on its own thread, never on the door event loop, so a slow
// query cannot stall a door decision. Each connection carries one request:
// the peer's uid (SO_PEERCRED) names the operator, ControlCommands checks
// and runs the command, and the one audit event it yields goes through
// `audit` (the daemon's journal writer) and is durable before the reply is
// sent. A malformed request (not JSON, too large, cut short, too slow) gets
// an error reply and is counted; the server keeps serving.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <thread>

#include "vigil/app/control_commands.hpp"
#include "vigil/config/site_config.hpp"

namespace vigil::app {

// Journals one audit event and blocks until it is durable: false when it
// could not be (the writer's bound, or no commit within the timeout).
using AuditSink = std::function<bool(core::Event)>;

struct ControlServerOptions {
  // A client that has not sent its whole request by then is dropped, so
  // one stuck peer holds the (single) server thread at most this long.
  std::chrono::milliseconds read_timeout{5000};
  // `door unlock` on vigild's door loop (control_commands.hpp).
  DoorUnlocker door_unlocker{};
  // `config reload` on vigild's door loop (control_commands.hpp).
  ConfigReloader config_reloader{};
  // Who may connect, replaced by a config reload; none: the config's, fixed.
  std::shared_ptr<const OperatorList> operators{};
};

struct ControlServerStats {
  std::uint64_t served = 0;     // requests that reached ControlCommands (audited)
  std::uint64_t malformed = 0;  // refused before that: bad JSON, too large, cut short
};

class ControlServer {
 public:
  ControlServer(const config::SiteConfig& config, AuditSink audit,
                ControlServerOptions options = {});
  ~ControlServer();
  ControlServer(const ControlServer&) = delete;
  ControlServer& operator=(const ControlServer&) = delete;

  // Binds config.control_socket (replacing a stale socket file; refusing
  // when another process answers there or the path is not a socket) and
  // starts the thread. Throws std::runtime_error.
  void start();
  // Stops accepting, finishes the request in hand, removes the socket file.
  void stop();
  ControlServerStats stats() const;

 private:
  void serve();
  void handle(int fd);

  const config::SiteConfig* config_;
  AuditSink audit_;
  ControlServerOptions options_;
  ControlCommands commands_;
  int listen_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: stop() wakes the poll
  std::atomic<std::uint64_t> served_{0};
  std::atomic<std::uint64_t> malformed_{0};
  std::thread thread_;
};

}  // namespace vigil::app
