// The parse step's output: the config as written, every value with its
// position, nothing resolved yet. validate() checks it as a whole and
// build() turns a clean draft into a SiteConfig.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "draft_alarm.hpp"
#include "vigil/config/load.hpp"
#include "vigil/config/site_config.hpp"
#include "vigil/core/site.hpp"
#include "vigil/wiegand/format.hpp"
#include "yaml_reader.hpp"

namespace vigil::config {

using LocatedId = Located<std::string>;

// The zone a door may lead from without declaring it.
inline constexpr const char* kOutsideZone = "outside";

struct DraftPoint {
  Pos pos;
  LocatedId device;
  std::string index_key;  // "coil", "input" or "line", as written
  Located<std::int64_t> index;
};

struct DraftZone {
  Pos pos;
  LocatedId id;
  std::string name;
  core::SecurityLevel security_level = core::SecurityLevel::public_;
  core::ClearanceLevel required_clearance = core::ClearanceLevel::none;
  bool requires_return_report = false;
  std::optional<LocatedId> parent;
  core::AntiPassback anti_passback = core::AntiPassback::none;  // issue 8
  std::optional<int> occupancy_limit{};
  std::optional<core::Duration> two_person_window{};
  std::optional<core::Duration> escort_window{};
};

struct DraftDoor {
  Pos pos;
  LocatedId id;
  std::string name;
  LocatedId from;
  LocatedId to;
  std::optional<DraftPoint> lock;
  std::optional<DraftPoint> contact;
  std::optional<DraftPoint> rex;
  core::Duration unlock_time = std::chrono::seconds(5);
  core::Duration held_open_time = std::chrono::seconds(30);
  core::FailMode fail_mode = core::FailMode::secure;
  // Fail-safe timings as written (nullopt = the core's default); positions
  // let validate() point at the key that breaks a rule.
  std::optional<Located<core::Duration>> relock_delay;
  std::optional<Located<core::Duration>> contact_debounce;
  std::optional<Located<core::Duration>> rex_debounce;
  std::optional<Located<core::Duration>> rex_stuck_time;
  core::DoorMode mode = core::DoorMode::card;         // issue 8
  std::vector<core::WeeklyWindow> unlocked_schedule;  // mode `unlocked` only
};

struct DraftWiegand {
  Pos pos;
  LocatedId chip;
  std::optional<Located<std::int64_t>> d0;
  std::optional<Located<std::int64_t>> d1;
  std::vector<LocatedId> formats;
  std::chrono::microseconds frame_close{25000};
};

// A reader wired to a door board's reader port instead of GPIO lines.
struct DraftBoardReader {
  Pos pos;
  LocatedId device;
  std::optional<Located<std::int64_t>> port;  // the board's reader number
  std::vector<LocatedId> formats;
};

struct DraftReader {
  Pos pos;
  LocatedId id;
  LocatedId door;
  core::Direction direction = core::Direction::in;
  std::optional<DraftWiegand> wiegand;  // exactly one of wiegand and board
  std::optional<DraftBoardReader> board;
};

struct DraftAccessLevel {
  Pos pos;
  LocatedId id;
  std::vector<LocatedId> zones;
  std::vector<core::WeeklyWindow> schedule;
  std::optional<LocatedId> holidays;  // holiday calendar id
  bool lockdown_override = false;     // issue 8
};

struct DraftHolidaySchedule {
  Pos pos;
  LocatedId id;
  std::vector<core::WeeklyWindow> windows;
};

struct DraftHoliday {
  Pos pos;
  core::LocalDate date;
  std::string name;
  std::optional<LocatedId> schedule;  // none = closed
};

struct DraftHolidayCalendar {
  Pos pos;
  LocatedId id;
  std::vector<DraftHoliday> days;
};

// A module type as loaded from the library (config/modules/<name>.yaml).
struct ModuleType {
  std::string name;
  int coil_address = 0;
  int coil_count = 0;
  int input_address = 0;
  int input_count = 0;
  std::vector<ModbusRegisterConfig> registers;
  std::optional<int> watchdog_timeout_register;
  std::optional<int> watchdog_safe_register;
};

enum class DeviceType { unknown, modbus_tcp, modbus_rtu, sim_gpio, gpiod, door_board };

struct DraftDevice {
  Pos pos;
  LocatedId id;
  DeviceType type = DeviceType::unknown;
  ModbusDeviceConfig modbus;              // when type is modbus_*
  GpioChipConfig gpio;                    // when type is sim_gpio or gpiod; path as written
  DoorBoardConfig board;                  // when type is door_board; path as written
  Pos path_pos;                           // of 'socket' / 'chip'
  Pos safe_coils_pos;                     // of the watchdog's 'safe_coils'
  std::optional<Pos> unit_pos;            // of 'unit', when written
  std::optional<Pos> baud_pos;            // of 'baud', when written
  std::map<std::uint32_t, Pos> line_pos;  // of each configured GPIO line
};

struct DraftFormat {
  Pos pos;
  LocatedId name;
  wiegand::FormatSpec spec;
  bool parsed_cleanly = false;  // only then is the layout worth checking
};

struct DraftOperator {
  Pos pos;
  Located<std::string> user;
  std::string name;
  std::vector<Located<std::string>> roles;
  std::vector<LocatedId> zones;  // "*" = the whole site
  std::string public_key;        // raw 32 bytes (checked at parse); empty: none
};

struct Draft {
  std::filesystem::path source;
  LocatedId site_id;
  LocatedId gateway;
  LocatedId time_zone;
  core::Duration clock_jump_threshold = std::chrono::seconds(2);
  std::vector<std::string> return_report_destinations;
  core::Duration escort_window = std::chrono::seconds(10);  // site default (visits)
  std::optional<Located<std::string>> journal_path;
  std::uint64_t checkpoint_every_events = 1000;
  core::Duration checkpoint_interval = std::chrono::seconds(60);
  std::optional<unsigned> retention_keep_months{};
  std::optional<Located<std::string>> journal_archive_dir;
  BrokerConfig broker;
  bool client_id_given = false;
  core::IncidentRulesConfig incident_rules;
  Located<std::string> module_library{"modules", {}};  // site.module_library, as written
  // Module types loaded so far by name; nullopt: missing or broken (reported once).
  std::map<std::string, std::optional<ModuleType>> module_types;
  std::vector<DraftDevice> devices;
  std::vector<DraftFormat> formats;
  std::vector<DraftZone> zones;
  std::vector<DraftDoor> doors;
  std::vector<DraftReader> readers;
  std::vector<DraftAccessLevel> access_levels;
  std::vector<DraftHolidaySchedule> holiday_schedules;
  std::vector<DraftHolidayCalendar> holiday_calendars;
  std::optional<Located<std::string>> control_socket;
  std::vector<DraftOperator> operators;
  core::Duration command_max_skew = std::chrono::seconds(30);  // commands.max_skew

