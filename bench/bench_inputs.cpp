// Issue 9's input measures, on the real drivers and simulators:
//   gpio N            sim GPIO chip: edge written by the sim -> edge handler on the
//                     daemon's io_context (the Asio descriptor path vigild uses)
//   modbus-tcp N MS   Modbus TCP: discrete input changed in the module -> on_input,
//                     polled every MS ms (changes land at random phases of the poll)
//   offline N         Modbus TCP module goes mute -> its offline report (vigild's
//                     defaults: poll 50 ms, timeout 500 ms, 3 failures)
//   rtu BAUD SECONDS  three RTU modules on one line paced at BAUD (8N1): bus cycle
//                     (every module polled once) against the wire-time limit
//
//   build/bench/bench_inputs gpio 2000
//   build/bench/bench_inputs modbus-tcp 300 50
//   build/bench/bench_inputs offline 10
//   build/bench/bench_inputs rtu 19200 20
#include <utility>  // before Asio: Boost 1.74 under -std=c++20

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "vigil/gpio/sim_gpio_chip.hpp"
#include "vigil/modbus/modbus_bus.hpp"
#include "vigil/sim/modbus_io_server.hpp"
#include "vigil/sim/rtu_line.hpp"
#include "vigil/sim/sim_chip_server.hpp"
#include "vigil/testing/temp_dir.hpp"

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

namespace {

// Latest value handed over by a callback thread, waited for by the driver.
template <typename T>
class Mailbox {
 public:
  void put(T value) {
    {
      std::lock_guard lock(mutex_);
      value_ = value;
    }
    cv_.notify_all();
  }
  std::optional<T> take(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!cv_.wait_for(lock, timeout, [&] { return value_.has_value(); })) return std::nullopt;
    auto v = value_;
    value_.reset();
    return v;
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  std::optional<T> value_;
};

void report(const char* what, std::vector<double> us, const char* unit = "us") {
  if (us.empty()) {
    std::printf("%s: no samples\n", what);
    return;
  }
  std::sort(us.begin(), us.end());
  auto at = [&](double q) {
    return us[static_cast<std::size_t>(q * static_cast<double>(us.size() - 1))];
  };
  std::printf("%s: n=%zu median=%.1f %s p99=%.1f %s min=%.1f max=%.1f\n", what, us.size(), at(0.5),
              unit, at(0.99), unit, us.front(), us.back());
}

int bench_gpio(int n) {
  vigil::testing::TempDir dir("vigil-bench-inputs");
  vigil::sim::SimChipServer server(dir.file("chip.sock").string());
  vigil::gpio::SimGpioChip chip({dir.file("chip.sock").string()});
  chip.request_input(3);
  Mailbox<std::chrono::nanoseconds> seen;
  chip.on_edge([&](const vigil::gpio::EdgeEvent& e) {
    (void)e;
    seen.put(vigil::sim::monotonic_now());
  });
  boost::asio::io_context io;
  auto work = boost::asio::make_work_guard(io);
  chip.start(io);
  std::thread loop([&] { io.run(); });
  if (!server.wait_for_client(5s)) {
    std::fprintf(stderr, "the chip did not connect\n");
    return 1;
  }
  std::this_thread::sleep_for(200ms);  // the initial level report
  seen.take(0ms);
  std::vector<double> us;
  bool level = false;
  for (int i = 0; i < n; ++i) {
    level = !level;
    const auto written = server.set_input(3, level);
    const auto got = seen.take(2s);
    if (!written || !got) {
      std::fprintf(stderr, "edge %d lost\n", i);
      continue;
    }
    us.push_back(static_cast<double>((*got - *written).count()) / 1000.0);
  }
  boost::asio::post(io, [&] { chip.stop(); });
  work.reset();
  loop.join();
  report("sim gpio: edge written -> edge handler on the io_context", us);
  return 0;
}

vigil::modbus::ModbusIoOptions tcp_options(std::uint16_t port, int poll_ms) {
  vigil::modbus::ModbusIoOptions o;
  o.device = vigil::core::DeviceId{"io1"};
  o.port = port;
  o.poll_period = std::chrono::milliseconds(poll_ms);
  return o;
}

int bench_modbus_tcp(int n, int poll_ms) {
  vigil::sim::ModbusIoServer server;
  Mailbox<Clock::time_point> seen;
  Mailbox<bool> status;
  vigil::modbus::ModbusIoCallbacks c;
  c.on_input = [&](int index, bool, bool initial, vigil::core::TimePoint, vigil::core::MonoTime) {
    if (index == 2 && !initial) seen.put(Clock::now());
  };
  c.on_status = [&](bool up, const std::string&, vigil::core::TimePoint, vigil::core::MonoTime) {
    status.put(up);
  };
  std::vector<vigil::modbus::ModbusBusMember> members;
  members.push_back({tcp_options(server.port(), poll_ms), c});
  vigil::modbus::ModbusBus bus(std::move(members));
  if (status.take(5s) != std::optional<bool>(true)) return 1;
  std::mt19937 rng(9);
  std::uniform_int_distribution<int> phase(0, poll_ms * 1000);
  std::vector<double> ms;
  bool level = false;
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(std::chrono::microseconds(phase(rng)));
    level = !level;
    const auto t0 = Clock::now();
    server.set_input(2, level);
    const auto got = seen.take(2s);
    if (!got) {
      std::fprintf(stderr, "change %d lost\n", i);
      continue;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(*got - t0).count());
  }
  bus.stop();
  char what[96];
  std::snprintf(what, sizeof what, "modbus tcp, poll %d ms: input changed -> on_input", poll_ms);
  report(what, ms, "ms");
  return 0;
}

