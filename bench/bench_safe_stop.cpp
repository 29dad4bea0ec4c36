// SIGTERM to every lock confirmed off, with 32 doors.
//
// Starts a real mosquitto, one libmodbus I/O module server with 32 lock coils,
// 32 contact inputs and 32 REX inputs, and the real vigild as a child process.
// Each round: vigild starts, every door is unlocked by a REX press (unlock
// time 30 s, so all 32 coils are energised), then vigild gets SIGTERM. The
// bench times, from the signal, the server seeing the last of the 32 coils go
// off and vigild's exit, and checks the journal: 32 door_relocked with
// cause=sigterm after the signal, and no output_failed. The latest of those
// events' times (the driver's read-back confirmation, wall clock) is reported
// too: signal to every lock confirmed.
//
// Usage: bench_safe_stop [rounds=5] [doors=32]; VIGIL_BENCH_LOG=1 prints vigild's log.
#include <signal.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <numeric>
#include <set>
#include <thread>
#include <vector>

#include "doors_site.hpp"
#include "vigil/core/attr.hpp"
#include "vigil/testing/wait.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;
using vigil::core::EventKind;

namespace {

struct Round {
  double last_coil_off_ms = 0;
  double exit_ms = 0;
  double confirmed_ms = 0;  // to the latest door_relocked event's time (driver confirmation)
  std::size_t relocked = 0;
  std::size_t failed = 0;
  bool ok = false;
};

double ms(Clock::duration d) {
  return std::chrono::duration<double, std::milli>(d).count();
}

void summary(const char* what, std::vector<double> v) {
  std::sort(v.begin(), v.end());
  std::printf("%-32s min=%7.2f ms median=%7.2f ms max=%7.2f ms\n", what, v.front(), v[v.size() / 2],
              v.back());
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  const int doors = argc > 2 ? std::max(1, std::atoi(argv[2])) : 32;

  vigil::bench::DoorsSite site({.doors = doors, .unlock_time = "30s"});
  std::mutex m;
  bool timing = false;
  std::set<int> off;
  Clock::time_point last_off{};
  site.io().on_coil_change([&](int index, bool value) {
    const auto now = Clock::now();
    std::lock_guard lock(m);
    if (!timing || value) return;
    off.insert(index);
    last_off = now;
  });

  std::vector<int> all(static_cast<std::size_t>(doors));
  std::iota(all.begin(), all.end(), 0);
  std::vector<Round> results;
  for (int r = 0; r < rounds; ++r) {
    Round round;
    site.start_vigild();
    const auto before = site.last_seq();
    if (!site.unlock_by_rex(all)) {
      std::fprintf(stderr, "round %d: not every coil came on\n", r);
      return 1;
    }
    // Every unlock confirmed and journalled before the signal.
    if (!vigil::testing::eventually(
            [&] {
              return site.events(EventKind::door_unlocked, before).size() >=
                     static_cast<std::size_t>(doors);
            },
            5s)) {
      std::fprintf(stderr, "round %d: %zu of %d door_unlocked journalled\n", r,
                   site.events(EventKind::door_unlocked, before).size(), doors);
    }
    const auto mark = site.last_seq();
    {
      std::lock_guard lock(m);
      off.clear();
      timing = true;
    }
    const auto signalled = Clock::now();
    const auto signalled_wall = std::chrono::system_clock::now();
    ::kill(site.vigild_pid(), SIGTERM);
    const bool exited = site.wait_vigild_exit(10s);
    const auto exit_at = Clock::now();
    {
      std::lock_guard lock(m);
      timing = false;
      round.ok = exited && off.size() == static_cast<std::size_t>(doors);
      round.last_coil_off_ms = ms(last_off - signalled);
    }
    round.exit_ms = ms(exit_at - signalled);
    for (const auto& e : site.events(EventKind::door_relocked, mark)) {
      if (vigil::core::attr_text(e.attrs, "cause") != "sigterm") continue;
      ++round.relocked;
      round.confirmed_ms = std::max(round.confirmed_ms, ms(e.time - signalled_wall));
    }
    round.failed = site.events(EventKind::output_failed, mark).size();
    const auto coils = site.io().coils();
    const bool all_off = std::none_of(coils.begin(), coils.end(), [](bool c) { return c; });
    std::printf(
        "round %d: last coil off %.2f ms, last relock confirmed %.2f ms, vigild exit %.2f ms, "
        "coils off seen %zu/%d, all off %s, door_relocked cause=sigterm %zu/%d, output_failed "
        "%zu\n",
        r, round.last_coil_off_ms, round.confirmed_ms, round.exit_ms, off.size(), doors,
        all_off ? "yes" : "NO", round.relocked, doors, round.failed);
    if (!round.ok || !all_off || round.relocked != static_cast<std::size_t>(doors)) {
      std::fprintf(stderr, "round %d failed; vigild log:\n%s\n", r, site.vigild_log().c_str());
      return 1;
    }
    if (std::getenv("VIGIL_BENCH_LOG") != nullptr)
      std::fprintf(stderr, "vigild log:\n%s\n", site.vigild_log().c_str());
    results.push_back(round);
  }
  std::vector<double> coil_ms, confirmed_ms, exit_ms;
  for (const auto& round : results) {
    coil_ms.push_back(round.last_coil_off_ms);
    confirmed_ms.push_back(round.confirmed_ms);
    exit_ms.push_back(round.exit_ms);
  }
  std::printf("%d doors, %d rounds\n", doors, rounds);
  summary("SIGTERM -> last coil off", coil_ms);
  summary("SIGTERM -> last relock confirmed", confirmed_ms);
  summary("SIGTERM -> vigild exit", exit_ms);
  return 0;
}
