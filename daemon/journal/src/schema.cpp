#include "schema.hpp"

#include <string>

namespace vigil::journal {
namespace {

// Plain (not STRICT) tables: an inspector's Python may bundle an SQLite older
// than 3.37, which refuses to open a file with STRICT tables at all.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE IF NOT EXISTS events (
  seq       INTEGER PRIMARY KEY,
  ts_us     INTEGER NOT NULL,
  kind      TEXT NOT NULL,
  reason    TEXT NOT NULL,
  door      TEXT,
  reader    TEXT,
  zone      TEXT,
  person    TEXT,
  device    TEXT,
  card      TEXT,
  detail    TEXT NOT NULL,
  prev_hash BLOB NOT NULL,
  hash      BLOB NOT NULL
);
-- Partial indices: most events have no person (door contacts, devices), so
-- leaving NULLs out keeps the indices small and the append path cheap.
-- SQLite uses them for `person = ?` because that term implies NOT NULL.
CREATE INDEX IF NOT EXISTS events_by_person ON events(person, ts_us) WHERE person IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_zone ON events(zone, ts_us) WHERE zone IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_door ON events(door, ts_us) WHERE door IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_time ON events(ts_us);

CREATE TABLE IF NOT EXISTS people (
  id     TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  active INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS person_levels (
  person   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  position INTEGER NOT NULL,
  level    TEXT NOT NULL,
  PRIMARY KEY (person, position)
);
-- card is "facility:number", the same text as the journal's card column, so
-- a 64-bit card number never meets SQLite's signed integers.
CREATE TABLE IF NOT EXISTS credentials (
  card           TEXT PRIMARY KEY,
  person         TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,
  active         INTEGER NOT NULL,
  valid_from_us  INTEGER,
  valid_until_us INTEGER
);
CREATE INDEX IF NOT EXISTS credentials_by_person ON credentials(person);
)sql";

std::int64_t check_version(sqlite::Database& db, const std::filesystem::path& path) {
  auto version = db.query_int("PRAGMA user_version");
  if (version > kSchemaVersion) {
    throw JournalError(path.string() + ": schema version " + std::to_string(version) +
                           " is newer than this Vigil understands (" +
                           std::to_string(kSchemaVersion) + ")",
                       0);
  }
  return version;
}

}  // namespace

std::unique_ptr<sqlite::Database> open_database(const std::filesystem::path& path,
                                                std::chrono::milliseconds busy_timeout) {
  auto db = std::make_unique<sqlite::Database>(path);
  sqlite3_busy_timeout(db->handle(), static_cast<int>(busy_timeout.count()));
  // WAL: readers (vigilctl queries) never block the writer. synchronous=FULL
  // fsyncs the WAL on every commit, which is what makes append() durable on
  // return; NORMAL would lose the last commits on power failure.
  {
    sqlite::Statement wal{db->handle(), "PRAGMA journal_mode=WAL"};
    if (!wal.step() || wal.column_text(0) != "wal") {
      throw JournalError(path.string() + ": cannot switch to WAL mode", 0);
    }
  }
  db->exec("PRAGMA synchronous=FULL");
  db->exec("PRAGMA foreign_keys=ON");

  // Only take the write lock when there is something to create, so opening a
  // current file to read never waits behind the daemon's writer.
  if (check_version(*db, path) < kSchemaVersion) {
    sqlite::Transaction transaction{*db};
    if (check_version(*db, path) < kSchemaVersion) {
      // Version 0 is a new file. Later versions add migrations here, each in
      // this same transaction, so a crash never leaves a half-migrated file.
      db->exec(kSchemaV1);
      db->exec(("PRAGMA user_version=" + std::to_string(kSchemaVersion)).c_str());
    }
    transaction.commit();
  }
  return db;
}

}  // namespace vigil::journal
