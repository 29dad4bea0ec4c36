// vigilctl's short-lived clients (fetch_retained, request_reply): connect
// with a clean session (plain or TLS, with credentials), subscribe to one
// topic, optionally publish one message, take the first message that arrives
// on the subscription within the timeout, disconnect. Private to vigil_mqtt.
#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "vigil/mqtt/publisher.hpp"

namespace vigil::mqtt {

struct OneExchange {
  std::string client_id;  // e.g. "vigilctl-<pid>"
  std::string subscribe;  // at QoS 1
  // Published at QoS 1, not retained, after the subscription is in place,
  // so an answer cannot slip past. Empty topic: nothing is published.
  std::string publish_topic;
  std::string publish_payload;
  std::string nothing;  // the error when no message arrives in time
};

// The first message's payload, or nullopt with `error` set (cannot connect,
// cannot subscribe, `exchange.nothing`). Never throws.
std::optional<std::string> first_message(const PublisherConfig& broker, const OneExchange& exchange,
                                         std::chrono::milliseconds timeout, std::string* error);

}  // namespace vigil::mqtt
