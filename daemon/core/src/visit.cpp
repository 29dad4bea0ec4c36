// Visits and escorts: the runtime waits, and where visits live in the
// directory and the site (vigil/core/visit.hpp).
#include "vigil/core/visit.hpp"

#include <algorithm>

#include "vigil/core/people.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {

const EscortBadge* EscortWaits::escort(const DoorId& door, MonoTime now, Duration window) const {
  auto it = escorts_.find(door);
  if (it == escorts_.end() || now < it->second.mono || now - it->second.mono > window)
    return nullptr;
  return &it->second;
}

const WaitingVisitor* EscortWaits::visitor(const DoorId& door, MonoTime now) const {
  auto it = visitors_.find(door);
  if (it == visitors_.end() || now < it->second.mono || now > it->second.expires()) return nullptr;
  return &it->second;
}

std::vector<std::pair<DoorId, WaitingVisitor>> EscortWaits::expire(MonoTime now) {
  std::vector<std::pair<DoorId, WaitingVisitor>> ended;
  for (auto it = visitors_.begin(); it != visitors_.end();) {
    if (now > it->second.expires()) {
      ended.emplace_back(it->first, std::move(it->second));
      it = visitors_.erase(it);
    } else {
      ++it;
    }
  }
  // In door order, so a replay journals them in the same order.
  std::sort(ended.begin(), ended.end(),
            [](const auto& a, const auto& b) { return a.first.str() < b.first.str(); });
  return ended;
}

std::optional<MonoTime> EscortWaits::next_expiry() const {
  std::optional<MonoTime> next;
  for (const auto& [door, visitor] : visitors_) {
    // The first instant past the window: exactly `window` in still counts.
    const MonoTime t = visitor.expires() + Duration{1};
    if (!next || t < *next) next = t;
  }
  return next;
}

void PeopleDirectory::set_visits(const PersonId& id, std::vector<Visit> visits) {
  if (auto pos = person_position(id)) {
    mark(*pos, kHasVisits, !visits.empty());
    if (visits.empty()) {
      visits_.erase(*pos);
    } else {
      visits_.insert_or_assign(*pos, std::move(visits));
    }
  } else if (visits.empty()) {
    orphan_visits_.erase(id);
  } else {
    orphan_visits_.insert_or_assign(id, std::move(visits));
  }
}

const std::vector<Visit>* PeopleDirectory::visits_of(const PersonId& id) const {
  if (visits_.empty() && orphan_visits_.empty()) return nullptr;
  if (auto pos = person_position(id)) return visits_at(*pos);
  auto it = orphan_visits_.find(id);
  return it == orphan_visits_.end() ? nullptr : &it->second;
}

const std::vector<Visit>* PeopleDirectory::visits_at(std::uint32_t position) const {
  if (visits_.empty() || (people_[position].flags & kHasVisits) == 0) return nullptr;
  auto it = visits_.find(position);
  return it == visits_.end() ? nullptr : &it->second;
}

Duration Site::escort_window_for(const ZoneId& zone) const {
  const Zone* z = find_zone(zone);
  return z != nullptr && z->escort_window ? *z->escort_window : escort_window;
}

}  // namespace vigil::core
