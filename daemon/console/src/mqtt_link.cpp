#include "mqtt_link.hpp"

#include <mqtt/async_client.h>
#include <unistd.h>

#include "vigil/console/signed_command.hpp"
#include "vigil/mqtt/connect_options.hpp"

namespace vigil::console {
namespace {

::mqtt::connect_options link_options(const ConsoleBroker& b) {
  // Clean: retained states give the present; no backlog.
  return vigil::mqtt::connect_options(
      {b.username, b.password, {b.ca_file, b.cert_file, b.key_file, b.verify_hostname}},
      std::chrono::seconds(5), std::chrono::seconds(3));
}

}  // namespace

MqttLink::MqttLink(ConsoleBroker broker, std::string topic_root, OnMessage on_message,
                   OnLink on_link)
    : broker_(std::move(broker)),
      filter_(std::move(topic_root) + "/v1/+/+/#"),
      on_message_(std::move(on_message)),
      on_link_(std::move(on_link)) {}

MqttLink::~MqttLink() {
  stop();
}

void MqttLink::start() {
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void MqttLink::stop() {
  stop_ = true;
  if (thread_.joinable()) thread_.join();
}

bool MqttLink::publish(const std::string& topic, const std::string& payload) {
  std::shared_ptr<::mqtt::async_client> client;
  {
    std::lock_guard lock(mutex_);
    client = client_;
  }
  if (!client) return false;
  try {
    client->publish(topic, payload.data(), payload.size(), 1, false);
    return true;
  } catch (const ::mqtt::exception&) {
    return false;
  }
}

void MqttLink::run() {
  const bool ipv6 = broker_.host.find(':') != std::string::npos;
  const std::string uri = std::string{broker_.ca_file.empty() ? "tcp://" : "ssl://"} +
                          (ipv6 ? "[" + broker_.host + "]" : broker_.host) + ":" +
                          std::to_string(broker_.port);
  const auto options = link_options(broker_);
  const auto poll = std::chrono::milliseconds(100);
  while (!stop_) {
    try {
      auto client = std::make_shared<::mqtt::async_client>(
          uri, "vigil-console-" + std::to_string(::getpid()) + "-" + random_hex(4));
      client->start_consuming();
      auto connecting = client->connect(options);
      while (!connecting->wait_for(poll)) {
        if (stop_) return;
      }
      client->subscribe(filter_, 1)->wait_for(std::chrono::seconds(3));
      {
        std::lock_guard lock(mutex_);
        client_ = client;
      }
      on_link_(true, {});
      while (!stop_) {
        ::mqtt::const_message_ptr m;
        if (client->try_consume_message_for(&m, poll)) {
          if (!m) break;  // Paho's marker: the connection was lost
          on_message_(m->get_topic(), m->to_string());
        } else if (!client->is_connected()) {
          break;
        }
      }
      {
        std::lock_guard lock(mutex_);
        client_.reset();
      }
      if (stop_) {
        try {
          client->disconnect()->wait_for(std::chrono::seconds(1));
        } catch (const ::mqtt::exception&) {
          // gone already
        }
        return;
      }
      on_link_(false, "connection to " + uri + " lost");
    } catch (const ::mqtt::exception& e) {
      on_link_(false, uri + ": " + e.what());
    }
    // Retry, but not in a tight loop while the broker is away.
    for (int i = 0; i < 10 && !stop_; ++i) std::this_thread::sleep_for(poll);
  }
}

}  // namespace vigil::console
