#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

bool credential_valid_at(const Credential& c, TimePoint t) {
  if (!c.active) return false;
  if (c.valid_from && t < *c.valid_from) return false;
  if (c.valid_until && t >= *c.valid_until) return false;
  return true;
}

}  // namespace

// Order of checks matters for the reason a guard reads: first whether we know
// the reader and the card, then whether the card may be used at all, then
// whether any level covers the zone, and last whether that level is open now.
// "outside_schedule" is only reported when a level does cover the zone, so a
// person who never had access is never told to come back later.
Decision decide(const Site& site, const PeopleDirectory& people, const CardNumber& card,
                const ReaderId& reader_id, TimePoint time) {
  Decision d;
  const Reader* reader = site.find_reader(reader_id);
  if (reader == nullptr) {
    d.reason = DenyReason::unknown_reader;
    return d;
  }
  d.door = site.find_door(reader->door);
  d.zone = &site.target_zone(*reader);

  auto holder = people.find_card(card);
  if (!holder) {
    d.reason = DenyReason::unknown_card;
    return d;
  }
  d.person = holder->person;
  if (!holder->person->active || !credential_valid_at(*holder->credential, time)) {
    d.reason = DenyReason::inactive_credential;
    return d;
  }

  bool covered = false;
  const LocalTime local = site.time_zone.local(time);
  for (const auto& level_id : holder->person->access_levels) {
    const AccessLevel* level = site.find_access_level(level_id);
    if (level == nullptr || !level->covers(*d.zone)) continue;
    covered = true;
    if (level->open_at(local)) {
      d.granted = true;
      d.reason = DenyReason::none;
      return d;
    }
  }
  d.reason = covered ? DenyReason::outside_schedule : DenyReason::no_access_level;
  return d;
}

}  // namespace vigil::core
