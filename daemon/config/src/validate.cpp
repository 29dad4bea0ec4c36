// Validate: ids are unique, every reference names something that exists, the
// zone tree has no cycles, and the site's time zone loads.
#include <algorithm>
#include <map>
#include <set>

#include "draft.hpp"
#include "suggest.hpp"
#include "vigil/config/time_zone.hpp"

namespace vigil::config {
namespace {

// Ids of one kind, with the line each was first defined on.
class IdTable {
 public:
  IdTable(std::string kind, Diagnostics& diag) : kind_(std::move(kind)), diag_(&diag) {}

  void define(const LocatedId& id) {
    if (id.value.empty()) return;  // missing or malformed, already reported
    auto [it, inserted] = lines_.emplace(id.value, id.pos.line);
    if (!inserted) {
      diag_->error(id.pos, "duplicate " + kind_ + " id '" + id.value + "' (first defined on line " +
                               std::to_string(it->second) + ")");
    }
  }
  void define_implicit(const std::string& id) { lines_.emplace(id, 0); }
  bool contains(const std::string& id) const { return lines_.count(id) != 0; }

  // Reports `ref` under `key` unless it names a defined id.
  bool check(const LocatedId& ref, std::string_view key) const {
    if (ref.value.empty() || contains(ref.value)) return !ref.value.empty();
    std::vector<std::string> names;
    for (const auto& [name, line] : lines_) names.push_back(name);
    diag_->error(ref.pos, "'" + std::string(key) + "': unknown " + kind_ + " '" + ref.value + "'" +
                              did_you_mean(ref.value, names));
    return false;
  }

 private:
  std::string kind_;
  Diagnostics* diag_;
  std::map<std::string, int> lines_;
};

void check_zone_tree(const Draft& draft, Diagnostics& diag) {
  std::map<std::string, const DraftZone*> by_id;
  for (const auto& z : draft.zones) by_id.emplace(z.id.value, &z);
  std::set<std::string> in_reported_cycle;
  for (const auto& zone : draft.zones) {
    if (zone.id.value.empty() || in_reported_cycle.count(zone.id.value) != 0) continue;
    std::vector<std::string> path{zone.id.value};
    const DraftZone* at = &zone;
    while (at->parent && by_id.count(at->parent->value) != 0 && path.size() <= by_id.size()) {
      at = by_id.at(at->parent->value);
      path.push_back(at->id.value);
      if (at == &zone) break;
    }
    if (at != &zone || path.size() < 2) continue;
    std::string chain;
    for (const auto& id : path) {
      chain += (chain.empty() ? "" : " -> ") + id;
      in_reported_cycle.insert(id);
    }
    diag.error(zone.parent->pos, "'parent': zones form a cycle (" + chain + ")");
  }
}

std::vector<std::string> zone_names_near(const std::filesystem::path& dir,
                                         const std::string& name) {
  std::vector<std::string> names;
  const std::filesystem::path parent = std::filesystem::path(name).parent_path();
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(dir / parent, ec)) {
    names.push_back((parent / entry.path().filename()).generic_string());
  }
  return names;
}

core::TimeZone resolve_time_zone(const Draft& draft, const LoadOptions& options,
                                 Diagnostics& diag) {
  if (draft.time_zone.value.empty()) return {};
  const std::string& name = draft.time_zone.value;
  try {
    return load_time_zone(name, options.zoneinfo_dir);
  } catch (const TimeZoneError& e) {
    std::error_code ec;
    const bool exists = name.find("..") == std::string::npos &&
                        std::filesystem::is_regular_file(options.zoneinfo_dir / name, ec);
    if (std::filesystem::is_directory(options.zoneinfo_dir / name, ec) &&
        name.find("..") == std::string::npos) {
      std::vector<std::string> places = zone_names_near(options.zoneinfo_dir, name + "/x");
      std::sort(places.begin(), places.end());
      diag.error(draft.time_zone.pos,
                 "'time_zone': '" + name + "' is a region, not a time zone" +
                     (places.empty() ? "" : "; name a place in it, such as '" + places[0] + "'"));
    } else if (exists) {
      diag.error(draft.time_zone.pos, "'time_zone': " + std::string(e.what()));
    } else {
      diag.error(draft.time_zone.pos,
                 "'time_zone': unknown time zone '" + name + "'" +
                     did_you_mean(name, zone_names_near(options.zoneinfo_dir, name)));
    }
    return {};
  }
}

}  // namespace

// Holiday schedules and calendars: unique ids, each reference defined, one
// entry per date in a calendar.
void validate_holidays(const Draft& draft, Diagnostics& diag) {
  IdTable schedules("holiday schedule", diag);
  IdTable calendars("holiday calendar", diag);
  for (const auto& s : draft.holiday_schedules) schedules.define(s.id);
  for (const auto& c : draft.holiday_calendars) calendars.define(c.id);
  for (const auto& calendar : draft.holiday_calendars) {
    std::map<core::LocalDate, int> lines;
    for (const auto& day : calendar.days) {
      if (day.schedule) schedules.check(*day.schedule, "schedule");
      if (auto [it, fresh] = lines.emplace(day.date, day.pos.line); !fresh) {
        diag.error(day.pos, "holiday " + core::format_date(day.date) + " is listed twice in '" +
                                calendar.id.value + "' (first on line " +
                                std::to_string(it->second) + ")");
      }
    }
  }
  for (const auto& level : draft.access_levels) {
    if (level.holidays) calendars.check(*level.holidays, "holidays");
  }
}

Resolved validate(const Draft& draft, const LoadOptions& options, Diagnostics& diag) {
  IdTable devices("device", diag);
  IdTable zones("zone", diag);
  IdTable doors("door", diag);
  IdTable readers("reader", diag);
  IdTable levels("access level", diag);
  for (const auto& d : draft.devices) devices.define(d.id);
  for (const auto& z : draft.zones) zones.define(z.id);
  // `outside` exists without being declared; declaring it only names it.
  zones.define_implicit(kOutsideZone);
  for (const auto& d : draft.doors) doors.define(d.id);
  for (const auto& r : draft.readers) readers.define(r.id);
  for (const auto& l : draft.access_levels) levels.define(l.id);

  for (const auto& zone : draft.zones) {
    if (zone.parent) zones.check(*zone.parent, "parent");
  }
  check_zone_tree(draft, diag);
  for (const auto& door : draft.doors) {
    const bool from_ok = zones.check(door.from, "from");
    const bool to_ok = zones.check(door.to, "to");
    if (from_ok && to_ok && door.from.value == door.to.value) {
      diag.error(door.to.pos, "'to': door '" + door.id.value + "' leads from zone '" +
                                  door.from.value + "' into the same zone");
    }
  }
  for (const auto& reader : draft.readers) doors.check(reader.door, "door");
  for (const auto& level : draft.access_levels) {
    for (const auto& zone : level.zones) zones.check(zone, "zones");
  }
  // Device references (lock/contact/rex devices, reader chips), and whether
  // each point suits its device, are checked with the points.
  validate_formats(draft, diag);
  validate_points(draft, diag);
  validate_devices(draft, diag);
  validate_door_timings(draft, diag);
  validate_holidays(draft, diag);
  validate_door_boards(draft, diag);
  validate_operators(draft, diag);
  validate_alarm(draft, diag);
  return Resolved{resolve_time_zone(draft, options, diag)};
}

}  // namespace vigil::config
