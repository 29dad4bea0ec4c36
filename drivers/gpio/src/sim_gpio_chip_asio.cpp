// SimGpioChip on the daemon's io_context: the chip's socket, which carries
// every requested line's edges, is a posix::stream_descriptor read when it
// becomes readable; reconnect back-off and debounce deadlines are timers.
// No thread, no polling.
#include <utility>  // Boost 1.74 Asio needs it first under C++20

#include <unistd.h>

#include <stdexcept>

#include "sim_gpio_loop.hpp"

namespace vigil::gpio {

void SimGpioChip::start(boost::asio::io_context& io) {
  if (thread_.joinable() || loop_) throw std::logic_error("sim gpio chip: started twice");
  stopping_ = false;
  loop_ = std::make_unique<Loop>(io);
  loop_->backoff = options_.reconnect_min;
  asio_connect();
}

void SimGpioChip::asio_connect() {
  if (stopping_) return;
  const int fd = connect_once();
  if (fd < 0) {
    // Not up yet, or restarting: try again later, less often each time.
    loop_->retry.expires_after(loop_->backoff);
    loop_->backoff = std::min(loop_->backoff * 2, options_.reconnect_max);
    loop_->retry.async_wait([this](const boost::system::error_code& ec) {
      if (!ec) asio_connect();
    });
    return;
  }
  loop_->backoff = options_.reconnect_min;
  begin_connection(fd);
  loop_->socket.assign(fd);
  asio_wait_readable();
}

void SimGpioChip::asio_wait_readable() {
  loop_->socket.async_wait(boost::asio::posix::stream_descriptor::wait_read,
                           [this](const boost::system::error_code& ec) {
                             if (ec || stopping_) return;  // cancelled by stop()
                             std::string detail;
                             const int fd = loop_->socket.native_handle();
                             if (read_ready(fd, detail)) {
                               asio_arm_debounce();
                               asio_wait_readable();
                               return;
                             }
                             loop_->debounce.cancel();
                             end_connection(loop_->socket.release(), detail);
                             // A sim that accepts and drops us at once must not make this a busy
                             // loop.
                             loop_->retry.expires_after(options_.reconnect_min);
                             loop_->retry.async_wait([this](const boost::system::error_code& e) {
                               if (!e) asio_connect();
                             });
                           });
}

void SimGpioChip::asio_arm_debounce() {
  const auto next = debouncer_.next_deadline();
  if (!next) return;
  // steady_clock is CLOCK_MONOTONIC, the clock edge timestamps are on.
  loop_->debounce.expires_at(std::chrono::steady_clock::time_point(
      std::chrono::duration_cast<std::chrono::steady_clock::duration>(*next)));
  loop_->debounce.async_wait([this](const boost::system::error_code& ec) {
    if (ec || stopping_) return;
    deliver(debouncer_.poll(std::chrono::steady_clock::now().time_since_epoch()));
    asio_arm_debounce();
  });
}

void SimGpioChip::asio_stop() {
  stopping_ = true;
  loop_->retry.cancel();
  loop_->debounce.cancel();
  if (loop_->socket.is_open()) {
    loop_->socket.cancel();
    end_connection(loop_->socket.release(), "stopped");
  }
}

}  // namespace vigil::gpio
