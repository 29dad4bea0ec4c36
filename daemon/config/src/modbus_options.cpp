#include "vigil/config/modbus_options.hpp"

namespace vigil::config {

modbus::ModbusIoOptions modbus_options(const ModbusDeviceConfig& d) {
  modbus::ModbusIoOptions o;
  o.device = d.id;
  o.transport = d.transport == "rtu" ? modbus::ModbusTransport::rtu : modbus::ModbusTransport::tcp;
  o.host = d.host;
  o.port = d.port;
  o.serial_device = d.serial_device;
  o.baud = d.baud;
  o.unit_id = d.unit_id;
  o.poll_period = d.poll_period;
  o.timeout = d.timeout;
  o.coil_count = d.coil_count;
  o.input_count = d.input_count;
  o.coil_address = d.coil_address;
  o.input_address = d.input_address;
  for (const auto& r : d.registers) {
    o.registers.push_back(
        {r.kind == "holding" ? modbus::RegisterKind::holding : modbus::RegisterKind::input,
         r.address, r.scale, r.offset});
  }
  o.read_back = d.read_back;
  o.offline_after = d.offline_after;
  if (d.watchdog) {
    modbus::ModbusWatchdog w;
    w.timeout = d.watchdog->timeout;
    w.safe_coils = d.watchdog->safe_coils;
    w.timeout_register = d.watchdog->timeout_register;
    w.safe_register = d.watchdog->safe_register;
    o.watchdog = w;
  }
  return o;
}

}  // namespace vigil::config
