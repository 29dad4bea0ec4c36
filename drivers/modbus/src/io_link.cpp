#include "io_link.hpp"

#include <modbus/modbus.h>

#include <cerrno>
#include <stdexcept>
#include <string>

namespace vigil::modbus {
namespace {

void set_timeout(_modbus* ctx, std::chrono::milliseconds timeout,
                 int (*setter)(modbus_t*, std::uint32_t, std::uint32_t)) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(timeout).count();
  setter(ctx, static_cast<std::uint32_t>(us / 1'000'000),
         static_cast<std::uint32_t>(us % 1'000'000));
}

}  // namespace

ModbusIoLink::ModbusIoLink(const ModbusIoOptions& options) {
  if (options.transport == ModbusTransport::tcp) {
    // The _pi variant resolves host names and IPv6, not only dotted IPv4.
    ctx_ = modbus_new_tcp_pi(options.host.c_str(), std::to_string(options.port).c_str());
    port_name_ = "tcp " + options.host + ":" + std::to_string(options.port);
  } else {
    ctx_ = modbus_new_rtu(options.serial_device.c_str(), options.baud, 'N', 8, 1);
    port_name_ = "rtu " + options.serial_device + "@" + std::to_string(options.baud);
  }
  unit_ = options.unit_id;
  endpoint_ = port_name_ + " unit " + std::to_string(options.unit_id);
  if (ctx_ == nullptr) {
    throw std::runtime_error("modbus: cannot create context for " + endpoint_ + ": " +
                             modbus_strerror(errno));
  }
  if (modbus_set_slave(ctx_, options.unit_id) != 0) {
    const std::string why = modbus_strerror(errno);
    modbus_free(ctx_);
    throw std::runtime_error("modbus: bad unit id for " + endpoint_ + ": " + why);
  }
  // The response timeout also bounds the TCP connect; the byte timeout bounds
  // the gap inside one frame, so a half-sent frame cannot stall the loop.
  set_timeout(ctx_, options.timeout, modbus_set_response_timeout);
  set_timeout(ctx_, options.timeout, modbus_set_byte_timeout);
}

ModbusIoLink::~ModbusIoLink() {
  close();
  modbus_free(ctx_);
}

bool ModbusIoLink::connect(std::string& detail) {
  close();
  if (modbus_connect(ctx_) != 0) {
    detail = endpoint_ + ": connect failed: " + modbus_strerror(errno);
    connected_ = modbus_get_socket(ctx_) >= 0;  // a half-open session still owns an fd
    close();
    return false;
  }
  connected_ = true;
  return true;
}

void ModbusIoLink::select_unit(int unit) {
  if (unit == unit_) return;
  modbus_set_slave(ctx_, unit);  // checked by check(): 1..247
  unit_ = unit;
  endpoint_ = port_name_ + " unit " + std::to_string(unit);
}

void ModbusIoLink::close() {
  if (connected_) {
    modbus_close(ctx_);
    connected_ = false;
  }
  // Not every libmodbus release forgets the descriptor on close; a stale one
  // would be closed again later, by then possibly someone else's file.
  modbus_set_socket(ctx_, -1);
}

LinkResult ModbusIoLink::classify(int rc, const char* what, std::string& detail) const {
  if (rc >= 0) return LinkResult::ok;
  const int err = errno;
  detail = endpoint_ + ": " + what + ": " + modbus_strerror(err);
  // libmodbus numbers its own errors (Modbus exceptions, then bad CRC, bad
  // data) from MODBUS_ENOBASE: the device is there but said something wrong.
  // Everything else is a system errno: timeout, reset, I/O error.
  if (err >= EMBXILFUN && err <= EMBXGTAR) return LinkResult::exception;
  if (err == EMBBADCRC) return LinkResult::bad_crc;
  if (err >= MODBUS_ENOBASE) return LinkResult::bad_frame;
  return err == ETIMEDOUT ? LinkResult::timeout : LinkResult::lost;
}

LinkResult ModbusIoLink::read_inputs(int address, int count, std::vector<std::uint8_t>& values,
                                     std::string& detail) {
  values.assign(static_cast<std::size_t>(count), 0);
  const int rc = modbus_read_input_bits(ctx_, address, count, values.data());
  if (rc >= 0 && rc != count) {
    detail = endpoint_ + ": read inputs: short answer";
    return LinkResult::bad_frame;
  }
  return classify(rc, "read inputs", detail);
}

LinkResult ModbusIoLink::read_coils(int address, int count, std::vector<std::uint8_t>& values,
                                    std::string& detail) {
  values.assign(static_cast<std::size_t>(count), 0);
  const int rc = modbus_read_bits(ctx_, address, count, values.data());
  return classify(rc, "read coils", detail);
}

LinkResult ModbusIoLink::read_registers(RegisterKind kind, int address, int count,
                                        std::vector<std::uint16_t>& values, std::string& detail) {
  values.assign(static_cast<std::size_t>(count), 0);
  const bool input = kind == RegisterKind::input;
  const int rc = input ? modbus_read_input_registers(ctx_, address, count, values.data())
                       : modbus_read_registers(ctx_, address, count, values.data());
  if (rc >= 0 && rc != count) {
    detail = endpoint_ + ": read registers: short answer";
    return LinkResult::bad_frame;
  }
  return classify(rc, input ? "read input registers" : "read holding registers", detail);
}

LinkResult ModbusIoLink::read_coil(int address, bool& value, std::string& detail) {
  std::uint8_t bit = 0;
  const int rc = modbus_read_bits(ctx_, address, 1, &bit);
  value = bit != 0;
  return classify(rc, "read back coil", detail);
}

LinkResult ModbusIoLink::write_register(int address, std::uint16_t value, std::string& detail) {
  const int rc = modbus_write_register(ctx_, address, value);
  return classify(rc, "write register", detail);
}

LinkResult ModbusIoLink::write_registers(int address, const std::vector<std::uint16_t>& values,
                                         std::string& detail) {
  const int rc =
      modbus_write_registers(ctx_, address, static_cast<int>(values.size()), values.data());
  return classify(rc, "write registers", detail);
}

LinkResult ModbusIoLink::write_coil(int address, bool value, std::string& detail) {
  const int rc = modbus_write_bit(ctx_, address, value ? 1 : 0);
  return classify(rc, "write coil", detail);
}

void ModbusIoLink::discard_pending_bytes() {
  if (connected_) modbus_flush(ctx_);
}

}  // namespace vigil::modbus
