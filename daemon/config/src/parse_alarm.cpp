// Alarm zones and fire release (issue 9, docs/alarm.md): parse, validate
// and build the `alarm_zones` and `fire` sections.
#include <algorithm>
#include <map>
#include <set>

#include "draft.hpp"
#include "suggest.hpp"

namespace vigil::config {
namespace {

// An entry or exit delay longer than this is a typo (minutes for seconds).
constexpr core::Duration kMaxDelay = std::chrono::minutes(10);

std::optional<DraftSensorPoint> parse_sensor_point(const MapReader& parent, Diagnostics& diag) {
  if (parent.has("door")) {
    if (parent.has("point")) {
      diag.error(parent.key_pos("point"), "'point': give either 'door' or 'point', not both");
      return std::nullopt;
    }
    auto door = parent.id("door", Need::required);
    if (!door) return std::nullopt;
    DraftSensorPoint p;
    p.pos = door->pos;
    p.index_key = "door";
    p.name = *door;
    return p;
  }
  const YAML::Node node = parent.get("point", Need::required);
  if (!node.IsDefined()) return std::nullopt;
  MapReader m(node, "point", {"device", "input", "line", "supervised"}, diag);
  if (!m.ok()) return std::nullopt;
  DraftSensorPoint p;
  p.pos = m.pos();
  if (auto v = m.id("device", Need::required)) p.device = *v;
  int given = 0;
  for (const char* key : {"input", "line", "supervised"}) {
    if (!m.has(key)) continue;
    ++given;
    p.index_key = key;
  }
  if (given != 1) {
    diag.error(m.pos(),
               "point needs exactly one of 'input' (Modbus, door board), 'line' (GPIO) "
               "or 'supervised' (an EOL-supervised register)");
    return std::nullopt;
  }
  if (p.index_key == "supervised") {
    auto v = m.string("supervised", Need::required);
    if (!v) return std::nullopt;
    p.name = *v;
  } else {
    auto v = m.integer(p.index_key, Need::required, 0, 65535);
    if (!v) return std::nullopt;
    p.index = *v;
  }
  return p;
}

std::optional<core::Duration> delay(const MapReader& m, std::string_view key, Diagnostics& diag) {
  auto v = m.duration(key, Need::optional);
  if (!v) return std::nullopt;
  if (v->value < core::Duration::zero() || v->value > kMaxDelay) {
    diag.error(v->pos, "'" + std::string(key) + "': must be between 0s and 10m");
    return std::nullopt;
  }
  return v->value;
}

void parse_sensor(const YAML::Node& node, DraftAlarmZone& zone, Diagnostics& diag) {
  MapReader m(node, "sensor", {"name", "kind", "entry_route", "point", "door"}, diag);
  if (!m.ok()) return;
  DraftAlarmSensor s;
  s.pos = m.pos();
  if (auto v = m.id("name", Need::required)) s.name = *v;
  if (auto v = m.string("kind", Need::optional)) {
    if (auto kind = core::sensor_kind_from_string(v->value)) {
      s.kind = *kind;
    } else {
      const std::vector<std::string> kinds{"contact", "motion", "glass_break", "panic", "tamper"};
      diag.error(v->pos, "'kind': expected contact, motion, glass_break, panic or tamper, got '" +
                             v->value + "'" + did_you_mean(v->value, kinds));
    }
  }
  if (auto v = m.boolean("entry_route", Need::optional)) s.entry_route = v->value;
  s.point = parse_sensor_point(m, diag);
  zone.sensors.push_back(std::move(s));
}

void parse_alarm_zone(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "alarm zone",
              {"id", "name", "exit_delay", "entry_delay", "sensors", "disarm_readers",
               "arm_schedule", "auto_arm_when_empty"},
              diag);
  if (!m.ok()) return;
  DraftAlarmZone zone;
  zone.pos = m.pos();
  if (auto v = m.id("id", Need::required)) zone.id = *v;
  zone.name = zone.id.value;
  if (auto v = m.string("name", Need::optional)) zone.name = v->value;
  if (auto v = delay(m, "exit_delay", diag)) zone.exit_delay = *v;
  if (auto v = delay(m, "entry_delay", diag)) zone.entry_delay = *v;
  const YAML::Node sensors = m.get("sensors", Need::required);
  if (sensors.IsDefined() && expect_list(sensors, "sensors", diag)) {
    for (const auto& item : sensors) parse_sensor(item, zone, diag);
  }
  const YAML::Node readers = m.get("disarm_readers");
  if (readers.IsDefined() && expect_list(readers, "disarm_readers", diag)) {
    zone.disarm_readers.emplace();
    for (const auto& item : readers)
      if (auto v = read_id(item, "disarm_readers", diag)) zone.disarm_readers->push_back(*v);
  }
  // A schedule in site local time, as an access level's: the zone is
  // disarmed inside its windows and armed outside them.
  const YAML::Node schedule = m.get("arm_schedule");
  if (schedule.IsDefined()) {
    if (schedule.IsSequence()) {
      zone.arm_schedule.emplace();
      for (const auto& item : schedule) parse_schedule_window(item, *zone.arm_schedule, diag);
    } else {
      diag.error(pos_of(schedule),
                 "'arm_schedule': expected a list of windows "
                 "({ days: [mon, ...], from: \"07:00\", to: \"19:00\" })");
    }
  }
  if (auto v = m.boolean("auto_arm_when_empty", Need::optional)) zone.auto_arm_when_empty = *v;
  draft.alarm_zones.push_back(std::move(zone));
}

}  // namespace