int bench_offline(int n) {
  vigil::sim::ModbusIoServer server;
  Mailbox<std::pair<bool, Clock::time_point>> status;
  vigil::modbus::ModbusIoCallbacks c;
  c.on_status = [&](bool up, const std::string&, vigil::core::TimePoint, vigil::core::MonoTime) {
    status.put({up, Clock::now()});
  };
  std::vector<vigil::modbus::ModbusBusMember> members;
  members.push_back({tcp_options(server.port(), 50), c});  // vigild's defaults otherwise
  vigil::modbus::ModbusBus bus(std::move(members));
  auto wait_for = [&](bool up) -> std::optional<Clock::time_point> {
    for (;;) {
      auto s = status.take(10s);
      if (!s) return std::nullopt;
      if (s->first == up) return s->second;
    }
  };
  if (!wait_for(true)) return 1;
  std::vector<double> ms;
  for (int i = 0; i < n; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100 + 7 * i));  // vary the phase
    const auto t0 = Clock::now();
    server.set_offline(true);
    const auto down = wait_for(false);
    server.set_offline(false);
    if (!down || !wait_for(true)) {
      std::fprintf(stderr, "round %d: no offline/online report\n", i);
      continue;
    }
    ms.push_back(std::chrono::duration<double, std::milli>(*down - t0).count());
  }
  bus.stop();
  report("modbus tcp: module mute -> offline report (poll 50 ms, timeout 500 ms, 3 failures)", ms,
         "ms");
  return 0;
}

