// A many-door site for the fail-safe benches: a real mosquitto, one libmodbus
// I/O module server with a coil, a contact input and a REX input per door,
// and vigild (the real daemon) as a child process on a config written for it.
// Door i: lock coil i, contact input i, REX input doors + i.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/sim/modbus_io_server.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::bench {

struct DoorsSiteOptions {
  int doors = 32;
  std::string unlock_time = "30s";
  std::string poll = "20ms";
  std::string watchdog{};  // e.g. "1s"; empty: the module watchdog is not armed
  int extra_modules = 0;   // more 8-in/8-out modules (io2..), polled like io1, no doors
};

class DoorsSite {
 public:
  explicit DoorsSite(DoorsSiteOptions options);
  ~DoorsSite();  // SIGKILLs and reaps a vigild still running
  DoorsSite(const DoorsSite&) = delete;
  DoorsSite& operator=(const DoorsSite&) = delete;

  // Starts vigild and waits until it journalled daemon_started and polls the
  // module; throws with vigild's log if it does not come up in 15 s.
  void start_vigild();
  pid_t vigild_pid() const { return pid_; }
  // Blocks until vigild exits (it is reaped); false if it did not within `timeout`
  // (it is then SIGKILLed and reaped).
  bool wait_vigild_exit(std::chrono::milliseconds timeout);

  // Presses door i's REX button, waits until every pressed door's coil is on,
  // then releases the buttons. False if a coil did not come on within 5 s.
  bool unlock_by_rex(const std::vector<int>& doors);

  sim::ModbusIoServer& io() { return io_; }
  // Requests answered by every module, io1 and the extra ones.
  std::uint64_t requests_answered() const;
  // Events of `kind` with seq > after_seq.
  std::vector<core::Event> events(core::EventKind kind, std::uint64_t after_seq = 0) const;
  std::uint64_t last_seq() const;
  std::string vigild_log() const;
  int doors() const { return options_.doors; }

 private:
  void write_config();

  DoorsSiteOptions options_;
  testing::TempDir dir_{"vigil-bench-doors"};
  testing::MosquittoProcess broker_;
  sim::ModbusIoServer io_;
  std::vector<std::unique_ptr<sim::ModbusIoServer>> extra_;
  std::filesystem::path config_path_;
  std::filesystem::path journal_path_;
  pid_t pid_ = -1;
  int starts_ = 0;
};

}  // namespace vigil::bench
