// Visits (issue 8, item 6): recorded and ended like every other roster
// change, journalled in the same transaction (roster.cpp) so a running
// vigild picks them up with the roster version.
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
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    if (!read_person(db, visit.visitor)) refuse("no person '" + visit.visitor.str() + "'");
    if (!read_person(db, visit.host)) refuse("no host '" + visit.host.str() + "'");
    if (visit.host == visit.visitor) refuse("a visitor cannot host their own visit");
    if (is_visitor(db, visit.host)) {
      refuse("the host '" + visit.host.str() + "' is a visitor; a host is a member of staff");
    }
    require_filled(visit.purpose, "the purpose");
    require_filled(visit.organisation, "the organisation");
    if (zones_text(visit.zones).empty()) refuse("the visit names no zone");
    if (visit.last_day < visit.first_day) {
      refuse("the visit ends (" + core::format_date(visit.last_day) + ") before it starts (" +
             core::format_date(visit.first_day) + ")");
    }
    core::Visit record = visit;
    record.id = next_visit_id(db);  // a colliding writer replans (roster version)
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
