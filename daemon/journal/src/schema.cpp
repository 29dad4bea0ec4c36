#include "schema.hpp"

#include <string>

#include "migrate_v1.hpp"
#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {
namespace {

// STRICT: a value of the wrong type is refused on write instead of stored,
// so `UPDATE events SET person_id = CAST(person_id AS BLOB)` fails. STRICT
// is only a lock on the front door (writable_schema or a hex editor get
// past it): the hash input carries every value's type, so verify still
// finds the change. Needs SQLite 3.37 (2021) to open, inspectors included.
constexpr const char* kJournalSchema = R"sql(
CREATE TABLE journal_meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;
-- Every id, kind and reason text is stored once here and referenced by its
-- integer id: the indices then hold small integers, not random strings.
-- Names are never renumbered or deleted; the hash covers id and text.
CREATE TABLE names (
  id   INTEGER PRIMARY KEY,
  text TEXT NOT NULL UNIQUE
) STRICT;
CREATE TABLE events (
  seq       INTEGER PRIMARY KEY,
  ts_us     INTEGER NOT NULL,
  kind_id   INTEGER NOT NULL,
  reason_id INTEGER NOT NULL,
  door_id   INTEGER,
  reader_id INTEGER,
  zone_id   INTEGER,
  person_id INTEGER,
  device_id INTEGER,
  card      TEXT,
  detail    TEXT NOT NULL,
  attrs     BLOB,
  prev_hash BLOB NOT NULL,
  hash      BLOB NOT NULL
) STRICT;
-- (x, ts_us): a person's month or a door's day reads only that range's
-- entries, not the person's or door's whole history (an index on a rowid
-- table ends with the rowid, so these are really (x, ts_us, seq)). Partial:
-- most events have no person, and leaving NULLs out keeps the append cheap.
-- ts_us grows with seq, so its index is appended at the right edge.
CREATE INDEX events_by_person_time ON events(person_id, ts_us)
  WHERE person_id IS NOT NULL;
CREATE INDEX events_by_door_time ON events(door_id, ts_us) WHERE door_id IS NOT NULL;
CREATE INDEX events_by_time ON events(ts_us);
-- Zones: almost every event with a zone has a door, and a door lies in one
-- zone (rarely a few over the years). A zone query reads the doors seen in
-- the zone here and uses events_by_door_time, so the append pays for no zone index
-- entry per event: a (zone, seq) index inserts in the middle of its B-tree,
-- which measured as costly as all other indices together. Rows with a zone and
-- no door keep a (small) index of their own.
CREATE TABLE door_zones (
  zone_id INTEGER NOT NULL,
  door_id INTEGER NOT NULL,
  PRIMARY KEY (zone_id, door_id)
) STRICT, WITHOUT ROWID;
CREATE INDEX events_by_zone_without_door ON events(zone_id)
  WHERE zone_id IS NOT NULL AND door_id IS NULL;
)sql";

// The people store's tables (owned by people_store.cpp). WITHOUT ROWID
// (s22-import): each table is one B-tree keyed by its primary key. A rowid
// table with a TEXT key is two (the rows by rowid and the key's autoindex),
// so every person, level and card of an import cost two inserts, 9 a person
// where these take 5; a read by key is one descent, not two. Files made
// before are rebuilt on open (ensure_people_layout). `people` gains its
// clearance columns through ensure_roster_tables' steps, like older files.
// The two child tables' columns are macros, shared by a new file's schema
// and the migration (string literals concatenate at compile time).
#define VIGIL_PERSON_LEVELS_COLUMNS                                     \
  "(\n"                                                                 \
  "  person   TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,\n" \
  "  position INTEGER NOT NULL,\n"                                      \
  "  level    TEXT NOT NULL,\n"                                         \
  "  PRIMARY KEY (person, position)\n"                                  \
  ") WITHOUT ROWID;\n"
