#include "vigil/core/site.hpp"

#include <algorithm>

namespace vigil::core {

bool AccessLevel::covers(const ZoneId& zone) const {
  return std::find(zones.begin(), zones.end(), zone) != zones.end();
}

bool AccessLevel::open_at(LocalTime t) const {
  for (const auto& w : schedule) {
    if ((w.weekdays & (1u << t.weekday)) == 0) continue;
    if (t.minute_of_day >= w.start_minute && t.minute_of_day < w.end_minute) return true;
  }
  return false;
}

const Door* Site::find_door(const DoorId& id) const {
  auto it = std::find_if(doors.begin(), doors.end(), [&](const Door& d) { return d.id == id; });
  return it == doors.end() ? nullptr : &*it;
}

const Reader* Site::find_reader(const ReaderId& id) const {
  auto it =
      std::find_if(readers.begin(), readers.end(), [&](const Reader& r) { return r.id == id; });
  return it == readers.end() ? nullptr : &*it;
}

const AccessLevel* Site::find_access_level(const AccessLevelId& id) const {
  auto it = std::find_if(access_levels.begin(), access_levels.end(),
                         [&](const AccessLevel& l) { return l.id == id; });
  return it == access_levels.end() ? nullptr : &*it;
}

const ZoneId& Site::target_zone(const Reader& reader) const {
  const Door* door = find_door(reader.door);
  return reader.direction == Direction::in ? door->to_zone : door->from_zone;
}

}  // namespace vigil::core
