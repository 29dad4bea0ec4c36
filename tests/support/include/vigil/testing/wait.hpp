// Waiting in tests without fixed sleeps: poll a condition until it holds or a
// deadline passes. Use the result in an assertion, so a slow machine makes a
// test slower, never wrong.
#pragma once

#include <chrono>
#include <thread>

namespace vigil::testing {

// Polls `condition` every `poll` until it returns true (returns true) or
// `timeout` passes (returns false).
template <class Condition>
bool eventually(Condition&& condition, std::chrono::milliseconds timeout,
                std::chrono::milliseconds poll = std::chrono::milliseconds(10)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(poll);
  }
  return true;
}

}  // namespace vigil::testing