void parse_alarm_zones(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  if (!expect_list(node, "alarm_zones", diag)) return;
  for (const auto& item : node) parse_alarm_zone(item, draft, diag);
}

void parse_fire(const YAML::Node& node, Draft& draft, Diagnostics& diag) {
  MapReader m(node, "fire", {"inputs", "doors", "release_on_input_loss"}, diag);
  if (!m.ok()) return;
  DraftFire fire;
  fire.pos = m.pos();
  const YAML::Node inputs = m.get("inputs", Need::required);
  if (inputs.IsDefined() && expect_list(inputs, "inputs", diag)) {
    for (const auto& item : inputs) {
      MapReader in(item, "fire input", {"name", "point"}, diag);
      if (!in.ok()) continue;
      DraftFireInput input;
      input.pos = in.pos();
      if (auto v = in.id("name", Need::required)) input.name = *v;
      input.point = parse_sensor_point(in, diag);
      fire.inputs.push_back(std::move(input));
    }
  }
  const YAML::Node doors = m.get("doors", Need::required);
  if (doors.IsDefined() && expect_list(doors, "doors", diag)) {
    for (const auto& item : doors)
      if (auto v = read_id(item, "doors", diag)) fire.doors.push_back(*v);
  }
  if (auto v = m.boolean("release_on_input_loss", Need::optional))
    fire.release_on_input_loss = v->value;
  draft.fire = std::move(fire);
}

namespace {

class AlarmChecker {
 public:
  AlarmChecker(const Draft& draft, Diagnostics& diag) : draft_(draft), diag_(diag) {
    for (const auto& d : draft.devices) devices_.emplace(d.id.value, &d);
    for (const auto& d : draft.doors) doors_.insert(d.id.value);
  }

  void point(const DraftSensorPoint& p) {
    if (p.index_key == "door") {
      door(p.name, "door");
      return;
    }
    auto it = devices_.find(p.device.value);
    if (it == devices_.end()) {
      std::vector<std::string> names;
      for (const auto& [name, d] : devices_) names.push_back(name);
      diag_.error(p.device.pos, "'device': unknown device '" + p.device.value + "'" +
                                    did_you_mean(p.device.value, names));
      return;
    }
    const DeviceType type = it->second->type;
    const bool gpio = type == DeviceType::sim_gpio || type == DeviceType::gpiod;
    const bool modbus = type == DeviceType::modbus_tcp || type == DeviceType::modbus_rtu;
    if (p.index_key == "line" && !gpio) {
      diag_.error(p.pos, "'line': device '" + p.device.value + "' is not a GPIO chip");
    } else if (p.index_key == "input" && gpio) {
      diag_.error(p.pos, "'input': device '" + p.device.value +
                             "' is a GPIO chip; address its lines with 'line'");
    } else if (p.index_key == "input" && modbus &&
               p.index.value >= it->second->modbus.input_count) {
      diag_.error(p.index.pos, "'input': device '" + p.device.value + "' has " +
                                   std::to_string(it->second->modbus.input_count) + " inputs");
    } else if (p.index_key == "supervised") {
      const auto& inputs = it->second->modbus.supervised_inputs;
      const bool found = modbus && std::any_of(inputs.begin(), inputs.end(), [&](const auto& s) {
                           return s.register_name == p.name.value;
                         });
      if (!found) {
        diag_.error(p.name.pos, "'supervised': device '" + p.device.value +
                                    "' has no supervised input on register '" + p.name.value + "'");
      }
    }
  }

  void door(const Located<std::string>& id, std::string_view key) {
    if (doors_.contains(id.value)) return;
    diag_.error(id.pos, "'" + std::string(key) + "': unknown door '" + id.value + "'" +
                            did_you_mean(id.value, {doors_.begin(), doors_.end()}));
  }

  void reader(const Located<std::string>& id) {
    for (const auto& r : draft_.readers)
      if (r.id.value == id.value) return;
    diag_.error(id.pos, "'disarm_readers': unknown reader '" + id.value + "'");
  }

 private:
  const Draft& draft_;
  Diagnostics& diag_;
  std::map<std::string, const DraftDevice*> devices_;
  std::set<std::string> doors_;
};

}  // namespace

