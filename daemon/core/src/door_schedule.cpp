// Door mode `unlocked`: the lock held released while its schedule is open.
#include "vigil/core/door.hpp"

namespace vigil::core {

void DoorStateMachine::schedule_hold(bool hold, const char* end_cause, Moment now, Effects& out) {
  if (hold == schedule_hold_) return;
  if (hold) {
    if (safe_) return;  // stopping or faulted: nothing opens
    schedule_hold_ = true;
    unlocked_ = true;
    unlock_until_.reset();
    relock_at_.reset();
    held_deadline_.reset();
    if (held_alarm_) {
      held_alarm_ = false;
      out.events.push_back(make(EventKind::door_held_open_cleared, now));
    }
    if (!fire_hold_)
      command(unlock_value(), LockAction::unlock, std::nullopt, "schedule", false, out);
    return;
  }
  schedule_hold_ = false;
  if (fire_hold_ || safe_) return;  // they own the lock now
  pending_entry_.reset();
  if (open()) {
    // Relock once it closes, like after a passage; held open from now.
    unlocked_ = true;
    held_deadline_ = now.mono + door_->held_open_time;
    return;
  }
  unlocked_ = true;
  relock(end_cause, out);
}

}  // namespace vigil::core
