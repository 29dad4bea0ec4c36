#include "vigil/core/controller.hpp"

namespace vigil::core {

Effects Controller::fire_release(const std::vector<DoorId>& doors, bool hold, TimePoint wall,
                                 MonoTime mono) {
  Effects out;
  const Moment now{wall, mono};
  observe(now, out);
  for (const DoorId& id : doors) {
    auto it = door_index_.find(id);
    if (it != door_index_.end()) doors_[it->second].fire_hold(hold, now, out);
  }
  return out;
}

}  // namespace vigil::core
