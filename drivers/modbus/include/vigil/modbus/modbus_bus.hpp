// ModbusBus: several Modbus devices served by one thread, one request at a
// time. Devices naming the same serial port share one libmodbus context (one
// RS-485 line is half-duplex: a second master request while a unit answers
// would collide), each addressed by its unit id; TCP devices each have their
// own connection. Each device keeps its own poll period, write queue,
// counters, online state and back-off (see ModbusIoModule for what a device
// reports); a dead device costs its bus-mates one timeout per back-off probe.
//
// plan_buses() decides which devices share a thread in vigild: every device
// on one serial port, and the TCP devices spread over a small fixed pool.
//
// Callbacks run on the bus thread; wrap them with post_callbacks_to() to run
// them on the daemon's event loop.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus {

class DeviceSession;
class ModbusIoLink;

struct ModbusBusMember {
  ModbusIoOptions options;
  ModbusIoCallbacks callbacks;
};

// Why a set of devices cannot share one bus: the same unit id twice on one
// serial port, or one port with different serial settings. Empty when fine.
std::vector<std::string> check_shared_ports(const std::vector<ModbusIoOptions>& devices);

// Groups device indexes into buses: one per serial port (in order of first
// appearance), then the TCP devices dealt round-robin over at most
// `tcp_threads` buses (at least one).
std::vector<std::vector<std::size_t>> plan_buses(const std::vector<ModbusIoOptions>& devices,
                                                 int tcp_threads);

class ModbusBus {
 public:
  // Validates every member (std::invalid_argument naming the device), checks
  // shared ports (same), opens nothing yet, and starts the thread.
  explicit ModbusBus(std::vector<ModbusBusMember> members);
  ~ModbusBus();
  ModbusBus(const ModbusBus&) = delete;
  ModbusBus& operator=(const ModbusBus&) = delete;

  // Queues a coil write on `device` and wakes the thread; any thread. Throws
  // std::out_of_range for an unknown device or a coil outside its map.
  // on_output reports `write_id` with the outcome (ModbusIoModule::set_coil).
  void set_coil(const core::DeviceId& device, int index, bool value, std::uint64_t write_id);
  // Stops and joins the thread; idempotent. Watchdogs stay armed.
  void stop();

  bool serves(const core::DeviceId& device) const;
  std::vector<core::DeviceId> devices() const;
  // Throw std::out_of_range for a device not on this bus.
  bool online(const core::DeviceId& device) const;
  bool watchdog_armed(const core::DeviceId& device) const;
  ModbusIoCounters counters(const core::DeviceId& device) const;
  const ModbusIoOptions& options(const core::DeviceId& device) const;

 private:
  void run();
  bool wait_for_work(std::chrono::steady_clock::time_point until);
  DeviceSession& session(const core::DeviceId& device) const;

  std::vector<std::unique_ptr<ModbusIoLink>> links_;
  std::vector<std::unique_ptr<DeviceSession>> sessions_;

  mutable std::mutex mutex_;  // guards stopping_ and every session's queued requests
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace vigil::modbus
