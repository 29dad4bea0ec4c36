#include "vigil/core/policy.hpp"

namespace vigil::core {
namespace {

bool credential_valid_at(const Credential& c, TimePoint t) {
  if (!c.active) return false;
  if (c.valid_from && t < *c.valid_from) return false;
  if (c.valid_until && t >= *c.valid_until) return false;
  return true;
}

void refuse(Decision& d, Rule rule, DenyReason reason) {
  d.outcome = Outcome::deny;
  d.rule = rule;
  d.reason = reason;
}

}  // namespace

// Order of checks matters for the reason a guard reads, and for precedence
// (docs/policy.md): first whether we know the reader and the card, then every
// rule that refuses whatever the levels say, and last whether any level
// covers the zone and is open now. "outside_schedule" is only reported when a
// level does cover the zone, so a person who never had access is never told
// to come back later.
Decision decide(const Site& site, const PeopleDirectory& people, const AccessState& /*state*/,
                const AccessRequest& request) {
  Decision d;
  const Reader* reader = site.find_reader(request.reader);
  if (reader == nullptr) {
    refuse(d, Rule::reader, DenyReason::unknown_reader);
    return d;
  }
  d.door = site.find_door(reader->door);
  d.zone = &site.target_zone(*reader);

  auto holder = people.find_card(request.card);
  if (!holder) {
    refuse(d, Rule::card, DenyReason::unknown_card);
    return d;
  }
  d.person = holder->person;
  if (!holder->person->active || !credential_valid_at(*holder->credential, request.time)) {
    refuse(d, Rule::credential, DenyReason::inactive_credential);
    return d;
  }

  bool covered = false;
  const LocalTime local = site.time_zone.local(request.time);
  for (const auto& level_id : holder->person->access_levels) {
    const AccessLevel* level = site.find_access_level(level_id);
    if (level == nullptr || !level->covers(*d.zone)) continue;
    if (!covered) d.level = level;
    covered = true;
    if (level->open_at(local)) {
      d.outcome = Outcome::grant;
      d.reason = DenyReason::none;
      d.rule = Rule::access_level;
      d.level = level;
      return d;
    }
  }
  if (covered) {
    refuse(d, Rule::schedule, DenyReason::outside_schedule);
  } else {
    refuse(d, Rule::access_level, DenyReason::no_access_level);
  }
  return d;
}

Decision decide(const Site& site, const PeopleDirectory& people, const CardNumber& card,
                const ReaderId& reader, TimePoint time) {
  static const AccessState kNoState{};
  return decide(site, people, kNoState, AccessRequest{card, reader, time});
}

}  // namespace vigil::core
