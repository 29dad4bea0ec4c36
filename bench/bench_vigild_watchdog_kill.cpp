// kill -9 of the real vigild to lock coil off through the I/O module's own
// communication watchdog.
//
// For each watchdog timeout: a demo-like site (3 doors on one simulated
// module, poll 50 ms, `watchdog: { timeout: T }`) with a real mosquitto and
// vigild as a child process. Each round starts vigild, waits until it armed
// the module's watchdog, unlocks door 0 by a REX press (unlock time 30 s),
// waits a random 0-200 ms so the kill lands anywhere in a poll period, then
// SIGKILLs vigild and times the module server dropping coil 0.
//
// Usage: bench_vigild_watchdog_kill [rounds=5]
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "doors_site.hpp"
#include "vigil/testing/wait.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::mt19937 random(12345);
  std::printf("%-12s %6s %8s %8s %8s %10s\n", "watchdog_ms", "rounds", "min_ms", "p50_ms", "max_ms",
              "overshoot");
  for (const auto& [name, watchdog] : {std::pair{"1s", 1000ms}, std::pair{"2s", 2000ms}}) {
    vigil::bench::DoorsSite site(
        {.doors = 3, .unlock_time = "30s", .poll = "50ms", .watchdog = name});
    std::mutex m;
    std::condition_variable changed;
    std::optional<Clock::time_point> off_at;
    site.io().on_coil_change([&](int index, bool value) {
      if (index != 0 || value) return;
      {
        std::lock_guard lock(m);
        off_at = Clock::now();
      }
      changed.notify_all();
    });
    std::vector<double> latencies;
    for (int r = 0; r < rounds; ++r) {
      site.start_vigild();
      if (!vigil::testing::eventually([&] { return site.io().watchdog().timeout == watchdog; },
                                      5s)) {
        std::fprintf(stderr, "watchdog %s: vigild did not arm the module watchdog\n", name);
        return 1;
      }
      if (!site.unlock_by_rex({0})) {
        std::fprintf(stderr, "watchdog %s round %d: door 0 did not unlock\n", name, r);
        return 1;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(random() % 200));
      {
        std::lock_guard lock(m);
        off_at.reset();
      }
      const auto trips = site.io().watchdog_trips();
      const auto killed = Clock::now();
      ::kill(site.vigild_pid(), SIGKILL);
      site.wait_vigild_exit(5s);
      std::unique_lock lock(m);
      if (!changed.wait_for(lock, watchdog + 5s, [&] { return off_at.has_value(); })) {
        std::fprintf(stderr, "watchdog %s round %d: coil 0 still on %lld ms after the kill\n", name,
                     r, static_cast<long long>((watchdog + 5s).count()));
        return 1;
      }
      latencies.push_back(std::chrono::duration<double, std::milli>(*off_at - killed).count());
      lock.unlock();
      std::printf("watchdog %s round %d: kill -> coil off %.1f ms (module trips %llu -> %llu)\n",
                  name, r, latencies.back(), static_cast<unsigned long long>(trips),
                  static_cast<unsigned long long>(site.io().watchdog_trips()));
    }
    std::sort(latencies.begin(), latencies.end());
    std::printf("%-12lld %6d %8.1f %8.1f %8.1f %+9.1fms\n",
                static_cast<long long>(watchdog.count()), rounds, latencies.front(),
                latencies[latencies.size() / 2], latencies.back(),
                latencies.back() - static_cast<double>(watchdog.count()));
  }
  return 0;
}
