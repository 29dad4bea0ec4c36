#include "vigil/core/incident.hpp"

namespace vigil::core {
namespace {

std::string where(const Event& e) {
  if (e.door) return "door " + e.door->str();
  if (e.reader) return "reader " + e.reader->str();
  if (e.device) return "device " + e.device->str();
  return "site";
}

Incident make(IncidentKind kind, Severity severity, const Event& e, std::string summary) {
  return Incident{kind, severity, e, std::move(summary)};
}

std::string who(const Event& e) {
  return e.person ? e.person->str() : std::string{"unknown person"};
}

bool visitor_refusal(DenyReason reason) {
  switch (reason) {
    case DenyReason::visit_not_active:
    case DenyReason::zone_not_in_visit:
    case DenyReason::escort_missing:
    case DenyReason::escort_not_authorised:
    case DenyReason::escort_is_visitor:
      return true;
    default:
      return false;
  }
}

// The ethics unit's rules: a watched person's entry, a suspended person's
// attempt, a card used while its holder is abroad, a visitor straying.
std::optional<Incident> integrity_incident(const Event& e) {
  // A visitor outside their visit, or without an authorised escort: the
  // report on foreign delegations lists these with the visit.
  if (e.kind == EventKind::access_denied && visitor_refusal(e.reason)) {
    const auto visit = attr_int(e.attrs, "visit");
    return make(IncidentKind::visitor_anomaly, Severity::major, e,
                "Visitor anomaly: " + who(e) + " at " + where(e) + " (" + to_string(e.reason) +
                    (visit ? ", visit " + std::to_string(*visit) : std::string{}) + ")");
  }
  // Card + PIN: a duress PIN opened the door (silent: only the console
  // hears), or wrong PINs locked a credential.
  if (e.kind == EventKind::access_granted && attr_bool(e.attrs, "duress") == true) {
    return make(IncidentKind::duress, Severity::critical, e,
                "Duress PIN: " + who(e) + " opened " + where(e) + " under duress");
  }
  if (e.kind == EventKind::access_denied && attr_bool(e.attrs, "pin_locked_now") == true) {
    return make(IncidentKind::pin_lockout, Severity::major, e,
                "PIN lockout: " + std::to_string(attr_int(e.attrs, "pin_failures").value_or(0)) +
                    " wrong PINs in a row for " + who(e) + " at " + where(e) +
                    "; the credential is locked for " +
                    std::to_string(attr_int(e.attrs, "locked_for_s").value_or(0)) + " s");
  }
  if (e.reason == DenyReason::anti_passback ||
      (e.kind == EventKind::access_granted && attr_text(e.attrs, "anti_passback") == "soft")) {
    return make(IncidentKind::anti_passback, Severity::warning, e,
                std::string(e.kind == EventKind::access_granted ? "Passback (let in): "
                                                                : "Passback refused: ") +
                    who(e) + " at " + where(e) + " is already inside " +
                    attr_text(e.attrs, "inside_zone").value_or("the zone") +
                    " (no exit read since the last entry)");
  }
  if (e.kind == EventKind::access_granted) {
    if (attr_text(e.attrs, "flag") != "watch") return std::nullopt;
    return make(IncidentKind::watched_person_entry, Severity::warning, e,
                "Watched person entered: " + who(e) + " at " + where(e) + " (" +
                    attr_text(e.attrs, "flag_reason").value_or("") + ")");
  }
  if (e.reason == DenyReason::person_suspended) {
    return make(IncidentKind::suspended_person_attempt, Severity::major, e,
                "Suspended person tried " + where(e) + ": " + who(e) + " (" +
                    attr_text(e.attrs, "flag_reason").value_or("") + ")");
  }
  if (e.reason == DenyReason::credential_used_while_abroad) {
    const auto card = e.card ? to_string(*e.card) : std::string{"a card"};
    return make(IncidentKind::credential_used_while_abroad, Severity::critical, e,
                "Card used while its holder is abroad: " + card + " of " + who(e) + " at " +
                    where(e) + "; " + who(e) + " is in " +
                    attr_text(e.attrs, "destination").value_or("?") + " until " +
                    attr_text(e.attrs, "trip_last_day").value_or("?") + " (cloned or lent card?)");
  }
  return std::nullopt;
}

}  // namespace

std::optional<Incident> IncidentRules::observe(const Event& e) {
  if (e.kind == EventKind::access_granted || e.kind == EventKind::access_denied) {
    if (auto incident = integrity_incident(e)) {
      // The attempt still counts towards repeated denials at its reader.
      if (e.kind == EventKind::access_denied) observe_denial(e);
      return incident;
    }
  }
  switch (e.kind) {
    case EventKind::journal_integrity:
      // The v1 migration row has no "problem": a format change, not tampering.
      if (!attr_text(e.attrs, "problem")) return std::nullopt;
      return make(IncidentKind::journal_integrity, Severity::critical, e,
                  "Journal integrity: " + *attr_text(e.attrs, "problem") + " (" + e.detail +
                      (attr_text(e.attrs, "found_by") == "full_verify"
                           ? "); found by the background check of the whole chain"
                           : "); a new journal segment began"));
    case EventKind::door_forced:
      return make(IncidentKind::door_forced, Severity::major, e,
                  "Door forced open: " + where(e) + " opened with no grant and no exit request");
    case EventKind::door_held_open:
      return make(IncidentKind::door_held_open, Severity::warning, e,
                  "Door held open: " + where(e) + " open longer than allowed");
    case EventKind::line_tamper:
      // Cutting or shorting a supervised line defeats the sensor behind it:
      // always an incident, whether the zone is armed or not. A line a
      // sensor names is that sensor's tamper, in its alarm zone.
      if (auto sensor = attr_text(e.attrs, "sensor"))
        return make(IncidentKind::tamper, Severity::major, e,
                    "Tamper: sensor " + *sensor + " in zone " +
                        (e.zone ? e.zone->str() : std::string("?")) + ": its line " +
                        attr_text(e.attrs, "point").value_or("?") + " reads " +
                        attr_text(e.attrs, "state").value_or("?"));
      return make(IncidentKind::tamper, Severity::major, e,
                  "Tamper: supervised input " + attr_text(e.attrs, "point").value_or("?") + " on " +
                      where(e) + " reads " + attr_text(e.attrs, "state").value_or("?"));
    case EventKind::alarm_intrusion:
      return make(IncidentKind::intrusion, Severity::critical, e,
                  "Intrusion: alarm zone " + (e.zone ? e.zone->str() : std::string("?")) +
                      (attr_text(e.attrs, "sensor") ? ", sensor " + *attr_text(e.attrs, "sensor")
                                                    : std::string()) +
                      " (" + attr_text(e.attrs, "cause").value_or("?") + ")");
    case EventKind::alarm_panic:
      return make(IncidentKind::panic, Severity::critical, e,
                  "Panic: " + attr_text(e.attrs, "sensor").value_or("?") + " in zone " +
                      (e.zone ? e.zone->str() : std::string("?")));
    case EventKind::alarm_tamper:
      return make(IncidentKind::tamper, Severity::major, e,
                  "Tamper: sensor " + attr_text(e.attrs, "sensor").value_or("?") + " in zone " +
                      (e.zone ? e.zone->str() : std::string("?")) + " was opened");
    case EventKind::fire_release:
      // Life safety: every guard must see it at once, whatever else is on.
      return make(IncidentKind::fire_release, Severity::critical, e,
                  "Fire: egress doors released (" + attr_text(e.attrs, "doors").value_or("") +
                      "), " + attr_text(e.attrs, "cause").value_or("fire input"));
    case EventKind::deficiency_overdue:
      return make(IncidentKind::deficiency_overdue, Severity::warning, e,
                  "Deficiency " + std::to_string(attr_int(e.attrs, "deficiency").value_or(0)) +
                      " overdue: " + attr_text(e.attrs, "item").value_or("?") + " was due " +
                      attr_text(e.attrs, "due").value_or("?") + " (" +
                      attr_text(e.attrs, "unit").value_or("no unit") + ")");
    case EventKind::device_offline:
      return make(IncidentKind::device_offline, Severity::major, e,
                  "Device offline: " + where(e) + (e.detail.empty() ? "" : " (" + e.detail + ")"));
    case EventKind::output_failed: {
      // A lock that did not re-engage leaves the door open to anyone: critical.
      const bool relock = attr_text(e.attrs, "action") == "relock";
      const auto error = attr_text(e.attrs, "error").value_or("");
      const auto person = e.person ? " for " + e.person->str() : std::string();
      return make(IncidentKind::lock_failure, relock ? Severity::critical : Severity::major, e,
                  std::string(relock ? "Lock did not re-engage: " : "Lock failure: ") + where(e) +
                      " " + attr_text(e.attrs, "action").value_or("write") + person + " failed" +
                      (error.empty() ? "" : " (" + error + ")"));
    }
    case EventKind::rex_stuck:
      return make(
          IncidentKind::rex_stuck, Severity::major, e,
          "Exit button stuck: " + where(e) + " held too long; it will not unlock until released");
    case EventKind::door_open_at_start:
      return make(IncidentKind::door_open_at_start, Severity::warning, e,
                  "Door open at start: " + where(e) + " was open when monitoring began");
    case EventKind::clock_jump: {
      const auto delta = attr_int(e.attrs, "delta_us").value_or(0);
      return make(
          IncidentKind::clock_jump, Severity::warning, e,
          "Clock jump: the wall clock stepped by " + std::to_string(delta / 1'000'000) + " s");
    }
    case EventKind::incident_reported: {
      // Reported by a person, so it is as grave as what they saw: a gift or
      // "other" is a warning, an approach, probing or a check is major.
      const auto anomaly = attr_text(e.attrs, "anomaly").value_or("other");
      const bool minor = anomaly == "gift" || anomaly == "other";
      return make(IncidentKind::reported_anomaly, minor ? Severity::warning : Severity::major, e,
                  "Reported " + anomaly + (e.zone ? " in zone " + e.zone->str() : "") +
                      (e.person ? " involving " + e.person->str() : "") + " by " +
                      attr_text(e.attrs, "operator").value_or("?") + ": " +
                      attr_text(e.attrs, "note").value_or(""));
    }
    case EventKind::two_person_alone:
      return make(IncidentKind::two_person_alone, Severity::major, e,
                  "Alone in a two-person zone: " + who(e) + " is alone in " +
                      (e.zone ? e.zone->str() : std::string("?")) + " since " +
                      attr_text(e.attrs, "left").value_or("?") + " left");
    case EventKind::access_denied:
      return observe_denial(e);
    default:
      return std::nullopt;
  }
}

std::optional<Incident> IncidentRules::observe_denial(const Event& e) {
  if (!e.reader) return std::nullopt;
  auto& times = denials_[*e.reader];
  const Stamp now = e.mono != MonoTime{} ? Stamp{true, e.mono.time_since_epoch()}
                                         : Stamp{false, e.time.time_since_epoch()};
  if (!times.empty() && times.front().mono != now.mono) times.clear();
  times.push_back(now);
  while (!times.empty() && now.at - times.front().at > config_.repeated_denials_window)
    times.pop_front();
  if (static_cast<int>(times.size()) < config_.repeated_denials_count) return std::nullopt;
  // Raise once per burst: start counting afresh after raising, so a
  // person hammering a reader yields one incident per N denials.
  const auto count = times.size();
  times.clear();
  const auto window_s =
      std::chrono::duration_cast<std::chrono::seconds>(config_.repeated_denials_window).count();
  return make(IncidentKind::repeated_denials, Severity::warning, e,
              "Repeated denials: " + std::to_string(count) + " refused reads at reader " +
                  e.reader->str() + (e.door ? " (door " + e.door->str() + ")" : "") + " within " +
                  std::to_string(window_s) + " s");
}

}  // namespace vigil::core
