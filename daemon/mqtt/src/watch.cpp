#include "vigil/mqtt/watch.hpp"

#include <mqtt/async_client.h>
#include <unistd.h>

namespace vigil::mqtt {
namespace {

::mqtt::connect_options watch_options(const WatchBroker& b) {
  auto options = ::mqtt::connect_options_builder()
                     .mqtt_version(MQTTVERSION_3_1_1)
                     .clean_session(true)  // a watch shows what happens now, not a backlog
                     .keep_alive_interval(std::chrono::seconds(10))
                     .connect_timeout(std::chrono::seconds(5))
                     .finalize();
  if (!b.username.empty()) {
    options.set_user_name(b.username);
    options.set_password(b.password);
  }
  if (!b.ca_file.empty()) {
    auto ssl = ::mqtt::ssl_options_builder()
                   .trust_store(b.ca_file)
                   .enable_server_cert_auth(true)
                   .verify(b.verify_hostname)
                   .ssl_version(MQTT_SSL_VERSION_TLS_1_2)
                   .finalize();
    if (!b.cert_file.empty()) ssl.set_key_store(b.cert_file);
    if (!b.key_file.empty()) ssl.set_private_key(b.key_file);
    options.set_ssl(std::move(ssl));
  }
  return options;
}

}  // namespace

std::string watch_topics(const WatchBroker& broker, const std::vector<std::string>& filters,
                         const std::function<void(const WatchMessage&)>& on_message,
                         const std::function<void(bool up, const std::string& why)>& on_link,
                         const std::function<bool()>& stop, std::chrono::milliseconds poll) {
  const bool ipv6 = broker.host.find(':') != std::string::npos;
  const std::string uri = std::string{broker.ca_file.empty() ? "tcp://" : "ssl://"} +
                          (ipv6 ? "[" + broker.host + "]" : broker.host) + ":" +
                          std::to_string(broker.port);
  const auto options = watch_options(broker);
  bool ever_connected = false;
  while (!stop()) {
    try {
      // A fresh client per connection, so nothing of a lost one lingers.
      ::mqtt::async_client client(uri, "vigilctl-watch-" + std::to_string(::getpid()));
      client.start_consuming();
      auto connecting = client.connect(options);
      while (!connecting->wait_for(poll)) {
        if (stop()) return {};
      }
      for (const auto& filter : filters) client.subscribe(filter, 1)->wait_for(poll * 10);
      ever_connected = true;
      on_link(true, {});
      while (!stop()) {
        ::mqtt::const_message_ptr m;
        if (client.try_consume_message_for(&m, poll)) {
          if (!m) break;  // Paho's marker: the connection was lost
          on_message(WatchMessage{m->get_topic(), m->to_string(), m->is_retained()});
        } else if (!client.is_connected()) {
          break;
        }
      }
      if (stop()) {
        try {
          client.disconnect()->wait_for(std::chrono::seconds(1));
        } catch (const ::mqtt::exception&) {
          // gone already
        }
        return {};
      }
      on_link(false, "connection to " + uri + " lost");
    } catch (const ::mqtt::exception& e) {
      if (!ever_connected) return uri + ": " + e.what();
      on_link(false, uri + ": " + e.what());
    }
    // Retry, but not in a tight loop while the broker is away.
    for (int i = 0; i < 5 && !stop(); ++i) ::usleep(static_cast<useconds_t>(poll.count() * 1000));
  }
  return {};
}

}  // namespace vigil::mqtt
