// The validated site config: the core's Site model plus everything the shell
// needs to wire devices, the journal and the broker. Produced by
// load_site_config() (parse -> validate -> build, never interleaved).
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "vigil/config/operators.hpp"
#include "vigil/core/alarm.hpp"
#include "vigil/core/deficiency.hpp"
#include "vigil/core/eol.hpp"
#include "vigil/core/fire.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/site.hpp"
#include "vigil/wiegand/format.hpp"

namespace vigil::config {

struct BrokerConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 1883;
  std::string client_id;  // default: "vigild-<site>-<gateway>"
  std::chrono::seconds keepalive{10};
  std::string topic_root = "vigil";  // topics are <root>/v1/<site>/<gateway>/...
  // TLS (docs/config.md, broker.tls): paths resolved against the config's
  // folder; ca_file empty = plain TCP.
  std::string tls_ca_file;
  std::string tls_cert_file;
  std::string tls_key_file;
  bool tls_verify_hostname = true;
  std::string username;
  std::string password;  // read from broker.password_file at load
  // The event/<zone> stream of entries and denials (docs/mqtt.md).
  bool events_publish = true;
  int events_qos = 1;
  std::string events_personal_data = "none";  // none, id, full_name
  // The meeting digest on <prefix>/digest (broker.digest, docs/mqtt.md):
  // daily at this local time of day.
  bool digest_enabled = true;
  // broker.protocol: "5", "3.1.1" or "auto" (5, falling back to 3.1.1 when
  // the broker refuses it). MQTT 5 adds message expiry on retained state
  // and Response Topic / Correlation Data on command replies.
  std::string protocol = "auto";
  // broker.state_expiry: MQTT 5 message expiry of the retained door and zone
  // states (0: none); vigild publishes each again after half of it.
  std::chrono::seconds state_expiry{3600};
  std::chrono::seconds digest_at{7 * 3600};
};

// The I/O module's own communication watchdog (ADAM/ioLogik style): when the
// daemon has not written the timeout register's module for `timeout`, the
// module drives its coils to `safe_coils` by itself, so a dead daemon or a cut
// cable still leaves every lock in its fail mode.
struct ModbusWatchdogConfig {
  std::chrono::milliseconds timeout{0};  // 1 ms .. 65535 ms
  std::vector<bool> safe_coils;          // size coil_count; empty = all off
  int timeout_register = 4096;           // holding register the timeout (ms) is written to
  int safe_register = 4097;              // first holding register of the safe coil pattern
};

// An analog point in a module's register map (input or holding register),
// reported as raw * scale + offset.
struct ModbusRegisterConfig {
  std::string name;            // unique within the module type, e.g. "ai0"
  std::string kind = "input";  // "input" | "holding"
  int address = 0;             // PDU address, 0..65535
  double scale = 1.0;
  double offset = 0.0;
};

// An end-of-line supervised input read from one of the module's registers
// (the loop resistance in ohms): classified into normal / alarm / cut / short.
struct SupervisedInputConfig {
  std::string register_name;
  int register_index = 0;  // into ModbusDeviceConfig::registers
  std::string wiring;      // "single_eol" | "dual_eol"
  core::EolBands bands;
  core::Duration dwell = std::chrono::milliseconds(500);
};

struct ModbusDeviceConfig {
  core::DeviceId id;
  std::string transport = "tcp";   // "tcp" | "rtu"
  std::string host = "127.0.0.1";  // tcp
  std::uint16_t port = 502;        // tcp
  std::string serial_device;       // rtu, e.g. /dev/ttyUSB0
  int baud = 19200;                // rtu
  int unit_id = 1;
  std::chrono::milliseconds poll_period{50};
  std::chrono::milliseconds timeout{500};
  int coil_count = 8;
  int input_count = 8;
  // From the device's module type (config/modules/<type>.yaml), if it names one.
  std::string module_type;
  int coil_address = 0;   // coil i is at coil_address + i
  int input_address = 0;  // discrete input i is at input_address + i
  std::vector<ModbusRegisterConfig> registers;
  std::vector<SupervisedInputConfig> supervised_inputs;
  bool read_back = true;  // confirm each coil write by reading the coil back
  int offline_after = 3;  // failed reads in a row that make the device offline
  std::optional<ModbusWatchdogConfig> watchdog;
};

