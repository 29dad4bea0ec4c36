#include "roster_rows.hpp"

#include <array>

#include "event_row.hpp"
#include "schema.hpp"

namespace vigil::journal {
namespace {

constexpr const char* kRosterTables = R"sql(
CREATE TABLE IF NOT EXISTS revoked_cards (
  card       TEXT PRIMARY KEY,
  person     TEXT NOT NULL,
  revoked_us INTEGER NOT NULL,
  reason     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS roster_version (
  id      INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL
);
INSERT OR IGNORE INTO roster_version (id, version) VALUES (1, 0);
)sql";

void bind_optional_time(sqlite::Statement& statement, int index,
                        const std::optional<core::TimePoint>& time) {
  if (time) {
    statement.bind(index, core::to_unix_micros(*time));
  } else {
    statement.bind_null(index);
  }
}

}  // namespace
namespace roster_rows_impl {
std::optional<core::TimePoint> column_optional_time(const sqlite::Statement& select, int column) {
  if (select.is_null(column)) return std::nullopt;
  return core::from_unix_micros(select.column_int(column));
}
}  // namespace roster_rows_impl
namespace {

core::CardNumber column_card(const sqlite::Statement& select, int column) {
  auto text = select.column_text(column);
  auto card = parse_card(text);
  if (!card) throw JournalError("credentials: unreadable card '" + text + "'", 0);
  return *card;
}

// Columns: card, person, active, valid_from_us, valid_until_us.
core::Credential read_credential_row(const sqlite::Statement& select) {
  return core::Credential{
      .card = column_card(select, 0),
      .person = core::PersonId{select.column_text(1)},
      .active = select.column_int(2) != 0,
      .valid_from = roster_rows_impl::column_optional_time(select, 3),
      .valid_until = roster_rows_impl::column_optional_time(select, 4),
  };
}

constexpr const char* kCredentialColumns =
    "SELECT card, person, active, valid_from_us, valid_until_us FROM credentials";

// Additions to the people tables since they first shipped, each applied
// once, in order, when the file lacks it. New tables are STRICT like the
// journal's; `people` itself predates STRICT and gains plain columns with
// CHECKs. Not a user_version bump: that number is the journal format the
// inspector's script checks, and these tables are not part of the chain.
struct PeopleStep {
  const char* present;  // counts 1 when the step is already applied
  const char* apply;
};
constexpr PeopleStep kPeopleSteps[] = {
    // Issue 8: clearance level and its last valid local day.
    {"SELECT count(*) FROM pragma_table_info('people') WHERE name = 'clearance_expires'",
     "ALTER TABLE people ADD COLUMN clearance TEXT "
     "  CHECK (clearance IS NULL OR clearance IN ('confidential', 'secret', 'top_secret'));"
     "ALTER TABLE people ADD COLUMN clearance_expires TEXT "
     "  CHECK (clearance_expires IS NULL OR clearance_expires GLOB "
     "  '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]');"},
    // Issue 8: integrity-risk flags (one per person; history is in the
    // journal) and trips abroad. Days are local ISO dates.
    {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'trips'",
     "CREATE TABLE person_flags ("
     "  person   TEXT PRIMARY KEY REFERENCES people(id),"
     "  kind     TEXT NOT NULL CHECK (kind IN ('watch', 'suspend')),"
     "  set_by   TEXT NOT NULL,"
     "  set_us   INTEGER NOT NULL,"
     "  reason   TEXT NOT NULL,"
     "  last_day TEXT"
     ") STRICT;"
     "CREATE TABLE trips ("
     "  id          INTEGER PRIMARY KEY,"
     "  person      TEXT NOT NULL REFERENCES people(id),"
     "  first_day   TEXT NOT NULL,"
     "  last_day    TEXT NOT NULL CHECK (last_day >= first_day),"
     "  destination TEXT NOT NULL,"
     "  approval    TEXT NOT NULL,"
     "  added_by    TEXT NOT NULL,"
     "  added_us    INTEGER NOT NULL,"
     "  returned_us INTEGER,"
     "  returned_by TEXT,"
     "  return_note TEXT"
     ") STRICT;"
     "CREATE INDEX trips_by_person ON trips(person);"},
    // Issue 8: PINs for card + PIN doors, as PBKDF2 hash strings
    // (vigil/core/pin.hpp), one per person; never the digits.
    {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'person_pins'",
     "CREATE TABLE person_pins ("
     "  person TEXT PRIMARY KEY REFERENCES people(id),"
     "  hash   TEXT NOT NULL,"
     "  set_by TEXT NOT NULL,"
     "  set_us INTEGER NOT NULL"
     ") STRICT;"},
    // Issue 8: lockdown orders in force, one per zone. The journal's
    // lockdown_set / lockdown_released events, committed in the same
    // transaction, are their history.
    {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'lockdowns'",
     "CREATE TABLE lockdowns ("
     "  zone       TEXT PRIMARY KEY,"
     "  ordered_by TEXT NOT NULL,"
     "  since_us   INTEGER NOT NULL,"
     "  reason     TEXT NOT NULL"
     ") STRICT;"},
    // Issue 8 item 6: visits (the visitor is a person with their visitor
    // card; zones a comma list of zone ids). Ended early: ended_us set.
    {"SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'visits'",
     "CREATE TABLE visits ("
     "  id           INTEGER PRIMARY KEY,"
     "  visitor      TEXT NOT NULL REFERENCES people(id),"
     "  host         TEXT NOT NULL REFERENCES people(id),"
     "  purpose      TEXT NOT NULL,"
     "  organisation TEXT NOT NULL,"
     "  delegation   TEXT NOT NULL,"
     "  first_day    TEXT NOT NULL,"
     "  last_day     TEXT NOT NULL CHECK (last_day >= first_day),"
     "  zones        TEXT NOT NULL CHECK (zones <> ''),"
     "  added_by     TEXT NOT NULL,"
     "  added_us     INTEGER NOT NULL,"
     "  ended_us     INTEGER,"
     "  ended_by     TEXT,"
     "  end_reason   TEXT"
     ") STRICT;"
     "CREATE INDEX visits_by_visitor ON visits(visitor);"},
};

bool people_steps_applied(sqlite::Database& db) {
  for (const auto& step : kPeopleSteps) {
    if (db.query_int(step.present) == 0) return false;
  }
  return true;
}

}  // namespace

void ensure_roster_tables(sqlite::Database& db) {
  // Only take the write lock when something is missing, so opening a current
  // file to read never waits behind vigild's writer.
  const char* count_sql =
      "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name IN "
      "('revoked_cards', 'roster_version')";
  if (db.query_int(count_sql) != 2 || !people_steps_applied(db)) {
    sqlite::Transaction transaction{db};
    db.exec(kRosterTables);
    // Checked again inside the write lock: another process may have just
    // applied them.
    for (const auto& step : kPeopleSteps) {
      if (db.query_int(step.present) == 0) db.exec(step.apply);
    }
    transaction.commit();
  }
  ensure_people_layout(db);  // after the steps: it copies the clearance columns
}

namespace {

void bind_optional_text(sqlite::Statement& statement, int index, const std::string& text) {
  if (text.empty()) {
    statement.bind_null(index);
  } else {
    statement.bind(index, std::string_view{text});
  }
}

}  // namespace

namespace {

template <typename Key, std::size_t N = 4>
class RecentTexts {
 public:
  template <typename Format>
  const std::string& get(Key key, Format format) {
    for (std::size_t i = 0; i < used_; ++i) {
      if (slots_[i].first == key) return slots_[i].second;
    }
    auto& slot = slots_[next_];
    next_ = (next_ + 1) % N;
    if (used_ < N) ++used_;
    slot.first = key;
    slot.second = format(key);
    return slot.second;
  }

