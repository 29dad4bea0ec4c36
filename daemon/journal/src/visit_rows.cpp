#include "visit_rows.hpp"

namespace vigil::journal {
namespace {

constexpr const char* kVisitColumns =
    "SELECT id, visitor, host, purpose, organisation, delegation, first_day, last_day, zones, "
    "ended_us FROM visits";

core::LocalDate column_day(const sqlite::Statement& select, int column) {
  return core::parse_date(select.column_text(column)).value_or(core::LocalDate{});
}

core::Visit visit_row(const sqlite::Statement& select) {
  return core::Visit{.id = select.column_int(0),
                     .visitor = core::PersonId{select.column_text(1)},
                     .host = core::PersonId{select.column_text(2)},
                     .purpose = select.column_text(3),
                     .organisation = select.column_text(4),
                     .delegation = select.column_text(5),
                     .first_day = column_day(select, 6),
                     .last_day = column_day(select, 7),
                     .zones = zones_from_text(select.column_text(8)),
                     .ended = !select.is_null(9)};
}

}  // namespace

std::string zones_text(const std::vector<core::ZoneId>& zones) {
  std::string out;
  for (const auto& zone : zones) {
    if (zone.str().empty()) continue;
    if (!out.empty()) out += ',';
    out += zone.str();
  }
  return out;
}

std::vector<core::ZoneId> zones_from_text(const std::string& text) {
  std::vector<core::ZoneId> zones;
  std::size_t start = 0;
  while (start <= text.size()) {
    const auto comma = text.find(',', start);
    const auto end = comma == std::string::npos ? text.size() : comma;
    if (end > start) zones.emplace_back(text.substr(start, end - start));
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return zones;
}

std::optional<core::Visit> read_visit(sqlite::Database& db, std::int64_t id) {
  auto select = db.cached(std::string{kVisitColumns} + " WHERE id = ?");
  select->bind(1, id);
  if (!select->step()) return std::nullopt;
  return visit_row(*select);
}

std::int64_t next_visit_id(sqlite::Database& db) {
  return db.query_int("SELECT coalesce(max(id), 0) + 1 FROM visits");
}

void insert_visit(sqlite::Database& db, const core::Visit& visit, const std::string& added_by,
                  core::TimePoint at) {
  auto insert = db.cached(
      "INSERT INTO visits (id, visitor, host, purpose, organisation, delegation, first_day, "
      "last_day, zones, added_by, added_us) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)");
  insert->bind(1, visit.id);
  insert->bind(2, std::string_view{visit.visitor.str()});
  insert->bind(3, std::string_view{visit.host.str()});
  insert->bind(4, std::string_view{visit.purpose});
  insert->bind(5, std::string_view{visit.organisation});
  insert->bind(6, std::string_view{visit.delegation});
  insert->bind(7, std::string_view{core::format_date(visit.first_day)});
  insert->bind(8, std::string_view{core::format_date(visit.last_day)});
  insert->bind(9, std::string_view{zones_text(visit.zones)});
  insert->bind(10, std::string_view{added_by});
  insert->bind(11, core::to_unix_micros(at));
  insert->step();
}

void write_visit_end(sqlite::Database& db, std::int64_t id, const std::string& by,
                     core::TimePoint at, const std::string& reason) {
  auto update =
      db.cached("UPDATE visits SET ended_us = ?2, ended_by = ?3, end_reason = ?4 WHERE id = ?1");
  update->bind(1, id);
  update->bind(2, core::to_unix_micros(at));
  update->bind(3, std::string_view{by});
  update->bind(4, std::string_view{reason});
  update->step();
}

std::vector<core::Visit> read_visits(sqlite::Database& db,
                                     const std::optional<core::PersonId>& visitor) {
  std::vector<core::Visit> out;
  sqlite::Statement select{db.handle(), std::string{kVisitColumns} +
                                            (visitor ? " WHERE visitor = ?1" : "") +
                                            " ORDER BY first_day, id"};
  if (visitor) select.bind(1, std::string_view{visitor->str()});
  while (select.step()) out.push_back(visit_row(select));
  return out;
}

std::unordered_map<core::PersonId, std::vector<core::Visit>> read_visitors(sqlite::Database& db) {
  std::unordered_map<core::PersonId, std::vector<core::Visit>> visitors;
  for (auto& visit : read_visits(db)) visitors[visit.visitor].push_back(std::move(visit));
  return visitors;
}

bool is_visitor(sqlite::Database& db, const core::PersonId& person) {
  auto select = db.cached("SELECT 1 FROM visits WHERE visitor = ? LIMIT 1");
  select->bind(1, std::string_view{person.str()});
  const bool found = select->step();
  select->reset();
  return found;
}

}  // namespace vigil::journal
