// Builds a Report from one database file: one scan of the period's events
// (entries, denials, device and door deficiencies), the incidents replayed
// up to the period's end as vigild raises them (journal::IncidentLog's
// rules, folded with their lifecycle actions), the flag history from the
// journal, and trips and clearances from the roster tables.
#include <algorithm>
#include <set>
#include <unordered_map>

#include "report_visits.hpp"
#include "vigil/core/incident.hpp"
#include "vigil/core/incident_lifecycle.hpp"
#include "vigil/ctl/report.hpp"
#include "vigil/journal/archive.hpp"
#include "vigil/journal/archive_lock.hpp"
#include "vigil/journal/incident_log.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/people_store.hpp"

namespace vigil::ctl {
namespace {

using core::EventKind;

// Which zones an event belongs to: its own zone; else the zone its door
// leads into; else the zones of every door wired to its device.
class ZoneOf {
 public:
  explicit ZoneOf(const core::Site& site) {
    for (const auto& d : site.doors) {
      doors_.emplace(d.id.str(), d.to_zone);
      for (const auto* point : {&d.lock, &d.contact})
        devices_[point->device.str()].insert(d.to_zone);
      if (d.rex) devices_[d.rex->device.str()].insert(d.to_zone);
    }
  }
  std::vector<core::ZoneId> of(const core::Event& e) const {
    if (e.zone) return {*e.zone};
    if (e.door) {
      if (auto it = doors_.find(e.door->str()); it != doors_.end()) return {it->second};
    }
    if (e.device) {
      if (auto it = devices_.find(e.device->str()); it != devices_.end())
        return {it->second.begin(), it->second.end()};
    }
    return {};
  }
  const std::unordered_map<std::string, core::ZoneId>& doors() const { return doors_; }