namespace {

// A supervised line serves one sensor (or fire input): its cut or short is
// that sensor's tamper, listed under it; two owners would make it ambiguous.
class LineOwners {
 public:
  explicit LineOwners(Diagnostics& diag) : diag_(diag) {}
  void claim(const DraftSensorPoint& p, const std::string& owner) {
    if (p.index_key != "supervised") return;
    const std::string line = p.device.value + "/" + p.name.value;
    auto [it, fresh] = owners_.emplace(line, std::make_pair(owner, p.name.pos));
    if (fresh) return;
    diag_.error(p.name.pos, "'supervised': line " + line + " is already " + it->second.first +
                                " (line " + std::to_string(it->second.second.line) +
                                "); a supervised line belongs to one sensor");
  }

 private:
  Diagnostics& diag_;
  std::map<std::string, std::pair<std::string, Pos>> owners_;
};

}  // namespace

void validate_alarm(const Draft& draft, Diagnostics& diag) {
  AlarmChecker check(draft, diag);
  LineOwners lines(diag);
  std::set<std::string> zone_ids;
  for (const auto& zone : draft.alarm_zones) {
    if (!zone_ids.insert(zone.id.value).second)
      diag.error(zone.id.pos, "'id': alarm zone '" + zone.id.value + "' is defined twice");
    // Occupancy is counted for access zones: the rule needs one of this id.
    if (zone.auto_arm_when_empty && zone.auto_arm_when_empty->value &&
        std::none_of(draft.zones.begin(), draft.zones.end(),
                     [&](const auto& z) { return z.id.value == zone.id.value; }))
      diag.error(zone.auto_arm_when_empty->pos, "'auto_arm_when_empty': no access zone '" +
                                                    zone.id.value +
                                                    "' whose occupancy could be counted");
    std::set<std::string> names;
    for (const auto& s : zone.sensors) {
      if (!names.insert(s.name.value).second)
        diag.error(s.name.pos, "'name': sensor '" + s.name.value + "' appears twice in zone '" +
                                   zone.id.value + "'");
      if (s.point) {
        check.point(*s.point);
        lines.claim(*s.point, "sensor '" + s.name.value + "' of zone '" + zone.id.value + "'");
      }
    }
    if (zone.disarm_readers)
      for (const auto& r : *zone.disarm_readers) check.reader(r);
  }
  if (!draft.fire) return;
  if (draft.fire->inputs.empty()) diag.error(draft.fire->pos, "fire: needs at least one input");
  for (const auto& in : draft.fire->inputs)
    if (in.point) {
      check.point(*in.point);
      lines.claim(*in.point, "fire input '" + in.name.value + "'");
    }
  for (const auto& d : draft.fire->doors) check.door(d, "doors");
}

namespace {

core::PointRef to_point(const DraftSensorPoint& p, const SiteConfig& out) {
  if (p.index_key == "door") {
    if (const core::Door* door = out.site.find_door(core::DoorId(p.name.value)))
      return door->contact;
    return {};
  }
  const core::DeviceId device(p.device.value);
  if (p.index_key == "supervised") {
    for (const auto& d : out.modbus_devices) {
      if (d.id != device) continue;
      for (const auto& s : d.supervised_inputs)
        if (s.register_name == p.name.value)
          return {device, core::PointKind::supervised_input,
                  static_cast<std::uint32_t>(s.register_index)};
    }
    return {};
  }
  return {device,
          p.index_key == "line" ? core::PointKind::gpio_line : core::PointKind::discrete_input,
          static_cast<std::uint32_t>(p.index.value)};
}

}  // namespace

void build_alarm(const Draft& draft, SiteConfig& out) {
  for (const auto& z : draft.alarm_zones) {
    core::AlarmZone zone;
    zone.id = core::ZoneId(z.id.value);
    zone.name = z.name;
    zone.exit_delay = z.exit_delay;
    zone.entry_delay = z.entry_delay;
    zone.arm_schedule = z.arm_schedule;
    zone.auto_arm_when_empty = z.auto_arm_when_empty && z.auto_arm_when_empty->value;
    for (const auto& s : z.sensors)
      if (s.point)
        zone.sensors.push_back({s.name.value, to_point(*s.point, out), s.kind, s.entry_route});
    if (z.disarm_readers) {
      for (const auto& r : *z.disarm_readers) zone.disarm_readers.emplace_back(r.value);
    } else {
      // Default: the "in" readers of the doors into the access zone of the
      // same id (none when the alarm zone is not an access zone).
      for (const auto& r : out.site.readers) {
        const core::Door* door = out.site.find_door(r.door);
        if (door && r.direction == core::Direction::in && door->to_zone == zone.id)
          zone.disarm_readers.push_back(r.id);
      }
    }
    out.alarm_zones.push_back(std::move(zone));
  }
  if (!draft.fire) return;
  core::FireConfig fire;
  fire.release_on_input_loss = draft.fire->release_on_input_loss;
  for (const auto& in : draft.fire->inputs)
    if (in.point) fire.inputs.push_back({in.name.value, to_point(*in.point, out)});
  for (const auto& d : draft.fire->doors) fire.doors.emplace_back(d.value);
  out.fire = std::move(fire);
}

}  // namespace vigil::config
