// The lock output's lifecycle: commands, confirmations and failures.
#include <algorithm>
#include <iterator>

#include "vigil/core/door.hpp"

namespace vigil::core {

void Effects::append(Effects&& other) {
  std::move(other.events.begin(), other.events.end(), std::back_inserter(events));
  std::move(other.outputs.begin(), other.outputs.end(), std::back_inserter(outputs));
  std::move(other.pin_checks.begin(), other.pin_checks.end(), std::back_inserter(pin_checks));
}

const char* to_string(LockAction a) {
  switch (a) {
    case LockAction::unlock:
      return "unlock";
    case LockAction::relock:
      return "relock";
    case LockAction::release:
      return "release";
  }
  return "unknown";
}

Event DoorStateMachine::make(EventKind kind, Moment at) const {
  Event e;
  e.kind = kind;
  e.time = at.wall;
  e.mono = at.mono;
  e.door = door_->id;
  return e;
}

void DoorStateMachine::command(bool value, LockAction action, std::optional<PersonId> person,
                               std::string cause, bool force, Effects& out) {
  // Write only when the output would change, unless asked to (start, safe
  // state) or the last write failed: then the lock's state is not trusted
  // and every relock opportunity asks again.
  if (!force && !lock_suspect_ && commanded_ == value) return;
  const std::uint64_t id = next_write_id_++;
  out.outputs.push_back(SetOutput{door_->lock, value, id});
  commanded_ = value;
  // The write it supersedes may already be done (its answer queued behind
  // this command): keep it, so that answer is journalled as what it was.
  // So may a failed write the driver was still retrying.
  if (answered_ && answered_failed_) superseded_.push_back(std::move(*answered_));
  answered_.reset();
  if (pending_) superseded_.push_back(std::move(*pending_));
  while (superseded_.size() > kMaxSuperseded) superseded_.pop_front();
  pending_ = PendingWrite{id, value, action, std::move(person), std::move(cause)};
}

void DoorStateMachine::unlock(Moment now, const std::optional<PersonId>& person, const char* cause,
                              Effects& out, std::optional<Duration> length) {
  if (fire_hold_) return;  // already released for as long as the fire lasts
  unlock_until_ = now.mono + length.value_or(door_->unlock_time);
  // Held released by its schedule: the pulse only bounds the grant's entry.
  if (schedule_hold_) return;
  relock_at_.reset();
  unlocked_ = true;
  // Already released (or releasing): the pulse is extended, no second write.
  command(unlock_value(), LockAction::unlock, person, cause, false, out);
}

void DoorStateMachine::remote_unlock(Duration length, const std::string& operator_name, Moment now,
                                     Effects& out) {
  const std::size_t writes = out.outputs.size();
  unlock(now, std::nullopt, "remote", out, length);
  // Already released: the pulse is extended and no write says so; the
  // command's own record does.
  if (out.outputs.size() == writes || !pending_) return;
  set_attr(pending_->attrs, "operator", operator_name);
  set_attr(
      pending_->attrs, "seconds",
      static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::seconds>(length).count()));
}

void DoorStateMachine::relock(const char* cause, Effects& out) {
  unlock_until_.reset();
  relock_at_.reset();
  if (fire_hold_ || schedule_hold_) return;  // life safety, then the schedule, hold it
  const bool was_unlocked = unlocked_;
  unlocked_ = false;
  if (safe_) {
    // Stopping: the safe state stands. A close or a pulse's end re-asserts
    // it (de-energised), never energises a fail-safe door's maglock.
    if (was_unlocked || lock_suspect_)
      command(false, safe_action(), std::nullopt, cause, false, out);
    return;
  }
  if (was_unlocked || lock_suspect_)
    command(locked_value(), LockAction::relock, std::nullopt, cause, false, out);
}

void DoorStateMachine::end_unlock(const char* cause, Effects& out) {
  if (!unlocked_ || safe_) return;
  pending_entry_.reset();
  if (open()) {
    unlock_until_.reset();  // the close schedules the relock
    return;
  }
  relock(cause, out);
}

void DoorStateMachine::start(Moment now, Effects& out) {
  safe_ = false;
  schedule_hold_ = false;
  unlocked_ = false;
  unlock_until_.reset();
  relock_at_.reset();
  pending_entry_.reset();
  if (fire_hold_) {
    // A fire still holds the door: a start must not lock an escape route
    // (vigild starts its doors before it reads any fire input, so only a
    // start after a safe state reaches this; DoorModel found it).
    release_for_fire(now, out);
    return;
  }
  // After a crash nothing says which grants were in flight: lock every door,
  // with a write even if we believe it is locked already.
  command(locked_value(), LockAction::relock, std::nullopt, "start", true, out);
}

void DoorStateMachine::safe_state(const std::string& cause, Moment now, Effects& out) {
  safe_ = true;
  schedule_hold_ = false;
  unlocked_ = false;
  unlock_until_.reset();
  relock_at_.reset();
  pending_entry_.reset();
  if (fire_hold_) {
    // A stop during a fire must not lock an escape route: stay released,
    // and an opening is people leaving, not a forced door (DoorModel).
    release_for_fire(now, out);
    return;
  }
  // De-energised: a fail-secure strike locks, a fail-safe maglock releases.
  command(false, safe_action(), std::nullopt, cause, true, out);
}

