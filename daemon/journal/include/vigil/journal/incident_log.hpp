// Incidents and their lifecycle, read from and written to the journal
// (issue 10). Incidents are not stored anywhere else: they are derived by
// running the core's incident rules over the journalled events (as vigild
// does), and what people did about them (acknowledge, escalate, resolve,
// report) is appended as new events, never an edit of a stored row. The
// state is core::fold_lifecycles over those events.
//
// An action is checked against the state read inside the same write
// transaction that appends it, so two operators acting at once cannot both
// resolve an incident: the second is refused with the reason, and nothing
// is written.
#pragma once

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/incident.hpp"
#include "vigil/core/incident_lifecycle.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {

struct IncidentRecord {
  core::Incident incident;  // incident.event.seq is the incident's id
  core::IncidentLifecycle lifecycle;
  std::uint64_t id() const { return incident.event.seq; }
};

struct IncidentLogOptions {
  // The site's rules and escalation chain (incidents.* in the site config).
  core::IncidentRulesConfig rules{};
  // door -> the zone it leads into, for incidents at a door with no zone
  // (as vigild's IncidentPipeline fills them in).
  std::unordered_map<std::string, core::ZoneId> door_zones{};
};

class IncidentLog {
 public:
  // `operator_name` is journalled on every action (attr "operator").
  IncidentLog(const std::filesystem::path& path, std::string operator_name,
              IncidentLogOptions options = {});
  IncidentLog(IncidentLog&&) noexcept;
  IncidentLog& operator=(IncidentLog&&) noexcept;
  ~IncidentLog();

  // Every incident in the journal, oldest first, with its state.
  std::vector<IncidentRecord> list() const;
  std::optional<IncidentRecord> find(std::uint64_t id) const;
  // The lifecycle of incident `id` (the seq of the event that raised it)
  // without deriving every incident: for vigild's state messages. nullopt
  // when the journal has no row `id`.
  std::optional<core::IncidentLifecycle> lifecycle(std::uint64_t id) const;

  // Each appends one event and returns it (seq set). Throws JournalError,
  // writing nothing, for an unknown incident or a refused transition (the
  // message says why: "incident 17 is already resolved (by ana at ...)").
  core::Event acknowledge(std::uint64_t id, core::TimePoint at);
  core::Event escalate(std::uint64_t id, const std::string& note, core::TimePoint at);
  core::Event resolve(std::uint64_t id, const std::string& note, core::TimePoint at);

  // An anomaly no sensor sees: appends incident_reported (attrs anomaly,
  // note, operator; zone; person when given) and returns the incident it
  // raises. Throws JournalError for an empty zone or note.
  IncidentRecord report(core::AnomalyKind kind, const core::ZoneId& zone, const std::string& note,
                        const std::optional<core::PersonId>& person, core::TimePoint at);

  const std::vector<std::string>& escalation() const { return options_.rules.escalation; }
  const Journal& journal() const { return *journal_; }

 private:
  core::Event act(core::EventKind kind, std::uint64_t id, const std::string& note,
                  core::TimePoint at);
  std::vector<core::Event> actions_for(std::uint64_t id, std::uint64_t before_seq) const;

  std::unique_ptr<Journal> journal_;
  std::string operator_;
  IncidentLogOptions options_;
};

}  // namespace vigil::journal
