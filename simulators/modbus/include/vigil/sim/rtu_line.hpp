// A simulated RS-485 line: a pty the master opens as its serial port, wired
// to several simulated RTU modules (ModbusIoServer, each its own unit id).
// A master frame reaches the module whose unit id it names (on a real line
// every module hears it and the others ignore it; libmodbus 3.1.6 servers lose
// their framing on frames for other units, so the line routes instead), and
// the module's answer goes back to the master. A module stopped with
// ModbusIoServer::stop() goes silent while the others keep answering.
#pragma once

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace vigil::sim {

class ModbusIoServer;

class RtuLine {
 public:
  // The modules must be RTU servers and outlive the line. Throws
  // std::system_error when a pty cannot be had.
  // wire_baud > 0 paces the line like a real one at that baud (8N1, 10 bits
  // a byte): each chunk is held for its wire time before it is passed on,
  // so benches can compare a bus cycle with the wire-time limit. 0: as fast
  // as the pty goes.
  explicit RtuLine(const std::vector<ModbusIoServer*>& modules, int wire_baud = 0);
  ~RtuLine();
  RtuLine(const RtuLine&) = delete;
  RtuLine& operator=(const RtuLine&) = delete;

  // The serial port path for the master.
  const std::string& device_path() const { return device_path_; }
  // Frames (requests) the master put on the line.
  std::uint64_t bytes_from_master() const { return from_master_.load(); }
  // Bytes the modules answered, and the master frames (requests) seen.
  std::uint64_t bytes_to_master() const { return to_master_.load(); }
  std::uint64_t frames_from_master() const { return frames_.load(); }

 private:
  void relay();

  int master_fd_ = -1;  // our end of the master's pty
  int slave_fd_ = -1;   // held open so the pty never hangs up
  std::string device_path_;
  std::vector<int> module_fds_;  // each module's serial port, opened by us
  std::vector<int> module_units_;
  int wake_fd_ = -1;
  int wire_baud_ = 0;
  std::atomic<std::uint64_t> from_master_{0};
  std::atomic<std::uint64_t> to_master_{0};
  std::atomic<std::uint64_t> frames_{0};
  std::thread thread_;
};

}  // namespace vigil::sim