// How one GPIO line is wired. The chip applies these (the kernel for gpiod,
// the sim chip for sim), so every level and edge the daemon sees is logical:
// true = active (contact open, button pressed, lock energised).
enum class LineBias : std::uint8_t { as_is, disabled, pull_up, pull_down };
const char* to_string(LineBias b);

struct GpioLineConfig {
  bool active_low = false;
  LineBias bias = LineBias::as_is;
  std::chrono::microseconds debounce{0};  // 0 = off; applied by the gpio driver
};

struct GpioChipConfig {
  core::DeviceId id;
  std::string backend = "sim";  // "sim" (Unix socket to vigil-sim) | "gpiod" (kernel chip)
  std::string path;             // socket path for sim, /dev/gpiochipN or chip name for gpiod
  std::map<std::uint32_t, GpioLineConfig> lines;  // lines not listed: defaults
};

struct WiegandReaderConfig {
  core::ReaderId reader;  // also present in Site::readers
  core::DeviceId chip;
  std::uint32_t d0_line = 0;
  std::uint32_t d1_line = 0;
  std::vector<std::string> formats;  // names; empty = all built-in and custom formats
  std::chrono::microseconds frame_close{25000};
};

// A site reader wired to one reader port of a door board.
struct BoardReaderConfig {
  core::ReaderId reader;
  std::vector<std::string> formats;  // names; empty = all built-in and custom formats
};

// An MCU door board on a serial line (the firmware bridge,
// docs/firmware-bridge.md). Its relays are addressed as coils and its
// inputs as inputs, like a Modbus module's.
struct DoorBoardConfig {
  core::DeviceId id;
  std::string serial_device;  // resolved against the config's folder
  int baud = 115200;
  int reader_count = 1;
  int input_count = 0;
  int relay_count = 2;
  std::vector<std::optional<BoardReaderConfig>> readers;  // [r], size reader_count
};

struct SiteConfig {
  std::string source_path;
  // The file's text as loaded: a reload compares the next file with it
  // (reload.hpp).
  std::string source_text;
  core::Site site;
  std::string journal_path;
  BrokerConfig broker;
  std::vector<ModbusDeviceConfig> modbus_devices;
  std::vector<GpioChipConfig> gpio_chips;
  std::vector<WiegandReaderConfig> wiegand_readers;
  std::vector<DoorBoardConfig> door_boards;
  std::vector<wiegand::FormatSpec> custom_formats;
  core::IncidentRulesConfig incident_rules;
  // A wall-clock step larger than this against the monotonic clock is a
  // clock_jump event and incident (site.clock_jump_threshold).
  core::Duration clock_jump_threshold = std::chrono::seconds(2);
  // Signed checkpoints of the journal head: every N events or T, whichever
  // comes first, and at every clean stop (journal.checkpoint_every / _interval).
  std::uint64_t checkpoint_every_events = 1000;
  core::Duration checkpoint_interval = std::chrono::seconds(60);
  // journal.retention.keep_months: vigild moves every whole UTC month before
  // the current one minus this many to archives, at start and hourly
  // (docs/journal.md, "Retention in vigild"). Unset: rows stay live.
  std::optional<unsigned> retention_keep_months{};
  // journal.archive_dir, resolved against the config's folder; empty: the
  // folder `<journal_path>.archive` beside the journal (also after
  // `vigild --journal` moved it). Every reader and writer of archives uses
  // it (docs/journal.md, "Archives").
  std::string journal_archive_dir{};
  // journal_archive_dir, or `<journal_path>.archive` when it is empty.
  std::string archive_dir() const {
    return journal_archive_dir.empty() ? journal_path + ".archive" : journal_archive_dir;
  }
  // vigild's control socket (control.socket; default <journal.path>.sock)
  // and who may use it (operators, docs/control.md).
  std::string control_socket;
  std::vector<OperatorConfig> operators;
  // Signed MQTT commands (commands.max_skew, docs/commands.md): a command
  // whose signing time differs from the gateway's clock by more is stale.
  std::chrono::milliseconds command_max_skew{30'000};
  // Alarm zones and fire release (issue 9, docs/alarm.md).
  std::vector<core::AlarmZone> alarm_zones;
  std::optional<core::FireConfig> fire;
  // Inspections (issue 9 item 6, docs/inspections.md): more read errors than
  // this at one reader is a deficiency (inspections.read_errors).
  core::ReadErrorRate read_error_rate{};
};

}  // namespace vigil::config
