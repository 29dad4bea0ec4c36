// The console's one connection to the broker: subscribes to every gateway
// (<root>/v1/+/+/#), hands each message on, reconnects for ever while the
// broker is away (the browsers show a banner meanwhile), and publishes the
// signed commands. Callbacks run on the link's own thread; the console posts
// them onto its io_context.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "vigil/console/config.hpp"

namespace mqtt {
class async_client;
}

namespace vigil::console {

class MqttLink {
 public:
  using OnMessage = std::function<void(std::string topic, std::string payload)>;
  using OnLink = std::function<void(bool up, std::string why)>;

  MqttLink(ConsoleBroker broker, std::string topic_root, OnMessage on_message, OnLink on_link);
  ~MqttLink();  // stops
  MqttLink(const MqttLink&) = delete;
  MqttLink& operator=(const MqttLink&) = delete;

  void start();
  void stop();
  // QoS 1, never retained. False when there is no connection now.
  bool publish(const std::string& topic, const std::string& payload);

 private:
  void run();

  ConsoleBroker broker_;
  std::string filter_;
  OnMessage on_message_;
  OnLink on_link_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
  std::mutex mutex_;
  std::shared_ptr<::mqtt::async_client> client_;  // under mutex_, while connected
};

}  // namespace vigil::console
