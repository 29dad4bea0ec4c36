#include "vigil/journal/phase_log.hpp"

#include <malloc.h>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

namespace vigil::journal {
namespace {

double cpu_seconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  auto secs = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  return secs(usage.ru_utime) + secs(usage.ru_stime);
}

// "VmRSS:    1234 kB" -> MiB.
double status_mib(const std::string& key) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(key, 0) == 0) return std::strtod(line.c_str() + key.size(), nullptr) / 1024.0;
  }
  return 0;
}

}  // namespace

PhaseLog::PhaseLog(std::string_view what)
    : enabled_(std::getenv("VIGIL_PHASES") != nullptr), what_(what) {
  if (!enabled_) return;
  last_wall_ = std::chrono::steady_clock::now();
  last_cpu_s_ = cpu_seconds();
}

void PhaseLog::mark(std::string_view phase) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  const double cpu = cpu_seconds();
  const auto heap = ::mallinfo2();
  std::fprintf(stderr,
               "phase %.*s %-28.*s wall %7.3f s  cpu %7.3f s  rss %7.1f MiB  hwm %7.1f MiB  "
               "malloc in use %7.1f MiB\n",
               static_cast<int>(what_.size()), what_.data(), static_cast<int>(phase.size()),
               phase.data(), std::chrono::duration<double>(now - last_wall_).count(),
               cpu - last_cpu_s_, status_mib("VmRSS:"), status_mib("VmHWM:"),
               static_cast<double>(heap.uordblks + heap.hblkhd) / 1048576.0);
  last_wall_ = now;
  last_cpu_s_ = cpu;
}

}  // namespace vigil::journal
