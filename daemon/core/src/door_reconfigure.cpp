// A door's new timings or mode from a config reload; its state stays.
#include <stdexcept>

#include "vigil/core/door.hpp"

namespace vigil::core {

bool DoorStateMachine::wired_as(const Door& next) const {
  const Door& was = *door_;
  return next.id == was.id && next.lock == was.lock && next.contact == was.contact &&
         next.rex == was.rex && next.fail_mode == was.fail_mode &&
         next.contact_debounce == was.contact_debounce && next.rex_debounce == was.rex_debounce;
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
