// A door's new timings or mode from a config reload; its state stays.
#include <stdexcept>

#include "vigil/core/door.hpp"

namespace vigil::core {

bool same_wiring(const Door& a, const Door& b) {
  return a.id == b.id && a.lock == b.lock && a.contact == b.contact && a.rex == b.rex &&
         a.fail_mode == b.fail_mode && a.contact_debounce == b.contact_debounce &&
         a.rex_debounce == b.rex_debounce;
}

bool DoorStateMachine::wired_as(const Door& next) const {
  return same_wiring(*door_, next);
}

void DoorStateMachine::reconfigure(const Door& next, Moment now, Effects& out) {
  if (!wired_as(next)) {
    throw std::invalid_argument("door " + door_->id.str() + ": a reload cannot rewire the door");
  }
  door_ = &next;
  if (schedule_hold_ && next.mode != DoorMode::unlocked) {
    schedule_hold(false, "config_reload", now, out);
  }
}

}  // namespace vigil::core
