#include "short_client.hpp"

#include <mqtt/async_client.h>

#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {

std::optional<std::string> first_message(const PublisherConfig& broker, const OneExchange& exchange,
                                         std::chrono::milliseconds timeout, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  const std::string uri = server_uri(broker.host, broker.port, broker.tls.enabled());
  try {
    ::mqtt::async_client client(uri, exchange.client_id);
    client.start_consuming();
    const auto options = connect_options(
        broker.login(), broker.keepalive,
        std::chrono::duration_cast<std::chrono::milliseconds>(timeout), MQTTVERSION_3_1_1);
    if (!client.connect(options)->wait_for(timeout + std::chrono::seconds(1))) {
      return fail("cannot connect to " + uri);
    }
    if (!client.subscribe(exchange.subscribe, 1)->wait_for(timeout)) {
      return fail("cannot subscribe to " + exchange.subscribe + " at " + uri);
    }
    if (!exchange.publish_topic.empty()) {
      client
          .publish(::mqtt::make_message(exchange.publish_topic, exchange.publish_payload, 1, false))
          ->wait_for(timeout);
    }
    ::mqtt::const_message_ptr message;
    const bool got = client.try_consume_message_for(&message, timeout) && message;
    try {
      client.disconnect()->wait_for(std::chrono::seconds(1));
    } catch (const ::mqtt::exception&) {
      // gone already
    }
    if (!got) return fail(exchange.nothing);
    return message->to_string();
  } catch (const ::mqtt::exception& e) {
    return fail(uri + ": " + e.what());
  }
}

}  // namespace vigil::mqtt
