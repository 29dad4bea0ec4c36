// Test support: records what a ModbusIoModule reports, and waits (with a
// deadline, never a bare sleep) for conditions on it or on a server.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus::testing {

using namespace std::chrono_literals;

constexpr auto kDeadline = 5s;

// Polls `condition` until it holds or the deadline passes; for state that has
// no callback (a server's coil, a counter).
template <class Condition>
bool eventually(Condition condition, std::chrono::milliseconds deadline = kDeadline) {
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (!condition()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(1ms);
  }
  return true;
}

struct Report {
  enum class Kind { input, status, output } kind;
  int index = -1;        // input, output
  bool value = false;    // input or output value, or online
  std::string detail;    // status, or output error
  bool initial = false;  // input
  bool ok = false;       // output
  core::TimePoint time{};
  core::MonoTime mono{};
  std::uint64_t write_id = 0;  // output: the id set_coil was given
};

class Recorder {
 public:
  ModbusIoCallbacks callbacks() {
    ModbusIoCallbacks c;
    c.on_input = [this](int index, bool value, bool initial, core::TimePoint time,
                        core::MonoTime mono) {
      add({Report::Kind::input, index, value, {}, initial, false, time, mono});
    };
    c.on_status = [this](bool online, const std::string& detail, core::TimePoint time,
                         core::MonoTime mono) {
      add({Report::Kind::status, -1, online, detail, false, false, time, mono});
    };
    c.on_output = [this](int index, std::uint64_t write_id, bool value, bool ok,
                         const std::string& error, core::TimePoint time, core::MonoTime mono) {
      add({Report::Kind::output, index, value, error, false, ok, time, mono, write_id});
    };
    return c;
  }

  // Waits until `condition(reports)` holds; false at the deadline.
  template <class Condition>
  bool wait(Condition condition, std::chrono::milliseconds deadline = kDeadline) {
    std::unique_lock lock(mutex_);
    return changed_.wait_for(lock, deadline, [&] { return condition(reports_); });
  }

  bool wait_status_count(bool online, int count) {
    return wait([&](const auto& r) { return count_status(r, online) >= count; });
  }
  bool wait_input(int index, bool value, int occurrences = 1) {
    return wait([&](const auto& r) {
      int n = 0;
      for (const auto& x : r)
        n += x.kind == Report::Kind::input && x.index == index && x.value == value;
      return n >= occurrences;
    });
  }
  // Waits for the `occurrences`-th report on coil `index` with this outcome.
  bool wait_output(int index, bool value, bool ok, int occurrences = 1,
                   std::chrono::milliseconds deadline = kDeadline) {
    return wait(
        [&](const auto& r) {
          int n = 0;
          for (const auto& x : r)
            n += x.kind == Report::Kind::output && x.index == index && x.value == value &&
                 x.ok == ok;
          return n >= occurrences;
        },
        deadline);
  }
  bool wait_inputs(std::size_t count) {
    return wait([&](const auto& r) { return inputs_in(r).size() >= count; });
  }

  std::vector<Report> reports() const {
    std::lock_guard lock(mutex_);
    return reports_;
  }
  int status_count(bool online) const {
    std::lock_guard lock(mutex_);
    return count_status(reports_, online);
  }
  std::vector<Report> inputs() const {
    std::lock_guard lock(mutex_);
    return inputs_in(reports_);
  }
  std::vector<Report> outputs() const {
    std::lock_guard lock(mutex_);
    std::vector<Report> out;
    for (const auto& x : reports_) {
      if (x.kind == Report::Kind::output) out.push_back(x);
    }
    return out;
  }

 private:
  static int count_status(const std::vector<Report>& r, bool online) {
    int n = 0;
    for (const auto& x : r) n += x.kind == Report::Kind::status && x.value == online;
    return n;
  }
  static std::vector<Report> inputs_in(const std::vector<Report>& r) {
    std::vector<Report> out;
    for (const auto& x : r) {
      if (x.kind == Report::Kind::input) out.push_back(x);
    }
    return out;
  }
  void add(Report report) {
    {
      std::lock_guard lock(mutex_);
      reports_.push_back(std::move(report));
    }
    changed_.notify_all();
  }

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<Report> reports_;
};

inline ModbusIoOptions fast_tcp_options(std::uint16_t port) {
  ModbusIoOptions o;
  o.device = core::DeviceId{"io1"};
  o.transport = ModbusTransport::tcp;
  o.host = "127.0.0.1";
  o.port = port;
  o.poll_period = 10ms;
  o.timeout = 200ms;
  o.reconnect_first = 10ms;
  o.reconnect_ceiling = 40ms;
  return o;
}

inline ModbusIoOptions fast_rtu_options(const std::string& device) {
  ModbusIoOptions o = fast_tcp_options(0);
  o.transport = ModbusTransport::rtu;
  o.serial_device = device;
  o.baud = 115200;
  return o;
}

}  // namespace vigil::modbus::testing