// card is "facility:number", the same text as the journal's card column, so
// a 64-bit card number never meets SQLite's signed integers.
#define VIGIL_CREDENTIALS_COLUMNS                                             \
  "(\n"                                                                       \
  "  card           TEXT PRIMARY KEY,\n"                                      \
  "  person         TEXT NOT NULL REFERENCES people(id) ON DELETE CASCADE,\n" \
  "  active         INTEGER NOT NULL,\n"                                      \
  "  valid_from_us  INTEGER,\n"                                               \
  "  valid_until_us INTEGER\n"                                                \
  ") WITHOUT ROWID;\n"

constexpr const char* kPeopleSchema =
    "CREATE TABLE IF NOT EXISTS people (\n"
    "  id     TEXT PRIMARY KEY,\n"
    "  name   TEXT NOT NULL,\n"
    "  active INTEGER NOT NULL\n"
    ") WITHOUT ROWID;\n"
    "CREATE TABLE IF NOT EXISTS person_levels " VIGIL_PERSON_LEVELS_COLUMNS
    "CREATE TABLE IF NOT EXISTS credentials " VIGIL_CREDENTIALS_COLUMNS
    "CREATE INDEX IF NOT EXISTS credentials_by_person ON credentials(person);\n";

// 1 when the three tables above are WITHOUT ROWID (pragma_table_list: 3.37).
constexpr const char* kPeopleLayoutCurrent =
    "SELECT count(*) = 3 FROM pragma_table_list WHERE schema = 'main' AND wr = 1 AND name IN "
    "('people', 'person_levels', 'credentials')";

// An older file's tables copied into WITHOUT ROWID ones of the same columns
// (people's clearance columns as ensure_roster_tables adds them), the old
// ones dropped and the new ones renamed. Run with foreign keys off: with
// them on, DROP TABLE people deletes every row first and the cascade takes
// the levels and cards with it.
constexpr const char* kPeopleLayoutMigration = R"sql(
CREATE TABLE people_v3 (
  id     TEXT PRIMARY KEY,
  name   TEXT NOT NULL,
  active INTEGER NOT NULL,
  clearance TEXT
    CHECK (clearance IS NULL OR clearance IN ('confidential', 'secret', 'top_secret')),
  clearance_expires TEXT
    CHECK (clearance_expires IS NULL OR clearance_expires GLOB
    '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]')
) WITHOUT ROWID;
INSERT INTO people_v3 (id, name, active, clearance, clearance_expires)
  SELECT id, name, active, clearance, clearance_expires FROM people;
CREATE TABLE person_levels_v3 )sql" VIGIL_PERSON_LEVELS_COLUMNS R"sql(
INSERT INTO person_levels_v3 (person, position, level)
  SELECT person, position, level FROM person_levels;
CREATE TABLE credentials_v3 )sql" VIGIL_CREDENTIALS_COLUMNS R"sql(
INSERT INTO credentials_v3 (card, person, active, valid_from_us, valid_until_us)
  SELECT card, person, active, valid_from_us, valid_until_us FROM credentials;
DROP TABLE credentials;
DROP TABLE person_levels;
DROP TABLE people;
ALTER TABLE people_v3 RENAME TO people;
ALTER TABLE person_levels_v3 RENAME TO person_levels;
ALTER TABLE credentials_v3 RENAME TO credentials;
CREATE INDEX credentials_by_person ON credentials(person);
)sql";
#undef VIGIL_PERSON_LEVELS_COLUMNS
#undef VIGIL_CREDENTIALS_COLUMNS

// 8 KiB pages: an index insert in the middle of a B-tree (person, door)
// splits and rebalances pages half as often as with 4 KiB, which measured
// +14 % appends/s on the group-commit benchmark (16 KiB: +22 %). Not 16 KiB:
// at quiet times a commit holds one event and writes every page it dirties to
// the WAL, and gateway storage (SD, eMMC) wears with bytes written.
constexpr int kPageSize = 8192;

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

