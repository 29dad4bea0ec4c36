// A simulated Modbus I/O module: a real libmodbus server with coils (lock
// relays) and discrete inputs (door contacts, REX buttons), answering on its
// own thread over Modbus TCP on 127.0.0.1 or Modbus RTU over a pseudo
// terminal. The pty's slave path (device_path()) is what a client opens as its
// "serial port"; the server works the master side. Outages are simulated by
// stop()/start() (a power cycle: the port or pty stays, coils come back
// released), by set_offline() (connected but mute, like a hung module) and by
// set_corrupt_replies() (every answer arrives with a broken frame); coil
// writes alone can be refused or left unanswered (set_coil_write_fault()).
//
// Like an ADAM-6000 or ioLogik E1200, the module has a communication
// watchdog: holding register `watchdog_timeout_register` holds a timeout in
// milliseconds (0 = disarmed), the registers from `watchdog_safe_register` a
// bitmap of safe coil values (bit i of register k = coil 16k+i). Once armed,
// if no request arrives for the timeout, every coil takes its safe value and
// the trip is counted; any later request re-arms it. The settings survive a
// power cycle (they live in the module's flash); the timer restarts at power-on.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

struct _modbus;
struct _modbus_mapping_t;

namespace vigil::sim {

enum class ModbusSimTransport { tcp, rtu };

struct ModbusIoServerOptions {
  ModbusSimTransport transport = ModbusSimTransport::tcp;
  std::uint16_t port = 0;  // tcp, on 127.0.0.1; 0 picks a free port
  int unit_id = 1;         // rtu answers only this unit; tcp answers any
  int coil_count = 8;
  int input_count = 8;
  int input_register_count = 0;          // input registers 0.. (analog inputs)
  int watchdog_timeout_register = 4096;  // holding register, ms, 0 = disarmed
  int watchdog_safe_register = 4097;     // first register of the safe-coil bitmap
};

// What a coil write (function 5 or 15) gets while a fault is injected.
enum class CoilWriteFault {
  none,
  exception,  // a Modbus exception 04 (server device failure); the coil stays
  no_answer,  // silence; the coil stays, the client times out
};

struct ModbusWatchdogState {
  std::chrono::milliseconds timeout{0};  // 0 = disarmed
  std::vector<bool> safe_coils;
  bool tripped = false;  // coils are at their safe values and no request came since
  std::uint64_t trips = 0;
};

class ModbusIoServer {
 public:
  // Binds (tcp) or opens the pty (rtu) and starts serving; throws
  // std::system_error when the port or pty cannot be had.
  explicit ModbusIoServer(ModbusIoServerOptions options = {});
  ~ModbusIoServer();
  ModbusIoServer(const ModbusIoServer&) = delete;
  ModbusIoServer& operator=(const ModbusIoServer&) = delete;

  // Power-on after stop(): same port or pty, coils released. No-op if running.
  void start();
  // Power-off: closes every TCP connection (rtu: stops answering), joins.
  void stop();
  bool running() const;

  int unit_id() const { return options_.unit_id; }
  std::uint16_t port() const { return port_; }                     // tcp
  const std::string& device_path() const { return device_path_; }  // rtu

  bool coil(int index) const;
  std::vector<bool> coils() const;
  bool input(int index) const;
  std::vector<bool> inputs() const;
  void set_input(int index, bool value);
  void set_input_register(int index, std::uint16_t value);

  // Called on the server thread after a client changed coil `index`.
  void on_coil_change(std::function<void(int index, bool value)> callback);

  // Keeps connections open but ignores every request: clients time out.
  void set_offline(bool offline) { offline_ = offline; }
  // Answers every request with a frame the client must reject (wrong
  // transaction id on TCP, wrong CRC on RTU).
  void set_corrupt_replies(bool corrupt) { corrupt_ = corrupt; }
  // Answers every read (functions 1 to 4) with exception 04 (server device
  // failure); writes are still served.
  void set_read_exception(bool on) { read_exception_ = on; }
  // Answers every request with a well-formed frame that is not the answer:
  // from another unit id on RTU (valid CRC), with another transaction id on TCP.
  void set_malformed_replies(bool on) { malformed_ = on; }
  // Reads and register writes are still served; only coil writes fail.
  void set_coil_write_fault(CoilWriteFault fault) { coil_write_fault_ = fault; }

  ModbusWatchdogState watchdog() const;
  std::uint64_t watchdog_trips() const { return watchdog_trips_.load(); }
  std::uint16_t holding_register(int address) const;  // throws std::out_of_range

  std::uint64_t requests_answered() const { return answered_.load(); }

 private:
  void release();
  void serve();
  bool handle_request(int fd);
  void close_connections();
  void check_index(int index, int count, const char* what) const;
  int poll_timeout_ms() const;
  void check_watchdog();
  std::chrono::milliseconds watchdog_timeout_locked() const;
  bool bitmap_bit_locked(int coil) const;

  ModbusIoServerOptions options_;
  _modbus* ctx_ = nullptr;
  _modbus_mapping_t* mapping_ = nullptr;
  mutable std::mutex mapping_mutex_;  // guards mapping_ and on_coil_change_
  std::function<void(int, bool)> on_coil_change_;

  std::uint16_t port_ = 0;
  std::string device_path_;
  int listen_fd_ = -1;            // tcp
  int pty_master_fd_ = -1;        // rtu
  int pty_slave_fd_ = -1;         // rtu: held open so the master never sees a hangup
  int wake_fd_ = -1;              // eventfd that interrupts poll() on stop()
  std::vector<int> connections_;  // tcp, server thread only

  std::atomic<bool> stopping_{false};
  std::atomic<bool> offline_{false};
  std::atomic<bool> corrupt_{false};
  std::atomic<bool> read_exception_{false};
  std::atomic<bool> malformed_{false};
  std::atomic<CoilWriteFault> coil_write_fault_{CoilWriteFault::none};
  std::atomic<std::uint64_t> watchdog_trips_{0};
  // Server thread (and start()) only: when the master last spoke, and whether
  // the watchdog already fired for this silence.
  std::chrono::steady_clock::time_point last_request_{};
  std::atomic<bool> tripped_{false};
  std::atomic<std::uint64_t> answered_{0};
  std::thread thread_;
};

}  // namespace vigil::sim
