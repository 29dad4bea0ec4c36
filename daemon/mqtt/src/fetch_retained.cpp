#include "vigil/mqtt/fetch_retained.hpp"

#include <unistd.h>

#include "short_client.hpp"
#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {

std::optional<std::string> fetch_retained(const PublisherConfig& broker, const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error) {
  return first_message(broker,
                       {.client_id = "vigilctl-" + std::to_string(::getpid()),
                        .subscribe = topic,
                        .publish_topic = {},
                        .publish_payload = {},
                        .nothing = "nothing retained on " + topic + " at " +
                                   server_uri(broker.host, broker.port, broker.tls.enabled())},
                       timeout, error);
}

std::optional<std::string> fetch_retained(const std::string& host, std::uint16_t port,
                                          const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error) {
  PublisherConfig broker;
  broker.host = host;
  broker.port = port;
  return fetch_retained(broker, topic, timeout, error);
}

}  // namespace vigil::mqtt
