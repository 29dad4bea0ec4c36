// Visits in SQL (table `visits`, created by ensure_roster_tables). Private
// to the journal library; writes run inside a roster change's transaction
// with its journal events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "vigil/core/visit.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

std::optional<core::Visit> read_visit(sqlite::Database& db, std::int64_t id);
std::int64_t next_visit_id(sqlite::Database& db);
void insert_visit(sqlite::Database& db, const core::Visit& visit, const std::string& added_by,
                  core::TimePoint at);
void write_visit_end(sqlite::Database& db, std::int64_t id, const std::string& by,
                     core::TimePoint at, const std::string& reason);
// Every visit (or one visitor's), by first day then id.
std::vector<core::Visit> read_visits(sqlite::Database& db,
                                     const std::optional<core::PersonId>& visitor = std::nullopt);
// Visits by visitor, for the directory decide() reads.
std::unordered_map<core::PersonId, std::vector<core::Visit>> read_visitors(sqlite::Database& db);
// Whether the person is the visitor of some visit (a visitor is no host).
bool is_visitor(sqlite::Database& db, const core::PersonId& person);

// "a,b,c" and back; empty items are dropped.
std::string zones_text(const std::vector<core::ZoneId>& zones);
std::vector<core::ZoneId> zones_from_text(const std::string& text);

}  // namespace vigil::journal
