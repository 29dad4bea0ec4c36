// A long-lived subscriber for `vigilctl watch`: connects to the broker (plain
// or TLS, with credentials), subscribes to a list of topic filters at QoS 1,
// hands every message to a callback, and reconnects (resubscribing) when the
// broker goes away, until told to stop. The line formatting lives in vigilctl.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace vigil::mqtt {

struct WatchBroker {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string username;
  std::string password;
  std::string ca_file;  // empty: plain TCP
  std::string cert_file;
  std::string key_file;
  bool verify_hostname = true;
};

struct WatchMessage {
  std::string topic;
  std::string payload;
  bool retained = false;
};

// Runs until stop() returns true (checked every `poll`). on_message and
// on_link (true: (re)subscribed, false: lost, with Paho's reason) run on the
// calling thread. Returns an empty string on a clean stop, or why the very
// first connection failed (a watch that never connected is a mistake the
// user must see; later outages are reported through on_link and retried).
// Never throws.
std::string watch_topics(const WatchBroker& broker, const std::vector<std::string>& filters,
                         const std::function<void(const WatchMessage&)>& on_message,
                         const std::function<void(bool up, const std::string& why)>& on_link,
                         const std::function<bool()>& stop,
                         std::chrono::milliseconds poll = std::chrono::milliseconds(200));

}  // namespace vigil::mqtt
