#include "vigil/core/policy.hpp"

#include "visit_policy.hpp"

namespace vigil::core {
namespace {

bool credential_valid_at(const CredentialView& c, TimePoint t) {
  if (!c.active()) return false;
  const auto from = c.valid_from();
  if (from && t < *from) return false;
  const auto until = c.valid_until();
  if (until && t >= *until) return false;
  return true;
}

// Room for `more` attributes at once (s24): set_attr would otherwise grow
// the vector 1, 2, 4, 8, moving every attribute at each step.
void make_room(Decision& d, std::size_t more) {
  d.attrs.reserve(d.attrs.size() + more);
}

void refuse(Decision& d, Rule rule, DenyReason reason) {
  d.outcome = Outcome::deny;
  d.rule = rule;
  d.reason = reason;
}

// The clearance rule: refuses when the zone (or a parent) requires a
// clearance the person lacks, holds at a lower level, or let expire. The
// expiry is a local date: valid through that day, refused from the local
// midnight that ends it.
bool refuse_by_clearance(Decision& d, const Site& site, const Zone* target, PersonView person,
                         LocalDate today) {
  const ZoneRules rules = site.zone_rules(target);
  if (rules.required_clearance == ClearanceLevel::none) return false;
  const Clearance held = person.clearance();
  DenyReason reason = DenyReason::none;
  if (held.level == ClearanceLevel::none) {
    reason = DenyReason::clearance_missing;
  } else if (held.level < rules.required_clearance) {
    reason = DenyReason::clearance_insufficient;
  } else if (!held.valid_on(today)) {
    reason = DenyReason::clearance_expired;
  } else {
    return false;
  }
  refuse(d, Rule::clearance, reason);
  make_room(d, 4);
  set_attr(d.attrs, "required_clearance", std::string{to_string(rules.required_clearance)});
  set_attr(d.attrs, "required_by", rules.requiring_clearance->id.str());
  set_attr(d.attrs, "clearance", std::string{to_string(held.level)});
  if (held.expires) set_attr(d.attrs, "clearance_expires", format_date(*held.expires));
  return true;
}

void flag_attrs(Decision& d, const IntegrityFlag& flag) {
  make_room(d, 4);
  set_attr(d.attrs, "flag", std::string{to_string(flag.kind)});
  set_attr(d.attrs, "flag_reason", flag.reason);
  set_attr(d.attrs, "flag_set_by", flag.set_by);
  if (flag.until) set_attr(d.attrs, "flag_until", format_date(*flag.until));
}

void trip_attrs(Decision& d, const Trip& trip) {
  make_room(d, 5);
  set_attr(d.attrs, "trip", trip.id);
  set_attr(d.attrs, "destination", trip.destination);
  set_attr(d.attrs, "trip_first_day", format_date(trip.first_day));
  set_attr(d.attrs, "trip_last_day", format_date(trip.last_day));
  set_attr(d.attrs, "approval", trip.approval_ref);
}

// The ethics unit's refusals: a suspend flag, a trip in progress (the card is
// in someone else's hands: cloned or lent), and a marked trip whose return
// report is still missing when the zone requires one.
bool refuse_by_risk(Decision& d, const PersonRisk& risk, LocalDate today) {
  if (risk.flag && risk.flag->kind == FlagKind::suspend && risk.flag->applies_on(today)) {
    refuse(d, Rule::flag, DenyReason::person_suspended);
    flag_attrs(d, *risk.flag);
    return true;
  }
  for (const auto& trip : risk.trips) {
    if (!trip.abroad_on(today)) continue;
    refuse(d, Rule::trip, DenyReason::credential_used_while_abroad);
    trip_attrs(d, trip);
    return true;
  }
  return false;
}

bool refuse_by_return_report(Decision& d, const Site& site, const Zone* target,
                             const PersonRisk& risk, LocalDate today) {
  if (!site.zone_rules(target).requires_return_report) return false;
  for (const auto& trip : risk.trips) {
    if (trip.returned || trip.first_day > today ||
        !site.requires_return_report_after(trip.destination)) {
      continue;
    }
    refuse(d, Rule::return_report, DenyReason::return_report_pending);
    trip_attrs(d, trip);
    return true;
  }
  return false;
}

// Whether the level opens the zone the read asks to enter: one bit test for
// a zone of the site (Site::covers), a walk of the list for an id that
// names none.
bool opens(const Site& site, const AccessLevel& level, const Zone* target, const ZoneId& zone) {
  return target != nullptr ? site.covers(level, *target) : level.covers(zone);
}

bool holds_override(const Site& site, PersonView person, const Zone* target, const ZoneId& zone) {
  const AccessLevelList levels = person.access_levels();
  for (auto it = levels.begin(); it != levels.end(); ++it) {
    const AccessLevel* level = site.find_access_level(*it, it.hash());
    if (level != nullptr && level->lockdown_override && opens(site, *level, target, zone)) {
      return true;
    }
  }
  return false;
}

void lockdown_attrs(Decision& d, const LockdownOrder& order) {
  make_room(d, 3);
  set_attr(d.attrs, "lockdown_zone", order.zone.str());
  set_attr(d.attrs, "lockdown_by", order.ordered_by);
  set_attr(d.attrs, "lockdown_reason", order.reason);
}

// Anti-passback and the occupancy limit of the zone the read asks to enter
// (its own settings; a nested zone has its own). Soft anti-passback only
// marks the decision: the grant goes ahead and the event raises an incident.
bool refuse_by_presence(Decision& d, const Site& site, const Zone* zone, const AccessState& state,
                        const PeopleDirectory& people, PersonView person) {
  // Most zones have neither rule: skip the lookup of where the person is.
  if (zone == nullptr || (zone->anti_passback == AntiPassback::none && !zone->occupancy_limit)) {
    return false;
  }
  // By the person's position: no id read or hashed (issue 8).
  const Presence* at = state.occupancy.where_within(site, people, person, *zone);
  const bool inside = at != nullptr;
  if (inside && zone->anti_passback != AntiPassback::none) {
    make_room(d, 3);
    set_attr(d.attrs, "inside_since", to_unix_micros(at->since));
    set_attr(d.attrs, "inside_zone", at->zone.str());
    if (zone->anti_passback == AntiPassback::hard) {
      refuse(d, Rule::anti_passback, DenyReason::anti_passback);
      return true;
    }
    set_attr(d.attrs, "anti_passback", std::string{"soft"});
  }
  if (zone->occupancy_limit && !inside) {
    const auto count = state.occupancy.count(site, *zone);
    if (count >= static_cast<std::size_t>(*zone->occupancy_limit)) {
      refuse(d, Rule::occupancy, DenyReason::occupancy_limit);
      set_attr(d.attrs, "occupancy", static_cast<std::int64_t>(count));
      set_attr(d.attrs, "occupancy_limit", static_cast<std::int64_t>(*zone->occupancy_limit));
      return true;
    }
  }
  return false;
}

// The two-person step, after a level granted: the first authorised person
// at the door waits; a different one within the window completes the pair.
// The same person twice is still one person.
bool wait_for_second(Decision& d, const Zone* zone, const AccessState& state,
                     const AccessRequest& request) {
  if (zone == nullptr || !zone->two_person_window || d.door == nullptr) return false;
  const FirstBadge* first =
      state.two_person.waiting(d.door->id, request.mono, *zone->two_person_window);
  if (first != nullptr && first->person != d.person->id()) {
    set_attr(d.attrs, "two_person_with", first->person.str());
    return false;
  }
  d.outcome = Outcome::wait_for_second_person;
  d.rule = Rule::two_person;
  d.reason = DenyReason::none;
  set_attr(d.attrs, "two_person_window_s",
           static_cast<std::int64_t>(
               std::chrono::duration_cast<std::chrono::seconds>(*zone->two_person_window).count()));
  return true;
}

// The card + PIN step, after a level granted: the PIN must be on file and
// the credential not locked by wrong PINs; then the read waits for the PIN.
void ask_for_pin(Decision& d, const PeopleDirectory& people, const AccessState& state,
                 const AccessRequest& request) {
  // Nobody locked (the usual case): no id built from the text arena.
  const auto locked_until = [&]() -> std::optional<MonoTime> {
    if (state.pin_lockout.tracked() == 0) return std::nullopt;
    return state.pin_lockout.locked_until(d.person->id(), request.mono);
  };
  if (people.pin_at(d.position) == nullptr) {
    refuse(d, Rule::pin, DenyReason::pin_not_enrolled);
  } else if (auto until = locked_until()) {
    refuse(d, Rule::pin, DenyReason::pin_locked);
    set_attr(d.attrs, "locked_for_s",
             static_cast<std::int64_t>(
                 std::chrono::ceil<std::chrono::seconds>(*until - request.mono).count()));
  } else {
    d.outcome = Outcome::wait_for_pin;
    d.rule = Rule::pin;
    d.reason = DenyReason::none;
  }
}

}  // namespace

// Order of checks matters for the reason a guard reads, and for precedence
// (docs/policy.md): first whether we know the reader and the card, then every
// rule that refuses whatever the levels say, and last whether any level
// covers the zone and is open now. "outside_schedule" is only reported when a
// level does cover the zone, so a person who never had access is never told
// to come back later.
Decision decide(const Site& site, const PeopleDirectory& people, const AccessState& state,
                const AccessRequest& request) {
  Decision d;
  // The card's slot is a miss to memory at 2 M people: start it now, so it
  // comes while the reader, the door and the zone are found (s23).
  people.prefetch_card(request.card);
  const Reader* reader = site.find_reader(request.reader);
  if (reader == nullptr) {
    refuse(d, Rule::reader, DenyReason::unknown_reader);
    return d;
  }
  d.door = site.door_of(*reader);
  d.zone = &site.target_zone(*reader);
  // The zone found once, its rules walked by position (issue 8).
  const Zone* target = site.find_zone(*d.zone);

  // Where the person is matters at an anti-passback or occupancy-limited
  // zone: that fetch starts as soon as the card's slot names the holder,
  // beside the card entry's and the record's (s23: s22 started it only once
  // the card entry had been compared).
  const bool asks_presence = target != nullptr && (target->anti_passback != AntiPassback::none ||
                                                   target->occupancy_limit.has_value());
  auto holder = people.find_card(request.card, [&](std::uint32_t position) {
    if (asks_presence) state.occupancy.prefetch(people, position);
  });
  // A locked door opens for no card: refused before the card is judged,
  // but with the holder named when the card is known.
  if (d.door != nullptr && d.door->mode == DoorMode::locked) {
    if (holder) {
      d.person = holder->person;
      d.position = holder->position;
    }
    refuse(d, Rule::door_mode, DenyReason::door_locked);
    return d;
  }
  if (!holder) {
    refuse(d, Rule::card, DenyReason::unknown_card);
    return d;
  }
  d.person = holder->person;
  d.position = holder->position;
  if (!holder->person.active() || !credential_valid_at(holder->credential, request.time)) {
    refuse(d, Rule::credential, DenyReason::inactive_credential);
    return d;
  }

  const LocalTime local = site.time_zone.local(request.time);
  const PersonView person = holder->person;
  const PersonRisk* risk = people.risk_at(holder->position);
  if (risk != nullptr && refuse_by_risk(d, *risk, local.date)) return d;
  // A visitor's visit stands in for clearance, return report and levels:
  // the visit was approved for its zones, and the escort is authorised.
  const std::vector<Visit>* visits = people.visits_at(holder->position);
  if (visits != nullptr) {
    if (visit_for(d, site, *visits, local.date) == nullptr) return d;
  } else {
    if (refuse_by_clearance(d, site, target, person, local.date)) return d;
    if (risk != nullptr && refuse_by_return_report(d, site, target, *risk, local.date)) return d;
  }

  // Lockdown: only lockdown-override levels count; without one covering the
  // zone the read is refused, whatever the other levels say.
  const LockdownOrder* lockdown = state.lockdowns.covering(site, *d.zone, target);
  if (lockdown != nullptr && !holds_override(site, person, target, *d.zone)) {
    refuse(d, Rule::lockdown, DenyReason::zone_locked_down);
    lockdown_attrs(d, *lockdown);
    return d;
  }

  if (refuse_by_presence(d, site, target, state, people, person)) return d;
  if (visits != nullptr) {
    escort_step(d, site, state, request);
    return d;
  }

  bool covered = false;
  const Holiday* closed_by = nullptr;  // a holiday that kept a covering level shut
  // Each level found by the hash the directory keeps for its name (s23).
  const AccessLevelList levels = person.access_levels();
  for (auto it = levels.begin(); it != levels.end(); ++it) {
    const AccessLevel* level = site.find_access_level(*it, it.hash());
    if (level == nullptr || !opens(site, *level, target, *d.zone)) continue;
    if (lockdown != nullptr && !level->lockdown_override) continue;
    if (!covered) d.level = level;
    covered = true;
    // A holiday replaces the level's weekly schedule for the whole local day.
    const Holiday* holiday = site.holiday_for(*level, local.date);
    const bool open =
        holiday ? open_in(holiday->windows, local.minute_of_day) : level->open_at(local);
    if (!open) {
      if (holiday && !closed_by) closed_by = holiday;
      continue;
    }
    d.outcome = Outcome::grant;
    d.reason = DenyReason::none;
    d.rule = Rule::access_level;
    d.level = level;
    if (holiday) set_attr(d.attrs, "holiday", holiday->name);
    if (lockdown != nullptr) lockdown_attrs(d, *lockdown);
    // Marked for control: the entry goes ahead, and its event carries the
    // flag so the incident rules raise one (watched_person_entry).
    if (risk != nullptr && risk->flag && risk->flag->kind == FlagKind::watch &&
        risk->flag->applies_on(local.date)) {
      flag_attrs(d, *risk->flag);
    }
    if (wait_for_second(d, target, state, request)) return d;
    if (d.door != nullptr && d.door->mode == DoorMode::card_and_pin) {
      ask_for_pin(d, people, state, request);
    }
    return d;
  }
  if (closed_by != nullptr) {
    refuse(d, Rule::holiday, DenyReason::holiday_closed);
    set_attr(d.attrs, "holiday", closed_by->name);
    if (!closed_by->schedule.empty()) set_attr(d.attrs, "holiday_schedule", closed_by->schedule);
  } else if (covered) {
    refuse(d, Rule::schedule, DenyReason::outside_schedule);
  } else {
    refuse(d, Rule::access_level, DenyReason::no_access_level);
  }
  return d;
}

Decision decide(const Site& site, const PeopleDirectory& people, const CardNumber& card,
                const ReaderId& reader, TimePoint time) {
  static const AccessState kNoState{};
  return decide(site, people, kNoState, AccessRequest{card, reader, time, {}});
}

}  // namespace vigil::core