 private:
  std::array<std::pair<Key, std::string>, N> slots_{};
  std::size_t used_ = 0;
  std::size_t next_ = 0;
};

}  // namespace

const std::string& date_text(core::LocalDate date) {
  thread_local RecentTexts<core::LocalDate> recent;
  return recent.get(date, [](core::LocalDate d) { return core::format_date(d); });
}

const std::string& utc_text(core::TimePoint time) {
  thread_local RecentTexts<core::TimePoint> recent;
  return recent.get(time, [](core::TimePoint t) { return core::format_utc(t); });
}

core::Clearance column_clearance(const sqlite::Statement& select, int level, int expires) {
  core::Clearance clearance;
  if (!select.is_null(level)) {
    clearance.level = core::clearance_level_from_string(select.column_text(level))
                          .value_or(core::ClearanceLevel::none);
  }
  if (!select.is_null(expires)) clearance.expires = core::parse_date(select.column_text(expires));
  return clearance;
}

std::uint64_t read_roster_version(sqlite::Database& db) {
  auto select = db.cached("SELECT version FROM roster_version WHERE id = 1");
  return select->step() ? static_cast<std::uint64_t>(select->column_int(0)) : 0;
}

void bump_roster_version(sqlite::Database& db) {
  auto update = db.cached("UPDATE roster_version SET version = version + 1 WHERE id = 1");
  update->step();
}

namespace {

// The statements' texts as strings made once: Database::cached() looks a
// statement up by its text, and a literal made a std::string per call (two
// or three per row of a large import).
const std::string kInsertPerson =
    "INSERT INTO people (id, name, active, clearance, clearance_expires) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
const std::string kUpsertPerson =
    kInsertPerson +
    " ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active, "
    "clearance = excluded.clearance, clearance_expires = excluded.clearance_expires";
const std::string kInsertLevel =
    "INSERT INTO person_levels (person, position, level) VALUES (?1, ?2, ?3)";
const std::string kInsertCredential =
    "INSERT INTO credentials (card, person, active, valid_from_us, valid_until_us) "
    "VALUES (?1, ?2, ?3, ?4, ?5)";
const std::string kUpsertCredential =
    kInsertCredential +
    " ON CONFLICT (card) DO UPDATE SET person = excluded.person, active = excluded.active, "
    "valid_from_us = excluded.valid_from_us, valid_until_us = excluded.valid_until_us";

void write_person_rows(sqlite::Database& db, const core::Person& person, bool added) {
  // An upsert, not INSERT OR REPLACE: REPLACE deletes the old row first,
  // and the ON DELETE CASCADE would take the person's credentials with it.
  // A person the plan found absent is a plain INSERT: an upsert makes SQLite
  // keep a statement journal (a copy of every page the statement touches),
  // which was most of an import's writes.
  auto upsert = db.cached(added ? kInsertPerson : kUpsertPerson);
  upsert->bind(1, std::string_view{person.id.str()});
  upsert->bind(2, std::string_view{person.name});
  upsert->bind(3, std::int64_t{person.active ? 1 : 0});
  const auto& clearance = person.clearance;
  bind_optional_text(*upsert, 4,
                     clearance.level == core::ClearanceLevel::none
                         ? std::string{}
                         : core::to_string(clearance.level));
  if (clearance.expires) {
    upsert->bind(5, std::string_view{date_text(*clearance.expires)});
  } else {
    upsert->bind_null(5);
  }
  upsert->step();

  if (!added) {
    auto clear_levels = db.cached("DELETE FROM person_levels WHERE person = ?");
    clear_levels->bind(1, std::string_view{person.id.str()});
    clear_levels->step();
  }

  auto insert_level = db.cached(kInsertLevel);
  std::int64_t position = 0;
  for (const auto& level : person.access_levels) {
    insert_level->bind(1, std::string_view{person.id.str()});
    insert_level->bind(2, position++);
    insert_level->bind(3, std::string_view{level.str()});
    insert_level->step();
    insert_level->reset();
  }
}

}  // namespace

void write_person(sqlite::Database& db, const core::Person& person) {
  write_person_rows(db, person, false);
}

void write_added_person(sqlite::Database& db, const core::Person& person) {
  write_person_rows(db, person, true);
}

void write_credential(sqlite::Database& db, const core::Credential& credential, bool added) {
  auto upsert = db.cached(added ? kInsertCredential : kUpsertCredential);
  // Bound without copies (an import writes a row per new card): both texts
  // live until the step below.
  const std::string card = core::to_string(credential.card);
  upsert->bind_static(1, card);
  upsert->bind_static(2, credential.person.str());
  upsert->bind(3, std::int64_t{credential.active ? 1 : 0});
  bind_optional_time(*upsert, 4, credential.valid_from);
  bind_optional_time(*upsert, 5, credential.valid_until);
  upsert->step();
}

void write_revocation(sqlite::Database& db, const core::CardNumber& card,
                      const core::PersonId& person, core::TimePoint at, const std::string& reason) {
  auto insert = db.cached(
      "INSERT OR REPLACE INTO revoked_cards (card, person, revoked_us, reason) "
      "VALUES (?1, ?2, ?3, ?4)");
  insert->bind(1, std::string_view{core::to_string(card)});
  insert->bind(2, std::string_view{person.str()});
  insert->bind(3, core::to_unix_micros(at));
  insert->bind(4, std::string_view{reason});
  insert->step();
}

StoredRoster read_stored_roster(sqlite::Database& db) {
  sqlite::ReadTransaction snapshot{db};
  return read_stored_roster_in_transaction(db);
}

StoredRoster read_stored_roster_in_transaction(sqlite::Database& db) {
  StoredRoster stored;
  stored.version = read_roster_version(db);
  {
    sqlite::Statement people{db.handle(),
                             "SELECT p.id, p.name, p.active, l.level, p.clearance, "
                             "p.clearance_expires FROM people p "
                             "LEFT JOIN person_levels l ON l.person = p.id "
                             "ORDER BY p.id, l.position"};
    while (people.step()) {
      core::PersonId id{people.column_text(0)};
      auto [it, inserted] = stored.people.try_emplace(id);
      if (inserted) {
        it->second = core::Person{.id = id,
                                  .name = people.column_text(1),
                                  .active = people.column_int(2) != 0,
                                  .access_levels = {},
                                  .clearance = column_clearance(people, 4, 5)};
      }
      if (!people.is_null(3)) it->second.access_levels.emplace_back(people.column_text(3));
    }
  }
  {
    sqlite::Statement credentials{db.handle(), kCredentialColumns};
    while (credentials.step()) {
      auto credential = read_credential_row(credentials);
      stored.credentials.emplace(credential.card, std::move(credential));
    }
  }
  sqlite::Statement revoked{db.handle(), "SELECT card FROM revoked_cards"};
  while (revoked.step()) stored.revoked.insert(column_card(revoked, 0));
  return stored;
}

std::optional<core::Person> read_person(sqlite::Database& db, const core::PersonId& id) {
  auto select =
      db.cached("SELECT name, active, clearance, clearance_expires FROM people WHERE id = ?");
  select->bind(1, std::string_view{id.str()});
  if (!select->step()) return std::nullopt;
  core::Person person{.id = id,
                      .name = select->column_text(0),
                      .active = select->column_int(1) != 0,
                      .access_levels = {},
                      .clearance = column_clearance(*select, 2, 3)};
  auto levels = db.cached("SELECT level FROM person_levels WHERE person = ? ORDER BY position");
  levels->bind(1, std::string_view{id.str()});
  while (levels->step()) person.access_levels.emplace_back(levels->column_text(0));
  return person;
}

std::optional<core::Credential> read_credential(sqlite::Database& db,
                                                const core::CardNumber& card) {
  auto select = db.cached(std::string{kCredentialColumns} + " WHERE card = ?");
  select->bind(1, std::string_view{core::to_string(card)});
  if (!select->step()) return std::nullopt;
  return read_credential_row(*select);
}

bool is_revoked(sqlite::Database& db, const core::CardNumber& card) {
  auto select = db.cached("SELECT 1 FROM revoked_cards WHERE card = ?");
  select->bind(1, std::string_view{core::to_string(card)});
  return select->step();
}

}  // namespace vigil::journal
