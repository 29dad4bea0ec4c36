#include "vigil/core/incident_lifecycle.hpp"

#include <algorithm>
#include <array>

namespace vigil::core {
namespace {

constexpr std::array kStateNames{
    std::pair{IncidentState::open, "open"},
    std::pair{IncidentState::acknowledged, "acknowledged"},
    std::pair{IncidentState::resolved, "resolved"},
};

constexpr std::array kAnomalyNames{
    std::pair{AnomalyKind::approach, "approach"},
    std::pair{AnomalyKind::probing, "probing"},
    std::pair{AnomalyKind::unexplained_check, "unexplained_check"},
    std::pair{AnomalyKind::gift, "gift"},
    std::pair{AnomalyKind::other, "other"},
};

}  // namespace
namespace incident_lifecycle_impl {
template <class Names, class Value>
const char* name_of(const Names& names, Value v) {
  for (const auto& [value, name] : names)
    if (value == v) return name;
  return "unknown";
}

template <class Names>
auto value_of(const Names& names, std::string_view s)
    -> std::optional<typename Names::value_type::first_type> {
  for (const auto& [value, name] : names)
    if (s == name) return value;
  return std::nullopt;
}
}  // namespace incident_lifecycle_impl
namespace {

// A level's name; a level beyond the configured chain (a chain shortened
// after the incident was escalated) is named by its number.
std::string level_name(const std::vector<std::string>& escalation, int level) {
  if (level >= 1 && static_cast<std::size_t>(level) <= escalation.size())
    return escalation[static_cast<std::size_t>(level) - 1];
  return "level " + std::to_string(level);
}

std::string label(const IncidentLifecycle& l) {
  return "incident " + std::to_string(l.incident);
}

}  // namespace

const char* to_string(IncidentState state) {
  return incident_lifecycle_impl::name_of(kStateNames, state);
}
std::optional<IncidentState> incident_state_from_string(std::string_view s) {
  return incident_lifecycle_impl::value_of(kStateNames, s);
}
const char* to_string(AnomalyKind kind) {
  return incident_lifecycle_impl::name_of(kAnomalyNames, kind);
}
std::optional<AnomalyKind> anomaly_kind_from_string(std::string_view s) {
  return incident_lifecycle_impl::value_of(kAnomalyNames, s);
}

bool is_lifecycle_event(EventKind kind) {
  return kind == EventKind::incident_reported || kind == EventKind::incident_acknowledged ||
         kind == EventKind::incident_escalated || kind == EventKind::incident_resolved;
}

const std::vector<EventKind>& incident_action_kinds() {
  static const std::vector<EventKind> kinds{EventKind::incident_acknowledged,
                                            EventKind::incident_escalated,
                                            EventKind::incident_resolved};
  return kinds;
}

const std::vector<EventKind>& incident_source_kinds() {
  static const std::vector<EventKind> kinds{
      EventKind::access_granted,     EventKind::access_denied,   EventKind::journal_integrity,
      EventKind::door_forced,        EventKind::door_held_open,  EventKind::line_tamper,
      EventKind::device_offline,     EventKind::output_failed,   EventKind::rex_stuck,
      EventKind::door_open_at_start, EventKind::clock_jump,      EventKind::incident_reported,
      EventKind::two_person_alone,

      EventKind::deficiency_overdue, EventKind::alarm_intrusion, EventKind::alarm_panic,
      EventKind::alarm_tamper,       EventKind::fire_release,
  };
  return kinds;
}

IncidentState IncidentLifecycle::state() const {
  if (resolution) return IncidentState::resolved;
  return current().acknowledged ? IncidentState::acknowledged : IncidentState::open;
}

TimePoint IncidentLifecycle::changed_at() const {
  if (resolution) return resolution->at;
  const auto& step = current();
  return step.acknowledged ? step.acknowledged->at : step.reached_at;
}

std::string IncidentLifecycle::changed_by() const {
  if (resolution) return resolution->by;
  const auto& step = current();
  return step.acknowledged ? step.acknowledged->by : step.escalated_by;
}

IncidentLifecycle open_lifecycle(std::uint64_t incident, TimePoint at,
                                 const std::vector<std::string>& escalation) {
  IncidentLifecycle l;
  l.incident = incident;
  l.opened_at = at;
  l.chain.push_back(EscalationStep{.level = 1,
                                   .name = level_name(escalation, 1),
                                   .reached_at = at,
                                   .escalated_by = {},
                                   .note = {},
                                   .seq = 0,
                                   .acknowledged = std::nullopt});
  return l;
}

Event lifecycle_event(EventKind kind, const IncidentLifecycle& lifecycle,
                      const std::string& operator_name, const std::string& note, TimePoint at,
                      const std::vector<std::string>& escalation) {
  Event e;
  e.kind = kind;
  e.time = at;
  const int level = lifecycle.current().level + (kind == EventKind::incident_escalated ? 1 : 0);
  set_attr(e.attrs, "incident", static_cast<std::int64_t>(lifecycle.incident));
  set_attr(e.attrs, "operator", operator_name);
  set_attr(e.attrs, "level", static_cast<std::int64_t>(level));
  set_attr(e.attrs, "level_name", level_name(escalation, level));
  if (!note.empty()) set_attr(e.attrs, "note", note);
  return e;
}

std::optional<std::string> apply_lifecycle_event(IncidentLifecycle& l, const Event& e,
                                                 const std::vector<std::string>& escalation) {
  const auto by = attr_text(e.attrs, "operator").value_or("");
  const auto note = attr_text(e.attrs, "note").value_or("");
  if (attr_int(e.attrs, "incident") != static_cast<std::int64_t>(l.incident))
    return "the event names another incident";
  if (by.empty()) return label(l) + ": the action names no operator";
  if (l.resolution) {
    return label(l) + " is already resolved (by " + l.resolution->by + " at " +
           format_utc(l.resolution->at) + "); a resolved incident cannot be " +
           (e.kind == EventKind::incident_acknowledged ? "acknowledged"
            : e.kind == EventKind::incident_escalated  ? "escalated"
                                                       : "resolved again");
  }
  auto& step = l.chain.back();
  switch (e.kind) {
    case EventKind::incident_acknowledged:
      if (step.acknowledged) {
        return label(l) + " is already acknowledged at level " + std::to_string(step.level) + " (" +
               step.name + ") by " + step.acknowledged->by + " at " +
               format_utc(step.acknowledged->at);
      }
      step.acknowledged = Acknowledgement{by, e.time, e.seq};
      return std::nullopt;
    case EventKind::incident_escalated: {
      const int total = static_cast<int>(escalation.size());
      if (step.level >= total) {
        return label(l) + " is at the last escalation level (" + step.name + ", " +
               std::to_string(step.level) + " of " + std::to_string(total) +
               "); it cannot be escalated further";
      }
      const int next = step.level + 1;
      l.chain.push_back(EscalationStep{
          .level = next,
          .name = attr_text(e.attrs, "level_name").value_or(level_name(escalation, next)),
          .reached_at = e.time,
          .escalated_by = by,
          .note = note,
          .seq = e.seq,
          .acknowledged = std::nullopt});
      return std::nullopt;
    }
    case EventKind::incident_resolved:
      if (note.empty()) return label(l) + ": a resolution needs a note saying what was done";
      l.resolution = Resolution{by, e.time, note, step.level, e.seq};
      return std::nullopt;
    default:
      return std::string("not an incident action: ") + to_string(e.kind);
  }
}

LifecycleFold fold_lifecycles(std::span<const OpenedIncident> opened,
                              std::span<const Event> actions,
                              const std::vector<std::string>& escalation) {
  LifecycleFold fold;
  for (const auto& o : opened)
    fold.incidents.emplace(o.incident, open_lifecycle(o.incident, o.at, escalation));
  for (const auto& e : actions) {
    if (std::find(incident_action_kinds().begin(), incident_action_kinds().end(), e.kind) ==
        incident_action_kinds().end()) {
      continue;
    }
    const auto id = attr_int(e.attrs, "incident");
    auto it = id ? fold.incidents.find(static_cast<std::uint64_t>(*id)) : fold.incidents.end();
    if (it == fold.incidents.end()) {
      fold.refused.emplace_back(e.seq, "no incident " + std::to_string(id.value_or(0)));
      continue;
    }
    if (auto why = apply_lifecycle_event(it->second, e, escalation))
      fold.refused.emplace_back(e.seq, std::move(*why));
  }
  return fold;
}

}  // namespace vigil::core
