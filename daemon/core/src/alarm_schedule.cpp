// Alarm zones armed by schedule and by occupancy (issue 9 item 4,
// docs/alarm.md): AlarmPanel::advance_schedule and AlarmPanel::occupancy.
#include "vigil/core/alarm.hpp"

namespace vigil::core {
namespace {

bool open_now(const std::vector<WeeklyWindow>& windows, const LocalTime& t) {
  for (const WeeklyWindow& w : windows) {
    if (((w.weekdays >> t.weekday) & 1) == 0) continue;
    if (t.minute_of_day >= w.start_minute && t.minute_of_day < w.end_minute) return true;
  }
  return false;
}

AlarmActor automatic(const char* why) {
  return AlarmActor{why, std::nullopt, std::nullopt};
}

}  // namespace

void AlarmPanel::advance_schedule(std::size_t z, Moment now, Effects& out) {
  const AlarmZone& zone = zones_[z];
  if (!zone.arm_schedule) return;
  ZoneState& st = states_[z];
  const LocalTime local = tz_.local(now.wall);
  // Local time runs backwards for an hour when the clocks fall back: the
  // repeated hour must not arm or disarm a second time, so the schedule
  // only moves on while local time moves past the latest minute seen.
  const std::int64_t key = std::int64_t{local.date.days} * 1440 + local.minute_of_day;
  if (st.schedule_open && key <= st.schedule_local_max) return;
  st.schedule_local_max = key;
  const bool open = open_now(*zone.arm_schedule, local);
  const std::optional<bool> before = st.schedule_open;
  st.schedule_open = open;
  if (!before || *before == open) return;
  // Off-hours start: arm with the exit delay; refused like any arming when
  // a sensor is active (alarm_arm_refused says which). A window starts:
  // disarm.
  out.append(open ? disarm(zone.id, automatic("schedule"), now)
                  : arm(zone.id, automatic("schedule"), false, now));
}

Effects AlarmPanel::occupancy(const ZoneId& id, std::size_t people, Moment now) {
  Effects out;
  auto it = by_id_.find(id);
  if (it == by_id_.end()) return out;
  ZoneState& st = states_[it->second];
  const std::optional<std::size_t> before = st.people;
  st.people = people;
  if (!zones_[it->second].auto_arm_when_empty || people != 0 || !before || *before == 0) return out;
  return arm(id, automatic("occupancy"), false, now);
}

}  // namespace vigil::core
