// The sender's connection: a fresh Paho client per attempt, connect (with
// the MQTT version fallback), the status announced on every connect, drop
// and the clean goodbye (sender.hpp).
#include <string>

#include "sender.hpp"
#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {
namespace {

std::string client_id(const PublisherConfig& c) {
  return c.client_id.empty() ? "vigil-" + c.site.str() + "-" + c.gateway.str() : c.client_id;
}

// Paho's return code when the broker refused the protocol version: a 3.1.1
// broker's CONNACK code 1, or MQTT 5's reason 0x84 (Unsupported Protocol
// Version).
bool refuses_version(int code) {
  return code == 1 || code == 0x84;
}

}  // namespace

::mqtt::connect_options Sender::options_for(int version) {
  // Clean (connect_options.hpp): Paho must not resend on its own; the outbox
  // resends, in order, exactly the rows the broker has not acknowledged.
  auto options =
      connect_options(config_.login(), config_.keepalive, config_.connect_timeout, version);
  // The same will under both versions: retained "offline", no expiry.
  options.set_will(::mqtt::will_options(topics_.status(), offline_, kQos, true));
  if (config_.tls.enabled()) {
    auto ssl = options.get_ssl_options();
    ssl.set_error_handler([this](const std::string& why) {
      std::lock_guard lock(mutex_);
      last_connect_error_ = "TLS: " + why;
    });
    options.set_ssl(std::move(ssl));
  }
  return options;
}

::mqtt::message_ptr Sender::message(const std::string& topic, const std::string& payload, int qos,
                                    bool retained, std::chrono::seconds expiry) const {
  auto msg = ::mqtt::make_message(topic, payload, qos, retained);
  if (version_ == 5 && expiry.count() > 0) {
    ::mqtt::properties props;
    props.add({::mqtt::property::MESSAGE_EXPIRY_INTERVAL, static_cast<int>(expiry.count())});
    msg->set_properties(props);
  }
  return msg;
}

void Sender::renew_client(int version) {
  if (client_) {
    // With a clean session Paho forgets what was written and not
    // acknowledged, but a publish it accepted and had not written yet stays
    // queued and goes out first on its next connection: ahead of the
    // outbox's resend from the oldest unacknowledged row, which would put
    // seq N+1 before N. Destroying the client (MQTTAsync_destroy) drops them.
    try {
      stale_discarded_ += client_->get_pending_delivery_tokens().size();
    } catch (const ::mqtt::exception&) {
      // only a count
    }
    client_.reset();
  }
  // No Paho persistence: the outbox is ours.
  client_ = std::make_unique<::mqtt::async_client>(
      server_uri(config_.host, config_.port, config_.tls.enabled()), client_id(config_),
      ::mqtt::create_options(version), nullptr);
  client_->set_connection_lost_handler([this](const std::string&) {
    {
      std::lock_guard lock(mutex_);
      lost_ = true;
      connected_ = false;
    }
    wake_.notify_all();
  });
}

bool Sender::connect_once() {
  // Whatever the previous client still holds (publishes accepted but never
  // written before the link dropped) must not reach the new connection.
  inflight_.clear();
  retained_inflight_.clear();
  ahead_.clear();
  outbox_unread_ = true;  // resent from the oldest unacknowledged row
  known_through_ = acked_through_;
  const int version = next_version_;
  renew_client(version);
  version_ = version == MQTTVERSION_5 ? 5 : 4;
  {
    std::lock_guard lock(mutex_);
    lost_ = false;
  }
  try {
    const auto deadline = Clock::now() + config_.connect_timeout + std::chrono::seconds(1);
    std::string refused;
    int code = 0;
    if (!completes(
            client_->connect(options_for(version)), deadline, [this] { return stop_requested(); },
            &refused, &code)) {
      ++connect_failures_;
      if (config_.protocol == "auto") {
        // A broker that answers MQTT 5 with "unacceptable protocol version"
        // speaks 3.1.1 only; a 3.1.1 attempt that fails may mean the broker
        // was replaced, so the next one asks for 5 again.
        if (version == MQTTVERSION_5 && refuses_version(code)) {
          next_version_ = MQTTVERSION_3_1_1;
        } else if (version == MQTTVERSION_3_1_1) {
          next_version_ = MQTTVERSION_5;
        }
      }
      {
        std::lock_guard lock(mutex_);
        if (!refused.empty()) last_connect_error_ = refused;
        if (last_connect_error_.empty()) last_connect_error_ = "no answer from the broker";
      }
      drop_connection();
      return false;
    }
    // Every (re)connect announces the gateway: the will may have set "offline"
    // while we were away, and a broker restarted without persistence forgot
    // the retained status altogether.
    std::string status;
    {
      std::lock_guard lock(mutex_);
      status = status_;
      status_sent_ = true;
    }
    auto announced = client_->publish(message(topics_.status(), status, kQos, true));
    if (!completes(announced, Clock::now() + config_.ack_timeout, [this] { return link_lost(); })) {
      drop_connection();
      return false;
    }
  } catch (const ::mqtt::exception&) {
    drop_connection();
    return false;
  }
  std::lock_guard lock(mutex_);
  if (lost_) return false;
  // A broker restarted without persistence forgot them.
  for (auto& [topic, slot] : retained_) slot.sent = slot.in_flight = false;
  last_connect_error_.clear();
  connected_ = true;
  ++connects_;
  return true;
}

void Sender::drop_connection() {
  connected_ = false;
  // Unacknowledged rows stay in the outbox; the next connect resends them
  // from the oldest, in order; every retained state goes again too.
  inflight_.clear();
  retained_inflight_.clear();
  ahead_.clear();
  known_through_ = acked_through_;
  try {
    client_->disconnect(std::chrono::milliseconds(0))->wait_for(std::chrono::seconds(1));
  } catch (const ::mqtt::exception&) {
    // already disconnected, or never got connected
  }
}

void Sender::say_goodbye() {
  if (!connected_) return;
  send_retained_and_wait();  // the checkpoint signed at a clean stop
  try {
    // Retained, so a console that subscribes later sees the gateway went away
    // on purpose; a clean disconnect makes the broker drop the will.
    auto token = client_->publish(message(topics_.status(), offline_, kQos, true));
    completes(token, Clock::now() + config_.ack_timeout, [this] { return link_lost(); });
    client_->disconnect(std::chrono::milliseconds(1000))->wait_for(std::chrono::seconds(2));
  } catch (const ::mqtt::exception&) {
    // the broker went away meanwhile: its will says offline for us
  }
  connected_ = false;
}

}  // namespace vigil::mqtt
