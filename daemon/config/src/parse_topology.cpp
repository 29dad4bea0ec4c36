// Parse: zones, doors and readers.
#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

enum class PointRole { output, input };

std::optional<DraftPoint> parse_point(const MapReader& parent, std::string_view key, Need need,
                                      PointRole role, Diagnostics& diag) {
  const YAML::Node node = parent.get(key, need);
  if (!node.IsDefined()) return std::nullopt;
  const std::string what(key);
  MapReader m(node, what, {"device", "coil", "input", "line"}, diag);
  if (!m.ok()) return std::nullopt;
  DraftPoint point;
  point.pos = m.pos();
  if (auto v = m.id("device", Need::required)) point.device = *v;
  const char* modbus_key = role == PointRole::output ? "coil" : "input";
  const char* wrong_key = role == PointRole::output ? "input" : "coil";
  const std::string hint = std::string("use '") + modbus_key + "' (Modbus) or 'line' (GPIO)";
  if (m.has(wrong_key)) {
    diag.error(m.key_pos(wrong_key), "'" + std::string(wrong_key) + "': " + what + " is " +
                                         (role == PointRole::output ? "an output" : "an input") +
                                         "; " + hint);
    return std::nullopt;
  }
  const bool has_modbus = m.has(modbus_key);
  const bool has_line = m.has("line");
  if (has_modbus == has_line) {
    diag.error(m.pos(), what + (has_modbus ? ": give either '" + std::string(modbus_key) +
                                                 "' or 'line', not both"
                                           : " needs a point: " + hint));
    return std::nullopt;
  }
  point.index_key = has_modbus ? modbus_key : "line";
  auto index = m.integer(point.index_key, Need::required, 0, 65535);
  if (!index) return std::nullopt;
  point.index = *index;
  return point;
}

std::optional<core::Duration> positive_duration(const MapReader& m, std::string_view key,
                                                Diagnostics& diag) {
  auto v = m.duration(key, Need::optional);
  if (!v) return std::nullopt;
  if (v->value.count() <= 0) {
    diag.error(v->pos, "'" + std::string(key) + "': must be longer than 0s");
    return std::nullopt;
  }
  return v->value;
}

// A name (public, controlled, restricted, protected) or, as configs before
// issue 8 wrote it, the number 0..3 in the same order.
void parse_security_level(const MapReader& m, DraftZone& zone, Diagnostics& diag) {
  const YAML::Node node = m.get("security_level");
  if (!node.IsDefined()) return;
  const std::vector<std::string> names{"public", "controlled", "restricted", "protected"};
  auto v = read_string(node, "security_level", diag);
  if (!v) return;
  if (v->value.size() == 1 && v->value[0] >= '0' && v->value[0] <= '3') {
    zone.security_level = static_cast<core::SecurityLevel>(v->value[0] - '0');
  } else if (auto level = core::security_level_from_string(v->value)) {
    zone.security_level = *level;
  } else {
    diag.error(v->pos,
               "'security_level': expected public, controlled, restricted or protected, got '" +
                   v->value + "'" + did_you_mean(v->value, names));
  }
}

void parse_zone(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(
      node, "zone",
      {"id", "name", "security_level", "parent", "required_clearance", "requires_return_report",
       "anti_passback", "occupancy_limit", "two_person_window", "escort_window"},
      diag);
  if (!m.ok()) return;
  DraftZone zone;
  zone.pos = m.pos();
  if (auto v = m.id("id", Need::required)) zone.id = *v;
  zone.name = zone.id.value;
  if (auto v = m.string("name", Need::optional)) zone.name = v->value;
  parse_security_level(m, zone, diag);
  if (auto v = m.string("required_clearance", Need::optional)) {
    if (auto level = core::clearance_level_from_string(v->value);
        level && *level != core::ClearanceLevel::none) {
      zone.required_clearance = *level;
    } else {
      diag.error(v->pos,
                 "'required_clearance': expected confidential, secret or top_secret, got '" +
                     v->value + "'" +
                     did_you_mean(v->value, {"confidential", "secret", "top_secret"}));
    }
  }
  if (auto v = m.boolean("requires_return_report", Need::optional)) {
    zone.requires_return_report = v->value;
  }
  if (auto v = m.id("parent", Need::optional)) zone.parent = *v;
  if (auto v = m.string("anti_passback", Need::optional)) {
    if (v->value == "none" || v->value == "soft" || v->value == "hard") {
      zone.anti_passback = v->value == "hard"   ? core::AntiPassback::hard
                           : v->value == "soft" ? core::AntiPassback::soft
                                                : core::AntiPassback::none;
    } else {
      diag.error(v->pos, "'anti_passback': expected none, soft or hard, got '" + v->value + "'");
    }
  }
  if (auto v = m.integer("occupancy_limit", Need::optional, 1, 1'000'000)) {
    zone.occupancy_limit = static_cast<int>(v->value);
  }
  // Two badges at one door: a window shorter than a second or longer than
  // ten minutes is a typo (a pair walks up together).
  if (auto v = m.duration("two_person_window", Need::optional)) {
    if (v->value < std::chrono::seconds(1) || v->value > std::chrono::minutes(10)) {
      diag.error(v->pos, "'two_person_window': must be between 1s and 10min");
    } else {
      zone.two_person_window = v->value;
    }
  }
  if (auto v = m.duration("escort_window", Need::optional)) {
    if (auto error = escort_window_error(v->value)) {
      diag.error(v->pos, error);
    } else {
      zone.escort_window = v->value;
    }
  }
  draft.zones.push_back(std::move(zone));
}

