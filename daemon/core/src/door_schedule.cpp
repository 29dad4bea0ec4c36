// Door mode `unlocked`: the lock held released while its schedule is open.
#include "vigil/core/door.hpp"

namespace vigil::core {

void DoorStateMachine::schedule_hold(bool hold, const char* end_cause, Moment now, Effects& out) {
  if (hold == schedule_hold_) return;
  if (hold) {
    if (safe_) return;  // stopping or faulted: nothing opens
    schedule_hold_ = true;
    enter_hold(now, out);
    // Written even when a grant's pulse has the lock released already: the
    // hold outlasts the pulse, and the journal's door_unlocked cause
    // schedule comes from the module's answer to this write, so the record
    // says why the door stayed released (s28).
    if (!fire_hold_)
      command(unlock_value(), LockAction::unlock, std::nullopt, "schedule", true, out);
    return;
  }
  schedule_hold_ = false;
  if (fire_hold_ || safe_) return;  // they own the lock now
  pending_entry_.reset();
  leave_hold(end_cause, now, out);
}

}  // namespace vigil::core
