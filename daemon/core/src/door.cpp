// Passages: grants, debounced contact and REX edges, and the door's timers.
#include "vigil/core/door.hpp"

#include <algorithm>

namespace vigil::core {
namespace {

Duration clamp_debounce(Duration d) {
  return std::clamp(d, Duration::zero(), kMaxDebounce);
}

}  // namespace

DoorStateMachine::DoorStateMachine(const Door& door)
    : door_(&door),
      contact_(clamp_debounce(door.contact_debounce)),
      rex_(clamp_debounce(door.rex_debounce)) {}

void DoorStateMachine::grant(const PersonId& person, const ZoneId& zone, const ReaderId& reader,
                             Moment now, Effects& out, const std::optional<PersonId>& companion) {
  advance(now, out);
  if (safe_) return;  // in the safe state: the shell is stopping or faulted
  pending_entry_ = PendingEntry{person, zone, reader, companion};
  unlock(now, person, "grant", out);
}

void DoorStateMachine::contact(bool open, Moment at, bool initial, Effects& out) {
  advance(at, out);  // deadlines due before this input happened come first
  if (!initial) {
    contact_.raw(open, at);
  } else if (const std::optional<bool> before = contact_.set_initial(open); !before) {
    // First sight of the contact: state, not an opening. A guard still
    // wants to know a door stood open when we started looking.
    if (open) {
      out.events.push_back(make(EventKind::door_open_at_start, at));
      held_deadline_ = at.mono + door_->held_open_time;
    }
  } else if (*before != open) {
    // It changed while we could not see it (device offline): the change
    // happened, so it is judged like any edge, at the time we learnt it.
    on_contact_edge(open, at, true, out);
  }
  advance(at, out);
}

void DoorStateMachine::rex(bool pressed, Moment at, bool initial, Effects& out) {
  advance(at, out);
  if (!initial) {
    rex_.raw(pressed, at);
  } else if (const std::optional<bool> before = rex_.set_initial(pressed); before != pressed) {
    // A level, never a press: a REX found pressed must be seen released
    // before a press counts, and its stuck timer starts now.
    if (pressed) {
      rex_armed_ = false;
      rex_stuck_at_ = at.mono + door_->rex_stuck_time;
    } else {
      on_rex_edge(false, at, at, out);
    }
  }
  advance(at, out);
}

void DoorStateMachine::on_contact_edge(bool open, Moment at, bool seen_late, Effects& out) {
  if (open) {
    relock_at_.reset();  // reopened inside the relock delay: the same passage
    const bool authorised = unlocked_ || (safe_ && door_->fail_mode == FailMode::safe);
    Event opened = make(EventKind::door_opened, at);
    if (seen_late) set_attr(opened.attrs, "seen", std::string("reconnect"));
    if (authorised && pending_entry_) opened.person = pending_entry_->person;
    out.events.push_back(std::move(opened));
    if (!authorised) {
      // No grant and no REX released this door: someone forced it, or the
      // lock failed. Either way a guard must look.
      forced_ = true;
      out.events.push_back(make(EventKind::door_forced, at));
    } else if (pending_entry_) {
      if (pending_entry_->companion) {
        Event first = make(EventKind::entry, at);
        first.person = pending_entry_->companion;
        first.zone = pending_entry_->zone;
        first.reader = pending_entry_->reader;
        out.events.push_back(std::move(first));
      }
      Event entry = make(EventKind::entry, at);
      entry.person = pending_entry_->person;
      entry.zone = pending_entry_->zone;
      entry.reader = pending_entry_->reader;
      out.events.push_back(std::move(entry));
      pending_entry_.reset();
    }
    // People stream out during a fire: an open egress door is expected.
    if (!fire_hold_ && !schedule_hold_) held_deadline_ = at.mono + door_->held_open_time;
    return;
  }
  out.events.push_back(make(EventKind::door_closed, at));
  held_deadline_.reset();
  forced_ = false;
  if (held_alarm_) {
    held_alarm_ = false;
    out.events.push_back(make(EventKind::door_held_open_cleared, at));
  }
  // One grant, one passage. The lock re-engages relock_delay after the
  // close, so a door that bounces or is pulled shut against its seal does
  // not meet an engaged bolt and read as forced.
  pending_entry_.reset();
  unlock_until_.reset();
  if (unlocked_ || lock_suspect_) relock_at_ = at.mono + door_->relock_delay;
}

void DoorStateMachine::on_rex_edge(bool pressed, Moment at, Moment counted, Effects& out) {
  if (!pressed) {
    rex_armed_ = true;
    rex_stuck_at_.reset();
    if (rex_stuck_) {
      rex_stuck_ = false;
      out.events.push_back(make(EventKind::rex_released, at));
    }
    return;
  }
  rex_stuck_at_ = at.mono + door_->rex_stuck_time;
  if (!rex_armed_) return;
  out.events.push_back(make(EventKind::rex_pressed, at));
  if (safe_) return;
  unlock(counted, std::nullopt, "rex", out);
}

// Pulse end and relock wait while an opening is being debounced: if it
// holds, the door opened before the deadline and the passage is legitimate.
bool DoorStateMachine::lock_deadline_waits() const {
  return contact_.pending() && !contact_.level();
}

namespace {
enum class Due : std::uint8_t { none, contact, rex, pulse_end, relock, held_open, rex_stuck };
}

void DoorStateMachine::advance(Moment now, Effects& out) {
  for (;;) {
    Due which = Due::none;
    MonoTime when{};
    auto consider = [&](const std::optional<MonoTime>& t, Due d) {
      if (t && *t <= now.mono && (which == Due::none || *t < when)) {
        which = d;
        when = *t;
      }
    };
    consider(contact_.deadline(), Due::contact);
    consider(rex_.deadline(), Due::rex);
    if (!lock_deadline_waits()) {
      if (!open()) consider(unlock_until_, Due::pulse_end);
      consider(relock_at_, Due::relock);
    }
    if (open() && !held_alarm_) consider(held_deadline_, Due::held_open);
    if (rex_.level() && !rex_stuck_) consider(rex_stuck_at_, Due::rex_stuck);
    if (which == Due::none) return;
    // The deadline's wall time, read back from the clock that fired it.
    const Moment due{now.wall - (now.mono - when), when};
    switch (which) {
      case Due::contact:
        if (auto since = contact_.commit_due(when))
          on_contact_edge(contact_.level(), *since, false, out);
        break;
      case Due::rex:
        if (auto since = rex_.commit_due(when)) on_rex_edge(rex_.level(), *since, due, out);
        break;
      case Due::pulse_end:
        // Nobody opened the door: relock, and the grant no longer covers a
        // later opening.
        pending_entry_.reset();
        relock("pulse_end", out);
        break;
      case Due::relock:
        relock("door_closed", out);
        break;
      case Due::held_open:
        held_alarm_ = true;
        out.events.push_back(make(EventKind::door_held_open, due));
        break;
      case Due::rex_stuck:
        rex_stuck_ = true;
        out.events.push_back(make(EventKind::rex_stuck, due));
        break;
      case Due::none:
        return;
    }
  }
}

std::optional<MonoTime> DoorStateMachine::next_deadline() const {
  std::optional<MonoTime> next;
  auto consider = [&](const std::optional<MonoTime>& t) {
    if (t && (!next || *t < *next)) next = t;
  };
  consider(contact_.deadline());
  consider(rex_.deadline());
  if (!lock_deadline_waits()) {
    if (!open()) consider(unlock_until_);
    consider(relock_at_);
  }
  if (open() && !held_alarm_) consider(held_deadline_);
  if (rex_.level() && !rex_stuck_) consider(rex_stuck_at_);
  return next;
}

}  // namespace vigil::core