// Kind and reason: few values, so each (value, seq) entry lands at the right
// edge of its value's range, a page already in cache. Card: a partial index
// like the person's (most events carry no card). Person and door: files made
// before s19 have (person_id) and (door_id) alone; the (x, ts_us) indexes
// replace them, built before the old ones go, in the same transaction.
constexpr const char* kQueryIndexes = R"sql(
CREATE INDEX IF NOT EXISTS events_by_card ON events(card) WHERE card IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_kind ON events(kind_id);
CREATE INDEX IF NOT EXISTS events_by_reason ON events(reason_id);
CREATE INDEX IF NOT EXISTS events_by_person_time ON events(person_id, ts_us)
  WHERE person_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS events_by_door_time ON events(door_id, ts_us)
  WHERE door_id IS NOT NULL;
DROP INDEX IF EXISTS events_by_person;
DROP INDEX IF EXISTS events_by_door;
)sql";
// 1 when every index above is there and neither replaced one is.
constexpr const char* kQueryIndexesCurrent =
    "SELECT (SELECT count(*) FROM sqlite_master WHERE type = 'index' AND name IN "
    "('events_by_card', 'events_by_kind', 'events_by_reason', 'events_by_person_time', "
    "'events_by_door_time')) = 5 AND NOT EXISTS (SELECT 1 FROM sqlite_master WHERE "
    "type = 'index' AND name IN ('events_by_person', 'events_by_door'))";

}  // namespace

void ensure_query_indexes(sqlite::Database& db) {
  if (db.query_int(kQueryIndexesCurrent) == 1) return;
  sqlite::Transaction transaction{db};
  db.exec(kQueryIndexes);
  transaction.commit();
}

void ensure_people_layout(sqlite::Database& db) {
  if (db.query_int(kPeopleLayoutCurrent) == 1) return;
  // foreign_keys cannot change inside a transaction: off before it, back on
  // after it (open_database turned it on), also when the migration throws.
  db.exec("PRAGMA foreign_keys=OFF");
  struct KeysBackOn {
    sqlite::Database& db;
    ~KeysBackOn() {
      try {
        db.exec("PRAGMA foreign_keys=ON");
      } catch (...) {  // a destructor must not throw; the next open sets it
      }
    }
  } keys_back_on{db};
  sqlite::Transaction transaction{db};
  // Checked again under the write lock: another process may have just done it.
  if (db.query_int(kPeopleLayoutCurrent) == 1) return;
  // The same rows under the same keys: no reference can break that did not
  // before, so no foreign_key_check (it would also refuse a file for rows
  // in tables this does not touch).
  db.exec(kPeopleLayoutMigration);
  transaction.commit();
}

void create_journal_tables(sqlite::Database& db) {
  db.exec(kJournalSchema);
  auto id = random_journal_id();
  auto insert = db.cached("INSERT INTO journal_meta (key, value) VALUES (?1, ?2)");
  insert->bind(1, std::string_view{"journal_id"});
  insert->bind(2, std::string_view{to_hex(id)});
  insert->step();
  insert->reset();
  insert->bind(1, std::string_view{"format"});
  insert->bind(2, kCanonicalMagic);
  insert->step();
}

std::unique_ptr<sqlite::Database> open_database(const std::filesystem::path& path,
                                                std::chrono::milliseconds busy_timeout) {
  auto db = std::make_unique<sqlite::Database>(
      path,
      sqlite::OpenOptions{.busy_timeout = busy_timeout, .durable = true, .page_size = kPageSize});
  db->exec("PRAGMA foreign_keys=ON");

  // Only take the write lock when there is something to create, so opening a
  // current file to read never waits behind the daemon's writer.
  if (check_version(*db, path) < kSchemaVersion) {
    sqlite::Transaction transaction{*db};
    // Each step in this same transaction: a crash never leaves a
    // half-migrated file.
    auto version = check_version(*db, path);
    if (version == 0) {
      create_journal_tables(*db);
      db->exec(kPeopleSchema);
    } else if (version == 1) {
      migrate_v1(*db);
    }
    if (version < kSchemaVersion) {
      db->exec("PRAGMA user_version=" + std::to_string(kSchemaVersion));
    }
    transaction.commit();
  }
  return db;
}

}  // namespace vigil::journal
