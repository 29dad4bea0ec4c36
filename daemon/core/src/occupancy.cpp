#include "vigil/core/occupancy.hpp"

#include <algorithm>
#include <tuple>

#include "vigil/core/site.hpp"

namespace vigil::core {

bool zone_within(const Site& site, const ZoneId& inner, const ZoneId& outer) {
  if (inner == outer) return true;
  // The ids up the nesting, compared as they are (a parent id that names no
  // zone still counts); one hash for `inner`, then positions (issue 8). The
  // config validator refuses cycles; the bound guards against one anyway.
  const Zone* z = site.find_zone(inner);
  for (std::size_t depth = 0; z != nullptr && z->parent && depth <= site.zones.size(); ++depth) {
    if (*z->parent == outer) return true;
    z = site.parent_of(*z);
  }
  return false;
}

void Occupancy::enter(const PersonId& person, const ZoneId& zone, TimePoint at) {
  auto [it, added] = where_.try_emplace(person, Presence{zone, at});
  if (!added) {
    auto old = direct_.find(it->second.zone);
    if (old != direct_.end() && --old->second == 0) direct_.erase(old);
    it->second = Presence{zone, at};
  }
  ++direct_[zone];
}

void Occupancy::observe(const Event& e) {
  if (e.kind == EventKind::entry && e.person && e.zone) enter(*e.person, *e.zone, e.time);
}

const Presence* Occupancy::where(const PersonId& person) const {
  auto it = where_.find(person);
  return it == where_.end() ? nullptr : &it->second;
}

bool Occupancy::inside(const Site& site, const PersonId& person, const ZoneId& zone) const {
  const Presence* p = where(person);
  return p != nullptr && zone_within(site, p->zone, zone);
}

const Presence* Occupancy::where_within(const Site& site, const PersonId& person,
                                        const ZoneId& zone) const {
  const Presence* p = where(person);
  return p != nullptr && zone_within(site, p->zone, zone) ? p : nullptr;
}

std::size_t Occupancy::count(const Site& site, const ZoneId& zone) const {
  // Zones are few (hundreds) and people many: sum the per-zone counts.
  std::size_t n = 0;
  for (const auto& [z, people] : direct_) {
    if (zone_within(site, z, zone)) n += people;
  }
  return n;
}

std::vector<std::pair<PersonId, Presence>> Occupancy::in_zone(const ZoneId& zone) const {
  std::vector<std::pair<PersonId, Presence>> out;
  for (const auto& [person, presence] : where_) {
    if (presence.zone == zone) out.emplace_back(person, presence);
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return std::tie(a.second.since, a.first) < std::tie(b.second.since, b.first);
  });
  return out;
}

}  // namespace vigil::core
