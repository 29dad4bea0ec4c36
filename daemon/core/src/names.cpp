// Printable names of the core's enums. These strings are stored in the
// journal and sent over MQTT: add new names, never change existing ones.
#include <array>
#include <string>
#include <utility>

#include "vigil/core/card.hpp"
#include "vigil/core/event.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/point.hpp"
#include "vigil/core/policy.hpp"
#include "vigil/core/site.hpp"

namespace vigil::core {
namespace {

constexpr std::array kEventKindNames{
    std::pair{EventKind::access_granted, "access_granted"},
    std::pair{EventKind::access_denied, "access_denied"},
    std::pair{EventKind::entry, "entry"},
    std::pair{EventKind::door_unlocked, "door_unlocked"},
    std::pair{EventKind::door_opened, "door_opened"},
    std::pair{EventKind::door_closed, "door_closed"},
    std::pair{EventKind::door_relocked, "door_relocked"},
    std::pair{EventKind::door_forced, "door_forced"},
    std::pair{EventKind::door_held_open, "door_held_open"},
    std::pair{EventKind::door_held_open_cleared, "door_held_open_cleared"},
    std::pair{EventKind::rex_pressed, "rex_pressed"},
    std::pair{EventKind::read_error, "read_error"},
    std::pair{EventKind::device_offline, "device_offline"},
    std::pair{EventKind::device_online, "device_online"},
    std::pair{EventKind::daemon_started, "daemon_started"},
    std::pair{EventKind::daemon_stopped, "daemon_stopped"},
    std::pair{EventKind::door_released, "door_released"},
    std::pair{EventKind::output_failed, "output_failed"},
    std::pair{EventKind::rex_stuck, "rex_stuck"},
    std::pair{EventKind::rex_released, "rex_released"},
    std::pair{EventKind::door_open_at_start, "door_open_at_start"},
    std::pair{EventKind::clock_jump, "clock_jump"},
    std::pair{EventKind::journal_integrity, "journal_integrity"},
    std::pair{EventKind::checkpoint, "checkpoint"},
    std::pair{EventKind::journal_failing, "journal_failing"},
    std::pair{EventKind::journal_recovered, "journal_recovered"},
    std::pair{EventKind::roster_imported, "roster_imported"},
    std::pair{EventKind::person_added, "person_added"},
    std::pair{EventKind::person_changed, "person_changed"},
    std::pair{EventKind::person_deactivated, "person_deactivated"},
    std::pair{EventKind::person_activated, "person_activated"},
    std::pair{EventKind::credential_added, "credential_added"},
    std::pair{EventKind::credential_revoked, "credential_revoked"},
    std::pair{EventKind::roster_reloaded, "roster_reloaded"},
    std::pair{EventKind::flag_set, "flag_set"},
    std::pair{EventKind::flag_cleared, "flag_cleared"},
    std::pair{EventKind::trip_added, "trip_added"},
    std::pair{EventKind::trip_returned, "trip_returned"},

    std::pair{EventKind::line_tamper, "line_tamper"},
    std::pair{EventKind::line_restored, "line_restored"},
    std::pair{EventKind::record_access, "record_access"},
    std::pair{EventKind::access_refused, "access_refused"},

    std::pair{EventKind::incident_reported, "incident_reported"},
    std::pair{EventKind::incident_acknowledged, "incident_acknowledged"},
    std::pair{EventKind::incident_escalated, "incident_escalated"},
    std::pair{EventKind::incident_resolved, "incident_resolved"},

    std::pair{EventKind::pin_set, "pin_set"},
    std::pair{EventKind::lockdown_set, "lockdown_set"},
    std::pair{EventKind::lockdown_released, "lockdown_released"},

    std::pair{EventKind::alarm_arming, "alarm_arming"},
    std::pair{EventKind::alarm_armed, "alarm_armed"},
    std::pair{EventKind::alarm_arm_refused, "alarm_arm_refused"},
    std::pair{EventKind::alarm_disarmed, "alarm_disarmed"},
    std::pair{EventKind::alarm_entry_delay, "alarm_entry_delay"},
    std::pair{EventKind::alarm_intrusion, "alarm_intrusion"},
    std::pair{EventKind::alarm_panic, "alarm_panic"},
    std::pair{EventKind::alarm_tamper, "alarm_tamper"},
    std::pair{EventKind::alarm_restored, "alarm_restored"},
    std::pair{EventKind::fire_release, "fire_release"},
    std::pair{EventKind::fire_input_cleared, "fire_input_cleared"},
    std::pair{EventKind::fire_reset, "fire_reset"},
    std::pair{EventKind::fire_reset_refused, "fire_reset_refused"},
    std::pair{EventKind::journal_archived, "journal_archived"},

    std::pair{EventKind::two_person_waiting, "two_person_waiting"},
    std::pair{EventKind::two_person_alone, "two_person_alone"},

    std::pair{EventKind::inspection_started, "inspection_started"},
    std::pair{EventKind::inspection_finding, "inspection_finding"},
    std::pair{EventKind::inspection_closed, "inspection_closed"},
    std::pair{EventKind::deficiency_fixed, "deficiency_fixed"},
    std::pair{EventKind::deficiency_overdue, "deficiency_overdue"},
    std::pair{EventKind::visit_added, "visit_added"},
    std::pair{EventKind::visit_ended, "visit_ended"},
    std::pair{EventKind::escort_waiting, "escort_waiting"},
    std::pair{EventKind::command_accepted, "command_accepted"},
    std::pair{EventKind::command_refused, "command_refused"},
    std::pair{EventKind::config_reloaded, "config_reloaded"},
    std::pair{EventKind::config_reload_refused, "config_reload_refused"},
};

constexpr std::array kDenyReasonNames{
    std::pair{DenyReason::none, "none"},
    std::pair{DenyReason::unknown_card, "unknown_card"},
    std::pair{DenyReason::inactive_credential, "inactive_credential"},
    std::pair{DenyReason::no_access_level, "no_access_level"},
    std::pair{DenyReason::outside_schedule, "outside_schedule"},
    std::pair{DenyReason::unknown_reader, "unknown_reader"},
    std::pair{DenyReason::clearance_missing, "clearance_missing"},
    std::pair{DenyReason::clearance_insufficient, "clearance_insufficient"},
    std::pair{DenyReason::clearance_expired, "clearance_expired"},
    std::pair{DenyReason::person_suspended, "person_suspended"},
    std::pair{DenyReason::credential_used_while_abroad, "credential_used_while_abroad"},
    std::pair{DenyReason::return_report_pending, "return_report_pending"},
    std::pair{DenyReason::holiday_closed, "holiday_closed"},
    std::pair{DenyReason::no_cache, "no_cache"},
    std::pair{DenyReason::no_time, "no_time"},
    std::pair{DenyReason::door_locked, "door_locked"},
    std::pair{DenyReason::pin_not_enrolled, "pin_not_enrolled"},
    std::pair{DenyReason::pin_wrong, "pin_wrong"},
    std::pair{DenyReason::pin_timeout, "pin_timeout"},
    std::pair{DenyReason::pin_locked, "pin_locked"},
    std::pair{DenyReason::zone_locked_down, "zone_locked_down"},
    std::pair{DenyReason::anti_passback, "anti_passback"},
    std::pair{DenyReason::occupancy_limit, "occupancy_limit"},
    std::pair{DenyReason::visit_not_active, "visit_not_active"},
    std::pair{DenyReason::zone_not_in_visit, "zone_not_in_visit"},
    std::pair{DenyReason::escort_missing, "escort_missing"},
    std::pair{DenyReason::escort_not_authorised, "escort_not_authorised"},
    std::pair{DenyReason::escort_is_visitor, "escort_is_visitor"},
};

constexpr std::array kFlagKindNames{
    std::pair{FlagKind::watch, "watch"},
    std::pair{FlagKind::suspend, "suspend"},
};

constexpr std::array kOutcomeNames{
    std::pair{Outcome::grant, "grant"},
    std::pair{Outcome::deny, "deny"},
    std::pair{Outcome::wait_for_pin, "wait_for_pin"},
    std::pair{Outcome::wait_for_second_person, "wait_for_second_person"},
    std::pair{Outcome::wait_for_escort, "wait_for_escort"},
    std::pair{Outcome::grant_silent_alarm, "grant_silent_alarm"},
};

constexpr std::array kSecurityLevelNames{
    std::pair{SecurityLevel::public_, "public"},
    std::pair{SecurityLevel::controlled, "controlled"},
    std::pair{SecurityLevel::restricted, "restricted"},
    std::pair{SecurityLevel::protected_, "protected"},
};

constexpr std::array kClearanceLevelNames{
    std::pair{ClearanceLevel::none, "none"},
    std::pair{ClearanceLevel::confidential, "confidential"},
    std::pair{ClearanceLevel::secret, "secret"},
    std::pair{ClearanceLevel::top_secret, "top_secret"},
};

constexpr std::array kRuleNames{
    std::pair{Rule::reader, "reader"},
    std::pair{Rule::card, "card"},
    std::pair{Rule::credential, "credential"},
    std::pair{Rule::flag, "flag"},
    std::pair{Rule::trip, "trip"},
    std::pair{Rule::clearance, "clearance"},
    std::pair{Rule::return_report, "return_report"},
    std::pair{Rule::access_level, "access_level"},
    std::pair{Rule::schedule, "schedule"},
    std::pair{Rule::holiday, "holiday"},
    std::pair{Rule::door_mode, "door_mode"},
    std::pair{Rule::pin, "pin"},
    std::pair{Rule::lockdown, "lockdown"},
    std::pair{Rule::anti_passback, "anti_passback"},
    std::pair{Rule::occupancy, "occupancy"},
    std::pair{Rule::two_person, "two_person"},
    std::pair{Rule::visit, "visit"},
    std::pair{Rule::escort, "escort"},
};

template <class Table, class E>
const char* name_of(const Table& table, E value) {
  for (const auto& [v, name] : table)
    if (v == value) return name;
  return "unknown";
}

template <class E, class Table>
std::optional<E> value_of(const Table& table, std::string_view s) {
  for (const auto& [v, name] : table)
    if (s == name) return v;
  return std::nullopt;
}

}  // namespace

const char* to_string(EventKind kind) {
  return name_of(kEventKindNames, kind);
}
const char* to_string(DenyReason reason) {
  return name_of(kDenyReasonNames, reason);
}
std::optional<EventKind> event_kind_from_string(std::string_view s) {
  return value_of<EventKind>(kEventKindNames, s);
}
std::optional<DenyReason> deny_reason_from_string(std::string_view s) {
  return value_of<DenyReason>(kDenyReasonNames, s);
}

const char* to_string(Outcome outcome) {
  return name_of(kOutcomeNames, outcome);
}
const char* to_string(Rule rule) {
  return name_of(kRuleNames, rule);
}
std::optional<Rule> rule_from_string(std::string_view s) {
  return value_of<Rule>(kRuleNames, s);
}

const char* to_string(SecurityLevel level) {
  return name_of(kSecurityLevelNames, level);
}
const char* to_string(ClearanceLevel level) {
  return name_of(kClearanceLevelNames, level);
}
std::optional<SecurityLevel> security_level_from_string(std::string_view s) {
  return value_of<SecurityLevel>(kSecurityLevelNames, s);
}
std::optional<ClearanceLevel> clearance_level_from_string(std::string_view s) {
  return value_of<ClearanceLevel>(kClearanceLevelNames, s);
}

const char* to_string(FlagKind kind) {
  return name_of(kFlagKindNames, kind);
}
std::optional<FlagKind> flag_kind_from_string(std::string_view s) {
  return value_of<FlagKind>(kFlagKindNames, s);
}

int rule_position(Rule rule) {
  // schedule and holiday are one step: which covering level is open now.
  // A visitor meets visit (7) and escort (16) instead of clearance, return
  // report, access level and schedule.
  switch (rule) {
    case Rule::reader:
      return 1;
    case Rule::door_mode:
      return 2;
    case Rule::card:
      return 3;
    case Rule::credential:
      return 4;
    case Rule::flag:
      return 5;
    case Rule::trip:
      return 6;
    case Rule::visit:
      return 7;
    case Rule::clearance:
      return 8;
    case Rule::return_report:
      return 9;
    case Rule::lockdown:
      return 10;
    case Rule::anti_passback:
      return 11;
    case Rule::occupancy:
      return 12;
    case Rule::access_level:
      return 13;
    case Rule::schedule:
    case Rule::holiday:
      return 14;
    case Rule::two_person:
      return 15;
    case Rule::escort:
      return 16;
    case Rule::pin:
      return 17;
  }
  return 0;
}

const char* rule_question(Rule rule) {
  switch (rule) {
    case Rule::reader:
      return "is the reader in the site config?";
    case Rule::card:
      return "is a credential with this card number on file?";
    case Rule::credential:
      return "are the person and the card active, and is now inside the card's validity dates?";
    case Rule::flag:
      return "does an integrity flag `suspend` apply today? (`watch` grants and raises an "
             "incident)";
    case Rule::trip:
      return "is the holder abroad today on a recorded trip without a return report?";
    case Rule::clearance:
      return "does the person hold the clearance the zone (or a zone around it) requires, "
             "unexpired?";
    case Rule::return_report:
      return "does the zone wait for the return report of a trip to a marked destination?";
    case Rule::access_level:
      return "does one of the person's access levels cover the zone?";
    case Rule::schedule:
      return "is a covering level's weekly schedule open now (site local time)?";
    case Rule::holiday:
      return "is a covering level open now, on a holiday of its calendar?";
    case Rule::door_mode:
      return "does the door's mode let a card open it (not `locked`)?";
    case Rule::lockdown:
      return "is the zone (or one around it) locked down, and does the person lack a "
             "lockdown-override level for it?";
    case Rule::anti_passback:
      return "with hard anti-passback on the zone: is the person inside it already (no exit "
             "read since their entry)?";
    case Rule::occupancy:
      return "does the zone hold as many people as its occupancy limit?";
    case Rule::two_person:
      return "does the zone require two different authorised people, and has a second one "
             "badged at this door within its window?";
    case Rule::visit:
      return "for a visitor: is one of their visits active today (site local date) and does it "
             "cover the zone?";
    case Rule::escort:
      return "for a visitor: did an escort authorised for the zone, not a visitor, badge at this "
             "door within the escort window (either order)?";
    case Rule::pin:
      return "at a card + PIN door: is the person's PIN on file and not locked, and was it "
             "typed right in time?";
  }
  return "";
}

Rule rule_of(DenyReason reason) {
  switch (reason) {
    case DenyReason::unknown_reader:
      return Rule::reader;
    case DenyReason::unknown_card:
      return Rule::card;
    case DenyReason::inactive_credential:
      return Rule::credential;
    case DenyReason::outside_schedule:
      return Rule::schedule;
    case DenyReason::clearance_missing:
    case DenyReason::clearance_insufficient:
    case DenyReason::clearance_expired:
      return Rule::clearance;
    case DenyReason::person_suspended:
      return Rule::flag;
    case DenyReason::credential_used_while_abroad:
      return Rule::trip;
    case DenyReason::return_report_pending:
      return Rule::return_report;
    case DenyReason::holiday_closed:
      return Rule::holiday;
    // A door board deciding offline (firmware bridge): with no cache it
    // cannot look the card up; with no time it cannot read a schedule.
    case DenyReason::no_cache:
      return Rule::card;
    case DenyReason::no_time:
      return Rule::schedule;
    case DenyReason::door_locked:
      return Rule::door_mode;
    case DenyReason::zone_locked_down:
      return Rule::lockdown;
    case DenyReason::anti_passback:
      return Rule::anti_passback;
    case DenyReason::occupancy_limit:
      return Rule::occupancy;
    case DenyReason::visit_not_active:
    case DenyReason::zone_not_in_visit:
      return Rule::visit;
    case DenyReason::escort_missing:
    case DenyReason::escort_not_authorised:
    case DenyReason::escort_is_visitor:
      return Rule::escort;
    case DenyReason::pin_not_enrolled:
    case DenyReason::pin_wrong:
    case DenyReason::pin_timeout:
    case DenyReason::pin_locked:
      return Rule::pin;
    case DenyReason::none:
    case DenyReason::no_access_level:
      return Rule::access_level;
  }
  return Rule::access_level;
}

const char* to_string(IncidentKind kind) {
  switch (kind) {
    case IncidentKind::door_forced:
      return "door_forced";
    case IncidentKind::door_held_open:
      return "door_held_open";
    case IncidentKind::device_offline:
      return "device_offline";
    case IncidentKind::repeated_denials:
      return "repeated_denials";
    case IncidentKind::lock_failure:
      return "lock_failure";
    case IncidentKind::rex_stuck:
      return "rex_stuck";
    case IncidentKind::door_open_at_start:
      return "door_open_at_start";
    case IncidentKind::clock_jump:
      return "clock_jump";
    case IncidentKind::journal_integrity:
      return "journal_integrity";
    case IncidentKind::journal_failing:
      return "journal_failing";
    case IncidentKind::watched_person_entry:
      return "watched_person_entry";
    case IncidentKind::suspended_person_attempt:
      return "suspended_person_attempt";
    case IncidentKind::credential_used_while_abroad:
      return "credential_used_while_abroad";

    case IncidentKind::tamper:
      return "tamper";
    case IncidentKind::reported_anomaly:
      return "reported_anomaly";

    case IncidentKind::duress:
      return "duress";
    case IncidentKind::pin_lockout:
      return "pin_lockout";
    case IncidentKind::anti_passback:
      return "anti_passback";

    case IncidentKind::intrusion:
      return "intrusion";
    case IncidentKind::panic:
      return "panic";
    case IncidentKind::fire_release:
      return "fire_release";
    case IncidentKind::two_person_alone:
      return "two_person_alone";

    case IncidentKind::deficiency_overdue:
      return "deficiency_overdue";
    case IncidentKind::visitor_anomaly:
      return "visitor_anomaly";
  }
  return "unknown";
}

const char* to_string(Severity s) {
  switch (s) {
    case Severity::info:
      return "info";
    case Severity::warning:
      return "warning";
    case Severity::major:
      return "major";
    case Severity::critical:
      return "critical";
  }
  return "unknown";
}

const char* to_string(PointKind kind) {
  switch (kind) {
    case PointKind::coil:
      return "coil";
    case PointKind::discrete_input:
      return "input";
    case PointKind::gpio_line:
      return "line";
    case PointKind::supervised_input:
      return "supervised";
  }
  return "unknown";
}

std::string to_string(const PointRef& p) {
  return p.device.str() + "/" + to_string(p.kind) + "/" + std::to_string(p.index);
}

std::string to_string(const CardNumber& card) {
  return std::to_string(card.facility) + ":" + std::to_string(card.number);
}

std::string describe(const Event& e) {
  std::string out = format_utc(e.time);
  if (e.seq != 0) out += " #" + std::to_string(e.seq);
  out += ' ';
  out += to_string(e.kind);
  if (e.reason != DenyReason::none) out += std::string(" reason=") + to_string(e.reason);
  auto field = [&out](const char* name, const auto& value) {
    if (value) out += std::string(" ") + name + "=" + value->str();
  };
  field("door", e.door);
  field("reader", e.reader);
  field("zone", e.zone);
  field("person", e.person);
  field("device", e.device);
  if (e.card) out += " card=" + to_string(*e.card);
  if (!e.attrs.empty()) out += " " + describe(e.attrs);
  if (!e.detail.empty()) out += " (" + e.detail + ")";
  return out;
}

const char* to_string(FailMode m) {
  return m == FailMode::secure ? "secure" : "safe";
}

const char* to_string(AntiPassback a) {
  return a == AntiPassback::hard ? "hard" : a == AntiPassback::soft ? "soft" : "none";
}

const char* to_string(Direction d) {
  return d == Direction::in ? "in" : "out";
}

}  // namespace vigil::core
