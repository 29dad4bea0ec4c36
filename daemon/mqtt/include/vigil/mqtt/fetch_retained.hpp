// Reads the retained message of one topic (the newest signed checkpoint, for
// `vigilctl log verify --broker`): connect with a clean session, subscribe,
// take the first message if it arrives within the timeout, disconnect. Plain
// or TLS, with the broker's credentials (the PublisherConfig overload).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "vigil/mqtt/publisher.hpp"

namespace vigil::mqtt {

// nullopt with `error` set when the broker cannot be reached or nothing is
// retained on `topic` within `timeout`. Never throws. Uses host, port, the
// login (TLS, user name, password) and keep-alive of `broker`.
std::optional<std::string> fetch_retained(const PublisherConfig& broker, const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error);

// The same over plain TCP without credentials.
std::optional<std::string> fetch_retained(const std::string& host, std::uint16_t port,
                                          const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error);

}  // namespace vigil::mqtt
