#include "vigil/journal/people_store.hpp"

#include <string>
#include <unordered_set>

#include "event_row.hpp"
#include "schema.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

[[noreturn]] void invalid(const std::string& why) {
  throw JournalError("people import refused, nothing changed: " + why, 0);
}

void bind_optional_time(sqlite::Statement& statement, int index,
                        const std::optional<core::TimePoint>& time) {
  if (time) {
    statement.bind(index, core::to_unix_micros(*time));
  } else {
    statement.bind_null(index);
  }
}

std::optional<core::TimePoint> column_optional_time(const sqlite::Statement& select, int column) {
  if (select.is_null(column)) return std::nullopt;
  return core::from_unix_micros(select.column_int(column));
}

bool person_stored(sqlite::Database& db, const core::PersonId& id) {
  auto select = db.cached("SELECT 1 FROM people WHERE id = ?");
  select->bind(1, std::string_view{id.str()});
  return select->step();
}

void store_person(sqlite::Database& db, const core::Person& person) {
  // An upsert, not INSERT OR REPLACE: REPLACE deletes the old row first,
  // and the ON DELETE CASCADE would take the person's credentials with it.
  auto upsert = db.cached(
      "INSERT INTO people (id, name, active) VALUES (?1, ?2, ?3) "
      "ON CONFLICT (id) DO UPDATE SET name = excluded.name, active = excluded.active");
  upsert->bind(1, std::string_view{person.id.str()});
  upsert->bind(2, std::string_view{person.name});
  upsert->bind(3, std::int64_t{person.active ? 1 : 0});
  upsert->step();

  auto clear_levels = db.cached("DELETE FROM person_levels WHERE person = ?");
  clear_levels->bind(1, std::string_view{person.id.str()});
  clear_levels->step();

  auto insert_level =
      db.cached("INSERT INTO person_levels (person, position, level) VALUES (?1, ?2, ?3)");
  std::int64_t position = 0;
  for (const auto& level : person.access_levels) {
    insert_level->bind(1, std::string_view{person.id.str()});
    insert_level->bind(2, position++);
    insert_level->bind(3, std::string_view{level.str()});
    insert_level->step();
    insert_level->reset();
  }
}

void store_credential(sqlite::Database& db, const core::Credential& credential) {
  auto upsert = db.cached(
      "INSERT INTO credentials (card, person, active, valid_from_us, valid_until_us) "
      "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (card) DO UPDATE SET person = excluded.person, "
      "active = excluded.active, valid_from_us = excluded.valid_from_us, "
      "valid_until_us = excluded.valid_until_us");
  upsert->bind(1, std::string_view{core::to_string(credential.card)});
  upsert->bind(2, std::string_view{credential.person.str()});
  upsert->bind(3, std::int64_t{credential.active ? 1 : 0});
  bind_optional_time(*upsert, 4, credential.valid_from);
  bind_optional_time(*upsert, 5, credential.valid_until);
  upsert->step();
}

}  // namespace

PeopleStore::PeopleStore(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout)
    : db_(open_database(path, busy_timeout)) {}

PeopleStore::PeopleStore(PeopleStore&&) noexcept = default;
PeopleStore& PeopleStore::operator=(PeopleStore&&) noexcept = default;
PeopleStore::~PeopleStore() = default;

void PeopleStore::import(const std::vector<core::Person>& people,
                         const std::vector<core::Credential>& credentials) {
  std::unordered_set<core::PersonId> imported;
  for (const auto& person : people) {
    if (person.id.empty()) invalid("a person has an empty id");
    imported.insert(person.id);
  }
  sqlite::Transaction transaction{*db_};
  for (const auto& person : people) store_person(*db_, person);
  for (const auto& credential : credentials) {
    // Checked here for a message that names the card; the foreign key on
    // credentials.person is the backstop.
    if (!imported.contains(credential.person) && !person_stored(*db_, credential.person)) {
      invalid("credential " + core::to_string(credential.card) + " names unknown person '" +
              credential.person.str() + "'");
    }
    store_credential(*db_, credential);
  }
  transaction.commit();
}

core::PeopleDirectory PeopleStore::load() const {
  core::PeopleDirectory directory;
  sqlite::ReadTransaction snapshot{*db_};  // people and credentials from one import
  auto counts = count();
  directory.reserve(counts.people, counts.credentials);

  // Levels come sorted by person, then position, and are merged in one pass.
  sqlite::Statement people{db_->handle(),
                           "SELECT p.id, p.name, p.active, l.level FROM people p "
                           "LEFT JOIN person_levels l ON l.person = p.id "
                           "ORDER BY p.id, l.position"};
  std::optional<core::Person> current;
  while (people.step()) {
    auto id = people.column_text(0);
    if (!current || current->id.str() != id) {
      if (current) directory.add_person(std::move(*current));
      current = core::Person{.id = core::PersonId{id},
                             .name = people.column_text(1),
                             .active = people.column_int(2) != 0,
                             .access_levels = {}};
    }
    if (!people.is_null(3)) current->access_levels.emplace_back(people.column_text(3));
  }
  if (current) directory.add_person(std::move(*current));

  sqlite::Statement credentials{db_->handle(),
                                "SELECT card, person, active, valid_from_us, valid_until_us "
                                "FROM credentials ORDER BY card"};
  while (credentials.step()) {
    auto card_text = credentials.column_text(0);
    auto card = parse_card(card_text);
    if (!card) throw JournalError("credentials: unreadable card '" + card_text + "'", 0);
    directory.add_credential(core::Credential{
        .card = *card,
        .person = core::PersonId{credentials.column_text(1)},
        .active = credentials.column_int(2) != 0,
        .valid_from = column_optional_time(credentials, 3),
        .valid_until = column_optional_time(credentials, 4),
    });
  }
  return directory;
}

PeopleCount PeopleStore::count() const {
  return PeopleCount{
      .people = static_cast<std::size_t>(db_->query_int("SELECT count(*) FROM people")),
      .credentials = static_cast<std::size_t>(db_->query_int("SELECT count(*) FROM credentials")),
  };
}

}  // namespace vigil::journal
