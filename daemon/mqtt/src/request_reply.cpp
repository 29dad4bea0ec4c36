#include <unistd.h>

#include "short_client.hpp"
#include "vigil/mqtt/command_link.hpp"

namespace vigil::mqtt {

std::optional<std::string> request_reply(const PublisherConfig& broker, const std::string& topic,
                                         const std::string& payload, const std::string& reply_topic,
                                         std::chrono::milliseconds timeout, std::string* error) {
  return first_message(broker,
                       {.client_id = "vigilctl-cmd-" + std::to_string(::getpid()),
                        .subscribe = reply_topic,
                        .publish_topic = topic,
                        .publish_payload = payload,
                        .nothing = "no reply on " + reply_topic + " within the timeout"},
                       timeout, error);
}

}  // namespace vigil::mqtt
