// One Modbus I/O module (ADAM/ioLogik style) on TCP or RTU. Coils drive lock
// relays; discrete inputs read door contacts and REX buttons. The module owns
// one thread that talks to the device: it polls the inputs every poll period
// and reports each change (and every input once after each (re)connect, so the
// daemon learns the real state), executes coil writes as soon as they are
// requested, reports the device going offline and coming back, and re-applies
// the last commanded coil states after every reconnect, because a module that
// rebooted comes up with its relays released, whatever the daemon commanded.
// Callbacks run on that thread; the io_context constructor posts them instead.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace boost::asio {
class io_context;
}

namespace vigil::modbus {

enum class ModbusTransport { tcp, rtu };

const char* to_string(ModbusTransport transport);

// Field for field what the site config's ModbusDeviceConfig holds, plus the
// reconnect backoff. An aggregate with defaults: designated initialisers read
// like a builder, and the daemon maps the config onto it one field at a time.
struct ModbusIoOptions {
  core::DeviceId device;  // names the device in error messages
  ModbusTransport transport = ModbusTransport::tcp;
  std::string host = "127.0.0.1";  // tcp: address or host name
  std::uint16_t port = 502;        // tcp
  std::string serial_device;       // rtu, e.g. /dev/ttyUSB0
  int baud = 19200;                // rtu, 8N1
  int unit_id = 1;
  std::chrono::milliseconds poll_period{50};
  std::chrono::milliseconds timeout{500};  // per request and for connect
  int coil_count = 8;
  int input_count = 8;
  std::chrono::milliseconds reconnect_first{100};
  std::chrono::milliseconds reconnect_ceiling{5000};
};

// Throws std::invalid_argument naming the first bad field.
void validate(const ModbusIoOptions& options);

struct ModbusIoCallbacks {
  // A discrete input changed (or is reported after a (re)connect).
  std::function<void(int index, bool value, core::TimePoint time)> on_input;
  // The device stopped answering (online = false) or answers again (true).
  std::function<void(bool online, const std::string& detail, core::TimePoint time)> on_status;
};

// Wraps each callback so that it is posted onto `io` and runs there, on the
// daemon's event loop, instead of on the driver thread. Arguments are copied
// into the posted handler; `io` must outlive every module using the result.
ModbusIoCallbacks post_callbacks_to(boost::asio::io_context& io, ModbusIoCallbacks callbacks);

struct ModbusIoCounters {
  std::uint64_t polls = 0;       // input reads attempted
  std::uint64_t errors = 0;      // failed connects, timeouts, bad responses
  std::uint64_t reconnects = 0;  // sessions re-established after a loss
};

class ModbusIoLink;

class ModbusIoModule {
 public:
  // Validates the options (std::invalid_argument) and starts the thread.
  ModbusIoModule(ModbusIoOptions options, ModbusIoCallbacks callbacks);
  // Same, but every callback is posted onto `io` and runs there. `io` must
  // outlive this module (stop it before the io_context is destroyed).
  ModbusIoModule(ModbusIoOptions options, boost::asio::io_context& io, ModbusIoCallbacks callbacks);
  ~ModbusIoModule();

  ModbusIoModule(const ModbusIoModule&) = delete;
  ModbusIoModule& operator=(const ModbusIoModule&) = delete;

  // Queues a coil write and wakes the thread; callable from any thread. The
  // value is also remembered and re-applied after every reconnect. Throws
  // std::out_of_range for an index outside [0, coil_count).
  void set_coil(int index, bool value);

  // Stops and joins the thread; idempotent. From a callback running on the
  // module's own thread it only asks the thread to end (and the module must
  // then not be destroyed from there).
  void stop();

  bool online() const { return online_.load(); }
  ModbusIoCounters counters() const;
  const ModbusIoOptions& options() const { return options_; }

 private:
  enum class Link { up, down };
  enum class Writes { all_written, retry_later, link_down };

  void run();
  bool establish();
  Writes write_coils(const std::map<int, bool>& writes);
  Link poll_inputs();
  Link on_bad_response(const std::string& detail);
  void lose_link(const std::string& detail);
  bool sleep_unless_stopped(std::chrono::milliseconds delay);
  void report_status(bool online, const std::string& detail);

  ModbusIoOptions options_;
  ModbusIoCallbacks callbacks_;
  std::unique_ptr<ModbusIoLink> link_;

  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;                       // guarded by mutex_
  std::map<int, bool> pending_;                 // guarded by mutex_: writes not yet sent
  std::vector<std::optional<bool>> commanded_;  // guarded by mutex_: last value per coil

  // Driver-thread state.
  std::vector<std::uint8_t> last_inputs_;
  std::optional<bool> reported_online_;
  std::string last_failure_;
  int bad_response_streak_ = 0;
  bool ever_connected_ = false;

  std::atomic<bool> online_{false};
  std::atomic<std::uint64_t> polls_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> reconnects_{0};

  std::thread thread_;  // last: starts after everything above is initialised
};

}  // namespace vigil::modbus
