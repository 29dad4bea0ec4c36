// One Modbus I/O module (ADAM/ioLogik style) on TCP or RTU. Coils drive lock
// relays; discrete inputs read door contacts and REX buttons. A bus thread
// (ModbusBus, shared with the other units of an RS-485 line or a pool of TCP
// modules; ModbusIoModule is a bus of one) talks to the device: it polls the
// inputs every poll period and reports each change (and every input once
// after each (re)connect, marked `initial`, so the daemon learns the real
// state without taking it for a press), executes coil writes as soon as they
// are requested and reports each one's confirmation or failure, reports the
// device going offline and coming back, arms the module's communication
// watchdog and re-applies the last commanded coil states after every
// reconnect, because a module that rebooted comes up with its relays
// released, whatever the daemon commanded.
//
// Only reads decide whether the device is online: `offline_after` failed
// reads in a row make it offline (probed again with exponential back-off, and
// re-read, levels `initial`, when it answers). A module that refuses or
// never answers a coil write stays online, its inputs keep being polled, and
// the write is reported failed and retried in the background.
//
// Watchdog register convention (ADAM-6000 / ioLogik E1200 style, see
// README.md): holding register `timeout_register` holds the timeout in
// milliseconds (0 = disabled, at most 65535); holding registers from
// `safe_register` hold the safe coil values as a bitmap, 16 coils per
// register, bit i of register k = coil 16k+i. When the module hears no request
// for the timeout, it sets every coil to its safe value on its own.
//
// Callbacks run on the bus thread; the io_context constructor posts them.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace boost::asio {
class io_context;
}

namespace vigil::modbus {

enum class ModbusTransport { tcp, rtu };

const char* to_string(ModbusTransport transport);

// The module's own communication watchdog: what it does when vigild dies.
struct ModbusWatchdog {
  std::chrono::milliseconds timeout{1000};  // 1..65535 ms, > poll_period + timeout
  std::vector<bool> safe_coils{};           // one per coil; empty = every coil off
  int timeout_register = 4096;              // holding register: timeout in ms
  int safe_register = 4097;                 // first holding register of the bitmap
};

// An analog value the module holds in one 16-bit register (an EOL-supervised
// input's voltage, a temperature): read every poll, reported as the raw
// register and as raw * scale + offset.
enum class RegisterKind { input, holding };
struct ModbusRegister {
  RegisterKind kind = RegisterKind::input;
  int address = 0;  // 0..65535, the PDU address (input register 30001 is 0)
  double scale = 1.0;
  double offset = 0.0;
};

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
  int unit_id = 1;                 // rtu 1..247, tcp 1..255
  std::chrono::milliseconds poll_period{50};
  std::chrono::milliseconds timeout{500};  // per request, for connect, and to confirm a write
  int coil_count = 8;
  int input_count = 8;
  // Where the module's map puts them (a module type's register map): coil i
  // is at coil_address + i, discrete input i at input_address + i.
  int coil_address = 0;
  int input_address = 0;
  std::vector<ModbusRegister> registers;  // register i is reported as index i
  bool read_back = true;  // a coil write is confirmed only once a read returns the value
  // Failed reads (timeouts, exceptions, CRC errors, malformed answers,
  // refused connects) in a row that make the device offline; 1..100.
  int offline_after = 3;
  std::optional<ModbusWatchdog> watchdog;
  std::chrono::milliseconds reconnect_first{100};  // also the first write retry delay
  std::chrono::milliseconds reconnect_ceiling{5000};
};

// One problem with the options, named by the option's field ("unit_id",
// "watchdog.safe_coils"), so the config loader can point at the config key.
struct FieldError {
  std::string field;
  std::string message;
};

// Every problem with the options; empty when a module can start. Pure: starts
// no thread and opens nothing, so `vigild -t` can call it.
std::vector<FieldError> check(const ModbusIoOptions& options);

// Throws std::invalid_argument naming the device and the first bad field.
void validate(const ModbusIoOptions& options);

struct ModbusIoCallbacks {
  // A discrete input changed; `initial` = a level read right after a
  // (re)connect (every input is reported once then): a state, not an event.
  std::function<void(int index, bool value, bool initial, core::TimePoint time,
                     core::MonoTime mono)>
      on_input;
  // Register `index` (of options.registers) changed, or was read right after
  // a (re)connect (`initial`, as for inputs).
  std::function<void(int index, std::uint16_t raw, double value, bool initial, core::TimePoint time,
                     core::MonoTime mono)>
      on_register;
  // The device stopped answering reads (online = false) or answers again.
  std::function<void(bool online, const std::string& detail, core::TimePoint time,
                     core::MonoTime mono)>
      on_status;
  // A requested coil write: ok = acknowledged (and read back, with
  // read_back) at `time`; !ok = refused, garbled or not confirmed within
  // `timeout`, with the reason. `write_id` is the id set_coil was given for
  // that request. A failed write is retried in the background and reported
  // again (ok, same id) when it finally holds. A request superseded by a
  // newer request for the same coil before it was confirmed is never
  // reported; the outcomes of one coil's requests come in request order.
  std::function<void(int index, std::uint64_t write_id, bool value, bool ok,
                     const std::string& error, core::TimePoint time, core::MonoTime mono)>
      on_output;
};

// Wraps each callback so that it is posted onto `io` and runs there, on the
// daemon's event loop, instead of on the driver thread. Arguments are copied
// into the posted handler; `io` must outlive every module using the result.
ModbusIoCallbacks post_callbacks_to(boost::asio::io_context& io, ModbusIoCallbacks callbacks);

struct ModbusIoCounters {
  std::uint64_t polls = 0;             // input reads attempted
  std::uint64_t errors = 0;            // failed connects, timeouts, bad responses
  std::uint64_t reconnects = 0;        // sessions re-established after a loss
  std::uint64_t writes_confirmed = 0;  // coil writes that held (re-applies included)
  std::uint64_t write_failures = 0;    // coil write attempts that failed
  // What the errors were (reads, writes and watchdog writes alike):
  std::uint64_t timeouts = 0;    // no (complete) answer within the timeout
  std::uint64_t exceptions = 0;  // Modbus exception answers
  std::uint64_t crc_errors = 0;  // rtu frames with a wrong CRC
  std::uint64_t bad_frames = 0;  // malformed or mismatched answers (wrong unit, short, ...)
  std::uint64_t offline_transitions = 0;  // times the device went from online to offline
  std::uint64_t failure_streak = 0;       // failed reads in a row now
};

class ModbusBus;

// One device on a bus of its own (ModbusBus with one member): the simple case
// and what the driver tests exercise.
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
  // value is also remembered and re-applied after every reconnect. Its
  // outcome comes back through on_output with `write_id` (the caller's
  // number for this request; vigild passes core::SetOutput::write_id).
  // Throws std::out_of_range for an index outside [0, coil_count).
  void set_coil(int index, bool value, std::uint64_t write_id = 0);

  // Stops and joins the thread; idempotent. From a callback running on the
  // module's own thread it only asks the thread to end (and the module must
  // then not be destroyed from there). The module's watchdog stays armed: a
  // stopped daemon's locks fall to their safe values after its timeout.
  void stop();

  bool online() const;
  // True once the watchdog registers were written in the current session.
  bool watchdog_armed() const;
  ModbusIoCounters counters() const;
  const ModbusIoOptions& options() const { return options_; }

 private:
  ModbusIoOptions options_;
  std::unique_ptr<ModbusBus> bus_;
};

}  // namespace vigil::modbus
