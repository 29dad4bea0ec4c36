#include "vigil/core/site.hpp"

#include <algorithm>

namespace vigil::core {

bool AccessLevel::covers(const ZoneId& zone) const {
  return std::find(zones.begin(), zones.end(), zone) != zones.end();
}

bool open_in(const std::vector<WeeklyWindow>& windows, int minute_of_day) {
  for (const auto& w : windows) {
    if (minute_of_day >= w.start_minute && minute_of_day < w.end_minute) return true;
  }
  return false;
}

const Holiday* HolidayCalendar::on(LocalDate date) const {
  auto it = std::lower_bound(days.begin(), days.end(), date,
                             [](const Holiday& h, LocalDate d) { return h.date < d; });
  return it != days.end() && it->date == date ? &*it : nullptr;
}

const Holiday* Site::holiday_for(const AccessLevel& level, LocalDate date) const {
  if (level.holidays.empty()) return nullptr;
  for (const auto& calendar : holiday_calendars) {
    if (calendar.id == level.holidays) return calendar.on(date);
  }
  return nullptr;
}

bool AccessLevel::open_at(LocalTime t) const {
  return core::open_at(schedule, t);
}

bool open_at(const std::vector<WeeklyWindow>& windows, LocalTime t) {
  for (const auto& w : windows) {
    if ((w.weekdays & (1u << t.weekday)) == 0) continue;
    if (t.minute_of_day >= w.start_minute && t.minute_of_day < w.end_minute) return true;
  }
  return false;
}

std::vector<std::string> validate(const Door& door) {
  std::vector<std::string> errors;
  auto ms = [](Duration d) {
    return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
  };
  auto debounce = [&](const char* name, Duration d) {
    if (d < Duration::zero()) errors.push_back(std::string(name) + " must not be negative");
    if (d > kMaxDebounce)
      errors.push_back(std::string(name) + " " + ms(d) + " exceeds " + ms(kMaxDebounce) +
                       ": a 400 ms press must always register");
  };
  if (door.unlock_time <= Duration::zero()) errors.emplace_back("unlock_time must be positive");
  if (door.held_open_time <= Duration::zero())
    errors.emplace_back("held_open_time must be positive");
  if (door.relock_delay < Duration::zero())
    errors.emplace_back("relock_delay must not be negative");
  debounce("contact_debounce", door.contact_debounce);
  debounce("rex_debounce", door.rex_debounce);
  if (door.rex_stuck_time <= door.rex_debounce)
    errors.emplace_back("rex_stuck_time must be longer than rex_debounce");
  return errors;
}

namespace {
const ZoneId& id_of_zone(const Zone& z) {
  return z.id;
}
const DoorId& id_of_door(const Door& d) {
  return d.id;
}
const ReaderId& id_of_reader(const Reader& r) {
  return r.id;
}
const AccessLevelId& id_of_level(const AccessLevel& l) {
  return l.id;
}
}  // namespace

void Site::build_index() {
  index_.zones.build(zones, id_of_zone);
  index_.doors.build(doors, id_of_door);
  index_.readers.build(readers, id_of_reader);
  index_.access_levels.build(access_levels, id_of_level);
  auto position_of = [](const auto* found, const auto& items) {
    return found ? static_cast<std::uint32_t>(found - items.data() + 1) : 0u;
  };
  index_.zone_parent.assign(zones.size(), 0);
  for (std::size_t i = 0; i < zones.size(); ++i) {
    if (zones[i].parent) index_.zone_parent[i] = position_of(find_zone(*zones[i].parent), zones);
  }
  index_nested_zones();
  index_.reader_door.assign(readers.size(), 0);
  for (std::size_t i = 0; i < readers.size(); ++i) {
    index_.reader_door[i] = position_of(find_door(readers[i].door), doors);
  }
  // 1,000 levels x 200 zones: 25 KB, so a read's level check stays in cache.
  index_.zone_count = zones.size();
  index_.zone_words = (zones.size() + 63) / 64;
  index_.level_zones.assign(access_levels.size() * index_.zone_words, 0);
  index_.level_sizes.clear();
  for (std::size_t l = 0; l < access_levels.size(); ++l) {
    const auto& listed = access_levels[l].zones;
    index_.level_sizes.push_back(listed.size());
    for (const auto& id : listed) {
      // A listed id that names no zone opens nothing a read can ask for.
      const std::uint32_t slot = position_of(find_zone(id), zones);
      if (slot == 0) continue;
      index_.level_zones[l * index_.zone_words + (slot - 1) / 64] |= std::uint64_t{1}
                                                                     << ((slot - 1) % 64);
    }
  }
}

void Site::index_nested_zones() {
  // Each zone is within every zone up its parent walk: add it to each one's
  // list, once (a cycle, which the config refuses, ends the walk).
  std::vector<std::vector<std::uint32_t>> inside(zones.size());
  std::vector<std::size_t> walked_for(zones.size(), zones.size());
  for (std::size_t z = 0; z < zones.size(); ++z) {
    std::size_t at = z;
    while (walked_for[at] != z) {
      walked_for[at] = z;
      inside[at].push_back(static_cast<std::uint32_t>(z));
      if (index_.zone_parent[at] == 0) break;
      at = index_.zone_parent[at] - 1;
    }
  }
  index_.nested_from.assign(1, 0);
  index_.nested.clear();
  for (const auto& list : inside) {
    index_.nested.insert(index_.nested.end(), list.begin(), list.end());
    index_.nested_from.push_back(static_cast<std::uint32_t>(index_.nested.size()));
  }
}

std::span<const std::uint32_t> Site::nested_in(const Zone& zone) const {
  const auto z = static_cast<std::size_t>(&zone - zones.data());
  if (&zone < zones.data() || z >= zones.size() || index_.nested_from.size() != zones.size() + 1) {
    return {};
  }
  return std::span<const std::uint32_t>(index_.nested)
      .subspan(index_.nested_from[z], index_.nested_from[z + 1] - index_.nested_from[z]);
}

bool Site::covers(const AccessLevel& level, const Zone& zone) const {
  const auto l = static_cast<std::size_t>(&level - access_levels.data());
  const auto z = static_cast<std::size_t>(&zone - zones.data());
  if (&level >= access_levels.data() && l < index_.level_sizes.size() &&
      access_levels.size() == index_.level_sizes.size() && &zone >= zones.data() &&
      z < index_.zone_count && zones.size() == index_.zone_count &&
      index_.level_sizes[l] == level.zones.size()) {
    return (index_.level_zones[l * index_.zone_words + z / 64] >> (z % 64) & 1u) != 0;
  }
  return level.covers(zone.id);
}

const Zone* Site::parent_of(const Zone& zone) const {
  if (!zone.parent) return nullptr;
  const auto pos = static_cast<std::size_t>(&zone - zones.data());
  if (&zone >= zones.data() && pos < index_.zone_parent.size()) {
    const std::uint32_t slot = index_.zone_parent[pos];
    if (slot != 0 && slot <= zones.size() && zones[slot - 1].id == *zone.parent) {
      return &zones[slot - 1];
    }
  }
  return find_zone(*zone.parent);
}

const Door* Site::door_of(const Reader& reader) const {
  const auto pos = static_cast<std::size_t>(&reader - readers.data());
  if (&reader >= readers.data() && pos < index_.reader_door.size()) {
    const std::uint32_t slot = index_.reader_door[pos];
    if (slot != 0 && slot <= doors.size() && doors[slot - 1].id == reader.door) {
      return &doors[slot - 1];
    }
  }
  return find_door(reader.door);
}

bool Site::within(const Zone* inner, const Zone* outer) const {
  if (outer == nullptr) return false;
  // The config validator refuses cycles; the bound guards against one anyway.
  for (std::size_t depth = 0; inner != nullptr && depth <= zones.size(); ++depth) {
    if (inner == outer) return true;
    inner = parent_of(*inner);
  }
  return false;
}

const Zone* Site::find_zone(const ZoneId& id) const {
  return index_.zones.find(zones, id_of_zone, id);
}

ZoneRules Site::zone_rules(const ZoneId& id) const {
  return zone_rules(find_zone(id));
}

ZoneRules Site::zone_rules(const Zone* zone) const {
  ZoneRules rules;
  // Bounded walk: the config refuses cycles, and a hand-built site with one
  // still ends.
  for (std::size_t steps = 0; zone != nullptr && steps <= zones.size(); ++steps) {
    if (zone->required_clearance > rules.required_clearance) {
      rules.required_clearance = zone->required_clearance;
      rules.requiring_clearance = zone;
    }
    rules.requires_return_report |= zone->requires_return_report;
    zone = parent_of(*zone);
  }
  return rules;
}

bool Site::requires_return_report_after(const std::string& destination) const {
  return std::find(return_report_destinations.begin(), return_report_destinations.end(),
                   destination) != return_report_destinations.end();
}

const Door* Site::find_door(const DoorId& id) const {
  return index_.doors.find(doors, id_of_door, id);
}

const Reader* Site::find_reader(const ReaderId& id) const {
  return index_.readers.find(readers, id_of_reader, id);
}

const AccessLevel* Site::find_access_level(const AccessLevelId& id) const {
  return index_.access_levels.find(access_levels, id_of_level, id);
}

const AccessLevel* Site::find_access_level(const AccessLevelId& id, std::size_t hash) const {
  return index_.access_levels.find(access_levels, id_of_level, id, hash);
}

const ZoneId& Site::target_zone(const Reader& reader) const {
  const Door* door = door_of(reader);
  return reader.direction == Direction::in ? door->to_zone : door->from_zone;
}

}  // namespace vigil::core
