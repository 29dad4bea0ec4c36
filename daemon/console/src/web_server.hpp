// vigil-console's HTTP and WebSocket side (Boost.Beast): serves the one page
// (embedded at build time from web/), the login and logout forms, and the
// /ws socket a logged-in browser keeps open. Binds where the config says
// (127.0.0.1 by default), on the io_context the hub lives on.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "asio.hpp"
#include "console_app.hpp"
#include "vigil/console/outgoing_queue.hpp"

namespace vigil::console {

struct WebAsset {
  std::string_view path;  // "/", "/console.js"
  std::string_view content_type;
  std::string_view body;
};
// Generated from daemon/console/web/ (web_assets.cpp.in).
const std::vector<WebAsset>& web_assets();

// The browsers' sockets, counted for GET /api/stats (a logged-in browser
// only): how many are open, how many were closed for not reading, how many
// queued state updates a newer one replaced, and the most any one socket had
// queued (bounded by the limits: outgoing_queue.hpp).
struct WebSocketStats {
  std::size_t sessions = 0;
  std::size_t slow_closed = 0;
  std::size_t superseded = 0;
  std::size_t peak_queued_messages = 0;
  std::size_t peak_queued_bytes = 0;
};

class WebServer {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  WebServer(boost::asio::io_context& io, ConsoleHub& hub, const std::string& host,
            std::uint16_t port, OutgoingLimits limits = {});
  std::uint16_t port() const;
  void start();
  void stop();

 private:
  void accept();
  boost::asio::io_context& io_;
  ConsoleHub& hub_;
  OutgoingLimits limits_;
  std::shared_ptr<WebSocketStats> stats_ = std::make_shared<WebSocketStats>();
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace vigil::console
