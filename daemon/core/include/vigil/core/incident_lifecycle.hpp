// The incident lifecycle (issue 10): what people did about an incident,
// kept append-only. An incident opens at the first escalation level; each
// action (acknowledge, escalate, resolve) is a journalled event naming the
// incident (the seq of the event that raised it), the operator, the level
// and a note. Nothing is ever edited: the state is a pure fold over those
// events, so the journal alone says who saw what, when, at which level.
//
//   open(level L) --acknowledge--> acknowledged(L) --escalate--> open(L+1)
//   open | acknowledged --resolve(note)--> resolved (final)
//
// Refused: anything on a resolved incident, acknowledging a level twice,
// escalating past the last level, resolving without a note, an action
// naming an incident that never opened.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::core {

enum class IncidentState : std::uint8_t { open, acknowledged, resolved };
const char* to_string(IncidentState state);
std::optional<IncidentState> incident_state_from_string(std::string_view s);

// What a person reports with `vigilctl incident report --kind`.
enum class AnomalyKind : std::uint8_t { approach, probing, unexplained_check, gift, other };
const char* to_string(AnomalyKind kind);
std::optional<AnomalyKind> anomaly_kind_from_string(std::string_view s);

// incident_reported and the three actions.
bool is_lifecycle_event(EventKind kind);
// The three actions on an existing incident.
const std::vector<EventKind>& incident_action_kinds();
// Every kind IncidentRules::observe may raise an incident from: a journal
// query over these kinds replays every incident.
const std::vector<EventKind>& incident_source_kinds();

struct Acknowledgement {
  std::string by;
  TimePoint at{};
  std::uint64_t seq = 0;  // the incident_acknowledged event
};

// One level the incident reached, with its acknowledgement if given.
struct EscalationStep {
  int level = 1;     // 1-based position in the chain
  std::string name;  // the level's name when it was reached
  TimePoint reached_at{};
  std::string escalated_by;  // empty for the first level (reached when it opened)
  std::string note;          // the escalation's note
  std::uint64_t seq = 0;     // the incident_escalated event; 0 for the first level
  std::optional<Acknowledgement> acknowledged;
};

struct Resolution {
  std::string by;
  TimePoint at{};
  std::string note;
  int level = 1;
  std::uint64_t seq = 0;
};

struct IncidentLifecycle {
  std::uint64_t incident = 0;  // seq of the event that raised it
  TimePoint opened_at{};
  std::vector<EscalationStep> chain;  // the levels reached, first to current; never empty
  std::optional<Resolution> resolution;

  IncidentState state() const;
  const EscalationStep& current() const { return chain.back(); }
  // The time and operator of the newest change (opened_at and "" at first).
  TimePoint changed_at() const;
  std::string changed_by() const;
};

// An incident as it opens: at the first level of `escalation` (never empty).
IncidentLifecycle open_lifecycle(std::uint64_t incident, TimePoint at,
                                 const std::vector<std::string>& escalation);

// The event that records `kind` (an action kind) on `lifecycle` by
// `operator_name`: attrs incident, operator, level and level_name (for
// escalate, the level it moves to), note when given. Its seq is left 0 for
// the journal to set. Check it with apply_lifecycle_event before writing.
Event lifecycle_event(EventKind kind, const IncidentLifecycle& lifecycle,
                      const std::string& operator_name, const std::string& note, TimePoint at,
                      const std::vector<std::string>& escalation);

// Applies one action event to `lifecycle`. Returns nullopt when applied, or
// why it is refused (lifecycle unchanged): "incident 17 is already resolved
// (by ana at ...)".
std::optional<std::string> apply_lifecycle_event(IncidentLifecycle& lifecycle, const Event& event,
                                                 const std::vector<std::string>& escalation);

struct OpenedIncident {
  std::uint64_t incident = 0;
  TimePoint at{};
};

struct LifecycleFold {
  std::map<std::uint64_t, IncidentLifecycle> incidents;
  // Journalled actions that could not apply (two operators racing: the
  // first in seq order wins), as (seq, why). Never dropped silently.
  std::vector<std::pair<std::uint64_t, std::string>> refused;
};

// The state of every incident in `opened` after the action events in
// `actions` (seq order; other kinds are ignored).
LifecycleFold fold_lifecycles(std::span<const OpenedIncident> opened,
                              std::span<const Event> actions,
                              const std::vector<std::string>& escalation);

}  // namespace vigil::core