void DoorStateMachine::journal_confirmed(const PendingWrite& write, Moment at, Effects& out) const {
  const EventKind kind = write.action == LockAction::unlock   ? EventKind::door_unlocked
                         : write.action == LockAction::relock ? EventKind::door_relocked
                                                              : EventKind::door_released;
  Event e = make(kind, at);
  e.person = write.person;
  set_attr(e.attrs, "cause", write.cause);
  for (const auto& [key, value] : write.attrs) set_attr(e.attrs, key, value);
  out.events.push_back(std::move(e));
}

void DoorStateMachine::journal_failed(const PendingWrite& write, const OutputResult& r,
                                      Effects& out) const {
  Event e = make(EventKind::output_failed, {r.time, r.mono});
  e.person = write.person;
  set_attr(e.attrs, "output", to_string(door_->lock));
  set_attr(e.attrs, "error", r.error);
  set_attr(e.attrs, "value", write.value);
  set_attr(e.attrs, "action", std::string(to_string(write.action)));
  set_attr(e.attrs, "cause", write.cause);
  out.events.push_back(std::move(e));
}

void DoorStateMachine::output_result(const OutputResult& r, Effects& out) {
  if (!pending_ || r.write_id != pending_->id) {
    superseded_result(r, out);
    return;
  }
  // Drivers answer in order: the older writes still unanswered were dropped
  // by the driver (superseded before it confirmed them) and never will be.
  superseded_.clear();
  const PendingWrite write = std::move(*pending_);
  pending_.reset();
  answered_ = write;
  answered_failed_ = !r.ok;
  if (r.ok) {
    lock_suspect_ = false;
    journal_confirmed(write, {r.time, r.mono}, out);
    return;
  }
  lock_suspect_ = true;
  journal_failed(write, r, out);
  if (write.action == LockAction::unlock && unlocked_) {
    // The person cannot pass: the door stays locked as far as anyone may
    // rely on, the grant is spent and an opening now is forced. No relock
    // write follows: the lock most likely never moved, and a write to a
    // device that just failed would raise a false "lock did not re-engage".
    unlocked_ = false;
    unlock_until_.reset();
    relock_at_.reset();
    pending_entry_.reset();
  }
  // A failed relock leaves the door not secure (lock_suspect()); retrying is
  // the driver's job, and the next relock opportunity (pulse end, door
  // close) writes again. Should the driver's retry hold first, its answer
  // comes again under the same id (late_result).
}

void DoorStateMachine::late_result(const OutputResult& r, Effects& out) {
  if (r.ok != answered_failed_) return;  // the same answer again: nothing changed
  if (!r.ok) {
    // A confirmed write the driver applied again (a module back after a
    // restart) and could not: the lock is no longer vouched for.
    answered_failed_ = true;
    lock_suspect_ = true;
    journal_failed(*answered_, r, out);
    set_attr(out.events.back().attrs, "reapplied", true);
    return;
  }
  // The driver's retry of the failed write held: the hardware did it now,
  // recorded at the answer's time. The lock is vouched for again.
  answered_failed_ = false;
  lock_suspect_ = false;
  journal_confirmed(*answered_, {r.time, r.mono}, out);
  set_attr(out.events.back().attrs, "late", true);
  if (answered_->action != LockAction::unlock || unlocked_) return;
  if (fire_hold_ || schedule_hold_) {
    // A hold wants the door released and now it is: openings are passages
    // again, not forced doors (DoorModel: an open schedule's unlock that
    // held late left every opening of the window alarmed).
    unlocked_ = true;
    return;
  }
  // A late unlock has no grant behind it any more (the failure spent it):
  // the door is released for nobody, so it locks again at once.
  if (!safe_) command(locked_value(), LockAction::relock, std::nullopt, "late_unlock", true, out);
}

void DoorStateMachine::superseded_result(const OutputResult& r, Effects& out) {
  if (answered_ && r.write_id == answered_->id) {
    late_result(r, out);
    return;
  }
  const auto it = std::find_if(superseded_.begin(), superseded_.end(),
                               [&](const PendingWrite& w) { return w.id == r.write_id; });
  // Unknown: already answered, forgotten, or never this door's.
  if (it == superseded_.end()) return;
  const PendingWrite write = std::move(*it);
  // The writes before it will never be answered (drivers answer in order).
  superseded_.erase(superseded_.begin(), std::next(it));
  if (r.ok) {
    // The hardware did it, though a newer write is on its way: journalled
    // as what it was (its own cause, the result's time). The lock's state
    // is the latest write's business, so lock_suspect_ is left alone.
    journal_confirmed(write, {r.time, r.mono}, out);
    return;
  }
  // The write failed, but a newer one is in flight and its answer decides
  // whether the lock is trusted: recorded (attr superseded) without
  // lock_suspect_, and a failed unlock takes no grant back (the newer write
  // already moved the door on).
  journal_failed(write, r, out);
  set_attr(out.events.back().attrs, "superseded", true);
}

}  // namespace vigil::core
