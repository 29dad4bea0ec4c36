#include "console_rig.hpp"

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "vigil/console/password.hpp"
#include "vigil/testing/ports.hpp"

namespace vigil::bench {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;

constexpr const char* kUser = "ben";
constexpr const char* kPassword = "bench password";

std::string read_file(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

ConsoleRig::ConsoleRig(std::uint16_t broker_port, const std::string& topic_root) {
  const auto key = dir_.file("ben.key");
  {
    // A fixed seed: the bench signs nothing, the console only needs a valid key.
    std::ofstream out(key);
    out << std::string(43, 'A') << "=\n";
  }
  std::filesystem::permissions(
      key, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
      std::filesystem::perm_options::replace);
  port_ = vigil::testing::free_tcp_port();
  const auto config = dir_.file("console.yaml");
  {
    std::ofstream out(config);
    out << "listen: { host: 127.0.0.1, port: " << port_ << " }\n"
        << "broker: { host: 127.0.0.1, port: " << broker_port << ", topic_root: " << topic_root
        << " }\n"
        << "operators:\n"
        << "  - { user: " << kUser << ", name: Ben Guard, password: \""
        << vigil::console::hash_password(kPassword) << "\", key_file: ben.key }\n";
  }
  child_ = std::make_unique<vigil::testing::ChildProcess>(
      std::vector<std::string>{std::getenv("VIGIL_CONSOLE_BIN") != nullptr
                                   ? std::getenv("VIGIL_CONSOLE_BIN")
                                   : VIGIL_CONSOLE_PATH,
                               "-c", config.string()},
      dir_.file("console.log"));
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (!vigil::testing::tcp_port_accepts(port_)) {
    if (!child_->running() || std::chrono::steady_clock::now() > deadline) {
      throw std::runtime_error("vigil-console did not start:\n" + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

ConsoleRig::~ConsoleRig() {
  child_->stop();
}

std::string ConsoleRig::log() const {
  return read_file(dir_.file("console.log"));
}

std::string ConsoleRig::login() const {
  boost::asio::io_context io;
  beast::tcp_stream stream(io);
  stream.connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port_));
  http::request<http::string_body> req{http::verb::post, "/login", 11};
  req.set(http::field::host, "127.0.0.1:" + std::to_string(port_));
  req.set(http::field::content_type, "application/json");
  req.body() = std::string(R"({"user":")") + kUser + R"(","password":")" + kPassword + R"("})";
  req.prepare_payload();
  http::write(stream, req);
  beast::flat_buffer buffer;
  http::response<http::string_body> res;
  http::read(stream, buffer, res);
  const auto cookie = std::string(res[http::field::set_cookie]);
  if (res.result() != http::status::ok || cookie.empty()) {
    throw std::runtime_error("login failed: " + std::to_string(res.result_int()) + " " +
                             res.body());
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  return cookie.substr(0, cookie.find(';'));
}

struct WsReader::Impl {
  boost::asio::io_context io;
  websocket::stream<tcp::socket> ws{io};
};

WsReader::WsReader(std::uint16_t port, const std::string& cookie, OnMessage on_message)
    : impl_(std::make_unique<Impl>()), on_message_(std::move(on_message)) {
  auto& ws = impl_->ws;
  ws.next_layer().connect(tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  const auto host = "127.0.0.1:" + std::to_string(port);
  ws.set_option(websocket::stream_base::decorator([&](websocket::request_type& req) {
    req.set(http::field::cookie, cookie);
    req.set(http::field::origin, "http://" + host);
    req.set(http::field::user_agent, "vigil-bench-console");
  }));
  ws.read_message_max(0);  // the console's full-queue messages can be large
  ws.handshake(host, "/ws");
  thread_ = std::thread([this] {
    beast::flat_buffer buffer;
    while (true) {
      beast::error_code ec;
      impl_->ws.read(buffer, ec);
      const auto at = std::chrono::steady_clock::now();
      if (ec) return;
      const auto data = buffer.cdata();
      const std::string_view text(static_cast<const char*>(data.data()), data.size());
      ++messages_;
      bytes_ += text.size();
      on_message_(text, at);
      buffer.consume(buffer.size());
    }
  });
}

WsReader::~WsReader() {
  close();
}

void WsReader::close() {
  if (!thread_.joinable()) return;
  beast::error_code ignored;
  impl_->ws.next_layer().shutdown(tcp::socket::shutdown_both, ignored);
  thread_.join();
}

double cpu_seconds(pid_t pid) {
  const auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  // Fields after the command name (which may hold spaces) in parentheses.
  std::istringstream in(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && in >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(sysconf(_SC_CLK_TCK));
}

Memory memory(pid_t pid) {
  std::istringstream in(read_file("/proc/" + std::to_string(pid) + "/status"));
  Memory m;
  std::string line;
  while (std::getline(in, line)) {
    if (line.starts_with("VmRSS:")) m.rss_kib = std::stol(line.substr(6));
    if (line.starts_with("VmHWM:")) m.hwm_kib = std::stol(line.substr(6));
  }
  return m;
}

}  // namespace vigil::bench
