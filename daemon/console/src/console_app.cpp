#include "console_app.hpp"

#include <spdlog/spdlog.h>

#include "vigil/console/browser_request.hpp"
#include "vigil/console/password.hpp"

namespace vigil::console {
namespace {

using nlohmann::json;

// A reply that never comes (gateway offline) must not pin memory.
constexpr auto kPendingLifetime = std::chrono::minutes(5);
// Browsers get at most one batch of store updates per gap (FlushPacer).
constexpr auto kFlushGap = std::chrono::milliseconds(25);

// Verified when the user name is unknown, so a wrong name takes as long as a
// wrong password and the timing does not tell which names exist.
const std::string& dummy_hash() {
  static const std::string hash = hash_password("not a password");
  return hash;
}

// Payloads are parsed (so valid UTF-8), but a text never reaches a browser
// through a throwing dump.
std::string to_text(const json& j) {
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace

void send_answer(BrowserLink& browser, const std::string& ref, bool ok,
                 const std::string& message) {
  browser.send(to_text(json{{"type", "answer"}, {"ref", ref}, {"ok", ok}, {"message", message}}));
}

ConsoleHub::ConsoleHub(boost::asio::io_context& io, ConsoleConfig config,
                       std::map<std::string, OperatorKey> keys)
    : io_(io),
      config_(std::move(config)),
      keys_(std::move(keys)),
      store_(config_.topic_root),
      pacer_(kFlushGap),
      flush_timer_(io),
      sessions_(config_.max_failed_logins, config_.lockout, config_.session_ttl),
      meeting_(config_.meeting_db) {}

// The worker goes first (thread_pool's destructor stops and joins it), so no
// password check outlives the hub it reports to.
ConsoleHub::~ConsoleHub() {
  password_worker_.stop();
  password_worker_.join();
}

void ConsoleHub::start() {
  (void)dummy_hash();
  link_ = std::make_unique<MqttLink>(
      config_.broker, config_.topic_root,
      [this](std::string topic, std::string payload) {
        boost::asio::post(io_, [this, topic = std::move(topic), payload = std::move(payload)] {
          on_mqtt(topic, payload);
        });
      },
      [this](bool up, std::string why) {
        boost::asio::post(io_, [this, up, why = std::move(why)] { on_link(up, why); });
      });
  link_->start();
}

void ConsoleHub::stop() {
  flush_timer_.cancel();
  if (link_) link_->stop();
}

const ConsoleOperator* ConsoleHub::find_operator(const std::string& user) const {
  for (const auto& o : config_.operators) {
    if (o.user == user) return &o;
  }
  return nullptr;
}

void ConsoleHub::login(const std::string& user, const std::string& password,
                       std::function<void(LoginAnswer)> done) {
  if (sessions_.locked(user, std::chrono::steady_clock::now())) {
    spdlog::warn("login refused for '{}': too many failed attempts", user);
    done({429, {}, {}, "too many failed attempts; try again later"});
    return;
  }
  const ConsoleOperator* op = find_operator(user);
  const std::string hash = op != nullptr ? op->password_hash : dummy_hash();
  // scrypt takes ~0.1 s and 32 MiB: off the io thread, which keeps serving
  // every other browser meanwhile; the answer comes back onto it.
  boost::asio::post(password_worker_, [this, user, password, hash, done = std::move(done)] {
    const bool match = verify_password(password, hash);
    boost::asio::post(io_, [this, user, match, done] { finish_login(user, match, done); });
  });
}

void ConsoleHub::finish_login(const std::string& user, bool match,
                              const std::function<void(LoginAnswer)>& done) {
  const auto now = std::chrono::steady_clock::now();
  // Checked again: tries queued behind each other all passed the first
  // check, and only the first max_failures of them may get an answer.
  if (sessions_.locked(user, now)) {
    done({429, {}, {}, "too many failed attempts; try again later"});
    return;
  }
  const ConsoleOperator* op = find_operator(user);
  if (!match || op == nullptr) {
    sessions_.record_failure(user, now);
    spdlog::warn("login failed for '{}'", user);
    done({401, {}, {}, "wrong user name or password"});
    return;
  }
  spdlog::info("operator '{}' logged in", user);
  done({200, sessions_.open(user, now), op->display_name, {}});
}

void ConsoleHub::logout(const std::string& token) {
  if (token.empty()) return;
  sessions_.close(token);
  for (const auto& [raw, weak] : browsers_) {
    if (auto b = weak.lock(); b && b->token() == token) b->close();
  }
}

std::optional<std::string> ConsoleHub::session_user(const std::string& token) const {
  return sessions_.user_of(token, std::chrono::steady_clock::now());
}

std::string ConsoleHub::display_name(const std::string& user) const {
  const ConsoleOperator* op = find_operator(user);
  return op != nullptr ? op->display_name : user;
}

void ConsoleHub::attach(const std::shared_ptr<BrowserLink>& browser) {
  browsers_[browser.get()] = browser;
  json operators = json::array();
  for (const auto& o : config_.operators) {
    operators.push_back({{"user", o.user}, {"name", o.display_name}});
  }
  const ConsoleOperator* op = find_operator(browser->user());
  browser->send(to_text(json{{"type", "hello"},
                             {"user", browser->user()},
                             {"name", display_name(browser->user())},
                             {"can_sign", keys_.contains(browser->user())},
                             {"meeting_chair", op != nullptr && op->meeting_chair},
                             {"operators", operators},
                             {"reply_timeout_s", config_.reply_timeout.count()}}));
  browser->send(to_text(store_.snapshot()), kSnapshotKey);
  browser->send(followups_text());
  browser->send(to_text(json{{"type", "broker"}, {"up", broker_up_}, {"why", broker_why_}}));
}

void ConsoleHub::detach(const BrowserLink* browser) {
  browsers_.erase(browser);
}

void ConsoleHub::broadcast(const std::string& text, const std::string& supersedes) {
  for (auto it = browsers_.begin(); it != browsers_.end();) {
    if (auto b = it->second.lock()) {
      b->send(text, supersedes);
      ++it;
    } else {
      it = browsers_.erase(it);
    }
  }
}

void ConsoleHub::on_link(bool up, const std::string& why) {
  if (up) {
    spdlog::info("broker connected; subscribed to {}/v1/+/+/#", config_.topic_root);
  } else {
    spdlog::warn("broker: {}", why);
  }
  broker_up_ = up;
  broker_why_ = why;
  broadcast(to_text(json{{"type", "broker"}, {"up", up}, {"why", why}}), "broker");
}

// Each broker message is posted to io_ on its own; a flush posted after the
// first change runs once the messages queued meanwhile are applied too, so a
// burst costs one update per changed gateway and one queue, not one each.
// The queue (every open incident) also goes out at most once per kFlushGap.
void ConsoleHub::on_mqtt(const std::string& topic, const std::string& payload) {
  if (topic.find("/reply/") != std::string::npos) flush();  // the state before the reply
  if (forward_reply(topic, payload)) return;
  const auto change = store_.change(topic, payload);
  if (!change) return;
  if (change->kind == StoreChange::Kind::digest) {
    broadcast(to_text(store_.digest_update(change->gateway_key)), "digest:" + change->gateway_key);
    return;
  }
  batch_.add(*change);
  if (change->kind == StoreChange::Kind::gateway) {
    if (!gateways_posted_) {
      gateways_posted_ = true;
      boost::asio::post(io_, [this] { flush_gateways(); });
    }
    return;
  }
  if (queue_posted_) return;
  queue_posted_ = true;
  const auto now = std::chrono::steady_clock::now();
  const auto due = pacer_.due(now);
  if (due <= now) {
    boost::asio::post(io_, [this] { flush_queue(); });
    return;
  }
  flush_timer_.expires_at(due);
  flush_timer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) flush_queue();
  });
}

