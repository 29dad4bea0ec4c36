// A small MQTT subscriber for tests (a console stand-in): connects with Paho,
// subscribes to one topic filter and collects every message it receives, in
// arrival order. wait_for(count, timeout) blocks until enough have arrived, so
// tests wait on deliveries instead of sleeping.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace mqtt {
class async_client;
}

namespace vigil::testing {

struct ReceivedMessage {
  std::string topic;
  std::string payload;
  int qos = 0;
  bool retained = false;
};

struct SubscriberOptions {
  // Empty: a unique id is generated.
  std::string client_id;
  // false: a persistent session. With a broker that has persistence on, the
  // subscription and the QoS 1 messages queued while this client was away
  // survive a broker restart.
  bool clean_session = true;
  // Reconnect by itself when the broker goes away (Paho's automatic reconnect,
  // 100 ms .. 1 s). With clean_session it subscribes again after reconnecting.
  bool auto_reconnect = false;
  int qos = 1;
  std::chrono::milliseconds connect_timeout = std::chrono::seconds(10);
  // TLS (an ssl:// uri): the CA to trust, and an optional client certificate.
  std::string ca_file{};
  std::string cert_file{};
  std::string key_file{};
  std::string username{};
  std::string password{};
};

class MqttTestSubscriber {
 public:
  // Connects to `uri` (e.g. MosquittoProcess::uri()) and subscribes to
  // `topic_filter`; returns once the broker acknowledged the subscription.
  // Throws ::mqtt::exception or std::runtime_error on failure.
  MqttTestSubscriber(const std::string& uri, std::string topic_filter,
                     SubscriberOptions options = {});
  // Disconnects (if connected).
  ~MqttTestSubscriber();
  MqttTestSubscriber(const MqttTestSubscriber&) = delete;
  MqttTestSubscriber& operator=(const MqttTestSubscriber&) = delete;

  // True once at least `count` messages have arrived (in total since
  // construction or clear()), false if `timeout` passed first.
  bool wait_for(std::size_t count, std::chrono::milliseconds timeout);
  // A copy of all messages received so far, in arrival order.
  std::vector<ReceivedMessage> messages() const;
  std::size_t count() const;
  void clear();

  bool connected() const;
  // True once connected (for auto_reconnect after a broker restart).
  bool wait_connected(std::chrono::milliseconds timeout);

 private:
  std::string filter_;
  SubscriberOptions options_;
  std::unique_ptr<::mqtt::async_client> client_;
  mutable std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<ReceivedMessage> messages_;
  bool subscribed_once_ = false;
};

}  // namespace vigil::testing