int bench_rtu(int baud, int seconds) {
  std::vector<std::unique_ptr<vigil::sim::ModbusIoServer>> modules;
  std::vector<vigil::sim::ModbusIoServer*> raw;
  for (int unit = 1; unit <= 3; ++unit) {
    vigil::sim::ModbusIoServerOptions o;
    o.transport = vigil::sim::ModbusSimTransport::rtu;
    o.unit_id = unit;
    modules.push_back(std::make_unique<vigil::sim::ModbusIoServer>(o));
    raw.push_back(modules.back().get());
  }
  vigil::sim::RtuLine line(raw, baud);
  std::atomic<int> online{0};
  std::vector<vigil::modbus::ModbusBusMember> members;
  for (int unit = 1; unit <= 3; ++unit) {
    vigil::modbus::ModbusIoOptions o;
    o.device = vigil::core::DeviceId{"rtu" + std::to_string(unit)};
    o.transport = vigil::modbus::ModbusTransport::rtu;
    o.serial_device = line.device_path();
    o.baud = baud;
    o.unit_id = unit;
    o.poll_period = 1ms;  // as fast as the line allows
    vigil::modbus::ModbusIoCallbacks c;
    c.on_status = [&](bool up, const std::string&, vigil::core::TimePoint, vigil::core::MonoTime) {
      online += up ? 1 : -1;
    };
    members.push_back({o, c});
  }
  vigil::modbus::ModbusBus bus(std::move(members));
  const auto deadline = Clock::now() + 10s;
  while (online.load() < 3 && Clock::now() < deadline) std::this_thread::sleep_for(10ms);
  std::this_thread::sleep_for(500ms);
  auto polls = [&] {
    std::uint64_t total = 0;
    for (const auto& id : bus.devices()) total += bus.counters(id).polls;
    return total;
  };
  const auto polls0 = polls();
  const auto up0 = line.bytes_from_master();
  const auto down0 = line.bytes_to_master();
  const auto frames0 = line.frames_from_master();
  const auto t0 = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(seconds));
  const double wall = std::chrono::duration<double>(Clock::now() - t0).count();
  const double done = static_cast<double>(polls() - polls0);
  const double bytes =
      static_cast<double>(line.bytes_from_master() - up0 + line.bytes_to_master() - down0);
  const double frames = static_cast<double>(line.frames_from_master() - frames0);
  bus.stop();
  // A bus cycle: every module polled once. Its floor on the wire: the same
  // bytes at 10 bits each (what the paced line imposes), and the RTU spec's
  // limit, which adds the 3.5-character silence before every frame (fixed
  // 1.75 ms above 19,200 baud). The pty line does not impose the silences.
  const double cycles = done / 3.0;
  const double cycle_ms = 1000.0 * wall / cycles;
  const double char_s = 10.0 / baud;
  const double t35 = baud > 19200 ? 1.75e-3 : 3.5 * char_s;
  const double per_cycle_bytes = bytes / cycles;
  const double per_cycle_frames = 2.0 * frames / cycles;
  const double floor_ms = 1000.0 * per_cycle_bytes * char_s;
  const double spec_ms = floor_ms + 1000.0 * per_cycle_frames * t35;
  std::printf(
      "rtu %d baud, 3 modules: cycle %.2f ms (%.0f polls/s); bytes on the wire %.2f ms "
      "(%.1f bytes a cycle), so %.2f ms a cycle (%.2f ms a request) is ours and libmodbus's; "
      "RTU spec limit with silences %.2f ms (%.1f frames a cycle)\n",
      baud, cycle_ms, done / wall, floor_ms, per_cycle_bytes, cycle_ms - floor_ms,
      (cycle_ms - floor_ms) / 3.0, spec_ms, per_cycle_frames);
  return online.load() == 3 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  auto arg = [&](int i, int fallback) { return argc > i ? std::atoi(argv[i]) : fallback; };
  if (mode == "gpio") return bench_gpio(arg(2, 2000));
  if (mode == "modbus-tcp") return bench_modbus_tcp(arg(2, 300), arg(3, 50));
  if (mode == "offline") return bench_offline(arg(2, 10));
  if (mode == "rtu") return bench_rtu(arg(2, 19200), arg(3, 20));
  std::fprintf(
      stderr,
      "usage: %s gpio [N] | modbus-tcp [N] [POLL_MS] | offline [N] | rtu [BAUD] [SECONDS]\n",
      argv[0]);
  return 2;
}
