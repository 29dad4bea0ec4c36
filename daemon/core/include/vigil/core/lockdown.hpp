// Lockdown (issue 8): standing orders that close a zone, and every zone
// nested inside it, to every card but those of a lockdown-override level.
// Ordered and released by an operator (vigilctl lockdown), journalled with
// who and why; the Controller holds the orders in force in its AccessState
// and relocks the doors into a zone the moment it is locked down. Egress
// (REX) stays free.
#pragma once

#include <string>
#include <vector>

#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

struct Site;
struct Zone;

struct LockdownOrder {
  ZoneId zone;
  std::string ordered_by;  // the operator
  TimePoint since{};
  std::string reason;
  bool operator==(const LockdownOrder&) const = default;
};

// The orders in force, by zone (at most one per zone).
class Lockdowns {
 public:
  // Replaces an order for the same zone.
  void set(LockdownOrder order);
  // False when the zone was not locked down.
  bool release(const ZoneId& zone);
  // The order closing `zone`: on the zone itself, else on the nearest zone
  // it lies inside; nullptr when none.
  const LockdownOrder* covering(const Site& site, const ZoneId& zone) const;
  // The same with `zone` already found in the site (nullptr: not a zone).
  const LockdownOrder* covering(const Site& site, const ZoneId& zone, const Zone* found) const;
  const std::vector<LockdownOrder>& orders() const { return orders_; }
  bool empty() const { return orders_.empty(); }
  bool operator==(const Lockdowns&) const = default;

 private:
  std::vector<LockdownOrder> orders_;  // sorted by zone
};

}  // namespace vigil::core