  core::PinPolicy pin;                      // the `pin` section (issue 8)
  std::vector<DraftAlarmZone> alarm_zones;  // issue 9 (parse_alarm.cpp)
  std::optional<DraftFire> fire;
  core::ReadErrorRate read_error_rate;  // the `inspections` section
};

// What validation resolved on the way (external references).
struct Resolved {
  core::TimeZone time_zone;
};

// Parse: one function per top-level section, each appending to the draft.
void parse_site(const YAML::Node& node, Draft& draft, Diagnostics& diag);
// The message for an escort window out of range (site or zone), or nullptr.
const char* escort_window_error(core::Duration window);
void parse_journal(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_broker(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_incidents(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_pin(const YAML::Node& node, Draft& draft, Diagnostics& diag);  // parse_pin.cpp
void parse_devices(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_wiegand_formats(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_zones(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_doors(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_readers(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_access_levels(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_holiday_schedules(const YAML::Node& node, Draft& draft, Diagnostics& diag);
// One weekly window ({days, from, to}), as access levels and doors write them.
void parse_window(const YAML::Node& node, std::vector<core::WeeklyWindow>& out, Diagnostics& diag);
void parse_holiday_calendars(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_control(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_operators(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_commands(const YAML::Node& node, Draft& draft, Diagnostics& diag);

// Validate: the draft as a whole.
Resolved validate(const Draft& draft, const LoadOptions& options, Diagnostics& diag);
void validate_formats(const Draft& draft, Diagnostics& diag);
void validate_points(const Draft& draft, Diagnostics& diag);
void validate_devices(const Draft& draft, Diagnostics& diag);
void validate_door_timings(const Draft& draft, Diagnostics& diag);
void validate_holidays(const Draft& draft, Diagnostics& diag);
void validate_operators(const Draft& draft, Diagnostics& diag);

// The module type `name` from the site's module library, loaded and checked
// on first use (errors name the module file); null when it cannot be used.
const ModuleType* find_module_type(Draft& draft, const Located<std::string>& name,
                                   Diagnostics& diag);

void validate_door_boards(const Draft& draft, Diagnostics& diag);

// Alarm zones and fire release (parse_alarm.cpp).
void parse_alarm_zones(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void parse_fire(const YAML::Node& node, Draft& draft, Diagnostics& diag);
void validate_alarm(const Draft& draft, Diagnostics& diag);
void build_alarm(const Draft& draft, SiteConfig& out);
// One schedule window ({days, from, to}), as access levels write them
// (parse_access_levels.cpp); alarm zones' arm_schedule uses it too.
void parse_schedule_window(const YAML::Node& node, std::vector<core::WeeklyWindow>& out,
                           Diagnostics& diag);
// Inspections (parse_inspections.cpp).
void parse_inspections(const YAML::Node& node, Draft& draft, Diagnostics& diag);

// Parse helpers for device options (parse_device_options.cpp).
void parse_modbus_watchdog(const MapReader& device, DraftDevice& out, Diagnostics& diag);
void parse_gpio_lines(const MapReader& device, DraftDevice& out, Diagnostics& diag);
// `supervised_inputs` of a Modbus device, after its module type gave it registers.
void parse_supervised_inputs(const MapReader& device, DraftDevice& out, Diagnostics& diag);

// Door boards (parse_door_board.cpp).
void parse_door_board(const MapReader& device, DraftDevice& out, Diagnostics& diag);
std::optional<DraftBoardReader> parse_board_reader(const MapReader& reader, Diagnostics& diag);

// A path as written, resolved against the config file's folder (absolute
// paths stay), exactly as vigild will open it.
std::string resolve_config_path(const std::filesystem::path& source, const std::string& path);

// Build: only ever called on a draft that validated cleanly.
SiteConfig build(Draft draft, Resolved resolved);
// control.socket and operators into `out` (journal_path already set).
void build_operators(const Draft& draft, SiteConfig& out);

}  // namespace vigil::config
