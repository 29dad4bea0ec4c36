// SimGpioChip's event-loop state, shared by its two source files (the
// destructor needs the complete type).
#pragma once

#include <utility>  // Boost 1.74 Asio needs it first under C++20

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

#include "vigil/gpio/sim_gpio_chip.hpp"

namespace vigil::gpio {

struct SimGpioChip::Loop {
  explicit Loop(boost::asio::io_context& io) : socket(io), retry(io), debounce(io) {}
  boost::asio::posix::stream_descriptor socket;
  boost::asio::steady_timer retry;
  boost::asio::steady_timer debounce;
  std::chrono::milliseconds backoff{0};
};

}  // namespace vigil::gpio