 private:
  std::unordered_map<std::string, core::ZoneId> doors_;
  std::unordered_map<std::string, std::set<core::ZoneId>> devices_;
};

// The deficiency categories, in report order. door_forced closes when its
// incident is resolved (a forced door has no "cleared" event); the others
// close with their restoring event.
constexpr const char* kDeficiencies[] = {"device_offline", "line_tamper", "door_forced",
                                         "door_held_open"};
std::size_t deficiency_index(std::string_view c) {
  for (std::size_t i = 0; i < std::size(kDeficiencies); ++i)
    if (c == kDeficiencies[i]) return i;
  return 0;
}

struct PersonCounts {
  std::uint64_t entries = 0, denials = 0;
};

struct Work {
  ZoneReport report;
  std::unordered_map<std::string, PersonCounts> people;  // in this zone, in the period
  std::map<std::pair<std::string, std::string>, IncidentTally> incidents;
  std::map<std::pair<std::string, std::string>, std::uint64_t> person_reason;  // denials
};

void scan_period(const journal::Journal& journal, const ReportPeriod& p, const core::TimeZone& tz,
                 const ZoneOf& zone_of, std::map<core::ZoneId, Work>& work) {
  const std::vector<EventKind> kinds{
      EventKind::entry,         EventKind::access_denied,  EventKind::device_offline,
      EventKind::device_online, EventKind::line_tamper,    EventKind::line_restored,
      EventKind::door_forced,   EventKind::door_held_open, EventKind::door_held_open_cleared};
  for (const auto& e :
       vigil::journal::query_with_archives(journal, {.from = p.from, .to = p.to, .kinds = kinds})) {
    for (const auto& z : zone_of.of(e)) {
      auto it = work.find(z);
      if (it == work.end()) continue;
      Work& w = it->second;
      const std::string person = e.person ? e.person->str() : "";
      switch (e.kind) {
        case EventKind::entry: {
          ++w.report.entries;
          const auto day = tz.local(e.time).date.days - p.first_day.days;
          if (day >= 0 && static_cast<std::size_t>(day) < w.report.entries_per_day.size())
            ++w.report.entries_per_day[static_cast<std::size_t>(day)];
          if (!person.empty()) ++w.people[person].entries;
          break;
        }
        case EventKind::access_denied:
          ++w.report.denials[core::to_string(e.reason)];
          if (!person.empty()) {
            ++w.people[person].denials;
            ++w.person_reason[{person, core::to_string(e.reason)}];
          }
          break;
        case EventKind::device_offline:
        case EventKind::line_tamper:
        case EventKind::door_forced:
        case EventKind::door_held_open:
          ++w.report.deficiencies[deficiency_index(core::to_string(e.kind))].opened;
          break;
        case EventKind::device_online:
          ++w.report.deficiencies[0].closed;
          break;
        case EventKind::line_restored:
          ++w.report.deficiencies[1].closed;
          break;
        case EventKind::door_held_open_cleared:
          ++w.report.deficiencies[3].closed;
          break;
        default:
          break;
      }
    }
  }
}

void add_incidents(const journal::Journal& journal, const config::SiteConfig& c,
                   const ReportPeriod& p, core::TimePoint now, const ZoneOf& zone_of,
                   std::map<core::ZoneId, Work>& work) {
  core::IncidentRules rules(c.incident_rules);
  std::vector<journal::IncidentRecord> records;
  std::vector<core::OpenedIncident> opened;
  for (const auto& e : vigil::journal::query_with_archives(
           journal, {.to = p.to, .kinds = core::incident_source_kinds()})) {
    auto incident = rules.observe(e);
    if (!incident) continue;
    opened.push_back({e.seq, e.time});
    records.push_back({std::move(*incident), {}});
  }
  // Actions up to now: an incident's state is as it stands when the report is made.
  const auto actions =
      vigil::journal::query_with_archives(journal, {.kinds = core::incident_action_kinds()});
  auto fold = core::fold_lifecycles(opened, actions, c.incident_rules.escalation);
  for (auto& r : records) {
    r.lifecycle = std::move(fold.incidents.at(r.id()));
    const core::Incident& inc = r.incident;
    const std::string kind = core::to_string(inc.kind), severity = core::to_string(inc.severity);
    const auto state = r.lifecycle.state();
    for (const auto& z : zone_of.of(inc.event)) {
      auto it = work.find(z);
      if (it == work.end()) continue;
      Work& w = it->second;
      if (inc.event.time >= p.from) {
        auto& t = w.incidents[{kind, severity}];
        t.kind = kind;
        t.severity = severity;
        ++(state == core::IncidentState::open           ? t.open
           : state == core::IncidentState::acknowledged ? t.acknowledged
                                                        : t.resolved);
      }
      if (state != core::IncidentState::resolved) {
        const auto age = std::chrono::duration_cast<std::chrono::hours>(now - inc.event.time);
        w.report.open_incidents.push_back({r.id(), kind, severity, core::to_string(state),
                                           inc.event.time, static_cast<std::int64_t>(age.count())});
      }
      const auto& res = r.lifecycle.resolution;
      if (inc.kind == core::IncidentKind::door_forced && res && res->at >= p.from && res->at < p.to)
        ++w.report.deficiencies[deficiency_index("door_forced")].closed;
    }
  }
}

// People flagged at any time in the period, with the kind last set: from
// the journal's flag history (the roster table holds only flags in force).
std::map<std::string, std::string> flagged_in(const journal::Journal& journal,
                                              const ReportPeriod& p) {
  std::map<std::string, std::string> at_start, during;
  for (const auto& e : vigil::journal::query_with_archives(
           journal, {.to = p.to, .kinds = {EventKind::flag_set, EventKind::flag_cleared}})) {
    if (!e.person) continue;
    const std::string person = e.person->str();
    const std::string kind = core::attr_text(e.attrs, "flag").value_or("watch");
    if (e.time < p.from) {
      if (e.kind == EventKind::flag_set) {
        at_start[person] = kind;
      } else {
        at_start.erase(person);
      }
    } else if (e.kind == EventKind::flag_set) {
      during[person] = kind;
    }
  }
  for (auto& [person, kind] : during) at_start[person] = kind;
  return at_start;
}

bool covers(const core::Site& site, const core::Person& person, const core::ZoneId& zone) {
  return std::any_of(person.access_levels.begin(), person.access_levels.end(), [&](const auto& l) {
    const auto* level = site.find_access_level(l);
    return level != nullptr && level->covers(zone);
  });
}

void add_people(const config::SiteConfig& c, const ReportPeriod& p, core::TimePoint now,
                std::map<core::ZoneId, Work>& work) {
  journal::PeopleStore store(c.journal_path);
  const auto people = store.list_people();
  std::unordered_map<std::string, const core::Person*> by_id;
  for (const auto& person : people) by_id.emplace(person.id.str(), &person);
  const auto today = c.site.time_zone.local(now).date;
  const auto trips = store.list_trips();
  for (auto& [zone, w] : work) {
    for (const auto& person : people) {
      const auto& exp = person.clearance.expires;
      if (exp && *exp >= p.first_day && *exp < p.end_day && covers(c.site, person, zone)) {
        w.report.clearance_expiries.push_back(
            {person.id.str(), core::to_string(person.clearance.level), core::format_date(*exp)});
      }
    }
    for (const auto& t : trips) {
      if (t.trip.first_day >= p.end_day || t.trip.last_day < p.first_day) continue;
      auto it = by_id.find(t.person.str());
      if (it == by_id.end() || !covers(c.site, *it->second, zone)) continue;
      TripLine line{t.trip.id,
                    t.person.str(),
                    t.trip.destination,
                    t.trip.approval_ref,
                    core::format_date(t.trip.first_day),
                    core::format_date(t.trip.last_day),
                    t.trip.returned,
                    {}};
      if (!t.trip.returned && t.trip.last_day < today) line.anomalies.push_back("return_overdue");
      for (const char* reason : {"credential_used_while_abroad", "return_report_pending"}) {
        if (w.person_reason.contains({line.person, reason})) line.anomalies.push_back(reason);
      }
      ++w.report.trips_by_destination[line.destination];
      w.report.trips.push_back(std::move(line));
    }
  }
}

}  // namespace

Report build_report(const config::SiteConfig& c, const ReportPeriod& p,
                    const std::vector<core::ZoneId>& zones, core::TimePoint now) {
  Report report;
  report.site = c.site.id.str();
  report.gateway = c.site.gateway.str();
  report.time_zone = c.site.time_zone.name();
  report.period = p;
  report.generated_at = now;
  const ZoneOf zone_of(c.site);
  std::map<core::ZoneId, Work> work;
  for (const auto& z : zones) {
    Work& w = work[z];
    w.report.zone = z.str();
    const auto* zone = c.site.find_zone(z);
    w.report.name = zone != nullptr && !zone->name.empty() ? zone->name : z.str();
    w.report.entries_per_day.assign(static_cast<std::size_t>(p.end_day.days - p.first_day.days), 0);
    for (const char* d : kDeficiencies) w.report.deficiencies.push_back({d, 0, 0});
  }
  // Archived months too, under one shared hold of the archive lock so that
  // no month moves between the report's queries (docs/journal.md, "Archives").
  const journal::Journal journal(c.journal_path, {.archive_dir = c.journal_archive_dir});
  const vigil::journal::ArchiveLock walk(c.journal_path, vigil::journal::ArchiveLock::Mode::shared,
                                         journal.options().archive_lock_wait);
  scan_period(journal, p, c.site.time_zone, zone_of, work);
  add_incidents(journal, c, p, now, zone_of, work);
  const auto flagged = flagged_in(journal, p);
  for (auto& [zone, w] : work) {
    for (const auto& [person, kind] : flagged) {
      auto it = w.people.find(person);
      if (it == w.people.end()) continue;  // no activity in this zone: not listed
      w.report.flagged.push_back({person, kind, it->second.entries, it->second.denials});
    }
    for (auto& [key, tally] : w.incidents) w.report.incidents.push_back(tally);
  }
  add_people(c, p, now, work);
  for (const auto& z : zones) report.zones.push_back(std::move(work[z].report));
  report.visits = build_visit_lines(c, p, zones);
  return report;
}

}  // namespace vigil::ctl
