// Roster changes of the ethics unit: integrity-risk flags and trips abroad.
// Planned against a snapshot and committed with their events like every
// other roster change (roster.cpp).
#include "risk_rows.hpp"
#include "roster_plan.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {
namespace {

void require_person(sqlite::Database& db, const core::PersonId& person) {
  if (!read_person(db, person)) refuse("no person '" + person.str() + "'");
}

void require_text(const std::string& text, const char* what) {
  if (text.find_first_not_of(" \t") == std::string::npos) refuse(std::string(what) + " is empty");
}

RosterPlan start_plan(sqlite::Database& db) {
  RosterPlan plan;
  plan.based_on_version = read_roster_version(db);
  return plan;
}

}  // namespace

RosterChange Roster::set_flag(const core::PersonId& person, core::FlagKind kind,
                              const std::string& reason, std::optional<core::LocalDate> until,
                              core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan = start_plan(db);
    require_person(db, person);
    require_text(reason, "the reason");
    auto event = roster_event(core::EventKind::flag_set, context);
    event.person = person;
    core::set_attr(event.attrs, "flag", std::string{core::to_string(kind)});
    core::set_attr(event.attrs, "reason", reason);
    core::set_attr(event.attrs, "until", until ? core::format_date(*until) : "cleared");
    if (auto before = read_flag(db, person)) {
      core::set_attr(event.attrs, "flag_before", std::string{core::to_string(before->kind)});
    }
    plan.events.push_back(std::move(event));
    core::IntegrityFlag flag{kind, operator_, at, reason, until};
    plan.writes.push_back([person, flag](sqlite::Database& tx) { write_flag(tx, person, flag); });
    return plan;
  });
}

RosterChange Roster::clear_flag(const core::PersonId& person, const std::string& reason,
                                core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan = start_plan(db);
    require_person(db, person);
    require_text(reason, "the reason");
    auto before = read_flag(db, person);
    if (!before) return plan;
    auto event = roster_event(core::EventKind::flag_cleared, context);
    event.person = person;
    core::set_attr(event.attrs, "flag_before", std::string{core::to_string(before->kind)});
    core::set_attr(event.attrs, "reason", reason);
    plan.events.push_back(std::move(event));
    plan.writes.push_back([person](sqlite::Database& tx) { delete_flag(tx, person); });
    return plan;
  });
}

RosterChange Roster::add_trip(const core::PersonId& person, const core::Trip& trip,
                              core::TimePoint at) {
  const TripRecord one{person, trip};
  return add_trips(std::span<const TripRecord>(&one, 1), at);
}

RosterChange Roster::add_trips(std::span<const TripRecord> trips, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan = start_plan(db);
    // The ids are taken from this snapshot; the roster version check makes a
    // second writer that took the same ones plan again.
    const std::int64_t first_id = next_trip_id(db);
    for (std::size_t i = 0; i < trips.size(); ++i) {
      const auto& [person, trip] = trips[i];
      // A batch (trip import) names the entry that refused; one trip does not.
      const std::string where =
          trips.size() > 1 ? "entry " + std::to_string(i + 1) + ": " : std::string{};
      if (!read_person(db, person)) refuse(where + "no person '" + person.str() + "'");
      require_text(trip.destination, (where + "the destination").c_str());
      require_text(trip.approval_ref, (where + "the approval reference").c_str());
      if (trip.last_day < trip.first_day) {
        refuse(where + "the trip ends (" + core::format_date(trip.last_day) +
               ") before it starts (" + core::format_date(trip.first_day) + ")");
      }
      TripRecord record{person, trip};
      record.trip.id = first_id + static_cast<std::int64_t>(i);
      record.trip.returned = false;
      auto event = roster_event(core::EventKind::trip_added, context);
      event.person = person;
      core::set_attr(event.attrs, "trip", record.trip.id);
      core::set_attr(event.attrs, "first_day", core::format_date(trip.first_day));
      core::set_attr(event.attrs, "last_day", core::format_date(trip.last_day));
      core::set_attr(event.attrs, "destination", trip.destination);
      core::set_attr(event.attrs, "approval", trip.approval_ref);
      plan.events.push_back(std::move(event));
      plan.writes.push_back(
          [record, by = operator_, at](sqlite::Database& tx) { insert_trip(tx, record, by, at); });
    }
    return plan;
  });
}

RosterChange Roster::record_return(std::int64_t trip, const std::string& note, core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan = start_plan(db);
    auto record = read_trip(db, trip);
    if (!record) refuse("no trip " + std::to_string(trip));
    if (record->trip.returned) {
      refuse("the return of trip " + std::to_string(trip) + " is already recorded");
    }
    auto event = roster_event(core::EventKind::trip_returned, context);
    event.person = record->person;
    core::set_attr(event.attrs, "trip", trip);
    core::set_attr(event.attrs, "destination", record->trip.destination);
    core::set_attr(event.attrs, "note", note);
    plan.events.push_back(std::move(event));
    plan.writes.push_back([trip, by = operator_, at, note](sqlite::Database& tx) {
      write_return(tx, trip, by, at, note);
    });
    return plan;
  });
}

}  // namespace vigil::journal
