#include "vigil/app/incident_cursor.hpp"

#include <sqlite3.h>

#include <stdexcept>
#include <string>

namespace vigil::app {

IncidentCursor::IncidentCursor(const std::filesystem::path& db_path) {
  if (sqlite3_open(db_path.c_str(), &db_) != SQLITE_OK) {
    std::string msg = db_ ? sqlite3_errmsg(db_) : "out of memory";
    sqlite3_close(db_);
    throw std::runtime_error("incident cursor: cannot open " + db_path.string() + ": " + msg);
  }
  sqlite3_busy_timeout(db_, 5000);
  exec("PRAGMA journal_mode=WAL");
  exec("PRAGMA synchronous=FULL");
  exec(
      "CREATE TABLE IF NOT EXISTS incident_cursor (id INTEGER PRIMARY KEY CHECK (id = 1), "
      "seq INTEGER NOT NULL)");
}

IncidentCursor::~IncidentCursor() {
  sqlite3_close(db_);
}

void IncidentCursor::exec(const char* sql) {
  char* err = nullptr;
  if (sqlite3_exec(db_, sql, nullptr, nullptr, &err) != SQLITE_OK) {
    std::string msg = err ? err : "unknown error";
    sqlite3_free(err);
    throw std::runtime_error(std::string("incident cursor: ") + msg);
  }
}

std::uint64_t IncidentCursor::load() const {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_, "SELECT seq FROM incident_cursor WHERE id = 1", -1, &st, nullptr);
  std::uint64_t seq = 0;
  if (st && sqlite3_step(st) == SQLITE_ROW)
    seq = static_cast<std::uint64_t>(sqlite3_column_int64(st, 0));
  sqlite3_finalize(st);
  return seq;
}

void IncidentCursor::store(std::uint64_t seq) {
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db_,
                     "INSERT INTO incident_cursor (id, seq) VALUES (1, ?1) "
                     "ON CONFLICT(id) DO UPDATE SET seq = excluded.seq WHERE excluded.seq > seq",
                     -1, &st, nullptr);
  sqlite3_bind_int64(st, 1, static_cast<sqlite3_int64>(seq));
  const int rc = sqlite3_step(st);
  sqlite3_finalize(st);
  if (rc != SQLITE_DONE) throw std::runtime_error("incident cursor: cannot store seq");
}

}  // namespace vigil::app