void parse_door(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "door",
              {"id", "name", "from", "to", "lock", "contact", "rex", "unlock_time",
               "held_open_time", "fail_mode", "relock_delay", "contact_debounce", "rex_debounce",
               "rex_stuck_time", "mode", "unlocked_schedule"},
              diag);
  if (!m.ok()) return;
  DraftDoor door;
  door.pos = m.pos();
  if (auto v = m.id("id", Need::required)) door.id = *v;
  door.name = door.id.value;
  if (auto v = m.string("name", Need::optional)) door.name = v->value;
  if (auto v = m.id("from", Need::required)) door.from = *v;
  if (auto v = m.id("to", Need::required)) door.to = *v;
  door.lock = parse_point(m, "lock", Need::required, PointRole::output, diag);
  door.contact = parse_point(m, "contact", Need::required, PointRole::input, diag);
  door.rex = parse_point(m, "rex", Need::optional, PointRole::input, diag);
  if (auto v = positive_duration(m, "unlock_time", diag)) door.unlock_time = *v;
  if (auto v = m.string("fail_mode", Need::optional)) {
    if (v->value == "secure" || v->value == "safe") {
      door.fail_mode = v->value == "secure" ? core::FailMode::secure : core::FailMode::safe;
    } else {
      diag.error(v->pos, "'fail_mode': expected secure or safe, got '" + v->value + "'");
    }
  }
  // Range rules between these keys are checked in validate_door_timings().
  door.relock_delay = m.duration("relock_delay", Need::optional);
  door.contact_debounce = m.duration("contact_debounce", Need::optional);
  door.rex_debounce = m.duration("rex_debounce", Need::optional);
  door.rex_stuck_time = m.duration("rex_stuck_time", Need::optional);
  if (auto v = positive_duration(m, "held_open_time", diag)) door.held_open_time = *v;
  if (auto v = m.string("mode", Need::optional)) {
    if (auto mode = core::door_mode_from_string(v->value)) {
      door.mode = *mode;
    } else {
      diag.error(v->pos,
                 "'mode': expected card, card_and_pin, locked or unlocked, got '" + v->value + "'");
    }
  }
  const YAML::Node schedule = m.get("unlocked_schedule");
  if (schedule.IsDefined()) {
    if (door.mode != core::DoorMode::unlocked) {
      diag.error(pos_of(schedule),
                 "'unlocked_schedule': only a door with 'mode: unlocked' has one");
    } else if (!schedule.IsSequence()) {
      diag.error(pos_of(schedule),
                 "'unlocked_schedule': expected a list of windows, got " + describe(schedule));
    } else {
      for (const auto& item : schedule) parse_window(item, door.unlocked_schedule, diag);
    }
  } else if (door.mode == core::DoorMode::unlocked) {
    diag.error(door.pos,
               "door with 'mode: unlocked' is missing required key 'unlocked_schedule' (the "
               "windows, site local time, when it stays unlocked)");
  }
  draft.doors.push_back(std::move(door));
}

std::optional<DraftWiegand> parse_wiegand(const MapReader& reader, Diagnostics& diag) {
  const YAML::Node node = reader.get("wiegand", Need::required);
  if (!node.IsDefined()) return std::nullopt;
  MapReader m(node, "wiegand", {"chip", "d0", "d1", "formats", "frame_close"}, diag);
  if (!m.ok()) return std::nullopt;
  DraftWiegand w;
  w.pos = m.pos();
  if (auto v = m.id("chip", Need::required)) w.chip = *v;
  if (auto v = m.integer("d0", Need::required, 0, 65535)) w.d0 = *v;
  if (auto v = m.integer("d1", Need::required, 0, 65535)) w.d1 = *v;
  const YAML::Node formats = m.get("formats");
  if (formats.IsDefined() && expect_list(formats, "formats", diag)) {
    for (const auto& item : formats) {
      if (auto v = read_id(item, "formats", diag)) w.formats.push_back(*v);
    }
  }
  // Readers pause at least 2 ms between bits and send a frame in well under
  // a second; outside that range a frame either never closes or splits.
  if (auto v = m.duration("frame_close", Need::optional)) {
    if (v->value < std::chrono::milliseconds(1) || v->value > std::chrono::seconds(1)) {
      diag.error(v->pos, "'frame_close': must be between 1ms and 1s");
    } else {
      w.frame_close = v->value;
    }
  }
  return w;
}

void parse_reader(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "reader", {"id", "door", "direction", "wiegand", "board"}, diag);
  if (!m.ok()) return;
  DraftReader reader;
  reader.pos = m.pos();
  if (auto v = m.id("id", Need::required)) reader.id = *v;
  if (auto v = m.id("door", Need::required)) reader.door = *v;
  if (auto v = m.string("direction", Need::required)) {
    if (v->value == "in" || v->value == "out") {
      reader.direction = v->value == "in" ? core::Direction::in : core::Direction::out;
    } else {
      diag.error(v->pos, "'direction': expected in or out, got '" + v->value + "'");
    }
  }
  // Wired to GPIO lines (wiegand) or to a door board's reader port (board).
  if (m.has("board") && m.has("wiegand")) {
    diag.error(m.key_pos("board"),
               "'board': a reader is wired either to a door board or to GPIO lines ('wiegand'), "
               "not both");
  } else if (m.has("board")) {
    reader.board = parse_board_reader(m, diag);
  } else {
    reader.wiegand = parse_wiegand(m, diag);
  }
  draft.readers.push_back(std::move(reader));
}

}  // namespace

void parse_zones(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "zones", diag)) return;
  for (const auto& item : node) parse_zone(item, draft, diag);
}

void parse_doors(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "doors", diag)) return;
  for (const auto& item : node) parse_door(item, draft, diag);
}

void parse_readers(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "readers", diag)) return;
  for (const auto& item : node) parse_reader(item, draft, diag);
}

}  // namespace vigil::config
