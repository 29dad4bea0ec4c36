#include "vigil/journal/incident_log.hpp"

#include <algorithm>

namespace vigil::journal {
namespace {

JournalError refused(const std::string& why) {
  return JournalError(why, 0);
}

}  // namespace

IncidentLog::IncidentLog(const std::filesystem::path& path, std::string operator_name,
                         IncidentLogOptions options)
    : journal_(std::make_unique<Journal>(path)),
      operator_(std::move(operator_name)),
      options_(std::move(options)) {
  if (options_.rules.escalation.empty())
    options_.rules.escalation = core::IncidentRulesConfig{}.escalation;
}

IncidentLog::IncidentLog(IncidentLog&&) noexcept = default;
IncidentLog& IncidentLog::operator=(IncidentLog&&) noexcept = default;
IncidentLog::~IncidentLog() = default;

std::vector<IncidentRecord> IncidentLog::list() const {
  // The rules over the kinds that can raise an incident, in seq order: the
  // same incidents vigild raised (repeated denials counted on event time,
  // as vigild does when it replays).
  core::IncidentRules rules(options_.rules);
  std::vector<IncidentRecord> records;
  std::vector<core::OpenedIncident> opened;
  for (const auto& e : journal_->query(Filter{.kinds = core::incident_source_kinds()})) {
    auto incident = rules.observe(e);
    if (!incident) continue;
    if (!incident->event.zone && incident->event.door) {
      if (auto it = options_.door_zones.find(incident->event.door->str());
          it != options_.door_zones.end()) {
        incident->event.zone = it->second;
      }
    }
    opened.push_back({e.seq, e.time});
    records.push_back(IncidentRecord{std::move(*incident), {}});
  }
  const auto actions = journal_->query(Filter{.kinds = core::incident_action_kinds()});
  auto fold = core::fold_lifecycles(opened, actions, escalation());
  for (auto& r : records) r.lifecycle = std::move(fold.incidents.at(r.id()));
  return records;
}

std::optional<IncidentRecord> IncidentLog::find(std::uint64_t id) const {
  for (auto& r : list()) {
    if (r.id() == id) return std::move(r);
  }
  return std::nullopt;
}

std::vector<core::Event> IncidentLog::actions_for(std::uint64_t id,
                                                  std::uint64_t before_seq) const {
  std::vector<core::Event> out;
  for (auto& e : journal_->query(Filter{.kinds = core::incident_action_kinds()})) {
    if (e.seq >= before_seq) break;
    if (core::attr_int(e.attrs, "incident") == static_cast<std::int64_t>(id))
      out.push_back(std::move(e));
  }
  return out;
}

std::optional<core::IncidentLifecycle> IncidentLog::lifecycle(std::uint64_t id) const {
  if (id == 0) return std::nullopt;
  const auto row = journal_->query(Filter{.after_seq = id - 1, .limit = 1});
  if (row.empty() || row.front().seq != id) return std::nullopt;
  const std::vector<core::OpenedIncident> opened{{id, row.front().time}};
  auto fold = core::fold_lifecycles(opened, actions_for(id, UINT64_MAX), escalation());
  return std::move(fold.incidents.at(id));
}

core::Event IncidentLog::act(core::EventKind kind, std::uint64_t id, const std::string& note,
                             core::TimePoint at) {
  auto record = find(id);
  if (!record) {
    throw refused("no incident " + std::to_string(id) +
                  " in this journal (`vigilctl incident list` shows them)");
  }
  const auto& before = record->lifecycle;
  std::vector<core::Event> events{
      core::lifecycle_event(kind, before, operator_, note, at, escalation())};
  events.front().zone = record->incident.event.zone;
  // Checked again inside the write transaction, against the rows as they
  // are now: another operator may have acted since we read them.
  journal_->append(events, [&](sqlite::Database&) {
    auto now = core::open_lifecycle(id, before.opened_at, escalation());
    for (const auto& e : actions_for(id, events.front().seq)) {
      core::apply_lifecycle_event(now, e, escalation());
    }
    if (now.chain.size() != before.chain.size() || now.state() != before.state()) {
      throw refused("incident " + std::to_string(id) +
                    " changed while this action was being recorded; nothing was written "
                    "(`vigilctl incident show " +
                    std::to_string(id) + "`)");
    }
    if (auto why = core::apply_lifecycle_event(now, events.front(), escalation())) {
      throw refused(*why);
    }
  });
  return events.front();
}

core::Event IncidentLog::acknowledge(std::uint64_t id, core::TimePoint at) {
  return act(core::EventKind::incident_acknowledged, id, {}, at);
}
core::Event IncidentLog::escalate(std::uint64_t id, const std::string& note, core::TimePoint at) {
  return act(core::EventKind::incident_escalated, id, note, at);
}
core::Event IncidentLog::resolve(std::uint64_t id, const std::string& note, core::TimePoint at) {
  return act(core::EventKind::incident_resolved, id, note, at);
}

IncidentRecord IncidentLog::report(core::AnomalyKind kind, const core::ZoneId& zone,
                                   const std::string& note,
                                   const std::optional<core::PersonId>& person,
                                   core::TimePoint at) {
  if (zone.empty()) throw refused("a report names the zone it happened in");
  if (note.empty()) throw refused("a report needs a note saying what happened");
  std::vector<core::Event> events(1);
  auto& e = events.front();
  e.kind = core::EventKind::incident_reported;
  e.time = at;
  e.zone = zone;
  if (person && !person->empty()) e.person = *person;
  core::set_attr(e.attrs, "anomaly", std::string(core::to_string(kind)));
  core::set_attr(e.attrs, "note", note);
  core::set_attr(e.attrs, "operator", operator_);
  journal_->append(events);
  auto incident = core::IncidentRules(options_.rules).observe(e);
  return IncidentRecord{std::move(*incident), core::open_lifecycle(e.seq, at, escalation())};
}

}  // namespace vigil::journal
