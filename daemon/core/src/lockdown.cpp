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
  return covering(site, zone, site.find_zone(zone));
}

const LockdownOrder* Lockdowns::covering(const Site& site, const ZoneId& zone,
                                         const Zone* found) const {
  if (orders_.empty()) return nullptr;
  auto order_on = [&](const ZoneId& id) -> const LockdownOrder* {
    for (const auto& order : orders_) {
      if (order.zone == id) return &order;
    }
    return nullptr;
  };
  if (const LockdownOrder* order = order_on(zone)) return order;
  // Walk up the nesting by position (a parent id naming no zone still
  // counts); the config validator refuses cycles, the bound guards
  // against one anyway.
  for (std::size_t depth = 0; found != nullptr && found->parent && depth <= site.zones.size();
       ++depth) {
    if (const LockdownOrder* order = order_on(*found->parent)) return order;
    found = site.parent_of(*found);
  }
  return nullptr;
}

}  // namespace vigil::core