void ConsoleHub::flush() {
  flush_gateways();
  flush_queue();
}

void ConsoleHub::flush_gateways() {
  gateways_posted_ = false;
  for (const auto& update : batch_.take_gateways(store_)) {
    // Each is the whole gateway: a newer one replaces it in a slow browser's queue.
    const auto& g = update["gateway"];
    const bool named = g.is_object() && g.contains("site") && g.contains("gateway");
    broadcast(to_text(update), named ? "gateway:" + g["site"].get<std::string>() + "/" +
                                           g["gateway"].get<std::string>()
                                     : std::string());
  }
}

void ConsoleHub::flush_queue() {
  queue_posted_ = false;
  flush_timer_.cancel();
  if (auto update = batch_.take_queue(store_)) {
    pacer_.flushed(std::chrono::steady_clock::now());
    // The whole queue each time; one that raised an incident (the page beeps
    // for a critical one) is never replaced.
    const bool raised = update->contains("raised") && !(*update)["raised"].is_null();
    broadcast(to_text(*update), raised ? std::string() : std::string("queue"));
  }
}

bool ConsoleHub::forward_reply(const std::string& topic, const std::string& payload) {
  const auto at = topic.rfind("/reply/");
  if (at == std::string::npos) return false;
  const auto it = pending_.find(topic.substr(at + 7));
  if (it == pending_.end()) return true;  // another console's reply
  json reply = json::parse(payload, nullptr, false);
  if (reply.is_discarded()) reply = json{{"ok", false}, {"message", "unreadable reply"}};
  if (auto b = it->second.browser.lock()) {
    b->send(to_text(json{{"type", "reply"}, {"ref", it->second.ref}, {"reply", reply}}));
  }
  pending_.erase(it);
  return true;
}

