#include "console.hpp"

#include <chrono>
#include <cstdio>
#include <ctime>

namespace vigil::sim {

void Console::print(std::string_view text) {
  const auto now = std::chrono::system_clock::now();
  const std::time_t seconds = std::chrono::system_clock::to_time_t(now);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm local{};
  ::localtime_r(&seconds, &local);
  char stamp[32];
  std::snprintf(stamp, sizeof stamp, "%02d:%02d:%02d.%03d", local.tm_hour, local.tm_min,
                local.tm_sec, static_cast<int>(millis));
  std::lock_guard lock(mutex_);
  std::fprintf(stdout, "%s %.*s\n", stamp, static_cast<int>(text.size()), text.data());
  std::fflush(stdout);
}

void Console::plain(std::string_view text) {
  std::lock_guard lock(mutex_);
  std::fprintf(stdout, "%.*s\n", static_cast<int>(text.size()), text.data());
  std::fflush(stdout);
}

}  // namespace vigil::sim
