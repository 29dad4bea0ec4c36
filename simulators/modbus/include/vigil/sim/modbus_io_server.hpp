// A simulated Modbus I/O module: a real libmodbus server with coils (lock
// relays) and discrete inputs (door contacts, REX buttons), answering on its
// own thread over Modbus TCP on 127.0.0.1 or Modbus RTU over a pseudo
// terminal. The pty's slave path (device_path()) is what a client opens as its
// "serial port"; the server works the master side. Outages are simulated by
// stop()/start() (a power cycle: the port or pty stays, coils come back
// released), by set_offline() (connected but mute, like a hung module) and by
// set_corrupt_replies() (every answer arrives with a broken frame).
#pragma once

#include <atomic>
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

  std::uint16_t port() const { return port_; }                     // tcp
  const std::string& device_path() const { return device_path_; }  // rtu

  bool coil(int index) const;
  std::vector<bool> coils() const;
  bool input(int index) const;
  std::vector<bool> inputs() const;
  void set_input(int index, bool value);

  // Called on the server thread after a client changed coil `index`.
  void on_coil_change(std::function<void(int index, bool value)> callback);

  // Keeps connections open but ignores every request: clients time out.
  void set_offline(bool offline) { offline_ = offline; }
  // Answers every request with a frame the client must reject (wrong
  // transaction id on TCP, wrong CRC on RTU).
  void set_corrupt_replies(bool corrupt) { corrupt_ = corrupt; }

  std::uint64_t requests_answered() const { return answered_.load(); }

 private:
  void release();
  void serve();
  bool handle_request(int fd);
  void close_connections();
  void check_index(int index, int count, const char* what) const;

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
  std::atomic<std::uint64_t> answered_{0};
  std::thread thread_;
};

}  // namespace vigil::sim
