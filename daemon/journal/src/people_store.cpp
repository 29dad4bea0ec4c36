#include "vigil/journal/people_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "event_row.hpp"
#include "risk_rows.hpp"
#include "roster_rows.hpp"
#include "schema.hpp"
#include "vigil/journal/sqlite.hpp"
#include "visit_rows.hpp"

namespace vigil::journal {
namespace {

std::optional<core::TimePoint> column_optional_time(const sqlite::Statement& select, int column) {
  if (select.is_null(column)) return std::nullopt;
  return core::from_unix_micros(select.column_int(column));
}

}  // namespace

PeopleStore::PeopleStore(const std::filesystem::path& path, std::chrono::milliseconds busy_timeout)
    : db_(open_database(path, busy_timeout)) {
  ensure_roster_tables(*db_);
}

PeopleStore::PeopleStore(PeopleStore&&) noexcept = default;
PeopleStore& PeopleStore::operator=(PeopleStore&&) noexcept = default;
PeopleStore::~PeopleStore() = default;

core::PeopleDirectory PeopleStore::load() const {
  sqlite::ReadTransaction snapshot{*db_};  // people and credentials from one commit
  return load_directory();
}

RosterSnapshot PeopleStore::load_snapshot() const {
  sqlite::ReadTransaction snapshot{*db_};
  RosterSnapshot out;
  out.version = read_roster_version(*db_);
  out.people = load_directory();
  out.lockdowns = read_lockdowns(*db_);
  return out;
}

core::PeopleDirectory PeopleStore::load_directory() const {
  core::PeopleDirectory directory;
  auto counts = count();
  // PINs too: 2,000,000 of them grown by doubling held 1.5x their 104 MB
  // while the last copy ran (s22-start).
  directory.reserve(counts.people, counts.credentials, count_pins(*db_));

  // Every table in rowid order, as stored: a walk of the table's own B-tree.
  // `ORDER BY id` (and `person, position`, and `card`) read each row through
  // the key's index and then searched the table for it: 8,000,000 searches
  // at 2,000,000 people (issue 8's start-up, s21-startup). A person's level
  // rows are written right after the person (roster_rows.cpp), so the two
  // scans line up: a person's levels are the run of level rows naming them
  // that stands first when their turn comes. What does not line up (levels
  // rewritten by a later change, positions out of order) is read again by
  // key at the end; nothing relies on the order for correctness.
  sqlite::Statement people{db_->handle(),
                           "SELECT id, name, active, clearance, clearance_expires FROM people"};
  sqlite::Statement levels{db_->handle(), "SELECT person, position, level FROM person_levels"};
  std::vector<core::PersonId> reread;
  bool level_row = levels.step();
  // Level rows of people already added stand out of line: read those
  // people again by key.
  auto skip_out_of_line = [&] {
    while (level_row) {
      core::PersonId holder{std::string{levels.column_text_view(0)}};
      if (!directory.find_person(holder)) return;
      reread.push_back(std::move(holder));
      level_row = levels.step();
    }
  };
  core::Person person;  // one, reused: its vector and strings keep their room
  while (people.step()) {
    person.id = core::PersonId{people.column_text(0)};
    person.name.assign(people.column_text_view(1));
    person.active = people.column_int(2) != 0;
    person.clearance = column_clearance(people, 3, 4);
    person.access_levels.clear();
    const std::string_view id = person.id.str();
    if (level_row && levels.column_text_view(0) != id) skip_out_of_line();
    std::int64_t last_position = -1;
    while (level_row && levels.column_text_view(0) == id) {
      const std::int64_t position = levels.column_int(1);
      if (position <= last_position) reread.push_back(person.id);
      last_position = position;
      person.access_levels.emplace_back(std::string{levels.column_text_view(2)});
      level_row = levels.step();
    }
    directory.append_new_person(person);  // the table's primary key: never in twice
  }
  skip_out_of_line();  // what is left names people added or nobody (ignored)
  std::sort(reread.begin(), reread.end());
  reread.erase(std::unique(reread.begin(), reread.end()), reread.end());
  for (const auto& id : reread) {
    if (auto stored = read_person(*db_, id)) directory.add_person(*stored);
  }

  sqlite::Statement credentials{db_->handle(),
                                "SELECT card, person, active, valid_from_us, valid_until_us "
                                "FROM credentials"};
  PersonCursor holders{directory};  // cards are written in their holders' order
  while (credentials.step()) {
    const auto card_text = credentials.column_text_view(0);
    auto card = parse_card(card_text);
    if (!card) {
      throw JournalError("credentials: unreadable card '" + std::string{card_text} + "'", 0);
    }
    const auto holder_id = credentials.column_text_view(1);
    const auto holder = holders.find(holder_id);
    if (!holder) throw std::out_of_range("no person '" + std::string{holder_id} + "'");
    directory.add_credential_at(*holder, core::Credential{
                                             .card = *card,
                                             .person = {},  // the holder is `holder`
                                             .active = credentials.column_int(2) != 0,
                                             .valid_from = column_optional_time(credentials, 3),
                                             .valid_until = column_optional_time(credentials, 4),
                                         });
  }
  for (auto& [person, risk] : read_risks(*db_)) directory.set_risk(person, std::move(risk));
  read_pins_into(*db_, directory);
  for (auto& [visitor, visits] : read_visitors(*db_)) {
    directory.set_visits(visitor, std::move(visits));
  }
  return directory;
}

PeopleCount PeopleStore::count() const {
  return PeopleCount{
      .people = static_cast<std::size_t>(db_->query_int("SELECT count(*) FROM people")),
      .credentials = static_cast<std::size_t>(db_->query_int("SELECT count(*) FROM credentials")),
  };
}

std::optional<PersonRecord> PeopleStore::find_person(const core::PersonId& id) const {
  sqlite::ReadTransaction snapshot{*db_};
  auto person = read_person(*db_, id);
  if (!person) return std::nullopt;
  PersonRecord record{.person = std::move(*person), .cards = {}, .risk = {}};
  record.risk.flag = read_flag(*db_, id);
  for (auto& trip : read_trips(*db_, id)) record.risk.trips.push_back(std::move(trip.trip));
  std::vector<core::CardNumber> cards;
  {
    auto select = db_->cached("SELECT card FROM credentials WHERE person = ?");
    select->bind(1, std::string_view{id.str()});
    while (select->step()) {
      if (auto card = parse_card(select->column_text(0))) cards.push_back(*card);
    }
  }
  std::sort(cards.begin(), cards.end());
  for (const auto& card : cards) {
    if (auto credential = read_credential(*db_, card)) {
      record.cards.push_back(
          CardRecord{.credential = std::move(*credential), .revoked = is_revoked(*db_, card)});
    }
  }
  return record;
}

std::vector<core::Person> PeopleStore::list_people(
    std::optional<core::LocalDate> clearance_expires_by) const {
  sqlite::ReadTransaction snapshot{*db_};
  // ISO dates order as text, so the filter and the order need no parsing.
  std::string sql = "SELECT id, name, active, clearance, clearance_expires FROM people";
  if (clearance_expires_by) {
    sql +=
        " WHERE clearance IS NOT NULL AND clearance_expires IS NOT NULL AND clearance_expires <= ?1"
        " ORDER BY clearance_expires, id";
  } else {
    sql += " ORDER BY id";
  }
  sqlite::Statement select{db_->handle(), sql};
  const std::string by = clearance_expires_by ? core::format_date(*clearance_expires_by) : "";
  if (clearance_expires_by) select.bind(1, std::string_view{by});
  std::vector<core::Person> people;
  auto levels = db_->cached("SELECT level FROM person_levels WHERE person = ? ORDER BY position");
  while (select.step()) {
    core::Person person{.id = core::PersonId{select.column_text(0)},
                        .name = select.column_text(1),
                        .active = select.column_int(2) != 0,
                        .access_levels = {},
                        .clearance = column_clearance(select, 3, 4)};
    levels->bind(1, std::string_view{person.id.str()});
    while (levels->step()) person.access_levels.emplace_back(levels->column_text(0));
    levels->reset();
    people.push_back(std::move(person));
  }
  return people;
}

std::vector<FlagRecord> PeopleStore::list_flags() const {
  sqlite::ReadTransaction snapshot{*db_};
  return read_flags(*db_);
}

std::vector<TripRecord> PeopleStore::list_trips(const std::optional<core::PersonId>& person) const {
  sqlite::ReadTransaction snapshot{*db_};
  return read_trips(*db_, person);
}

std::vector<core::Visit> PeopleStore::list_visits(
    const std::optional<core::PersonId>& visitor) const {
  sqlite::ReadTransaction snapshot{*db_};
  return read_visits(*db_, visitor);
}

std::optional<core::Visit> PeopleStore::find_visit(std::int64_t id) const {
  return read_visit(*db_, id);
}

core::Lockdowns PeopleStore::lockdowns() const {
  return read_lockdowns(*db_);
}

std::uint64_t PeopleStore::version() const {
  return read_roster_version(*db_);
}

std::int64_t PeopleStore::data_version() const {
  return db_->query_int("PRAGMA data_version");
}

}  // namespace vigil::journal
