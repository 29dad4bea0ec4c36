#include "vigil/mqtt/fetch_retained.hpp"

#include <mqtt/async_client.h>
#include <unistd.h>

namespace vigil::mqtt {

std::optional<std::string> fetch_retained(const std::string& host, std::uint16_t port,
                                          const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  const bool ipv6 = host.find(':') != std::string::npos;
  const std::string uri = "tcp://" + (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
  try {
    ::mqtt::async_client client(uri, "vigilctl-" + std::to_string(::getpid()));
    client.start_consuming();
    auto options = ::mqtt::connect_options_builder()
                       .mqtt_version(MQTTVERSION_3_1_1)
                       .clean_session(true)
                       .connect_timeout(timeout)
                       .finalize();
    if (!client.connect(options)->wait_for(timeout + std::chrono::seconds(1))) {
      return fail("cannot connect to " + uri);
    }
    client.subscribe(topic, 1)->wait_for(timeout);
    ::mqtt::const_message_ptr message;
    const bool got = client.try_consume_message_for(&message, timeout) && message;
    try {
      client.disconnect()->wait_for(std::chrono::seconds(1));
    } catch (const ::mqtt::exception&) {
      // gone already
    }
    if (!got) return fail("nothing retained on " + topic + " at " + uri);
    return message->to_string();
  } catch (const ::mqtt::exception& e) {
    return fail(uri + ": " + e.what());
  }
}

}  // namespace vigil::mqtt
