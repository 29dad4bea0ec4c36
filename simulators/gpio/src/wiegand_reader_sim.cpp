#include "vigil/sim/wiegand_reader_sim.hpp"

#include <time.h>

#include <cstdint>

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

}  // namespace

WiegandReaderSim::WiegandReaderSim(SimChipServer& chip, std::uint32_t d0_line,
                                   std::uint32_t d1_line, WiegandTiming timing)
    : chip_(chip), d0_(d0_line), d1_(d1_line), timing_(timing) {
  chip_.set_input(d0_, true);
  chip_.set_input(d1_, true);
}

void WiegandReaderSim::send(const std::vector<bool>& bits) {
  if (bits.empty()) return;
  std::lock_guard lock(mutex_);
  // The frame's timeline is fixed when it starts, as a reader's clock fixes
  // it; it reaches the chip once the last pulse has ended.
  const auto start = monotonic_now();
  std::vector<SimChipServer::TimedLevel> changes;
  changes.reserve(2 * bits.size());
  for (std::size_t i = 0; i < bits.size(); ++i) {
    const std::uint32_t line = bits[i] ? d1_ : d0_;
    const auto fell = start + timing_.bit_interval * static_cast<std::int64_t>(i);
    changes.push_back({line, false, fell});
    changes.push_back({line, true, fell + timing_.pulse_width});
  }
  sleep_until(changes.back().at);
  chip_.drive_frame(changes);
}

}  // namespace vigil::sim
