// Door mode `unlocked`: which doors the schedule holds released now. The
// schedule is read in site local time from the input's wall clock, so it
// follows both daylight-saving changes like the access levels' schedules;
// a lockdown of the door's zone wins (the door locks), and fire and the
// safe state win in the door itself.
#include "vigil/core/controller.hpp"

namespace vigil::core {

void Controller::apply_door_schedules(Moment now, Effects& out) {
  if (!has_door_schedules_ || now.wall == TimePoint{}) return;
  last_wall_ = now.wall;
  const LocalTime local = site_->time_zone.local(now.wall);
  for (auto& door : doors_) {
    const Door& config = door.door();
    if (config.mode != DoorMode::unlocked) continue;
    const bool locked_down = access_state_.lockdowns.covering(*site_, config.to_zone) != nullptr;
    const bool hold = started_ && !locked_down && open_at(config.unlocked_schedule, local);
    door.schedule_hold(hold, locked_down ? "lockdown" : "schedule_end", now, out);
  }
}

// Schedules change on local minute boundaries; the offset of every time
// zone in use is a whole number of minutes, so a check just after each UTC
// minute boundary sees every change.
std::optional<MonoTime> Controller::next_schedule_check() const {
  if (!has_door_schedules_ || !clock_offset_ || last_wall_ == TimePoint{}) return std::nullopt;
  const auto minute = std::chrono::floor<std::chrono::minutes>(last_wall_.time_since_epoch());
  const TimePoint next =
      TimePoint{std::chrono::duration_cast<Duration>(minute + std::chrono::minutes(1))} +
      std::chrono::milliseconds(1);
  return MonoTime{next.time_since_epoch() - *clock_offset_};
}

}  // namespace vigil::core
