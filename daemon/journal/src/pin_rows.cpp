// PINs in SQL (issue 8): one PBKDF2 hash string per person.
#include <algorithm>

#include "risk_rows.hpp"

namespace vigil::journal {

std::size_t pin_rowid_bound(sqlite::Database& db) {
  // The rowid B-tree's last entry: a walk down its right edge, not a scan.
  // An empty table's max is NULL, read as 0.
  return static_cast<std::size_t>(
      std::max<std::int64_t>(0, db.query_int("SELECT max(rowid) FROM person_pins")));
}

void write_pin(sqlite::Database& db, const core::PersonId& person, const core::PinHash& pin,
               const std::string& by, core::TimePoint at) {
  auto upsert = db.cached(
      "INSERT OR REPLACE INTO person_pins (person, hash, set_by, set_us) VALUES (?1, ?2, ?3, ?4)");
  upsert->bind(1, std::string_view{person.str()});
  const std::string hash = core::format_pin_hash(pin);
  upsert->bind(2, std::string_view{hash});
  upsert->bind(3, std::string_view{by});
  upsert->bind(4, core::to_unix_micros(at));
  upsert->step();
}

bool has_pin(sqlite::Database& db, const core::PersonId& person) {
  auto select = db.cached("SELECT count(*) FROM person_pins WHERE person = ?");
  select->bind(1, std::string_view{person.str()});
  const bool found = select->step() && select->column_int(0) > 0;
  return found;
}

}  // namespace vigil::journal
