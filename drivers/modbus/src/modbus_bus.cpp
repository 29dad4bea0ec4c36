#include "vigil/modbus/modbus_bus.hpp"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "device_session.hpp"
#include "io_link.hpp"

namespace vigil::modbus {

std::vector<std::string> check_shared_ports(const std::vector<ModbusIoOptions>& devices) {
  std::vector<std::string> problems;
  std::map<std::string, const ModbusIoOptions*> first_on_port;
  std::map<std::pair<std::string, int>, const ModbusIoOptions*> unit_owner;
  for (const auto& d : devices) {
    if (d.transport != ModbusTransport::rtu) continue;
    const auto [it, fresh] = first_on_port.emplace(d.serial_device, &d);
    if (!fresh && it->second->baud != d.baud) {
      problems.push_back("device '" + d.device.str() + "': serial port " + d.serial_device +
                         " runs at " + std::to_string(it->second->baud) + " baud for device '" +
                         it->second->device.str() + "', not " + std::to_string(d.baud));
    }
    const auto [owner, unique] = unit_owner.emplace(std::pair{d.serial_device, d.unit_id}, &d);
    if (!unique) {
      problems.push_back("device '" + d.device.str() + "': unit " + std::to_string(d.unit_id) +
                         " on " + d.serial_device + " is already device '" +
                         owner->second->device.str() + "'");
    }
  }
  return problems;
}

std::vector<std::vector<std::size_t>> plan_buses(const std::vector<ModbusIoOptions>& devices,
                                                 int tcp_threads) {
  std::vector<std::vector<std::size_t>> buses;
  std::map<std::string, std::size_t> bus_of_port;
  std::vector<std::size_t> tcp;
  for (std::size_t i = 0; i < devices.size(); ++i) {
    if (devices[i].transport == ModbusTransport::tcp) {
      tcp.push_back(i);
      continue;
    }
    const auto [it, fresh] = bus_of_port.emplace(devices[i].serial_device, buses.size());
    if (fresh) buses.emplace_back();
    buses[it->second].push_back(i);
  }
  const std::size_t pool = std::min(tcp.size(), static_cast<std::size_t>(std::max(tcp_threads, 1)));
  const std::size_t first_tcp_bus = buses.size();
  buses.resize(buses.size() + pool);
  for (std::size_t k = 0; k < tcp.size(); ++k) buses[first_tcp_bus + k % pool].push_back(tcp[k]);
  return buses;
}

ModbusBus::ModbusBus(std::vector<ModbusBusMember> members) {
  std::vector<ModbusIoOptions> all;
  for (const auto& m : members) {
    validate(m.options);
    all.push_back(m.options);
  }
  if (const auto problems = check_shared_ports(all); !problems.empty()) {
    throw std::invalid_argument("modbus bus: " + problems.front());
  }
  std::map<std::string, ModbusIoLink*> port_links;
  for (auto& m : members) {
    const bool rtu = m.options.transport == ModbusTransport::rtu;
    ModbusIoLink* link = rtu ? port_links[m.options.serial_device] : nullptr;
    if (link == nullptr) {
      links_.push_back(std::make_unique<ModbusIoLink>(m.options));
      link = links_.back().get();
      if (rtu) port_links[m.options.serial_device] = link;
    }
    sessions_.push_back(std::make_unique<DeviceSession>(
        std::move(m.options), std::move(m.callbacks), *link, !rtu, mutex_));
  }
  thread_ = std::thread([this] { run(); });
}

ModbusBus::~ModbusBus() {
  // Destroyed from one of its own (unposted) callbacks, the thread cannot be
  // joined and std::thread's destructor terminates: a programmer error, caught
  // loudly rather than left as a use-after-free.
  stop();
}

DeviceSession& ModbusBus::session(const core::DeviceId& device) const {
  for (const auto& s : sessions_) {
    if (s->options().device == device) return *s;
  }
  throw std::out_of_range("modbus bus: no device '" + device.str() + "'");
}

void ModbusBus::set_coil(const core::DeviceId& device, int index, bool value,
                         std::uint64_t write_id) {
  DeviceSession& s = session(device);
  if (index < 0 || index >= s.options().coil_count) {
    throw std::out_of_range("modbus device '" + device.str() + "': coil " + std::to_string(index) +
                            " out of range");
  }
  {
    std::lock_guard lock(mutex_);
    s.queue_write_locked(index, value, write_id);
  }
  wake_.notify_one();
}

void ModbusBus::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_one();
  if (thread_.joinable() && thread_.get_id() != std::this_thread::get_id()) thread_.join();
}

bool ModbusBus::serves(const core::DeviceId& device) const {
  return std::any_of(sessions_.begin(), sessions_.end(),
                     [&](const auto& s) { return s->options().device == device; });
}

std::vector<core::DeviceId> ModbusBus::devices() const {
  std::vector<core::DeviceId> ids;
  for (const auto& s : sessions_) ids.push_back(s->options().device);
  return ids;
}

bool ModbusBus::online(const core::DeviceId& device) const {
  return session(device).online();
}

bool ModbusBus::watchdog_armed(const core::DeviceId& device) const {
  return session(device).watchdog_armed();
}

ModbusIoCounters ModbusBus::counters(const core::DeviceId& device) const {
  return session(device).counters();
}

const ModbusIoOptions& ModbusBus::options(const core::DeviceId& device) const {
  return session(device).options();
}

void ModbusBus::run() {
  for (;;) {
    auto until = std::chrono::steady_clock::now() + std::chrono::hours(1);
    for (const auto& s : sessions_) until = std::min(until, s->next_due());
    if (!wait_for_work(until)) return;
    // Every device whose time has come, in order, one request at a time.
    // A write queued meanwhile waits at most for the exchange in progress.
    for (const auto& s : sessions_) {
      {
        std::lock_guard lock(mutex_);
        if (stopping_) return;
        s->take_requests_locked();
      }
      s->service();
    }
  }
}

bool ModbusBus::wait_for_work(std::chrono::steady_clock::time_point until) {
  std::unique_lock lock(mutex_);
  wake_.wait_until(lock, until, [&] {
    return stopping_ || std::any_of(sessions_.begin(), sessions_.end(),
                                    [](const auto& s) { return s->has_requests_locked(); });
  });
  return !stopping_;
}

}  // namespace vigil::modbus
