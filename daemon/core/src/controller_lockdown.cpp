// Lockdown (issue 8): the Controller takes the orders in force from the
// shell; decide() reads them from the access state. A zone that has just
// been locked down gets its doors relocked at once: a grant given a moment
// before the order does not leave the door open for its unlock time, and a
// card + PIN read in progress there ends.
#include <algorithm>

#include "vigil/core/controller.hpp"

namespace vigil::core {

Effects Controller::on(const LockdownChanged& in) {
  Effects out;
  const Moment at{in.time, in.mono};
  observe(at, out);
  const Lockdowns before = std::move(access_state_.lockdowns);
  access_state_.lockdowns = in.lockdowns;
  auto newly_closed = [&](const ZoneId& zone) {
    return before.covering(*site_, zone) == nullptr &&
           access_state_.lockdowns.covering(*site_, zone) != nullptr;
  };
  // A door held unlocked by its schedule relocks first (cause=lockdown).
  apply_door_schedules(at, out);
  for (auto& door : doors_) {
    if (newly_closed(door.door().to_zone)) door.end_unlock("lockdown", out);
  }
  std::vector<ReaderId> ended;
  for (const auto& [reader, session] : pin_sessions_) {
    if (newly_closed(session.zone)) ended.push_back(reader);
  }
  std::sort(ended.begin(), ended.end(),
            [](const ReaderId& a, const ReaderId& b) { return a.str() < b.str(); });
  for (const auto& reader : ended) {
    Attrs attrs;
    if (const auto* order =
            access_state_.lockdowns.covering(*site_, pin_sessions_.at(reader).zone)) {
      set_attr(attrs, "lockdown_zone", order->zone.str());
      set_attr(attrs, "lockdown_by", order->ordered_by);
      set_attr(attrs, "lockdown_reason", order->reason);
    }
    finish_pin(reader, DenyReason::zone_locked_down, std::move(attrs), at, out);
  }
  return out;
}

}  // namespace vigil::core
