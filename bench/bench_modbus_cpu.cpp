// CPU of polling N Modbus TCP modules at 20 Hz (issue 9's measure: 32
// modules under 5% of one core), for three ways of threading the polls:
//   per-module  one bus thread per module (what vigild did before issue 9)
//   pool        the TCP modules dealt over 4 bus threads (what vigild does)
//   one         every module on one bus thread
// The simulated modules run in a forked child, so only the master's CPU is
// counted (getrusage of this process over the measuring window).
//
//   build/bench/bench_modbus_cpu MODE [MODULES=32] [SECONDS=20]
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "vigil/modbus/io_module.hpp"
#include "vigil/modbus/modbus_bus.hpp"
#include "vigil/sim/modbus_io_server.hpp"

using namespace std::chrono_literals;
using vigil::modbus::ModbusBus;
using vigil::modbus::ModbusBusMember;
using vigil::modbus::ModbusIoOptions;

namespace {

double cpu_seconds() {
  rusage u{};
  ::getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

// The child: N servers on loopback, their ports written to `out`, served
// until `hold` reaches end of file (the parent closed it or died).
[[noreturn]] void serve_modules(int n, int out, int hold) {
  std::vector<std::unique_ptr<vigil::sim::ModbusIoServer>> servers;
  for (int i = 0; i < n; ++i) {
    servers.push_back(std::make_unique<vigil::sim::ModbusIoServer>());
    const std::uint16_t port = servers.back()->port();
    if (::write(out, &port, sizeof port) != sizeof port) std::_Exit(1);
  }
  ::close(out);
  char c = 0;
  while (::read(hold, &c, 1) > 0) {
  }
  for (auto& s : servers) s->stop();
  std::_Exit(0);
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "pool";
  const int n = argc > 2 ? std::atoi(argv[2]) : 32;
  const int seconds = argc > 3 ? std::atoi(argv[3]) : 20;
  if (mode != "pool" && mode != "per-module" && mode != "one") {
    std::fprintf(stderr, "usage: %s pool|per-module|one [MODULES] [SECONDS]\n", argv[0]);
    return 2;
  }
  int ports_pipe[2];
  int hold_pipe[2];
  if (::pipe(ports_pipe) != 0 || ::pipe(hold_pipe) != 0) return 1;
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(ports_pipe[0]);
    ::close(hold_pipe[1]);
    serve_modules(n, ports_pipe[1], hold_pipe[0]);
  }
  ::close(ports_pipe[1]);
  ::close(hold_pipe[0]);

  std::vector<ModbusIoOptions> options;
  for (int i = 0; i < n; ++i) {
    std::uint16_t port = 0;
    if (::read(ports_pipe[0], &port, sizeof port) != sizeof port) return 1;
    ModbusIoOptions o;
    o.device = vigil::core::DeviceId{"io" + std::to_string(i)};
    o.port = port;
    o.poll_period = 50ms;  // 20 Hz
    options.push_back(o);
  }

  std::atomic<int> online{0};
  auto callbacks = [&] {
    vigil::modbus::ModbusIoCallbacks c;
    c.on_status = [&](bool up, const std::string&, vigil::core::TimePoint, vigil::core::MonoTime) {
      online += up ? 1 : -1;
    };
    return c;
  };
  std::vector<std::unique_ptr<ModbusBus>> buses;
  const int threads = mode == "pool" ? 4 : mode == "one" ? 1 : n;
  for (const auto& group : vigil::modbus::plan_buses(options, threads)) {
    std::vector<ModbusBusMember> members;
    for (std::size_t i : group) members.push_back({options[i], callbacks()});
    buses.push_back(std::make_unique<ModbusBus>(std::move(members)));
  }
  const auto deadline = std::chrono::steady_clock::now() + 10s;
  while (online.load() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(10ms);
  }
  std::this_thread::sleep_for(1s);  // settle

  auto polls = [&] {
    std::uint64_t total = 0;
    for (const auto& bus : buses)
      for (const auto& id : bus->devices()) total += bus->counters(id).polls;
    return total;
  };
  const std::uint64_t polls_before = polls();
  const double cpu_before = cpu_seconds();
  const auto wall_before = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double cpu = cpu_seconds() - cpu_before;
  const double wall =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_before).count();
  const std::uint64_t done = polls() - polls_before;

  for (auto& bus : buses) bus->stop();
  ::close(hold_pipe[1]);
  ::waitpid(child, nullptr, 0);
  std::printf(
      "mode=%s modules=%d threads=%zu online=%d polls/s=%.0f (want %d) cpu=%.2f%% of one core\n",
      mode.c_str(), n, buses.size(), online.load(), static_cast<double>(done) / wall, n * 20,
      100.0 * cpu / wall);
  return 0;
}
