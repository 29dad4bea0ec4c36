// What a module's options must satisfy before a thread starts: the config
// loader runs check() for `vigild -t`, the module runs validate() itself.
#include <cmath>
#include <stdexcept>

#include "vigil/modbus/io_module.hpp"

namespace vigil::modbus {
namespace {

using std::chrono::milliseconds;

constexpr int kMaxRegister = 0xFFFF;

void check_watchdog(const ModbusIoOptions& o, std::vector<FieldError>& errors) {
  const ModbusWatchdog& w = *o.watchdog;
  auto add = [&](const char* field, std::string message) {
    errors.push_back({std::string("watchdog.") + field, std::move(message)});
  };
  // The timeout travels in one 16-bit register, in milliseconds; 0 would
  // disarm the watchdog, which is not what a configured watchdog means.
  if (w.timeout < milliseconds{1} || w.timeout > milliseconds{65535}) {
    add("timeout", "must be 1..65535 ms");
  } else if (w.timeout <= o.poll_period + o.timeout) {
    // One slow answer must not let the module drop the locks under a live daemon.
    add("timeout", "must be longer than poll_period + timeout (" +
                       std::to_string((o.poll_period + o.timeout).count()) + " ms)");
  }
  if (!w.safe_coils.empty() && static_cast<int>(w.safe_coils.size()) != o.coil_count) {
    add("safe_coils",
        "needs one value per coil (" + std::to_string(o.coil_count) + "), or none for all off");
  }
  if (o.coil_count == 0) add("safe_coils", "a module without coils has nothing to make safe");
  // One Write Multiple Registers request carries at most 123 registers.
  if (o.coil_count > 123 * 16) add("safe_coils", "at most 1968 coils fit the safe-value bitmap");
  const int bitmap_registers = (o.coil_count + 15) / 16;
  if (w.timeout_register < 0 || w.timeout_register > kMaxRegister) {
    add("timeout_register", "must be 0..65535");
  }
  if (w.safe_register < 0 || w.safe_register + bitmap_registers - 1 > kMaxRegister) {
    add("safe_register", "the bitmap must fit in registers 0..65535");
  } else if (w.timeout_register >= w.safe_register &&
             w.timeout_register < w.safe_register + bitmap_registers) {
    add("safe_register", "the bitmap overlaps timeout_register");
  }
}

}  // namespace

const char* to_string(ModbusTransport transport) {
  return transport == ModbusTransport::tcp ? "tcp" : "rtu";
}

std::vector<FieldError> check(const ModbusIoOptions& o) {
  std::vector<FieldError> errors;
  auto add = [&](const char* field, std::string message) {
    errors.push_back({field, std::move(message)});
  };
  if (o.transport == ModbusTransport::tcp && o.host.empty()) add("host", "tcp needs a host");
  if (o.transport == ModbusTransport::rtu && o.serial_device.empty()) {
    add("serial_device", "rtu needs a serial_device");
  }
  if (o.transport == ModbusTransport::rtu && o.baud <= 0) add("baud", "must be positive");
  // 0 is broadcast (no answer ever comes back); 248..255 are reserved on RTU
  // but 255 is the customary "any unit" on Modbus TCP gateways.
  const int max_unit = o.transport == ModbusTransport::tcp ? 255 : 247;
  if (o.unit_id < 1 || o.unit_id > max_unit) {
    add("unit_id",
        std::string("must be 1..") + std::to_string(max_unit) + " for " + to_string(o.transport));
  }
  if (o.poll_period <= milliseconds::zero()) add("poll_period", "must be positive");
  if (o.timeout <= milliseconds::zero()) add("timeout", "must be positive");
  if (o.offline_after < 1 || o.offline_after > 100) add("offline_after", "must be 1..100");
  if (o.coil_count < 0 || o.coil_count > kMaxRegister) add("coil_count", "must be 0..65535");
  if (o.input_count < 0 || o.input_count > 2000) add("input_count", "must be 0..2000");
  if (o.coil_address < 0 || o.coil_address + o.coil_count - 1 > kMaxRegister) {
    add("coil_address", "the coils must fit in addresses 0..65535");
  }
  if (o.input_address < 0 || o.input_address + o.input_count - 1 > kMaxRegister) {
    add("input_address", "the inputs must fit in addresses 0..65535");
  }
  for (const auto& r : o.registers) {
    if (r.address < 0 || r.address > kMaxRegister) add("registers", "addresses are 0..65535");
    if (!std::isfinite(r.scale) || !std::isfinite(r.offset)) {
      add("registers", "scale and offset must be finite numbers");
    }
  }
  if (o.coil_count == 0 && o.input_count == 0 && o.registers.empty()) {
    add("coil_count", "a module needs coils, inputs or registers (it has no points)");
  }
  if (o.reconnect_first <= milliseconds::zero() || o.reconnect_ceiling < o.reconnect_first) {
    add("reconnect_first", "reconnect backoff must satisfy 0 < first <= ceiling");
  }
  if (o.watchdog) check_watchdog(o, errors);
  return errors;
}

void validate(const ModbusIoOptions& o) {
  const auto errors = check(o);
  if (errors.empty()) return;
  throw std::invalid_argument("modbus device '" + o.device.str() + "': " + errors.front().field +
                              ": " + errors.front().message);
}

}  // namespace vigil::modbus
