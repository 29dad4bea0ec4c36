// kill -9 to coil off: how long after its master dies does an I/O module's
// own watchdog drop an energised lock coil?
//
// For each watchdog timeout and round: starts the simulated module (libmodbus
// server on a loopback port), spawns the test-only master process
// (modbus_watchdog_master: ModbusIoModule with the watchdog armed) which
// energises coil 2 and says "ready", SIGKILLs it, and timestamps the module's
// coil change on the server thread. Prints min / median / max latency from
// the kill to the coil off, and the worst overshoot past the timeout.
//
// Usage: bench_watchdog_kill [rounds=5]
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "vigil/sim/modbus_io_server.hpp"

namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::milliseconds;

constexpr int kCoil = 2;

// Spawns the master with stdout on a pipe; its pid, or -1.
pid_t spawn_master(std::uint16_t port, milliseconds watchdog, int& out) {
  int fds[2];
  if (::pipe(fds) != 0) return -1;
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    ::close(fds[0]);
    ::close(fds[1]);
    const std::string p = std::to_string(port);
    const std::string w = std::to_string(watchdog.count());
    const std::string c = std::to_string(kCoil);
    ::execl(VIGIL_WATCHDOG_MASTER, VIGIL_WATCHDOG_MASTER, p.c_str(), w.c_str(), c.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  out = fds[0];
  return pid;
}

bool wait_ready(int fd) {
  std::string seen;
  char buffer[64];
  pollfd p{fd, POLLIN, 0};
  while (seen.find("ready\n") == std::string::npos) {
    if (::poll(&p, 1, 10'000) <= 0) return false;
    const auto n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) return false;
    seen.append(buffer, static_cast<std::size_t>(n));
  }
  return true;
}

// One kill; the latency from SIGKILL to the coil off, or nothing on failure.
std::optional<milliseconds> one_round(milliseconds watchdog) {
  std::mutex mutex;
  std::condition_variable changed;
  std::optional<Clock::time_point> off_at;
  vigil::sim::ModbusIoServer server;
  server.on_coil_change([&](int index, bool value) {
    if (index != kCoil || value) return;
    {
      std::lock_guard lock(mutex);
      off_at = Clock::now();
    }
    changed.notify_one();
  });
  int out = -1;
  const pid_t pid = spawn_master(server.port(), watchdog, out);
  if (pid < 0) return std::nullopt;
  const bool ready = wait_ready(out);
  const auto killed = Clock::now();
  ::kill(pid, SIGKILL);
  int status = 0;
  ::waitpid(pid, &status, 0);
  ::close(out);
  if (!ready || !server.coil(kCoil)) return std::nullopt;
  std::unique_lock lock(mutex);
  if (!changed.wait_for(lock, watchdog + std::chrono::seconds{5},
                        [&] { return off_at.has_value(); })) {
    return std::nullopt;
  }
  return std::chrono::duration_cast<milliseconds>(*off_at - killed);
}

}  // namespace

int main(int argc, char** argv) {
  const int rounds = argc > 1 ? std::max(1, std::atoi(argv[1])) : 5;
  std::printf("%-12s %6s %8s %8s %8s %10s\n", "watchdog_ms", "rounds", "min_ms", "p50_ms", "max_ms",
              "overshoot");
  for (const milliseconds watchdog : {milliseconds{300}, milliseconds{1000}, milliseconds{2000}}) {
    std::vector<milliseconds> latencies;
    for (int i = 0; i < rounds; ++i) {
      const auto latency = one_round(watchdog);
      if (!latency) {
        std::fprintf(stderr, "watchdog %lld ms: round %d failed\n",
                     static_cast<long long>(watchdog.count()), i);
        return 1;
      }
      latencies.push_back(*latency);
    }
    std::sort(latencies.begin(), latencies.end());
    // The kill lands somewhere inside a poll period, so the latency is the
    // timeout minus up to one poll period, plus the module's reaction.
    std::printf("%-12lld %6d %8lld %8lld %8lld %+9lldms\n",
                static_cast<long long>(watchdog.count()), rounds,
                static_cast<long long>(latencies.front().count()),
                static_cast<long long>(latencies[latencies.size() / 2].count()),
                static_cast<long long>(latencies.back().count()),
                static_cast<long long>((latencies.back() - watchdog).count()));
  }
  return 0;
}
