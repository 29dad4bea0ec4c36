// Visits (issue 8, item 6): recorded and ended like every other roster
// change, journalled in the same transaction (roster.cpp) so a running
// vigild picks them up with the roster version.
#include <set>

#include "roster_plan.hpp"
#include "vigil/journal/roster.hpp"
#include "visit_rows.hpp"

namespace vigil::journal {
namespace {

void require_filled(const std::string& text, const char* what) {
  if (text.find_first_not_of(" \t") == std::string::npos) refuse(std::string(what) + " is empty");
}

}  // namespace

RosterChange Roster::add_visit(const core::Visit& visit, core::TimePoint at) {
  return add_visits(std::span<const core::Visit>(&visit, 1), at);
}

RosterChange Roster::add_visits(std::span<const core::Visit> visits, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    const std::int64_t first_id = next_visit_id(db);  // a colliding writer replans
    std::set<core::PersonId> batch_visitors;  // visitors of earlier entries host no later one
    for (std::size_t i = 0; i < visits.size(); ++i) {
      const core::Visit& visit = visits[i];
      const std::string where =
          visits.size() > 1 ? "entry " + std::to_string(i + 1) + ": " : std::string{};
      if (!read_person(db, visit.visitor))
        refuse(where + "no person '" + visit.visitor.str() + "'");
      if (!read_person(db, visit.host)) refuse(where + "no host '" + visit.host.str() + "'");
      if (visit.host == visit.visitor) refuse(where + "a visitor cannot host their own visit");
      if (is_visitor(db, visit.host) || batch_visitors.contains(visit.host)) {
        refuse(where + "the host '" + visit.host.str() +
               "' is a visitor; a host is a member of staff");
      }
      require_filled(visit.purpose, (where + "the purpose").c_str());
      require_filled(visit.organisation, (where + "the organisation").c_str());
      if (zones_text(visit.zones).empty()) refuse(where + "the visit names no zone");
      if (visit.last_day < visit.first_day) {
        refuse(where + "the visit ends (" + core::format_date(visit.last_day) +
               ") before it starts (" + core::format_date(visit.first_day) + ")");
      }
      batch_visitors.insert(visit.visitor);
      core::Visit record = visit;
      record.id = first_id + static_cast<std::int64_t>(i);
      record.ended = false;
      auto event = roster_event(core::EventKind::visit_added, context);
      event.person = record.visitor;
      core::set_attr(event.attrs, "visit", record.id);
      core::set_attr(event.attrs, "host", record.host.str());
      core::set_attr(event.attrs, "purpose", record.purpose);
      core::set_attr(event.attrs, "organisation", record.organisation);
      core::set_attr(event.attrs, "delegation", record.delegation);
      core::set_attr(event.attrs, "first_day", core::format_date(record.first_day));
      core::set_attr(event.attrs, "last_day", core::format_date(record.last_day));
      core::set_attr(event.attrs, "zones", zones_text(record.zones));
      plan.events.push_back(std::move(event));
      plan.writes.push_back(
          [record, by = operator_, at](sqlite::Database& tx) { insert_visit(tx, record, by, at); });
    }
    return plan;
  });
}

RosterChange Roster::end_visit(std::int64_t visit, const std::string& reason, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    auto record = read_visit(db, visit);
    if (!record) refuse("no visit " + std::to_string(visit));
    if (record->ended) refuse("visit " + std::to_string(visit) + " has already ended");
    require_filled(reason, "the reason");
    auto event = roster_event(core::EventKind::visit_ended, context);
    event.person = record->visitor;
    core::set_attr(event.attrs, "visit", visit);
    core::set_attr(event.attrs, "reason", reason);
    plan.events.push_back(std::move(event));
    plan.writes.push_back([visit, by = operator_, at, reason](sqlite::Database& tx) {
      write_visit_end(tx, visit, by, at, reason);
    });
    return plan;
  });
}

}  // namespace vigil::journal
