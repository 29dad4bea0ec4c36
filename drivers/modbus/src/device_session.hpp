// One device's side of a Modbus bus: what ModbusIoModule did on its own
// thread before devices shared one. The bus thread calls service() whenever
// next_due() has come (or a write was queued); the session does its due
// exchanges on the link, which on an RS-485 line is shared with the other
// units on that port, one request at a time since one thread serves them all.
//
// Online is decided by reads only. Every failed exchange (a poll that times
// out, comes back garbled or as an exception, a refused connect, a lost
// session) adds to a streak; `offline_after` in a row make the device
// offline. It is then probed with exponential back-off, and when it answers
// again it is re-established from scratch: watchdog, one read whose levels
// are reported as `initial` (a state, never an event), coil re-applies.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "io_link.hpp"
#include "vigil/modbus/io_module.hpp"
#include "vigil/modbus/reconnect_backoff.hpp"

namespace vigil::modbus {

class DeviceSession {
 public:
  using Clock = std::chrono::steady_clock;

  // `link` outlives the session; `owns_link` = the session's own TCP
  // connection (closed when the device fails), false for a shared serial port.
  // `bus_mutex` guards the queued requests and the commanded coil values.
  DeviceSession(ModbusIoOptions options, ModbusIoCallbacks callbacks, ModbusIoLink& link,
                bool owns_link, std::mutex& bus_mutex);

  // Called with the bus mutex held (any thread).
  void queue_write_locked(int index, bool value, std::uint64_t write_id);
  bool has_requests_locked() const { return !requests_.empty(); }
  void take_requests_locked();

  // Bus thread only.
  Clock::time_point next_due() const;
  void service();

  const ModbusIoOptions& options() const { return options_; }
  bool online() const { return online_.load(); }
  bool watchdog_armed() const { return watchdog_armed_.load(); }
  ModbusIoCounters counters() const;

 private:
  enum class Attempt { confirmed, failed, link_down };
  struct Request {
    bool value = false;
    std::uint64_t write_id = 0;
    Clock::time_point at;
  };
  // A coil write not yet confirmed.
  struct Write {
    bool value = false;
    std::uint64_t write_id = 0;      // the request's (a re-apply: the last request's)
    Clock::time_point deadline;      // confirm by then, or report the failure
    Clock::time_point next_attempt;  // now, or after a failure's backoff
    std::chrono::milliseconds retry_delay{0};
    bool requested = false;         // by set_coil (else a re-apply after reconnect)
    bool failure_reported = false;  // then a later success is reported too
  };

  bool establish();
  bool arm_watchdog();
  bool attempt_due_writes();  // false when the session went down
  Attempt attempt_write(int index, Write& write);
  void write_failed(int index, Write& write, const std::string& detail);
  void expire_overdue_writes();
  bool poll_inputs();                              // false when the session went down
  LinkResult read_registers(std::string& detail);  // into fresh_registers_
  void report_registers(bool first_after_connect, core::TimePoint time, core::MonoTime mono);
  bool fail(LinkResult result, const std::string& detail);
  void count(LinkResult result);
  void report_status(bool online, const std::string& detail);
  void report_output(int index, const Write& write, bool ok, const std::string& error);

  ModbusIoOptions options_;
  ModbusIoCallbacks callbacks_;
  ModbusIoLink& link_;
  bool owns_link_;
  std::mutex& bus_mutex_;
  ReconnectBackoff backoff_;

  // Guarded by the bus mutex.
  std::map<int, Request> requests_;
  // The last request per coil: what a reconnect re-applies.
  struct Commanded {
    bool value = false;
    std::uint64_t write_id = 0;
  };
  std::vector<std::optional<Commanded>> commanded_;

  // Bus-thread state.
  bool established_ = false;  // watchdog armed (if any) and the inputs read
  Clock::time_point retry_at_{};
  Clock::time_point next_poll_{};
  std::map<int, Write> writes_;
  std::vector<std::uint8_t> last_inputs_;
  // Registers read together: one request per run of consecutive addresses
  // of one kind (at most 125, one PDU).
  struct RegisterBlock {
    RegisterKind kind;
    int address = 0;
    std::vector<int> indexes;  // into options_.registers, in address order
  };
  std::vector<RegisterBlock> register_blocks_;
  std::vector<std::uint16_t> fresh_registers_;
  std::vector<std::optional<std::uint16_t>> last_registers_;
  std::optional<bool> reported_online_;
  std::string last_failure_;
  std::string watchdog_problem_;
  int failure_streak_ = 0;
  bool ever_connected_ = false;

  std::atomic<bool> online_{false};
  std::atomic<bool> watchdog_armed_{false};
  std::atomic<std::uint64_t> polls_{0};
  std::atomic<std::uint64_t> errors_{0};
  std::atomic<std::uint64_t> reconnects_{0};
  std::atomic<std::uint64_t> writes_confirmed_{0};
  std::atomic<std::uint64_t> write_failures_{0};
  std::atomic<std::uint64_t> timeouts_{0};
  std::atomic<std::uint64_t> exceptions_{0};
  std::atomic<std::uint64_t> crc_errors_{0};
  std::atomic<std::uint64_t> bad_frames_{0};
  std::atomic<std::uint64_t> offline_transitions_{0};
  std::atomic<int> streak_now_{0};
};

}  // namespace vigil::modbus