void ConsoleHub::on_browser_message(const std::shared_ptr<BrowserLink>& browser,
                                    std::string_view text) {
  auto answer = [&](const std::string& ref, bool ok, const std::string& message) {
    send_answer(*browser, ref, ok, message);
  };
  // The session may have ended (logout in another tab) since the socket opened.
  const auto user = session_user(browser->token());
  if (!user || *user != browser->user()) {
    answer("", false, "session ended; log in again");
    return;
  }
  const auto request = parse_browser_request(text);
  if (const auto* bad = std::get_if<BrowserRequestError>(&request)) {
    answer(bad->ref, false, bad->message);
  } else if (const auto* add = std::get_if<FollowUpAddRequest>(&request)) {
    on_followup_add(browser, *user, *add);
  } else if (const auto* done = std::get_if<FollowUpDoneRequest>(&request)) {
    on_followup_done(browser, *user, *done);
  } else {
    on_command(browser, *user, std::get<BrowserCommand>(request));
  }
}

void ConsoleHub::on_command(const std::shared_ptr<BrowserLink>& browser, const std::string& user,
                            const BrowserCommand& command) {
  auto answer = [&](const std::string& ref, bool ok, const std::string& message) {
    send_answer(*browser, ref, ok, message);
  };
  const auto key = keys_.find(user);
  if (key == keys_.end()) {
    answer(command.ref, false, "no signing key for operator '" + user + "'");
    return;
  }
  if (!store_.knows_gateway(command.site, command.gateway)) {
    answer(command.ref, false, "unknown gateway " + command.site + "/" + command.gateway);
    return;
  }
  const auto now = std::chrono::steady_clock::now();
  std::erase_if(pending_, [&](const auto& kv) { return now - kv.second.sent > kPendingLifetime; });
  const auto unix_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                           std::chrono::system_clock::now().time_since_epoch())
                           .count();
  const auto signed_command = sign_command(command, config_.topic_root, user, key->second, unix_ms,
                                           random_hex(16), "c" + random_hex(12));
  if (!link_ || !link_->publish(signed_command.topic, signed_command.payload)) {
    answer(command.ref, false, "not connected to the broker");
    return;
  }
  pending_[signed_command.id] = Pending{browser, command.ref, now};
  spdlog::info("operator '{}' sent {} to {}/{} (id {})", user, command.cmd, command.site,
               command.gateway, signed_command.id);
  answer(command.ref, true, "sent as " + signed_command.id);
}

}  // namespace vigil::console
