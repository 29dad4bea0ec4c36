// A remote unlock (issue 11 item 4): an operator releases a door for N
// seconds through vigild. The door's own grant/REX pulse does it, so the
// relock, the held-open timer and the journal rows are the ones every
// passage has; only the checks of when it may run are here.
#include "vigil/core/controller.hpp"

namespace vigil::core {

RemoteUnlockResult Controller::remote_unlock(const DoorId& id, Duration length,
                                             const std::string& operator_name, TimePoint wall,
                                             MonoTime mono) {
  RemoteUnlockResult r;
  const Moment now{wall, mono};
  observe(now, r.effects);
  const auto it = door_index_.find(id);
  if (it == door_index_.end()) {
    r.message = "no door '" + id.str() + "' on this site";
    return r;
  }
  DoorStateMachine& door = doors_[it->second];
  const Door& d = door.door();
  if (!started_) {
    r.message =
        "vigild is not driving the locks (safe state): door '" + id.str() + "' stays as it is";
    return r;
  }
  if (const auto* order = access_state_.lockdowns.covering(*site_, d.to_zone)) {
    r.message = "zone '" + d.to_zone.str() + "' is in lockdown (zone '" + order->zone.str() +
                "', by " + order->ordered_by + "): door '" + id.str() +
                "' is not unlocked; release the lockdown first";
    return r;
  }
  if (door.fire_held()) {
    r.ok = true;
    r.message = "door '" + id.str() + "' is held released by the fire release: nothing to do";
    return r;
  }
  if (offline_devices_.contains(d.lock.device)) {
    r.message = "the lock of door '" + id.str() + "' is on device '" + d.lock.device.str() +
                "', which is offline: its lock cannot be vouched for";
    return r;
  }
  if (door.lock_suspect()) {
    r.message = "the last write to the lock of door '" + id.str() +
                "' failed: its lock cannot be vouched for";
    return r;
  }
  if (door.schedule_held()) {
    r.ok = true;
    r.message = "door '" + id.str() + "' is held unlocked by its schedule: nothing to do";
    return r;
  }
  door.remote_unlock(length, operator_name, now, r.effects);
  r.ok = true;
  r.message = "door '" + id.str() + "' unlocked for " +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(length).count()) +
              " s by " + operator_name;
  return r;
}

}  // namespace vigil::core
