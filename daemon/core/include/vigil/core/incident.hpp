// Incident rules: which events a guard must see on the console. Incidents are
// derived from journalled events (they carry the event's sequence number), so
// every incident points at the evidence behind it.
#pragma once

#include <cstdint>
#include <deque>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::core {

enum class IncidentKind : std::uint8_t {
  door_forced,
  door_held_open,
  device_offline,
  repeated_denials,
  lock_failure,        // a lock write failed; critical when a relock failed
  rex_stuck,           // REX held past its stuck time (door-gap attack, shorted wire)
  door_open_at_start,  // contact open when vigild started or the device reconnected
  clock_jump,          // the wall clock stepped
  journal_integrity,   // the journal failed its start-up check; a new segment began
  journal_failing,     // journal commits are failing; events held in memory
  // Access policy (issue 8).
  watched_person_entry,          // a person flagged `watch` was granted entry
  suspended_person_attempt,      // a person flagged `suspend` tried a door
  credential_used_while_abroad,  // a card was used while its holder is abroad (cloned or lent)

  tamper,  // a supervised line was cut or shorted (issue 9; raised armed or not)

  // An anomaly no sensor sees, reported by a person (`vigilctl incident
  // report`, issue 10): an approach, probing, an unexplained check, a gift.
  reported_anomaly,

  // Card + PIN (issue 8).
  duress,         // a duress PIN was typed: the door opened, a silent critical alarm
  pin_lockout,    // wrong PINs in a row locked a credential
  anti_passback,  // a second entry without an exit (soft: granted; hard: refused)

  // Alarm zones and fire release (issue 9, docs/alarm.md).
  intrusion,     // a sensor in an armed zone: at once, or after the entry delay
  panic,         // a panic button, armed or not
  fire_release,  // the fire input released the egress doors

  // Two-person rule (issue 8, rule 5).
  two_person_alone,  // one person left alone inside a two-person zone

  // Inspections (issue 9 item 6): a deficiency passed its due date unfixed.
  deficiency_overdue,

  // Visits (issue 8, item 6): a visitor refused outside their visit or
  // without an authorised escort. The event carries the visitor (person),
  // door, zone and reason; attrs visit (and escort when one badged).
  visitor_anomaly,
};

enum class Severity : std::uint8_t { info, warning, major, critical };

const char* to_string(IncidentKind kind);
const char* to_string(Severity s);

struct Incident {
  IncidentKind kind = IncidentKind::door_forced;
  Severity severity = Severity::warning;
  Event event;          // the event that raised it (journalled, so seq is set)
  std::string summary;  // one line of plain wording for the guard
};

struct IncidentRulesConfig {
  int repeated_denials_count = 3;
  Duration repeated_denials_window = std::chrono::seconds(60);
  // Who is told, level by level (incidents.escalation): an incident opens
  // at the first level and `vigilctl incident escalate` moves it down the
  // list (incident_lifecycle.hpp). Never empty.
  std::vector<std::string> escalation{"shift_lead", "security_officer", "ethics_unit"};
};

class IncidentRules {
 public:
  explicit IncidentRules(IncidentRulesConfig config = {}) : config_(config) {}
  std::optional<Incident> observe(const Event& event);

 private:
  std::optional<Incident> observe_denial(const Event& event);

  IncidentRulesConfig config_;
  // Recent denial times per reader, for the repeated-denials rule: on the
  // monotonic clock when the event has one (live), else on wall time
  // (replayed at start). The two are never compared with each other.
  struct Stamp {
    bool mono = false;
    Duration at{};
  };
  std::unordered_map<ReaderId, std::deque<Stamp>> denials_;
};

}  // namespace vigil::core
