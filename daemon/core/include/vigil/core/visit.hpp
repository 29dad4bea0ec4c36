// Visits and escorts (issue 8, item 6): a visitor's badge works only inside
// the zones and dates of their visit, and only when an escort (staff
// authorised for the zone) badges at the same door within a short window,
// in either order. The visit is the roster's record (`vigilctl visit add`);
// the escort waits are runtime state the Controller owns: a restart forgets
// a waiting visitor (they badge again), never who is inside.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

// The window an escort and a visitor have at one door, unless the zone or
// the site sets another (docs/policy.md, `escort_window`).
inline constexpr Duration kDefaultEscortWindow = std::chrono::seconds(10);

struct Visit {
  std::int64_t id = 0;
  PersonId visitor;  // a person in the roster, with their visitor card
  PersonId host;     // the staff member responsible for the visit
  std::string purpose;
  std::string organisation;
  std::string delegation;  // the foreign delegation, when there is one
  LocalDate first_day{};   // site local days, inclusive of both
  LocalDate last_day{};
  std::vector<ZoneId> zones;  // where the visit may go (zones inside them too)
  bool ended = false;         // ended early by `vigilctl visit end`
  bool active_on(LocalDate today) const {
    return !ended && first_day <= today && today <= last_day;
  }
};

// The last badge at a door by someone who is not a visitor, authorised for
// the zone (granted) or not: it escorts a visitor badging within the window.
struct EscortBadge {
  PersonId person;
  bool authorised = false;
  MonoTime mono{};
  TimePoint wall{};
};

// A visitor who badged first and waits for the escort.
struct WaitingVisitor {
  PersonId visitor;
  std::int64_t visit = 0;
  ReaderId reader;
  CardNumber card;
  ZoneId zone;
  std::string format;  // the card format, as on the read's event
  MonoTime mono{};
  TimePoint wall{};
  Duration window{};
  MonoTime expires() const { return mono + window; }
};

class EscortWaits {
 public:
  // The last escort badge at `door` within `window` before `now` (exactly
  // `window` after it still counts).
  const EscortBadge* escort(const DoorId& door, MonoTime now, Duration window) const;
  // The visitor waiting at `door`, if their window has not passed by `now`.
  const WaitingVisitor* visitor(const DoorId& door, MonoTime now) const;
  void badge(const DoorId& door, EscortBadge badge) { escorts_.insert_or_assign(door, badge); }
  void wait(const DoorId& door, WaitingVisitor visitor) {
    visitors_.insert_or_assign(door, std::move(visitor));
  }
  void clear_visitor(const DoorId& door) { visitors_.erase(door); }
  // The waits whose window has passed by `now`, removed, by door.
  std::vector<std::pair<DoorId, WaitingVisitor>> expire(MonoTime now);
  // The earliest instant a waiting visitor's window has passed.
  std::optional<MonoTime> next_expiry() const;

 private:
  std::unordered_map<DoorId, EscortBadge> escorts_;
  std::unordered_map<DoorId, WaitingVisitor> visitors_;
};

}  // namespace vigil::core
