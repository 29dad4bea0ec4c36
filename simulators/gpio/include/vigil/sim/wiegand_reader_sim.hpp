// A Wiegand reader on two lines of a sim chip. Both data lines idle high; each
// bit is a low pulse on D0 (bit 0) or D1 (bit 1), pulse_width long, starting
// bit_interval after the previous one started (CLOCK_MONOTONIC). A real
// reader's microcontroller is never preempted mid-frame; a sim thread on a
// busy 2-core box is, by tens of milliseconds, and a frame sent edge by edge
// was then cut in two by the decoder's 25 ms close time. So the frame's
// timeline is fixed when it starts, and once its last pulse has ended its
// edges go to the daemon in one write, each carrying its scheduled time
// (SimChipServer::drive_frame): the daemon sees exactly the pulses a reader
// sends, however late the write.
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
  // Nothing is sent for no bits.
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
