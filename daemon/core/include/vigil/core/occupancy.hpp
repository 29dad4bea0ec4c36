// Who is inside which zone (issue 8): anti-passback, occupancy limits and
// the muster list. A person is where their last `entry` event put them (a
// granted read whose door then opened), with its time; entering another
// zone, the surrounding one or `outside` included, moves them there. A zone
// counts the people in it and in the zones nested inside it. Folded from
// `entry` events, so the journal rebuilds it at start.
#pragma once

#include <cstddef>
#include <unordered_map>
#include <utility>
#include <vector>

#include "vigil/core/event.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

struct Site;

struct Presence {
  ZoneId zone;
  TimePoint since{};  // the entry's wall time
};

class Occupancy {
 public:
  // The person is now in `zone`, since `at`.
  void enter(const PersonId& person, const ZoneId& zone, TimePoint at);
  // An `entry` event with person and zone moves the person; any other event
  // changes nothing. Events must come in journal order.
  void observe(const Event& e);

  const Presence* where(const PersonId& person) const;
  // Whether the person is in `zone` or a zone nested inside it.
  bool inside(const Site& site, const PersonId& person, const ZoneId& zone) const;
  // Where the person is when that is `zone` or inside it; else nullptr (one
  // lookup for decide(), which needs both answers).
  const Presence* where_within(const Site& site, const PersonId& person, const ZoneId& zone) const;
  // People in `zone` and the zones nested inside it.
  std::size_t count(const Site& site, const ZoneId& zone) const;
  // Everyone whose current zone is exactly `zone`, by time of entry.
  std::vector<std::pair<PersonId, Presence>> in_zone(const ZoneId& zone) const;
  std::size_t people() const { return where_.size(); }

 private:
  std::unordered_map<PersonId, Presence> where_;
  std::unordered_map<ZoneId, std::size_t> direct_;  // people whose current zone is the key
};

// Whether `inner` is `outer` or lies inside it (following Zone::parent).
bool zone_within(const Site& site, const ZoneId& inner, const ZoneId& outer);

}  // namespace vigil::core
