// The one ordered event stream. Every input the core acts on and every
// decision it takes becomes an Event; the journal, the incident rules and the
// MQTT publisher all consume the same stream. Kinds and reasons are enums that
// print by name: the names are part of the journal and MQTT formats, so never
// rename one, only add.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "vigil/core/attr.hpp"
#include "vigil/core/card.hpp"
#include "vigil/core/ids.hpp"
#include "vigil/core/time.hpp"

namespace vigil::core {

enum class EventKind : std::uint8_t {
  access_granted,          // decide() said yes; person, reader, door, zone
  access_denied,           // decide() said no; reason, reader, card
  entry,                   // a granted person passed: door opened after a grant
  door_unlocked,           // lock released (grant or REX); person when by grant
  door_opened,             // contact opened
  door_closed,             // contact closed
  door_relocked,           // lock re-engaged
  door_forced,             // contact opened with no grant and no REX
  door_held_open,          // open longer than held-open time
  door_held_open_cleared,  // the held-open door closed
  rex_pressed,             // request-to-exit button
  read_error,              // reader sent a frame we could not trust; detail has the raw bits
  device_offline,          // I/O module or chip stopped answering
  device_online,           // ... and came back
  daemon_started,          // vigild started (detail: version)
  daemon_stopped,          // vigild stopped cleanly
  // Fail-safe doors (issue 6).
  door_released,       // a fail-safe door's lock reached its safe (released) state
  output_failed,       // a lock write failed or was not confirmed; attrs: output, error, value
  rex_stuck,           // REX held longer than the stuck time; no unlock until released
  rex_released,        // a stuck REX was released again
  door_open_at_start,  // the contact read open at start or reconnect (state, not forced)
  clock_jump,          // wall clock stepped against the monotonic clock; attrs: old, new, delta
  // Trusted journal (issue 7).
  journal_integrity,   // start-up check found the chain or its checkpoint wrong; new segment
  checkpoint,          // a signed checkpoint of (journal id, seq, head, time)
  journal_failing,     // commits failing (disk full, I/O error); held in memory
  journal_recovered,   // commits succeed again; memory flushed in order
  roster_imported,     // a people file imported; attrs: sha256, rows, replace, operator
  person_added,        // attrs: name, levels, active, clearance, operator; with their first
                       // card: card, card_active, valid_from, valid_until
  person_changed,      // attrs: before/after of what changed, operator
  person_deactivated,  // operator
  person_activated,    // operator
  credential_added,    // card added to an existing person; attrs: active, validity, operator
  credential_revoked,  // card, operator
  roster_reloaded,     // vigild applied a committed roster change
  // Access policy (issue 8): roster changes by the ethics unit.
  flag_set,       // attrs: flag, reason, until, flag_before, operator
  flag_cleared,   // attrs: flag_before, reason, operator
  trip_added,     // attrs: trip, first_day, last_day, destination, approval, operator
  trip_returned,  // the return report is recorded; attrs: trip, destination, note, operator
  // Supervised inputs (issue 9): an EOL-supervised line was cut or shorted
  // (tamper, armed or not), or is intact again. device; attrs: point, state,
  // value, initial (read at start or reconnect).
  line_tamper,
  line_restored,
  // Audited access (issue 10): one per command through vigild's control
  // socket. attrs: operator, unix_user, command, filter, rows, digest, rc.
  record_access,   // the command ran (whatever its exit code)
  access_refused,  // the operator's role or zones do not cover it, or no operator

  // Incident lifecycle (issue 10): append-only records of what people did
  // about an incident (core/incident_lifecycle.hpp). attrs: incident (the
  // seq of the event that raised it), operator, level, level_name, note.
  incident_reported,      // an anomaly no sensor sees; attrs: anomaly, note, operator; zone, person
  incident_acknowledged,  // the current escalation level has seen it
  incident_escalated,     // passed to the next escalation level (level: the new one)
  incident_resolved,      // closed with a note; final

  // Access policy (issue 8): a person's PIN was set or replaced (operator;
  // never the PIN or its hash).
  pin_set,
  // Lockdown (issue 8): a zone (and every zone inside it) closed to all but
  // lockdown-override levels, and its release. zone; attrs reason, operator.
  lockdown_set,
  lockdown_released,

  // Alarm zones (issue 9, docs/alarm.md). zone; attrs name the sensor,
  // point, operator or card holder (person, reader) and delays in ms.
  alarm_arming,       // exit delay started; attrs: by, operator, exit_delay_ms, bypassed
  alarm_armed,        // the exit delay ended: the zone is armed
  alarm_arm_refused,  // a sensor was active at arming; attrs: open, by, operator
  alarm_disarmed,     // attrs: previous (state left), by, operator; person/reader by card
  alarm_entry_delay,  // an entry-route sensor opened; attrs: sensor, point, entry_delay_ms
  alarm_intrusion,    // attrs: cause (instant, entry_delay_expired, ...), sensor, point
  alarm_panic,        // a panic sensor, armed or not; attrs: sensor, point, state
  alarm_tamper,       // a tamper switch, armed or not; attrs: sensor, point, state
  alarm_restored,     // the state rebuilt from the journal at start; attrs: state
  // Fire release (issue 9). attrs: doors (comma list), input, cause, operator.
  fire_release,        // egress doors released and held while the fire state lasts
  fire_input_cleared,  // the fire inputs read normal again (doors stay released)
  fire_reset,          // an operator reset the fire state: doors relock
  fire_reset_refused,  // a reset while an input is still active or lost; attrs: reason
  // Retention (issue 10, docs/journal.md "Archives"): rows first_seq..last_seq
  // moved to an archive file. attrs: month, file, first_seq, last_seq,
  // first_prev_hash, head, sha256, rows, operator.
  journal_archived,

