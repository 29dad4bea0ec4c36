#include "web_server.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <memory>

#include <nlohmann/json.hpp>

namespace vigil::console {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace websocket = beast::websocket;
using tcp = boost::asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

constexpr std::size_t kMaxRequestBody = 16 * 1024;
constexpr std::size_t kMaxWsMessage = 16 * 1024;
constexpr auto kReadTimeout = std::chrono::seconds(30);

std::string cookie_token(const Request& req) {
  const auto header = req[http::field::cookie];
  std::string_view s(header.data(), header.size());
  constexpr std::string_view kName = "vigil_session=";
  while (!s.empty()) {
    while (!s.empty() && (s.front() == ' ' || s.front() == ';')) s.remove_prefix(1);
    const auto end = s.find(';');
    const auto item = s.substr(0, end);
    if (item.starts_with(kName)) return std::string(item.substr(kName.size()));
    if (end == std::string_view::npos) break;
    s.remove_prefix(end + 1);
  }
  return {};
}

// A browser's WebSocket from another origin rides the user's cookie (SameSite
// stops most of that); the Origin check stops the rest.
bool same_origin(const Request& req) {
  const auto origin = req[http::field::origin];
  if (origin.empty()) return true;  // not a browser
  const auto host = req[http::field::host];
  return std::string(origin) == "http://" + std::string(host) ||
         std::string(origin) == "https://" + std::string(host);
}

constexpr std::string_view kPageCsp =
    "default-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
// The printable report: no script at all, its own inline style.
constexpr std::string_view kReportCsp =
    "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'";

Response make_response(const Request& req, http::status status, std::string_view type,
                       std::string body, std::string_view csp = kPageCsp) {
  Response res{status, req.version()};
  res.set(http::field::server, "vigil-console");
  res.set(http::field::content_type, std::string(type));
  res.set(http::field::cache_control, "no-store");
  res.set("X-Content-Type-Options", "nosniff");
  res.set("X-Frame-Options", "DENY");
  res.set("Content-Security-Policy", std::string(csp));
  res.keep_alive(req.keep_alive());
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

Response json_response(const Request& req, http::status status, const nlohmann::json& j) {
  return make_response(req, status, "application/json",
                       j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

// Past its bound a session gets this long to write what is in flight and the
// close frame; then its socket is shut (a browser that reads nothing never
// takes the close frame either).
constexpr auto kCloseGrace = std::chrono::seconds(5);

class WsSession : public BrowserLink, public std::enable_shared_from_this<WsSession> {
 public:
  WsSession(tcp::socket socket, ConsoleHub& hub, std::shared_ptr<WebSocketStats> stats,
            OutgoingLimits limits, std::string user, std::string token)
      : ws_(std::move(socket)),
        hub_(hub),
        stats_(std::move(stats)),
        limits_(limits),
        out_(limits),
        grace_(ws_.get_executor()),
        user_(std::move(user)),
        token_(std::move(token)) {}

  void run(Request req) {
    ws_.read_message_max(kMaxWsMessage);
    ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
    ws_.async_accept(req, [self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      ++self->stats_->sessions;
      self->open_ = true;
      self->hub_.attach(self);
      self->read();
    });
  }
  ~WsSession() override {
    if (open_) --stats_->sessions;
  }
  using BrowserLink::send;
  void send(std::string text, std::string supersedes) override {
    if (closing_) return;
    switch (out_.push(std::move(text), std::move(supersedes))) {
      case OutgoingQueue::Push::overflow:
        too_slow();
        return;
      case OutgoingQueue::Push::superseded:
        ++stats_->superseded;
        break;
      case OutgoingQueue::Push::queued:
        break;
    }
    stats_->peak_queued_messages = std::max(stats_->peak_queued_messages, out_.messages());
    stats_->peak_queued_bytes = std::max(stats_->peak_queued_bytes, out_.bytes());
    if (!writing_) write();
  }
  // A close is a write in Beast: it waits for the queue to drain.
  void close() override {
    if (closing_) return;
    begin_close(websocket::close_reason(websocket::close_code::normal, "session ended"));
  }
  const std::string& user() const override { return user_; }
  const std::string& token() const override { return token_; }

 private:
  // The browser does not read what it is sent: drop its queue and close it
  // with a reason the page shows; it reconnects and starts from a snapshot.
  // (Not detached from the hub here: this runs inside the hub's broadcast;
  // the read that fails once the socket closes detaches it.)
  void too_slow() {
    ++stats_->slow_closed;
    spdlog::warn("closing {}'s browser socket: it read nothing while {} messages, {} bytes queued",
                 user_, out_.messages(), out_.bytes());
    out_.drop_queued();
    begin_close(websocket::close_reason(
        websocket::close_code::try_again_later,
        "too slow: over " + std::to_string(limits_.max_messages) + " messages or " +
            std::to_string(limits_.max_bytes / 1024) + " KiB queued; reconnect"));
  }
  void begin_close(websocket::close_reason reason) {
    closing_ = true;
    reason_ = std::move(reason);
    grace_.expires_after(kCloseGrace);
    grace_.async_wait([self = shared_from_this()](beast::error_code ec) {
      if (ec) return;
      beast::get_lowest_layer(self->ws_).close();  // ends the pending write and read
    });
    if (!writing_ && out_.empty()) close_now();
  }
  void read() {
    ws_.async_read(buffer_, [self = shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) {
        self->hub_.detach(self.get());
        return;
      }
      const auto text = beast::buffers_to_string(self->buffer_.data());
      self->buffer_.consume(self->buffer_.size());
      self->hub_.on_browser_message(self, text);
      self->read();
    });
  }
  void write() {
    writing_ = true;
    ws_.text(true);
    ws_.async_write(boost::asio::buffer(out_.start_front()),
                    [self = shared_from_this()](beast::error_code ec, std::size_t) {
                      self->writing_ = false;
                      self->out_.pop_front();
                      if (ec) {
                        self->out_.drop_queued();
                        return;
                      }
                      if (!self->out_.empty()) {
                        self->write();
                      } else if (self->closing_) {
                        self->close_now();
                      }
                    });
  }
  void close_now() {
    if (close_sent_) return;
    close_sent_ = true;
    ws_.async_close(reason_,
                    [self = shared_from_this()](beast::error_code) { self->grace_.cancel(); });
  }

  websocket::stream<beast::tcp_stream> ws_;
  ConsoleHub& hub_;
  std::shared_ptr<WebSocketStats> stats_;
  OutgoingLimits limits_;
  OutgoingQueue out_;
  boost::asio::steady_timer grace_;
  std::string user_;
  std::string token_;
  beast::flat_buffer buffer_;
  websocket::close_reason reason_;
  bool open_ = false;
  bool writing_ = false;
  bool closing_ = false;
  bool close_sent_ = false;
};

class HttpSession : public std::enable_shared_from_this<HttpSession> {
 public:
  HttpSession(tcp::socket socket, ConsoleHub& hub, std::shared_ptr<WebSocketStats> stats,
              OutgoingLimits limits)
      : stream_(std::move(socket)), hub_(hub), stats_(std::move(stats)), limits_(limits) {}

  void read() {
    parser_.emplace();
    parser_->body_limit(kMaxRequestBody);
    stream_.expires_after(kReadTimeout);
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, std::size_t) {
                       if (ec) return;
                       self->handle(self->parser_->release());
                     });
  }

 private:
  void handle(Request req) {
    if (websocket::is_upgrade(req)) {
      const auto token = cookie_token(req);
      const auto user = hub_.session_user(token);
      if (req.target() != "/ws" || !user || !same_origin(req)) {
        reply(json_response(req, http::status::forbidden, {{"ok", false}}));
        return;
      }
      stream_.expires_never();
      std::make_shared<WsSession>(stream_.release_socket(), hub_, stats_, limits_, *user, token)
          ->run(std::move(req));
      return;
    }
    if (req.method() == http::verb::post && req.target() == "/login") {
      login(std::move(req));
      return;
    }
    reply(route(req));
  }

  // The password check runs on the hub's worker; the answer comes back here.
  void login(Request req) {
    const auto body = nlohmann::json::parse(req.body(), nullptr, false);
    if (!body.is_object() || !body.contains("user") || !body["user"].is_string() ||
        !body.contains("password") || !body["password"].is_string()) {
      reply(json_response(req, http::status::bad_request,
                          {{"ok", false}, {"message", "user and password, please"}}));
      return;
    }
    hub_.login(body["user"].get<std::string>(), body["password"].get<std::string>(),
               [self = shared_from_this(), req](ConsoleHub::LoginAnswer answer) {
                 if (answer.status != 200) {
                   self->reply(json_response(req, static_cast<http::status>(answer.status),
                                             {{"ok", false}, {"message", answer.message}}));
                   return;
                 }
                 auto res = json_response(req, http::status::ok,
                                          {{"ok", true}, {"name", answer.display_name}});
                 res.set(http::field::set_cookie,
                         "vigil_session=" + answer.token + "; Path=/; HttpOnly; SameSite=Strict");
                 self->reply(std::move(res));
               });
  }

  // The meeting report, for a logged-in browser only.
  std::optional<Response> report(const Request& req, const std::string& target) {
    if (target != "/meeting/report.csv" && target != "/meeting/report.html") return std::nullopt;
    if (!hub_.session_user(cookie_token(req))) {
      return make_response(req, http::status::unauthorized, "text/plain", "log in first\n");
    }
    if (target == "/meeting/report.html") {
      return make_response(req, http::status::ok, "text/html; charset=utf-8", hub_.report_html(),
                           kReportCsp);
    }
    auto res = make_response(req, http::status::ok, "text/csv; charset=utf-8", hub_.report_csv());
    res.set(http::field::content_disposition, "attachment; filename=\"meeting-report.csv\"");
    return res;
  }

  Response route(const Request& req) {
    const std::string target(req.target());
    if (req.method() == http::verb::get) {
      if (target == "/api/me") {
        const auto user = hub_.session_user(cookie_token(req));
        if (!user) return json_response(req, http::status::unauthorized, {{"ok", false}});
        return json_response(req, http::status::ok,
                             {{"ok", true}, {"user", *user}, {"name", hub_.display_name(*user)}});
      }
      if (target == "/api/stats") {
        if (!hub_.session_user(cookie_token(req))) {
          return json_response(req, http::status::unauthorized, {{"ok", false}});
        }
        return json_response(req, http::status::ok,
                             {{"ok", true},
                              {"sessions", stats_->sessions},
                              {"slow_closed", stats_->slow_closed},
                              {"superseded", stats_->superseded},
                              {"peak_queued_messages", stats_->peak_queued_messages},
                              {"peak_queued_bytes", stats_->peak_queued_bytes},
                              {"max_queue_messages", limits_.max_messages},
                              {"max_queue_bytes", limits_.max_bytes}});
      }
      if (auto res = report(req, target)) return std::move(*res);
      for (const auto& asset : web_assets()) {
        if (asset.path == target) {
          return make_response(req, http::status::ok, asset.content_type, std::string(asset.body));
        }
      }
      return make_response(req, http::status::not_found, "text/plain", "not found\n");
    }
    if (req.method() == http::verb::post && target == "/logout") {
      hub_.logout(cookie_token(req));
      auto res = json_response(req, http::status::ok, {{"ok", true}});
      res.set(http::field::set_cookie,
              "vigil_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0");
      return res;
    }
    return make_response(req, http::status::method_not_allowed, "text/plain", "no\n");
  }

  void reply(Response res) {
    auto shared = std::make_shared<Response>(std::move(res));
    http::async_write(stream_, *shared,
                      [self = shared_from_this(), shared](beast::error_code ec, std::size_t) {
                        if (ec) return;
                        if (shared->keep_alive()) {
                          self->read();
                        } else {
                          beast::error_code ignored;
                          self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                        }
                      });
  }

  beast::tcp_stream stream_;
  ConsoleHub& hub_;
  std::shared_ptr<WebSocketStats> stats_;
  OutgoingLimits limits_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
};

}  // namespace

WebServer::WebServer(boost::asio::io_context& io, ConsoleHub& hub, const std::string& host,
                     std::uint16_t port, OutgoingLimits limits)
    : io_(io), hub_(hub), limits_(limits), acceptor_(io) {
  const tcp::endpoint endpoint(boost::asio::ip::make_address(host), port);
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(boost::asio::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen();
}

std::uint16_t WebServer::port() const {
  return acceptor_.local_endpoint().port();
}

void WebServer::start() {
  accept();
}

void WebServer::stop() {
  beast::error_code ignored;
  acceptor_.close(ignored);
}

void WebServer::accept() {
  acceptor_.async_accept(io_, [this](beast::error_code ec, tcp::socket socket) {
    if (ec) return;  // closed
    std::make_shared<HttpSession>(std::move(socket), hub_, stats_, limits_)->read();
    accept();
  });
}

}  // namespace vigil::console
