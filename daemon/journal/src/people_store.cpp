#include "vigil/journal/people_store.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "event_row.hpp"
#include "people_load.hpp"
#include "risk_rows.hpp"
#include "roster_rows.hpp"
#include "schema.hpp"
#include "vigil/journal/sqlite.hpp"
#include "visit_rows.hpp"

namespace vigil::journal {
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
  // People, levels, cards and PINs: decoded on a second thread while this
  // one fills the directory (people_load.cpp, s23-start).
  core::PeopleDirectory directory = load_people_rows(*db_);
  for (auto& [person, risk] : read_risks(*db_)) directory.set_risk(person, std::move(risk));
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
