// The parse step's output for alarm zones and fire release (issue 9,
// docs/alarm.md): as written, with positions; parse_alarm.cpp parses,
// validates and builds them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "vigil/core/alarm.hpp"
#include "vigil/core/fire.hpp"
#include "yaml_reader.hpp"

namespace vigil::config {

// {device: D, input: N} | {device: D, line: N} | {device: D, supervised: REG},
// or a door's contact: {door: DOOR}.
struct DraftSensorPoint {
  Pos pos;
  Located<std::string> device;
  std::string index_key;  // "input", "line", "supervised" or "door"
  Located<std::int64_t> index{0, {}};
  Located<std::string> name;  // the supervised register or the door
};

struct DraftAlarmSensor {
  Pos pos;
  Located<std::string> name;
  core::SensorKind kind = core::SensorKind::contact;
  bool entry_route = false;
  std::optional<DraftSensorPoint> point;
};

struct DraftAlarmZone {
  Pos pos;
  Located<std::string> id;
  std::string name;
  core::Duration exit_delay = std::chrono::seconds(30);
  core::Duration entry_delay = std::chrono::seconds(30);
  std::vector<DraftAlarmSensor> sensors;
  std::optional<std::vector<Located<std::string>>> disarm_readers;  // nullopt: the default
  std::optional<std::vector<core::WeeklyWindow>> arm_schedule;      // disarmed in these windows
  std::optional<Located<bool>> auto_arm_when_empty;
};

struct DraftFireInput {
  Pos pos;
  Located<std::string> name;
  std::optional<DraftSensorPoint> point;
};

struct DraftFire {
  Pos pos;
  std::vector<DraftFireInput> inputs;
  std::vector<Located<std::string>> doors;
  bool release_on_input_loss = true;
};

}  // namespace vigil::config
