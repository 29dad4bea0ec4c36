#include <mqtt/async_client.h>
#include <unistd.h>

#include "vigil/mqtt/command_link.hpp"

namespace vigil::mqtt {

std::optional<std::string> request_reply(const PublisherConfig& broker, const std::string& topic,
                                         const std::string& payload, const std::string& reply_topic,
                                         std::chrono::milliseconds timeout, std::string* error) {
  auto fail = [&](const std::string& why) -> std::optional<std::string> {
    if (error) *error = why;
    return std::nullopt;
  };
  const bool ipv6 = broker.host.find(':') != std::string::npos;
  const std::string uri = std::string(broker.tls.enabled() ? "ssl://" : "tcp://") +
                          (ipv6 ? "[" + broker.host + "]" : broker.host) + ":" +
                          std::to_string(broker.port);
  try {
    ::mqtt::async_client client(uri, "vigilctl-cmd-" + std::to_string(::getpid()));
    client.start_consuming();
    auto options = ::mqtt::connect_options_builder()
                       .mqtt_version(MQTTVERSION_3_1_1)
                       .clean_session(true)
                       .connect_timeout(timeout)
                       .finalize();
    if (!broker.username.empty()) {
      options.set_user_name(broker.username);
      options.set_password(broker.password);
    }
    if (broker.tls.enabled()) {
      auto ssl = ::mqtt::ssl_options_builder()
                     .trust_store(broker.tls.ca_file)
                     .enable_server_cert_auth(true)
                     .verify(broker.tls.verify_hostname)
                     .finalize();
      if (!broker.tls.cert_file.empty()) ssl.set_key_store(broker.tls.cert_file);
      if (!broker.tls.key_file.empty()) ssl.set_private_key(broker.tls.key_file);
      options.set_ssl(std::move(ssl));
    }
    if (!client.connect(options)->wait_for(timeout + std::chrono::seconds(1))) {
      return fail("cannot connect to " + uri);
    }
    // Subscribed before publishing: the reply cannot slip past.
    if (!client.subscribe(reply_topic, 1)->wait_for(timeout)) return fail("cannot subscribe");
    client.publish(::mqtt::make_message(topic, payload, 1, false))->wait_for(timeout);
    ::mqtt::const_message_ptr message;
    const bool got = client.try_consume_message_for(&message, timeout) && message;
    try {
      client.disconnect()->wait_for(std::chrono::seconds(1));
    } catch (const ::mqtt::exception&) {
      // gone already
    }
    if (!got) return fail("no reply on " + reply_topic + " within the timeout");
    return message->to_string();
  } catch (const ::mqtt::exception& e) {
    return fail(uri + ": " + e.what());
  }
}

}  // namespace vigil::mqtt
