// A person's PIN (issue 8): set or replaced as a hash, journalled with the
// operator like every roster change, never with the digits or the hash.
#include "risk_rows.hpp"
#include "roster_plan.hpp"
#include "vigil/journal/roster.hpp"

namespace vigil::journal {

RosterChange Roster::set_pin(const core::PersonId& person, const core::PinHash& pin,
                             core::TimePoint at) {
  const ChangeContext context{operator_, at};
  return commit([&](sqlite::Database& db) {
    sqlite::ReadTransaction snapshot{db};
    RosterPlan plan;
    plan.based_on_version = read_roster_version(db);
    if (!read_person(db, person)) refuse("no person '" + person.str() + "'");
    auto event = roster_event(core::EventKind::pin_set, context);
    event.person = person;
    core::set_attr(event.attrs, "replaced", has_pin(db, person));
    plan.events.push_back(std::move(event));
    plan.writes.push_back([person, pin, by = operator_, at](sqlite::Database& tx) {
      write_pin(tx, person, pin, by, at);
    });
    return plan;
  });
}

}  // namespace vigil::journal
