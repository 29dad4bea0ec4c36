// The outbox sender's rate limit: a token bucket over explicit times (no
// clock inside, so it is tested on given instants). Messages go at `per_second`
// on average; rate left unused while the sender was held up (a slow PUBACK,
// a delete) is kept up to `credit` and spent at once afterwards, so a stall
// is made up for instead of lost, while the sender's window still bounds how
// many messages are on the wire at a time.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>

namespace vigil::mqtt {

class RateLimit {
 public:
  using Clock = std::chrono::steady_clock;

  // per_second 0: no limit.
  RateLimit(std::uint32_t per_second, Clock::duration credit)
      : gap_(per_second == 0
                 ? Clock::duration::zero()
                 : std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) /
                       per_second),
        credit_(credit) {}

  // The limit of a sender with `window` messages in flight: the unused rate
  // it keeps is 100 ms of it, or a window's worth at low rates.
  static RateLimit for_window(std::uint32_t per_second, std::size_t window) {
    if (per_second == 0) return RateLimit(0, Clock::duration::zero());
    const auto window_time = std::chrono::duration_cast<Clock::duration>(std::chrono::seconds(1)) *
                             static_cast<std::int64_t>(std::max<std::size_t>(window, 1)) /
                             per_second;
    return RateLimit(per_second,
                     std::max<Clock::duration>(std::chrono::milliseconds(100), window_time));
  }

  // True, and the slot taken, when a message may go at `now`.
  bool take(Clock::time_point now) {
    if (gap_ == Clock::duration::zero()) return true;
    // Never more unused rate than the credit: at most credit / gap go at once.
    next_ = std::max(next_, now - std::max(credit_ - gap_, Clock::duration::zero()));
    if (next_ > now) return false;
    next_ += gap_;
    return true;
  }
  // When the next message may go (in the past when one may go now).
  Clock::time_point next() const { return next_; }
  bool limited() const { return gap_ != Clock::duration::zero(); }

 private:
  Clock::duration gap_;
  Clock::duration credit_;
  Clock::time_point next_{};
};

}  // namespace vigil::mqtt
