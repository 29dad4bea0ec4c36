// The simulated module's communication watchdog and its holding registers.
#include <modbus/modbus.h>

#include <algorithm>

#include "vigil/sim/modbus_io_server.hpp"

namespace vigil::sim {

std::uint16_t ModbusIoServer::holding_register(int address) const {
  std::lock_guard lock(mapping_mutex_);
  const int offset = address - static_cast<int>(mapping_->start_registers);
  check_index(offset, mapping_->nb_registers, "holding register");
  return mapping_->tab_registers[offset];
}

std::chrono::milliseconds ModbusIoServer::watchdog_timeout_locked() const {
  const int offset =
      options_.watchdog_timeout_register - static_cast<int>(mapping_->start_registers);
  return std::chrono::milliseconds{mapping_->tab_registers[offset]};
}

bool ModbusIoServer::bitmap_bit_locked(int coil) const {
  const int offset =
      options_.watchdog_safe_register + coil / 16 - static_cast<int>(mapping_->start_registers);
  return ((mapping_->tab_registers[offset] >> (coil % 16)) & 1u) != 0;
}

ModbusWatchdogState ModbusIoServer::watchdog() const {
  std::lock_guard lock(mapping_mutex_);
  ModbusWatchdogState state;
  state.timeout = watchdog_timeout_locked();
  for (int i = 0; i < options_.coil_count; ++i) state.safe_coils.push_back(bitmap_bit_locked(i));
  state.tripped = tripped_;
  state.trips = watchdog_trips_;
  return state;
}

int ModbusIoServer::poll_timeout_ms() const {
  std::chrono::milliseconds timeout;
  {
    std::lock_guard lock(mapping_mutex_);
    timeout = watchdog_timeout_locked();
  }
  if (timeout.count() == 0 || tripped_) return -1;
  const auto left = std::chrono::ceil<std::chrono::milliseconds>(last_request_ + timeout -
                                                                 std::chrono::steady_clock::now());
  return static_cast<int>(std::max<std::int64_t>(left.count(), 0));
}

// Fires the watchdog when the master has been silent for its timeout: every
// coil takes its safe value, once per silence.
void ModbusIoServer::check_watchdog() {
  std::vector<std::pair<int, bool>> changed;
  std::function<void(int, bool)> callback;
  {
    std::lock_guard lock(mapping_mutex_);
    const auto timeout = watchdog_timeout_locked();
    if (timeout.count() == 0 || tripped_) return;
    if (std::chrono::steady_clock::now() - last_request_ < timeout) return;
    for (int i = 0; i < options_.coil_count; ++i) {
      const std::uint8_t safe = bitmap_bit_locked(i) ? 1 : 0;
      if (mapping_->tab_bits[i] != safe) changed.emplace_back(i, safe != 0);
      mapping_->tab_bits[i] = safe;
    }
    tripped_ = true;
    ++watchdog_trips_;
    callback = on_coil_change_;
  }
  if (callback) {
    for (const auto& [index, value] : changed) callback(index, value);
  }
}

}  // namespace vigil::sim
