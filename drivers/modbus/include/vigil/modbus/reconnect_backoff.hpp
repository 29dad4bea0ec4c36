// Delay between reconnect attempts to a Modbus device that stopped answering:
// starts short, so a dropped TCP session or a module reboot costs little, and
// doubles up to a ceiling, so a dead module on a shared RS-485 line does not
// eat the bus time of the live ones.
#pragma once

#include <algorithm>
#include <chrono>

namespace vigil::modbus {

class ReconnectBackoff {
 public:
  ReconnectBackoff(std::chrono::milliseconds first, std::chrono::milliseconds ceiling)
      : first_(first), ceiling_(std::max(first, ceiling)), next_(first) {}

  // The delay to wait now; the one after it is twice as long, up to the ceiling.
  std::chrono::milliseconds next() {
    const auto now = next_;
    next_ = std::min(next_ * 2, ceiling_);
    return now;
  }

  // The device answered: the next outage starts again from the first delay.
  void reset() { next_ = first_; }

 private:
  std::chrono::milliseconds first_;
  std::chrono::milliseconds ceiling_;
  std::chrono::milliseconds next_;
};

}  // namespace vigil::modbus
