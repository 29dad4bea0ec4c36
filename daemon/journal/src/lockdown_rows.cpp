// Lockdown orders in SQL (issue 8): the orders in force, one per zone.
#include "risk_rows.hpp"

namespace vigil::journal {

core::Lockdowns read_lockdowns(sqlite::Database& db) {
  core::Lockdowns lockdowns;
  sqlite::Statement select{db.handle(), "SELECT zone, ordered_by, since_us, reason FROM lockdowns"};
  while (select.step()) {
    lockdowns.set(core::LockdownOrder{.zone = core::ZoneId{select.column_text(0)},
                                      .ordered_by = select.column_text(1),
                                      .since = core::from_unix_micros(select.column_int(2)),
                                      .reason = select.column_text(3)});
  }
  return lockdowns;
}

void write_lockdown(sqlite::Database& db, const core::LockdownOrder& order) {
  auto upsert = db.cached(
      "INSERT OR REPLACE INTO lockdowns (zone, ordered_by, since_us, reason) "
      "VALUES (?1, ?2, ?3, ?4)");
  upsert->bind(1, std::string_view{order.zone.str()});
  upsert->bind(2, std::string_view{order.ordered_by});
  upsert->bind(3, core::to_unix_micros(order.since));
  upsert->bind(4, std::string_view{order.reason});
  upsert->step();
}

void delete_lockdown(sqlite::Database& db, const core::ZoneId& zone) {
  auto remove = db.cached("DELETE FROM lockdowns WHERE zone = ?");
  remove->bind(1, std::string_view{zone.str()});
  remove->step();
}

}  // namespace vigil::journal
