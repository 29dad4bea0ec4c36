#include "vigil/app/pin_verifier.hpp"

#include "vigil/app/clocks.hpp"
#include "vigil/core/pin_hash.hpp"

namespace vigil::app {

PinVerifier::PinVerifier(boost::asio::io_context& io, Deliver deliver)
    : io_(io), deliver_(std::move(deliver)), thread_([this] { run(); }) {}

PinVerifier::~PinVerifier() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
  alive_.reset();
}

void PinVerifier::submit(core::PinCheck check) {
  {
    std::lock_guard lock(mutex_);
    queue_.push_back(std::move(check));
  }
  wake_.notify_one();
}

void PinVerifier::run() {
  for (;;) {
    core::PinCheck check;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (stopping_) return;
      check = std::move(queue_.front());
      queue_.pop_front();
    }
    // The PIN is checked against this holder's hash only: a duress form that
    // is someone else's PIN is still this holder's duress (pin_hash.hpp).
    const core::PinVerdict verdict = core::check_pin(check.entered, check.stored);
    // A verdict posted just before the verifier is destroyed is dropped.
    boost::asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), reader = check.reader,
                            attempt = check.attempt, verdict] {
      if (alive.lock())
        deliver_(core::PinChecked{reader, attempt, verdict, wall_now(), mono_now()});
    });
  }
}

}  // namespace vigil::app
