// A reload of the site config on a running controller: the rules and
// timings change, the doors' state does not (docs/config.md "Reloading the
// config").
#include <stdexcept>

#include "vigil/core/controller.hpp"

namespace vigil::core {

Effects Controller::reload(const Site& next, TimePoint wall, MonoTime mono) {
  // plan_reload() guarantees the same doors in the same order; a caller
  // that broke that would leave machines on doors of the old site.
  if (next.doors.size() != doors_.size())
    throw std::invalid_argument("reload: the doors differ from the running site's");
  for (std::size_t i = 0; i < doors_.size(); ++i) {
    if (!doors_[i].wired_as(next.doors[i]))
      throw std::invalid_argument("reload: door " + next.doors[i].id.str() +
                                  " is not the running site's, wired the same");
  }
  Effects out;
  const Moment now{wall, mono};
  observe(now, out);
  site_ = &next;
  has_door_schedules_ = false;
  for (std::size_t i = 0; i < doors_.size(); ++i) {
    doors_[i].reconfigure(next.doors[i], now, out);
    if (next.doors[i].mode == DoorMode::unlocked) has_door_schedules_ = true;
  }
  apply_door_schedules(now, out);
  return out;
}

}  // namespace vigil::core
