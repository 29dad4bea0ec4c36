// CPU of the whole vigild (event loop, core, journal, Modbus pool, MQTT)
// polling N Modbus TCP modules at 20 Hz: issue 9's measure (aim: under 5% of
// one core for 32 modules). The modules are libmodbus servers in this
// process; vigild is the real daemon on a config written for them
// (bench/doors_site.*: io1 carries 4 doors, io2.. are plain 8-in/8-out
// modules). vigild's user+system time comes from /proc/PID/stat.
//
//   build/bench/bench_vigild_cpu [MODULES=32] [SECONDS=20]
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <thread>

#include "doors_site.hpp"

namespace {

// utime + stime of `pid` in seconds.
double cpu_seconds(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  const std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // Fields after the command name (which may hold spaces) start after ") ".
  std::istringstream rest(stat.substr(stat.rfind(')') + 2));
  std::string field;
  unsigned long long utime = 0;
  unsigned long long stime = 0;
  for (int i = 3; i <= 15 && rest >> field; ++i) {
    if (i == 14) utime = std::stoull(field);
    if (i == 15) stime = std::stoull(field);
  }
  return static_cast<double>(utime + stime) / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

}  // namespace

int main(int argc, char** argv) {
  const int modules = argc > 1 ? std::atoi(argv[1]) : 32;
  const int seconds = argc > 2 ? std::atoi(argv[2]) : 20;
  vigil::bench::DoorsSite site({.doors = 4,
                                .unlock_time = "5s",
                                .poll = "50ms",
                                .watchdog = {},
                                .extra_modules = modules - 1});
  site.start_vigild();
  std::this_thread::sleep_for(std::chrono::seconds(2));  // every module online, start-up done
  const pid_t pid = site.vigild_pid();
  const double cpu0 = cpu_seconds(pid);
  const auto answered0 = site.requests_answered();
  const auto t0 = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu = cpu_seconds(pid) - cpu0;
  const double wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double rate = static_cast<double>(site.requests_answered() - answered0) / wall;
  std::printf(
      "vigild, %d Modbus TCP modules at 20 Hz: requests/s=%.0f (want %d) cpu=%.2f%% of one core "
      "over %.0f s\n",
      modules, rate, 20 * modules, 100.0 * cpu / wall, wall);
  return 0;
}
