#include "vigil/core/door.hpp"

#include <algorithm>

namespace vigil::core {

void Effects::append(Effects&& other) {
  std::move(other.events.begin(), other.events.end(), std::back_inserter(events));
  std::move(other.outputs.begin(), other.outputs.end(), std::back_inserter(outputs));
}

DoorStateMachine::DoorStateMachine(const Door& door) : door_(&door) {}

Event DoorStateMachine::make(EventKind kind, TimePoint t) const {
  Event e;
  e.kind = kind;
  e.time = t;
  e.door = door_->id;
  return e;
}

void DoorStateMachine::unlock(TimePoint t, Effects& out, const std::optional<PersonId>& person) {
  unlock_until_ = t + door_->unlock_time;
  if (unlocked_) return;  // already released: just extend the pulse
  unlocked_ = true;
  out.outputs.push_back(SetOutput{door_->lock, true});
  Event e = make(EventKind::door_unlocked, t);
  e.person = person;
  out.events.push_back(std::move(e));
}

void DoorStateMachine::relock(TimePoint t, Effects& out) {
  unlock_until_.reset();
  egress_ = false;
  if (!unlocked_) return;
  unlocked_ = false;
  out.outputs.push_back(SetOutput{door_->lock, false});
  out.events.push_back(make(EventKind::door_relocked, t));
}

void DoorStateMachine::grant(const PersonId& person, const ZoneId& zone, const ReaderId& reader,
                             TimePoint t, Effects& out) {
  pending_entry_ = PendingEntry{person, zone, reader};
  egress_ = false;
  unlock(t, out, person);
}

void DoorStateMachine::rex(TimePoint t, Effects& out) {
  Event e = make(EventKind::rex_pressed, t);
  out.events.push_back(std::move(e));
  egress_ = true;
  unlock(t, out, std::nullopt);
}

void DoorStateMachine::contact(bool open, TimePoint t, Effects& out) {
  if (open == open_) return;  // repeated report of the same level
  open_ = open;
  if (open) {
    Event opened = make(EventKind::door_opened, t);
    if (unlocked_ && pending_entry_) opened.person = pending_entry_->person;
    out.events.push_back(std::move(opened));
    if (!unlocked_) {
      // No grant and no REX released this door: someone forced it, or the
      // lock failed. Either way a guard must look.
      forced_ = true;
      out.events.push_back(make(EventKind::door_forced, t));
    } else if (pending_entry_) {
      Event entry = make(EventKind::entry, t);
      entry.person = pending_entry_->person;
      entry.zone = pending_entry_->zone;
      entry.reader = pending_entry_->reader;
      out.events.push_back(std::move(entry));
      pending_entry_.reset();
    }
    held_deadline_ = t + door_->held_open_time;
    return;
  }
  // Closed.
  out.events.push_back(make(EventKind::door_closed, t));
  held_deadline_.reset();
  forced_ = false;
  if (held_alarm_) {
    held_alarm_ = false;
    out.events.push_back(make(EventKind::door_held_open_cleared, t));
  }
  // One grant, one passage: relock as soon as the door shuts behind them.
  pending_entry_.reset();
  relock(t, out);
}

void DoorStateMachine::advance(TimePoint now, Effects& out) {
  if (unlock_until_ && now >= *unlock_until_ && !open_) {
    // Unlock pulse expired and nobody opened the door: relock, and the grant
    // no longer covers a later opening.
    pending_entry_.reset();
    relock(*unlock_until_, out);
  }
  if (held_deadline_ && open_ && now >= *held_deadline_ && !held_alarm_) {
    held_alarm_ = true;
    out.events.push_back(make(EventKind::door_held_open, *held_deadline_));
  }
}

std::optional<TimePoint> DoorStateMachine::next_deadline() const {
  std::optional<TimePoint> next;
  auto consider = [&](const std::optional<TimePoint>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (!open_) consider(unlock_until_);
  if (open_ && !held_alarm_) consider(held_deadline_);
  return next;
}

}  // namespace vigil::core
