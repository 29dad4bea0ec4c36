#include "vigil/app/incident_cursor.hpp"

#include <stdexcept>
#include <string>

namespace vigil::app {

void IncidentCursor::create_table(journal::sqlite::Database& db) {
  db.exec(
      "CREATE TABLE IF NOT EXISTS incident_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "seq INTEGER NOT NULL)");
}

void IncidentCursor::advance(journal::sqlite::Database& db, std::uint64_t seq) {
  auto upsert = db.cached(
      "INSERT INTO incident_cursor (id, seq) VALUES (1, ?1) "
      "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > seq");
  upsert->bind(1, static_cast<std::int64_t>(seq));
  upsert->step();
}

IncidentCursor::IncidentCursor(const std::filesystem::path& db_path) {
  try {
    db_ = std::make_unique<journal::sqlite::Database>(db_path);  // WAL, synchronous=FULL
    create_table(*db_);
  } catch (const journal::JournalError& error) {
    throw std::runtime_error(std::string{"incident cursor: "} + error.what());
  }
}

IncidentCursor::~IncidentCursor() = default;

std::uint64_t IncidentCursor::load() const {
  auto select = db_->cached("SELECT seq FROM incident_cursor WHERE id = 1");
  return select->step() ? static_cast<std::uint64_t>(select->column_int(0)) : 0;
}

void IncidentCursor::store(std::uint64_t seq) {
  try {
    advance(*db_, seq);
  } catch (const journal::JournalError& error) {
    throw std::runtime_error(std::string{"incident cursor: cannot store seq: "} + error.what());
  }
}

}  // namespace vigil::app
