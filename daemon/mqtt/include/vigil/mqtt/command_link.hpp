// vigild's side of signed MQTT commands (docs/commands.md): its own Paho
// client, apart from the incident sender so a flood of commands never
// delays an incident, subscribed to <prefix>/cmd/+ at QoS 1. Each message
// goes to `handler` on the link's worker thread (never Paho's, never the
// door loop); the reply it returns is published at QoS 1, not retained, on
// reply/<id> and, under MQTT 5 when the command carried a Response Topic,
// there too with its Correlation Data echoed. Reconnects with backoff and
// subscribes again on every connect. broker.protocol "auto" tries MQTT 5
// first and falls back to 3.1.1 when the broker refuses it.
#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "vigil/mqtt/publisher.hpp"

namespace mqtt {
class async_client;
}

namespace vigil::mqtt {

struct IncomingCommand {
  std::string name;  // the topic's last level (cmd/<name>)
  std::string payload;
  bool retained = false;
};

struct OutgoingReply {
  std::string id;  // published on reply/<id>
  std::string payload;
};

using CommandHandler = std::function<std::optional<OutgoingReply>(const IncomingCommand&)>;

class CommandLink {
 public:
  // protocol: "5", "3.1.1" or "auto". The handler may block (it journals).
  CommandLink(PublisherConfig config, std::string protocol, CommandHandler handler);
  ~CommandLink();  // stop()
  CommandLink(const CommandLink&) = delete;
  CommandLink& operator=(const CommandLink&) = delete;

  void start();
  void stop();
  bool connected() const { return connected_; }
  // The MQTT version of the current (or last) connection: 5 or 4 (3.1.1).
  int version() const { return version_; }
  std::uint64_t handled() const { return handled_; }

 private:
  struct Queued {
    IncomingCommand command;
    std::string response_topic;
    std::string correlation;
  };
  void run();
  bool connect_once(int version);
  void publish_reply(const Queued& q, const OutgoingReply& reply);

  PublisherConfig config_;
  std::string protocol_;
  CommandHandler handler_;
  TopicTree topics_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  bool stopping_ = false;
  bool lost_ = false;
  std::atomic<bool> connected_{false};
  std::atomic<int> version_{0};
  std::atomic<std::uint64_t> handled_{0};
  std::unique_ptr<::mqtt::async_client> client_;
  std::thread thread_;
};

}  // namespace vigil::mqtt

namespace vigil::mqtt {

// vigilctl `command send`: connects (3.1.1, clean), subscribes to
// `reply_topic`, publishes `payload` on `topic` at QoS 1 (not retained) and
// returns the first reply within `timeout`; nullopt with `error` set
// otherwise. Never throws.
std::optional<std::string> request_reply(const PublisherConfig& broker, const std::string& topic,
                                         const std::string& payload, const std::string& reply_topic,
                                         std::chrono::milliseconds timeout, std::string* error);

}  // namespace vigil::mqtt
