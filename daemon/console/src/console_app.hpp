// The console's hub, living on one io_context: the state of every gateway
// (StateStore), the logged-in sessions, the operators' keys, the browsers
// connected over WebSocket and the broker link. Browser commands are checked
// here against the session, signed in the operator's name and published;
// the gateway's reply is forwarded to the browser that asked. Meeting
// follow-ups are recorded in the console's own store (MeetingStore) and
// pushed to every browser; password checks (scrypt, ~0.1 s and 32 MiB each)
// run on a one-thread worker so a login never stalls the other browsers.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "asio.hpp"
#include "mqtt_link.hpp"
#include "vigil/console/browser_request.hpp"
#include "vigil/console/config.hpp"
#include "vigil/console/meeting_store.hpp"
#include "vigil/console/outgoing_queue.hpp"
#include "vigil/console/sessions.hpp"
#include "vigil/console/signed_command.hpp"
#include "vigil/console/state_store.hpp"

namespace vigil::console {

// A connected browser, as the hub sees it.
class BrowserLink {
 public:
  virtual ~BrowserLink() = default;
  // `supersedes`: what this message is the newest state of ("gateway:hq/gw1",
  // "queue", "broker"): a queued older one is dropped (outgoing_queue.hpp).
  virtual void send(std::string text, std::string supersedes) = 0;
  void send(std::string text) { send(std::move(text), {}); }
  virtual const std::string& user() const = 0;
  virtual const std::string& token() const = 0;
  // Ends the socket (after what is queued): the session it rode on ended.
  virtual void close() = 0;
};

// The console's own answer to a browser's request (`answer` in docs/console.md).
void send_answer(BrowserLink& browser, const std::string& ref, bool ok, const std::string& message);

class ConsoleHub {
 public:
  // Opens the meeting store (config.meeting_db): throws std::runtime_error
  // when it cannot.
  ConsoleHub(boost::asio::io_context& io, ConsoleConfig config,
             std::map<std::string, OperatorKey> keys);
  ~ConsoleHub();
  void start();
  void stop();

  struct LoginAnswer {
    int status = 401;  // 200, 401 or 429
    std::string token;
    std::string display_name;
    std::string message;
  };
  // Checks the password on the worker thread; `done` runs on the io_context.
  void login(const std::string& user, const std::string& password,
             std::function<void(LoginAnswer)> done);
  // Ends the session and closes every WebSocket it opened.
  void logout(const std::string& token);
  std::optional<std::string> session_user(const std::string& token) const;
  std::string display_name(const std::string& user) const;

  // A browser connected (sends it who it is, the snapshot and the broker's state).
  void attach(const std::shared_ptr<BrowserLink>& browser);
  void detach(const BrowserLink* browser);
  void on_browser_message(const std::shared_ptr<BrowserLink>& browser, std::string_view text);

  // The meeting report (meeting_report.hpp) as of now.
  std::string report_csv() const;
  std::string report_html() const;

 private:
  struct Pending {
    std::weak_ptr<BrowserLink> browser;
    std::string ref;
    std::chrono::steady_clock::time_point sent;
  };
  void finish_login(const std::string& user, bool match,
                    const std::function<void(LoginAnswer)>& done);
  void on_mqtt(const std::string& topic, const std::string& payload);
  void on_link(bool up, const std::string& why);
  // `supersedes` as BrowserLink::send's.
  void broadcast(const std::string& text, const std::string& supersedes = {});
  void flush();  // sends every batched store update
  void flush_gateways();
  void flush_queue();
  bool forward_reply(const std::string& topic, const std::string& payload);
  void on_command(const std::shared_ptr<BrowserLink>& browser, const std::string& user,
                  const BrowserCommand& command);
  void on_followup_add(const std::shared_ptr<BrowserLink>& browser, const std::string& user,
                       const FollowUpAddRequest& request);
  void on_followup_done(const std::shared_ptr<BrowserLink>& browser, const std::string& user,
                        const FollowUpDoneRequest& request);
  std::string followups_text() const;
  const ConsoleOperator* find_operator(const std::string& user) const;

  boost::asio::io_context& io_;
  ConsoleConfig config_;
  std::map<std::string, OperatorKey> keys_;
  StateStore store_;
  UpdateBatch batch_;  // store changes not sent yet
  FlushPacer pacer_;
  boost::asio::steady_timer flush_timer_;
  bool gateways_posted_ = false;  // a flush_gateways() is queued on io_
  bool queue_posted_ = false;     // a flush_queue() is queued on io_ or due on flush_timer_
  Sessions sessions_;
  std::map<const BrowserLink*, std::weak_ptr<BrowserLink>> browsers_;
  std::map<std::string, Pending> pending_;  // by command id
  bool broker_up_ = false;
  std::string broker_why_ = "not connected yet";
  std::unique_ptr<MqttLink> link_;
  MeetingStore meeting_;
  boost::asio::thread_pool password_worker_{1};
};

}  // namespace vigil::console
