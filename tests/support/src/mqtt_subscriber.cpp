#include "vigil/testing/mqtt_subscriber.hpp"

#include <mqtt/async_client.h>
#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <thread>

#include "vigil/testing/wait.hpp"

namespace vigil::testing {
namespace {

std::string unique_client_id() {
  static std::atomic<unsigned> counter{0};
  return "vigil-test-sub-" + std::to_string(::getpid()) + "-" + std::to_string(++counter);
}

}  // namespace

MqttTestSubscriber::MqttTestSubscriber(const std::string& uri, std::string topic_filter,
                                       SubscriberOptions options)
    : filter_(std::move(topic_filter)), options_(std::move(options)) {
  if (options_.client_id.empty()) options_.client_id = unique_client_id();
  client_ = std::make_unique<::mqtt::async_client>(uri, options_.client_id);

  client_->set_message_callback([this](::mqtt::const_message_ptr msg) {
    std::lock_guard lock(mutex_);
    messages_.push_back(
        ReceivedMessage{msg->get_topic(), msg->to_string(), msg->get_qos(), msg->is_retained()});
    arrived_.notify_all();
  });
  // After an automatic reconnect a clean session has lost its subscription and
  // subscribes again. A persistent one must keep it in the broker's session:
  // subscribing again would hide a lost session. Runs on Paho's thread, so it
  // must not wait on the token.
  client_->set_connected_handler([this](const std::string&) {
    bool again;
    {
      std::lock_guard lock(mutex_);
      again = subscribed_once_ && options_.clean_session;
    }
    if (again) {
      try {
        client_->subscribe(filter_, options_.qos);
      } catch (const ::mqtt::exception&) {
        // the connection dropped again; the next reconnect retries
      }
    }
  });

  auto builder = ::mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_3_1_1)
                     .clean_session(options_.clean_session)
                     .keep_alive_interval(std::chrono::seconds(10))
                     .connect_timeout(options_.connect_timeout);
  if (!options_.username.empty()) builder.user_name(options_.username).password(options_.password);
  if (!options_.ca_file.empty()) {
    auto ssl = ::mqtt::ssl_options_builder().trust_store(options_.ca_file).finalize();
    if (!options_.cert_file.empty()) ssl.set_key_store(options_.cert_file);
    if (!options_.key_file.empty()) ssl.set_private_key(options_.key_file);
    builder.ssl(std::move(ssl));
  }
  if (options_.auto_reconnect) {
    builder.automatic_reconnect(std::chrono::milliseconds(100), std::chrono::seconds(1));
  }
  if (!client_->connect(builder.finalize())
           ->wait_for(options_.connect_timeout + std::chrono::seconds(1))) {
    throw std::runtime_error("subscriber " + options_.client_id + ": connect timed out");
  }
  if (!client_->subscribe(filter_, options_.qos)->wait_for(options_.connect_timeout)) {
    throw std::runtime_error("subscriber " + options_.client_id + ": subscribe timed out");
  }
  std::lock_guard lock(mutex_);
  subscribed_once_ = true;
}

MqttTestSubscriber::~MqttTestSubscriber() {
  try {
    if (client_->is_connected()) client_->disconnect()->wait_for(std::chrono::seconds(2));
  } catch (const ::mqtt::exception&) {
    // the broker is gone already; nothing to say goodbye to
  }
}

bool MqttTestSubscriber::wait_for(std::size_t count, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return arrived_.wait_for(lock, timeout, [&] { return messages_.size() >= count; });
}

std::vector<ReceivedMessage> MqttTestSubscriber::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t MqttTestSubscriber::count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

void MqttTestSubscriber::clear() {
  std::lock_guard lock(mutex_);
  messages_.clear();
}

bool MqttTestSubscriber::connected() const {
  return client_->is_connected();
}

bool MqttTestSubscriber::wait_connected(std::chrono::milliseconds timeout) {
  return eventually([&] { return client_->is_connected(); }, timeout);
}

}  // namespace vigil::testing
