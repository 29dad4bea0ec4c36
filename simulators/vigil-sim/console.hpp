// What vigil-sim prints: one line per happening, wall-clock stamped, written
// whole even when the Modbus server, the GPIO chip and the scenario thread
// all report at once, and flushed at once so `vigil-sim | tee` shows it live.
#pragma once

#include <mutex>
#include <string_view>

namespace vigil::sim {

class Console {
 public:
  // "15:36:57.123 lobby-main lock: UNLOCKED"
  void print(std::string_view text);
  // Without a timestamp: banners, replies to hand commands.
  void plain(std::string_view text);

 private:
  std::mutex mutex_;
};

}  // namespace vigil::sim
