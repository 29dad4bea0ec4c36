// Per-phase cost of a long operation (a people import, vigild's start-up),
// for the issue 8 measures: with the environment variable VIGIL_PHASES set,
// each mark() prints one line to stderr with the wall and CPU time since the
// previous mark, the process's resident and peak memory (VmRSS, VmHWM) and
// the bytes malloc has in use. Without it, mark() is one branch.
#pragma once

#include <chrono>
#include <string_view>

namespace vigil::journal {

class PhaseLog {
 public:
  explicit PhaseLog(std::string_view what);
  void mark(std::string_view phase);
  bool enabled() const { return enabled_; }

 private:
  bool enabled_ = false;
  std::string_view what_;
  std::chrono::steady_clock::time_point last_wall_{};
  double last_cpu_s_ = 0;
};

}  // namespace vigil::journal
