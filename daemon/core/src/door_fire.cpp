// Fire release on one door: held released over every other rule.
#include "vigil/core/door.hpp"

namespace vigil::core {

void DoorStateMachine::fire_hold(bool hold, Moment now, Effects& out) {
  advance(now, out);
  if (hold == fire_hold_) return;
  if (hold) {
    // Fire wins over everything, the safe state included: no check here.
    fire_hold_ = true;
    release_for_fire(now, out);
    return;
  }
  fire_hold_ = false;
  if (safe_) {
    // Stopping: the safe state applies now the fire no longer holds it,
    // and the door is no longer released for a passage (a close must not
    // schedule a relock: DoorModel found a fail-safe door locked that way).
    unlocked_ = false;
    command(false, safe_action(), std::nullopt, "fire_reset", true, out);
    return;
  }
  leave_hold("fire_reset", now, out);
}

void DoorStateMachine::release_for_fire(Moment now, Effects& out) {
  enter_hold(now, out);
  // Forced: a write even if we believe the lock is released already, so
  // the journal's door_released cause=fire is the hardware's answer.
  command(unlock_value(), LockAction::release, std::nullopt, "fire", true, out);
}

void DoorStateMachine::enter_hold(Moment now, Effects& out) {
  unlocked_ = true;
  unlock_until_.reset();
  relock_at_.reset();
  held_deadline_.reset();
  if (held_alarm_) {
    held_alarm_ = false;
    out.events.push_back(make(EventKind::door_held_open_cleared, now));
  }
}

void DoorStateMachine::leave_hold(const char* cause, Moment now, Effects& out) {
  unlocked_ = true;
  if (open()) {
    // Relock once the door closes, like after a passage; held open from now.
    held_deadline_ = now.mono + door_->held_open_time;
    return;
  }
  relock(cause, out);
}

}  // namespace vigil::core
