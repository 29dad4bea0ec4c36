#include "vigil/sim/wiegand_reader_sim.hpp"

#include <pthread.h>
#include <sched.h>
#include <time.h>

namespace vigil::sim {
namespace {

// Sleeping is only accurate to tens of microseconds, so sleep to just short
// of the deadline and spin the rest: a 50 us pulse is shorter than a wake-up.
constexpr std::chrono::nanoseconds kSpinMargin = std::chrono::microseconds(200);

void sleep_until(std::chrono::nanoseconds deadline) {
  for (;;) {
    const auto now = monotonic_now();
    if (now >= deadline) return;
    if (deadline - now > kSpinMargin) {
      const auto wake = deadline - kSpinMargin;
      timespec ts{};
      ts.tv_sec =
          static_cast<time_t>(std::chrono::duration_cast<std::chrono::seconds>(wake).count());
      ts.tv_nsec = static_cast<long>((wake - std::chrono::seconds(ts.tv_sec)).count());
      ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
    }
  }
}

// A reader's microcontroller is never preempted mid-frame; a sim thread on a
// busy 2-core box is, by milliseconds. For the ~50 ms of a frame, run at a
// low real-time priority where that is allowed (root, CAP_SYS_NICE); where it
// is not, timing is best effort. The frame sleeps between bits, so this never
// starves the rest of the machine.
class RealtimeForFrame {
 public:
  RealtimeForFrame() {
    if (pthread_getschedparam(pthread_self(), &policy_, &param_) != 0) return;
    sched_param rt{};
    rt.sched_priority = 10;
    raised_ = pthread_setschedparam(pthread_self(), SCHED_FIFO, &rt) == 0;
  }
  ~RealtimeForFrame() {
    if (raised_) pthread_setschedparam(pthread_self(), policy_, &param_);
  }
  RealtimeForFrame(const RealtimeForFrame&) = delete;
  RealtimeForFrame& operator=(const RealtimeForFrame&) = delete;

 private:
  int policy_ = SCHED_OTHER;
  sched_param param_{};
  bool raised_ = false;
};

}  // namespace

WiegandReaderSim::WiegandReaderSim(SimChipServer& chip, std::uint32_t d0_line,
                                   std::uint32_t d1_line, WiegandTiming timing)
    : chip_(chip), d0_(d0_line), d1_(d1_line), timing_(timing) {
  chip_.set_input(d0_, true);
  chip_.set_input(d1_, true);
}

void WiegandReaderSim::send(const std::vector<bool>& bits) {
  std::lock_guard lock(mutex_);
  RealtimeForFrame realtime;
  std::chrono::nanoseconds next = monotonic_now();
  for (bool bit : bits) {
    const std::uint32_t line = bit ? d1_ : d0_;
    sleep_until(next);
    const auto fell = chip_.set_input(line, false).value_or(monotonic_now());
    sleep_until(fell + timing_.pulse_width);
    chip_.set_input(line, true);
    next = fell + timing_.bit_interval;
  }
}

}  // namespace vigil::sim
