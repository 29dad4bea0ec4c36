#include "risk_rows.hpp"

namespace vigil::journal {
namespace {

std::optional<core::LocalDate> column_date(const sqlite::Statement& select, int column) {
  if (select.is_null(column)) return std::nullopt;
  return core::parse_date(select.column_text(column));
}

// Columns: person, kind, set_by, set_us, reason, last_day.
FlagRecord flag_row(const sqlite::Statement& select) {
  return FlagRecord{
      .person = core::PersonId{select.column_text(0)},
      .flag = core::IntegrityFlag{
          .kind =
              core::flag_kind_from_string(select.column_text(1)).value_or(core::FlagKind::watch),
          .set_by = select.column_text(2),
          .set_at = core::from_unix_micros(select.column_int(3)),
          .reason = select.column_text(4),
          .until = column_date(select, 5)}};
}

constexpr const char* kFlagColumns =
    "SELECT person, kind, set_by, set_us, reason, last_day FROM person_flags";

// Columns: id, person, first_day, last_day, destination, approval, returned_us.
TripRecord trip_row(const sqlite::Statement& select) {
  return TripRecord{
      .person = core::PersonId{select.column_text(1)},
      .trip = core::Trip{.id = select.column_int(0),
                         .first_day = column_date(select, 2).value_or(core::LocalDate{}),
                         .last_day = column_date(select, 3).value_or(core::LocalDate{}),
                         .destination = select.column_text(4),
                         .approval_ref = select.column_text(5),
                         .returned = !select.is_null(6)}};
}

constexpr const char* kTripColumns =
    "SELECT id, person, first_day, last_day, destination, approval, returned_us FROM trips";

}  // namespace

std::optional<core::IntegrityFlag> read_flag(sqlite::Database& db, const core::PersonId& person) {
  auto select = db.cached(std::string{kFlagColumns} + " WHERE person = ?");
  select->bind(1, std::string_view{person.str()});
  if (!select->step()) return std::nullopt;
  return flag_row(*select).flag;
}

void write_flag(sqlite::Database& db, const core::PersonId& person,
                const core::IntegrityFlag& flag) {
  auto upsert = db.cached(
      "INSERT OR REPLACE INTO person_flags (person, kind, set_by, set_us, reason, last_day) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6)");
  upsert->bind(1, std::string_view{person.str()});
  upsert->bind(2, std::string_view{core::to_string(flag.kind)});
  upsert->bind(3, std::string_view{flag.set_by});
  upsert->bind(4, core::to_unix_micros(flag.set_at));
  upsert->bind(5, std::string_view{flag.reason});
  upsert->bind(6, flag.until ? std::optional<std::string>{core::format_date(*flag.until)}
                             : std::optional<std::string>{});
  upsert->step();
}

void delete_flag(sqlite::Database& db, const core::PersonId& person) {
  auto remove = db.cached("DELETE FROM person_flags WHERE person = ?");
  remove->bind(1, std::string_view{person.str()});
  remove->step();
}

std::optional<TripRecord> read_trip(sqlite::Database& db, std::int64_t id) {
  auto select = db.cached(std::string{kTripColumns} + " WHERE id = ?");
  select->bind(1, id);
  if (!select->step()) return std::nullopt;
  return trip_row(*select);
}

std::int64_t next_trip_id(sqlite::Database& db) {
  return db.query_int("SELECT coalesce(max(id), 0) + 1 FROM trips");
}

void insert_trip(sqlite::Database& db, const TripRecord& record, const std::string& added_by,
                 core::TimePoint at) {
  auto insert = db.cached(
      "INSERT INTO trips (id, person, first_day, last_day, destination, approval, added_by, "
      "added_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  const auto& trip = record.trip;
  insert->bind(1, trip.id);
  insert->bind(2, std::string_view{record.person.str()});
  insert->bind(3, std::string_view{core::format_date(trip.first_day)});
  insert->bind(4, std::string_view{core::format_date(trip.last_day)});
  insert->bind(5, std::string_view{trip.destination});
  insert->bind(6, std::string_view{trip.approval_ref});
  insert->bind(7, std::string_view{added_by});
  insert->bind(8, core::to_unix_micros(at));
  insert->step();
}

void write_return(sqlite::Database& db, std::int64_t id, const std::string& by, core::TimePoint at,
                  const std::string& note) {
  auto update = db.cached(
      "UPDATE trips SET returned_us = ?2, returned_by = ?3, return_note = ?4 WHERE id = ?1");
  update->bind(1, id);
  update->bind(2, core::to_unix_micros(at));
  update->bind(3, std::string_view{by});
  update->bind(4, std::string_view{note});
  update->step();
}

std::vector<FlagRecord> read_flags(sqlite::Database& db) {
  std::vector<FlagRecord> out;
  sqlite::Statement select{db.handle(), std::string{kFlagColumns} + " ORDER BY person"};
  while (select.step()) out.push_back(flag_row(select));
  return out;
}

std::vector<TripRecord> read_trips(sqlite::Database& db,
                                   const std::optional<core::PersonId>& person) {
  std::vector<TripRecord> out;
  sqlite::Statement select{db.handle(), std::string{kTripColumns} +
                                            (person ? " WHERE person = ?1" : "") +
                                            " ORDER BY person, first_day, id"};
  if (person) select.bind(1, std::string_view{person->str()});
  while (select.step()) out.push_back(trip_row(select));
  return out;
}

std::unordered_map<core::PersonId, core::PersonRisk> read_risks(sqlite::Database& db) {
  std::unordered_map<core::PersonId, core::PersonRisk> risks;
  for (auto& record : read_flags(db)) risks[record.person].flag = std::move(record.flag);
  for (auto& record : read_trips(db)) risks[record.person].trips.push_back(std::move(record.trip));
  return risks;
}

}  // namespace vigil::journal
