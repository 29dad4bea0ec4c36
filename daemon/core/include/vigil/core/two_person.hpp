// Two-person rule (issue 8, rule 5): a zone can require two different
// authorised people to badge at the same door within a window before it
// unlocks. The first badge waits here; decide() reads it, the Controller
// records and clears it. A restart keeps a waiting first badge only when
// the journal places it on the same steady clock
// (Controller::restore_two_person_waits); who is inside always survives.
#pragma once

#include <optional>
#include <unordered_map>

#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

struct FirstBadge {
  PersonId person;
  ReaderId reader;
  MonoTime mono{};
  TimePoint wall{};
};

class TwoPersonWaits {
 public:
  // The first badge at `door`, if it came within `window` before `now`.
  const FirstBadge* waiting(const DoorId& door, MonoTime now, Duration window) const {
    auto it = waits_.find(door);
    if (it == waits_.end() || now - it->second.mono > window || now < it->second.mono)
      return nullptr;
    return &it->second;
  }
  // Replaces any earlier first badge at the door (the window restarts).
  void wait(const DoorId& door, FirstBadge first) { waits_.insert_or_assign(door, first); }
  void clear(const DoorId& door) { waits_.erase(door); }

 private:
  std::unordered_map<DoorId, FirstBadge> waits_;
};

}  // namespace vigil::core
