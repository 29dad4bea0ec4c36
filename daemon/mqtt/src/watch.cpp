#include "vigil/mqtt/watch.hpp"

#include <mqtt/async_client.h>
#include <unistd.h>

#include "vigil/mqtt/connect_options.hpp"

namespace vigil::mqtt {
std::string watch_topics(const WatchBroker& broker, const std::vector<std::string>& filters,
                         const std::function<void(const WatchMessage&)>& on_message,
                         const std::function<void(bool up, const std::string& why)>& on_link,
                         const std::function<bool()>& stop, std::chrono::milliseconds poll) {
  const std::string uri = server_uri(broker.host, broker.port, !broker.ca_file.empty());
  // Clean: a watch shows what happens now, not a backlog.
  const auto options =
      connect_options({broker.username,
                       broker.password,
                       {broker.ca_file, broker.cert_file, broker.key_file, broker.verify_hostname}},
                      std::chrono::seconds(10), std::chrono::seconds(5));
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
