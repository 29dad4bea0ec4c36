// One door's state machine:
//   grant -> unlock pulse -> contact opens (entry) -> contact closes -> relock
//   REX   -> unlock for free egress (no alarm when the door opens)
//   contact opens with no grant and no REX      -> door_forced
//   open longer than the held-open time          -> door_held_open, cleared on close
// Every transition is an event, so the journal answers "who opened that door,
// and when did it lock again". Timers are deadlines the shell asks for with
// next_deadline() and fires with advance(now).
#pragma once

#include <optional>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/core/input.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

struct Effects {
  std::vector<Event> events;
  std::vector<SetOutput> outputs;
  void append(Effects&& other);
};

class DoorStateMachine {
 public:
  explicit DoorStateMachine(const Door& door);

  // A granted read at one of this door's readers.
  void grant(const PersonId& person, const ZoneId& zone, const ReaderId& reader, TimePoint t,
             Effects& out);
  void rex(TimePoint t, Effects& out);
  void contact(bool open, TimePoint t, Effects& out);
  void advance(TimePoint now, Effects& out);
  std::optional<TimePoint> next_deadline() const;

  bool unlocked() const { return unlocked_; }
  bool open() const { return open_; }
  bool held_open_alarm() const { return held_alarm_; }
  bool forced() const { return forced_; }
  const Door& door() const { return *door_; }

 private:
  Event make(EventKind kind, TimePoint t) const;
  void unlock(TimePoint t, Effects& out, const std::optional<PersonId>& person);
  void relock(TimePoint t, Effects& out);

  const Door* door_;
  bool unlocked_ = false;
  bool open_ = false;
  bool forced_ = false;
  bool held_alarm_ = false;
  std::optional<TimePoint> unlock_until_;
  std::optional<TimePoint> held_deadline_;
  // The grant the next opening belongs to; consumed by the first opening.
  struct PendingEntry {
    PersonId person;
    ZoneId zone;
    ReaderId reader;
  };
  std::optional<PendingEntry> pending_entry_;
  bool egress_ = false;  // unlocked by REX
};

}  // namespace vigil::core
