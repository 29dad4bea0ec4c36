// One libmodbus session to an I/O module: the only file that speaks libmodbus,
// so the poll loop deals in results instead of errno. libmodbus hides the
// transport behind one API; only the context construction differs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "vigil/modbus/io_module.hpp"

struct _modbus;

namespace vigil::modbus {

enum class LinkResult {
  ok,
  timeout,    // no (complete) answer within the timeout
  lost,       // reset, closed socket, I/O error: the session is gone
  exception,  // the device answered with a Modbus exception: there, but refusing
  bad_crc,    // rtu: a frame whose CRC does not match (line noise, a collision)
  bad_frame,  // the device answered with a malformed or mismatched frame
};

class ModbusIoLink {
 public:
  explicit ModbusIoLink(const ModbusIoOptions& options);  // throws std::runtime_error
  ~ModbusIoLink();
  ModbusIoLink(const ModbusIoLink&) = delete;
  ModbusIoLink& operator=(const ModbusIoLink&) = delete;

  // Opens the TCP connection or the serial device; fills `detail` on failure.
  bool connect(std::string& detail);
  void close();
  bool connected() const { return connected_; }
  // "tcp 127.0.0.1:502 unit 1" or "rtu /dev/ttyUSB0@19200 unit 1".
  const std::string& endpoint() const { return endpoint_; }
  // Addresses the next requests to `unit`: several units share one serial
  // port (one RS-485 line), each session selects its own before it speaks.
  void select_unit(int unit);

  // Addresses are the PDU addresses of the module's map.
  LinkResult read_inputs(int address, int count, std::vector<std::uint8_t>& values,
                         std::string& detail);
  // Heartbeat for modules with no inputs.
  LinkResult read_coils(int address, int count, std::vector<std::uint8_t>& values,
                        std::string& detail);
  LinkResult read_coil(int address, bool& value, std::string& detail);
  LinkResult write_coil(int address, bool value, std::string& detail);
  LinkResult read_registers(RegisterKind kind, int address, int count,
                            std::vector<std::uint16_t>& values, std::string& detail);
  LinkResult write_register(int address, std::uint16_t value, std::string& detail);
  LinkResult write_registers(int address, const std::vector<std::uint16_t>& values,
                             std::string& detail);
  // Drops whatever is left of a corrupt frame so the next request starts clean.
  void discard_pending_bytes();

 private:
  LinkResult classify(int rc, const char* what, std::string& detail) const;

  _modbus* ctx_ = nullptr;
  bool connected_ = false;
  std::string port_name_;  // endpoint without the unit
  int unit_ = -1;
  std::string endpoint_;
};

}  // namespace vigil::modbus
