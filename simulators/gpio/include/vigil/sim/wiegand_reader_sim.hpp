// A Wiegand reader on two lines of a sim chip. Both data lines idle high; each
// bit is a low pulse on D0 (bit 0) or D1 (bit 1). Timing is real: each pulse
// is pulse_width long and starts bit_interval after the previous one started,
// against CLOCK_MONOTONIC (sleep, then spin the last stretch). When the sim
// loses the CPU, the rest of the frame moves later rather than bunching up to
// catch up: a real reader's clock never runs fast, and a decoder must never
// see pulses closer than the interval. Each edge carries the time it was
// written to the socket.
#pragma once

#include <chrono>
#include <cstdint>
#include <mutex>
#include <vector>

#include "vigil/sim/sim_chip_server.hpp"

namespace vigil::sim {

struct WiegandTiming {
  std::chrono::microseconds pulse_width{50};
  std::chrono::microseconds bit_interval{2000};
};

class WiegandReaderSim {
 public:
  // Puts both lines at their idle (high) level.
  WiegandReaderSim(SimChipServer& chip, std::uint32_t d0_line, std::uint32_t d1_line,
                   WiegandTiming timing = {});

  // Emits one frame, bit 0 first; blocks for about bits.size() * bit_interval.
  // Frames on one reader never interleave.
  void send(const std::vector<bool>& bits);

  const WiegandTiming& timing() const { return timing_; }

 private:
  SimChipServer& chip_;
  std::uint32_t d0_;
  std::uint32_t d1_;
  WiegandTiming timing_;
  std::mutex mutex_;
};

}  // namespace vigil::sim
