// Integrity-risk flags and trips in SQL (tables created by
// ensure_roster_tables). Private to the journal library; writes run inside
// a roster change's transaction with its journal events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "vigil/core/lockdown.hpp"
#include "vigil/core/people.hpp"
#include "vigil/journal/people_store.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

std::optional<core::IntegrityFlag> read_flag(sqlite::Database& db, const core::PersonId& person);
void write_flag(sqlite::Database& db, const core::PersonId& person,
                const core::IntegrityFlag& flag);
void delete_flag(sqlite::Database& db, const core::PersonId& person);

std::optional<TripRecord> read_trip(sqlite::Database& db, std::int64_t id);
std::int64_t next_trip_id(sqlite::Database& db);
void insert_trip(sqlite::Database& db, const TripRecord& trip, const std::string& added_by,
                 core::TimePoint at);
void write_return(sqlite::Database& db, std::int64_t id, const std::string& by, core::TimePoint at,
                  const std::string& note);

std::vector<FlagRecord> read_flags(sqlite::Database& db);
// Every trip (or one person's), by person then first day.
std::vector<TripRecord> read_trips(sqlite::Database& db,
                                   const std::optional<core::PersonId>& person = std::nullopt);
// Flags and trips by person, for the directory decide() reads.
std::unordered_map<core::PersonId, core::PersonRisk> read_risks(sqlite::Database& db);

// PINs (issue 8, pin_rows.cpp). The load reads them with the people
// (people_load.cpp): a row whose hash string does not parse is skipped
// (that person's card + PIN reads are refused pin_not_enrolled).
// No fewer than the PIN rows (their largest rowid: one step down the
// B-tree, where count(*) walks it all); exact while no PIN was replaced.
std::size_t pin_rowid_bound(sqlite::Database& db);
// The directory position of the person each row names, for rows read in
// turn. Rows written in the people's own order (an import's, a bulk
// enrolment's) name, each, the person after the previous row's: a
// comparison of ids then, instead of a search in 2,000,000 (cache misses
// into the records and the text; s22-start). Any other order is found by id.
class PersonCursor {
 public:
  explicit PersonCursor(const core::PeopleDirectory& directory) : directory_(directory) {}
  std::optional<std::uint32_t> find(std::string_view id) {
    if (next_ < directory_.person_count() && directory_.person_at(next_).id_str() == id) {
      return next_++;
    }
    auto found = directory_.find_person(core::PersonId{std::string{id}});
    if (!found) return std::nullopt;
    next_ = found->position() + 1;
    return found->position();
  }

 private:
  const core::PeopleDirectory& directory_;
  std::uint32_t next_ = 0;
};
void write_pin(sqlite::Database& db, const core::PersonId& person, const core::PinHash& pin,
               const std::string& by, core::TimePoint at);
bool has_pin(sqlite::Database& db, const core::PersonId& person);

// Lockdown orders (issue 8, lockdown_rows.cpp).
core::Lockdowns read_lockdowns(sqlite::Database& db);
void write_lockdown(sqlite::Database& db, const core::LockdownOrder& order);
void delete_lockdown(sqlite::Database& db, const core::ZoneId& zone);

}  // namespace vigil::journal