  // Two-person rule (issue 8): the first of two badged and waits (person,
  // reader, door, zone; attrs two_person_window_s), and a person left alone
  // inside a two-person zone after the other left (zone, person; attrs left).
  two_person_waiting,
  two_person_alone,

  // Inspections with follow-up (issue 9 item 6, docs/inspections.md). attrs:
  // inspection (the seq of its inspection_started), item, operator.
  inspection_started,  // zone (none: the whole site); attrs: items, carried
  inspection_finding,  // attrs: result (ok|deficiency), note, unit, due; a deficiency's id is this
                       // seq
  inspection_closed,   // attrs: ok, deficiencies, unchecked
  deficiency_fixed,    // attrs: deficiency, note, operator
  deficiency_overdue,  // its due date passed unfixed (raised once); attrs: deficiency, due, item

  // Visits and escorts (issue 8, item 6). Roster changes: person (the
  // visitor); attrs visit, host, purpose, organisation, delegation,
  // first_day, last_day, zones, operator (visit_ended: visit, reason).
  visit_added,
  visit_ended,
  // A visitor badged first and waits for the escort (person, reader, door,
  // zone; attrs visit, escort_window_s).
  escort_waiting,

  // Signed MQTT commands (issue 11 item 4, docs/commands.md): every command
  // that reached vigild's cmd/<name> topic. attrs: operator, cmd, id, nonce,
  // code, message, and the target (incident, zone or door); an accepted one
  // also the control-socket attrs of what ran (command, filter, rc, digest).
  command_accepted,
  command_refused,

  // A reload of the site config on a running vigild (SIGHUP or `vigilctl
  // config reload`, docs/config.md "Reloading the config"). attrs: by
  // (SIGHUP or vigilctl), operator (vigilctl's), file, sha256 (of the file
  // read), changed (what the reload changed, comma list; "none").
  config_reloaded,
  // Nothing of the file applied; the rules in force stay. attrs as above
  // without changed, and problems (the first few, file:line:col each) with
  // problem_count.
  config_reload_refused,
};

enum class DenyReason : std::uint8_t {
  none,                 // granted
  unknown_card,         // no credential with this facility code and number
  inactive_credential,  // credential or person disabled, or outside validity dates
  no_access_level,      // none of the person's access levels covers the zone
  outside_schedule,     // a level covers the zone, but not at this time
  unknown_reader,       // the reader is not in the site config
  // Access policy (issue 8); docs/policy.md lists every code and its rule.
  clearance_missing,             // the zone requires a clearance; the person holds none
  clearance_insufficient,        // the person's clearance is below the zone's requirement
  clearance_expired,             // the clearance is high enough but past its last day
  person_suspended,              // an integrity flag `suspend` refuses every attempt
  credential_used_while_abroad,  // the holder is abroad on a recorded trip
  return_report_pending,         // the zone waits for the return report of a marked trip
  holiday_closed,  // a level covers the zone, but a holiday closes it (or its holiday hours) now
  // Offline decisions of a door board (firmware bridge, issue 12).
  no_cache,  // the board had no complete credential cache
  no_time,   // the board had never been given the time
  // Door modes and card + PIN (issue 8).
  door_locked,       // the door's mode is `locked`: no card opens it
  pin_not_enrolled,  // a card + PIN door, and the person has no PIN on file
  pin_wrong,         // the PIN typed after the card was wrong (or too short or too long)
  pin_timeout,       // no PIN completed within the entry time after the card
  pin_locked,        // too many wrong PINs in a row: the credential is locked for a while
  zone_locked_down,  // the zone (or one around it) is locked down; no lockdown-override level
  anti_passback,     // hard anti-passback: the person is inside the zone already (no exit read)
  occupancy_limit,   // the zone holds as many people as its limit allows
  // Visits and escorts (issue 8, item 6): each raises visitor_anomaly.
  visit_not_active,       // the visitor has no visit active today (ended, or outside its dates)
  zone_not_in_visit,      // the zone is not one the visit covers
  escort_missing,         // no escort badged at the door within the window
  escort_not_authorised,  // the escort who badged is not authorised for the zone
  escort_is_visitor,      // the one who badged with the visitor is a visitor too
};

const char* to_string(EventKind kind);
const char* to_string(DenyReason reason);
std::optional<EventKind> event_kind_from_string(std::string_view s);
std::optional<DenyReason> deny_reason_from_string(std::string_view s);

struct Event {
  std::uint64_t seq = 0;  // assigned by the journal when the event is appended
  TimePoint time{};
  EventKind kind = EventKind::daemon_started;
  DenyReason reason = DenyReason::none;
  std::optional<DoorId> door;
  std::optional<ReaderId> reader;
  std::optional<ZoneId> zone;
  std::optional<PersonId> person;
  std::optional<DeviceId> device;
  std::optional<CardNumber> card;
  std::string detail;  // kind-specific text, e.g. raw Wiegand bits of a read error
  Attrs attrs;         // typed kind-specific fields, sorted by key (journalled and hashed)
  // When it happened on the monotonic clock. Runtime only (not journalled):
  // windows over events (repeated denials) use it; zero on replayed events.
  MonoTime mono{};
};

// One log line: "2026-11-25T15:36:57.123456Z #17 access_denied reason=no_access_level
// door=server-door reader=server-in zone=server-room person=p02 card=12:1002".
std::string describe(const Event& e);

}  // namespace vigil::core
