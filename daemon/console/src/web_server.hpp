// vigil-console's HTTP and WebSocket side (Boost.Beast): serves the one page
// (embedded at build time from web/), the login and logout forms, and the
// /ws socket a logged-in browser keeps open. Binds where the config says
// (127.0.0.1 by default), on the io_context the hub lives on.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "asio.hpp"
#include "console_app.hpp"

namespace vigil::console {

struct WebAsset {
  std::string_view path;  // "/", "/console.js"
  std::string_view content_type;
  std::string_view body;
};
// Generated from daemon/console/web/ (web_assets.cpp.in).
const std::vector<WebAsset>& web_assets();

class WebServer {
 public:
  // Throws boost::system::system_error when the address cannot be bound.
  WebServer(boost::asio::io_context& io, ConsoleHub& hub, const std::string& host,
            std::uint16_t port);
  std::uint16_t port() const;
  void start();
  void stop();

 private:
  void accept();
  boost::asio::io_context& io_;
  ConsoleHub& hub_;
  boost::asio::ip::tcp::acceptor acceptor_;
};

}  // namespace vigil::console
