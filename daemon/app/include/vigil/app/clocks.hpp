// The shell's two clocks. Only the shell reads clocks; the core gets both
// readings on every input (core/time.hpp explains why there are two).
#pragma once

#include <chrono>

#include "vigil/core/time.hpp"

namespace vigil::app {

inline core::TimePoint wall_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::system_clock::now());
}

// steady_clock is CLOCK_MONOTONIC on Linux: the same clock the kernel (and
// the sim chip) stamp GPIO edges with, so driver timestamps convert directly.
inline core::MonoTime mono_now() {
  return std::chrono::time_point_cast<core::Duration>(std::chrono::steady_clock::now());
}

inline core::MonoTime mono_from(std::chrono::nanoseconds clock_monotonic) {
  return core::MonoTime{std::chrono::duration_cast<core::Duration>(clock_monotonic)};
}

}  // namespace vigil::app
