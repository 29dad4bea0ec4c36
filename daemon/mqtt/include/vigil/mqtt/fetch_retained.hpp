// Reads the retained message of one topic (the newest signed checkpoint, for
// `vigilctl log verify --broker`): connect with a clean session, subscribe,
// take the first message if it arrives within the timeout, disconnect.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

namespace vigil::mqtt {

// nullopt with `error` set when the broker cannot be reached or nothing is
// retained on `topic` within `timeout`. Never throws.
std::optional<std::string> fetch_retained(const std::string& host, std::uint16_t port,
                                          const std::string& topic,
                                          std::chrono::milliseconds timeout, std::string* error);

}  // namespace vigil::mqtt
