#include "vigil/core/lockdown.hpp"

#include <algorithm>

#include "vigil/core/site.hpp"

namespace vigil::core {

void Lockdowns::set(LockdownOrder order) {
  auto it = std::lower_bound(orders_.begin(), orders_.end(), order.zone,
                             [](const LockdownOrder& o, const ZoneId& z) { return o.zone < z; });
  if (it != orders_.end() && it->zone == order.zone) {
    *it = std::move(order);
  } else {
    orders_.insert(it, std::move(order));
  }
}

bool Lockdowns::release(const ZoneId& zone) {
  auto it = std::find_if(orders_.begin(), orders_.end(),
                         [&](const LockdownOrder& o) { return o.zone == zone; });
  if (it == orders_.end()) return false;
  orders_.erase(it);
  return true;
}

const LockdownOrder* Lockdowns::covering(const Site& site, const ZoneId& zone) const {
  if (orders_.empty()) return nullptr;
  // Walk up the nesting; the config validator refuses cycles, the bound
  // guards against one anyway.
  std::optional<ZoneId> at = zone;
  for (std::size_t depth = 0; at && depth <= site.zones.size(); ++depth) {
    for (const auto& order : orders_) {
      if (order.zone == *at) return &order;
    }
    const Zone* z = site.find_zone(*at);
    at = z ? z->parent : std::nullopt;
  }
  return nullptr;
}

}  // namespace vigil::core
