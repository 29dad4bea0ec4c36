// A one-door site for end-to-end tests: a real mosquitto, a libmodbus I/O
// module server, the sim GPIO chip with a Wiegand reader, two enrolled people,
// and vigild started as a child process on a config written for them.
#pragma once

#include <memory>
#include <string>

#include "vigil/journal/journal.hpp"
#include "vigil/sim/modbus_io_server.hpp"
#include "vigil/sim/sim_chip_server.hpp"
#include "vigil/sim/wiegand_reader_sim.hpp"
#include "vigil/testing/child_process.hpp"
#include "vigil/testing/mosquitto.hpp"
#include "vigil/testing/temp_dir.hpp"

namespace vigil::testing {

class SiteHarness {
 public:
  // Coil 0 is the lock, input 0 the contact, input 1 the REX button.
  static constexpr int kLockCoil = 0;
  static constexpr int kContactInput = 0;
  static constexpr int kRexInput = 1;
  // With Options::gpio_lock, the lock is this line of gpio0 instead.
  static constexpr std::uint32_t kLockLine = 4;

  struct Options {
    std::string unlock_time = "2s";
    std::size_t extra_people = 0;         // enrol this many more people (p100000...) for scale runs
    std::string watchdog{};               // the I/O module's watchdog timeout ("1s"); empty: none
    std::filesystem::path journal_dir{};  // where journal.db lives; empty: the site's temp dir
    std::string contact_debounce{};       // e.g. "0ms"; empty: the core's default (20 ms)
    std::vector<std::string> vigild_args{};  // appended to vigild's command line
    // The door is card + PIN (issue 8): p01's PIN is 1234, the PIN entry
    // time 3 s; the reader decodes keypad bursts.
    bool card_and_pin = false;
    std::string extra_config{};   // YAML sections appended to the config (alarm_zones, fire)
    std::string journal_extra{};  // keys added to the journal map ("retention: {...}")
    std::string broker_extra{};   // appended inside the broker map: ", digest: { at: ... }"
    // A second reader, lobby-out (direction out, gpio0 lines 2 and 3):
    // swipe_out() leaves the lobby for outside.
    bool exit_reader = false;
    // io1 is a generic-8in-8out module (config/modules/) whose input register
    // 0 (loop0) is an EOL-supervised line, dual 1k/1k, 50 ms dwell: 1000 ohm
    // normal, 2000 alarm, 100 short, 60000 cut. It reads 1000 until set.
    bool supervised_loop = false;
    // More entries of the operators list (YAML lines "  - { user: ... }\n"):
    // operators with public keys for signed MQTT commands.
    std::string extra_operators{};
    std::string time_zone = "UTC";  // the site's; a zone of the test's own needs $TZDIR
    bool gpio_lock = false;         // the lock on gpio0 line kLockLine, not io1's coil
    // More keys of the door (YAML lines "    mode: locked\n").
    std::string door_extra{};
    // The roles of the test's own Unix user, the site's first operator.
    std::string operator_roles = "facilities, auditor, supervisor, admin";
  };

  explicit SiteHarness(MosquittoOptions broker_options = {});
  SiteHarness(MosquittoOptions broker_options, Options options);
  ~SiteHarness();

  // Starts vigild and waits until it polls the I/O module and holds the GPIO chip.
  void start_vigild();
  void stop_vigild();  // SIGTERM, clean shutdown
  // Rewrites the config with `options` (people stay); takes effect at the
  // next start_vigild(), or at a reload (SIGHUP) of a running one.
  void reconfigure(Options options);
  void kill_vigild();  // SIGKILL: no shutdown at all
  bool vigild_running();
  void signal_vigild(int sig);
  pid_t vigild_pid() const;
  sim::SimChipServer& chip() { return *chip_; }

  void swipe(std::uint32_t facility, std::uint64_t number);
  // Swipes and waits up to 5 s for the next decision (granted or denied);
  // returns it, or nothing when none came.
  std::optional<core::Event> swipe_and_decide(std::uint32_t facility, std::uint64_t number);
  void swipe_out(std::uint32_t facility, std::uint64_t number);  // needs Options::exit_reader
  void send_bits(const std::vector<bool>& bits);  // a raw frame, e.g. with bad parity
  // Types on the reader's keypad: digits, '*' and '#', one 8-bit burst a key.
  void keys(std::string_view typed);
  const std::filesystem::path& config_path() const { return config_path_; }
  void set_contact(bool open);

  std::vector<core::Event> events(core::EventKind kind) const;
  std::vector<core::Event> all_events() const;
  std::string vigild_log() const;

  MosquittoProcess& broker() { return broker_; }
  sim::ModbusIoServer& io() { return io_; }
  const std::filesystem::path& journal_path() const { return journal_path_; }
  std::string incident_filter() const { return "vigil/v1/test-site/gw1/incident/#"; }
  // The Unix user running the test, mapped to an operator in the config.
  static std::string test_user();

 private:
  void write_config();
  void enrol_people();

  Options options_;
  TempDir dir_{"vigil-site"};
  MosquittoProcess broker_;
  sim::ModbusIoServer io_;
  std::unique_ptr<sim::SimChipServer> chip_;
  std::unique_ptr<sim::WiegandReaderSim> reader_;
  std::unique_ptr<sim::WiegandReaderSim> exit_reader_;
  std::filesystem::path config_path_;
  std::filesystem::path journal_path_;
  std::unique_ptr<ChildProcess> vigild_;
  int starts_ = 0;
};

}  // namespace vigil::testing
