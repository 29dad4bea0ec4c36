// PinVerifier: checks typed PINs off the event loop (issue 8). The core asks
// with a core::PinCheck (the typed PIN and the holder's stored hash); a
// worker thread runs the PBKDF2s (core::check_pin, tens of milliseconds)
// and posts a core::PinChecked back onto the loop, so no door decision ever
// waits behind a hash. Checks run one at a time, in the order asked.
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>

#include "vigil/app/asio.hpp"
#include "vigil/core/input.hpp"

namespace vigil::app {

class PinVerifier {
 public:
  using Deliver = std::function<void(const core::Input&)>;  // called on io's thread

  PinVerifier(boost::asio::io_context& io, Deliver deliver);
  ~PinVerifier();  // stops: checks not yet run are dropped (their sessions time out)
  PinVerifier(const PinVerifier&) = delete;
  PinVerifier& operator=(const PinVerifier&) = delete;

  void submit(core::PinCheck check);

 private:
  void run();

  boost::asio::io_context& io_;
  Deliver deliver_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<core::PinCheck> queue_;
  bool stopping_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // expires posted verdicts
  std::thread thread_;
};

}  // namespace vigil::app
