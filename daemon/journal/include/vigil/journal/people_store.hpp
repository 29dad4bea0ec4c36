// People, their access levels and their credentials, as stored in the
// journal's database file: the read side. load() builds the core's
// PeopleDirectory that decide() looks cards up in. Every change goes through
// Roster (vigil/journal/roster.hpp), which journals it in the same
// transaction; this class cannot write a person.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <vector>

#include "vigil/core/lockdown.hpp"
#include "vigil/core/people.hpp"
#include "vigil/journal/error.hpp"

namespace vigil::journal {

namespace sqlite {
class Database;
}

struct PeopleCount {
  std::size_t people = 0;
  std::size_t credentials = 0;
};

// The directory and the roster version it was read at, from one snapshot.
struct RosterSnapshot {
  core::PeopleDirectory people;
  std::uint64_t version = 0;
  core::Lockdowns lockdowns;  // the lockdown orders in force (issue 8)
};

struct CardRecord {
  core::Credential credential;
  bool revoked = false;  // revoked cards are never enrolled again
};

struct PersonRecord {
  core::Person person;
  std::vector<CardRecord> cards;  // every card ever theirs and still on file, by card
  core::PersonRisk risk;          // flag and trips (issue 8)
};

struct FlagRecord {
  core::PersonId person;
  core::IntegrityFlag flag;
};

struct TripRecord {
  core::PersonId person;
  core::Trip trip;
};

class PeopleStore {
 public:
  explicit PeopleStore(const std::filesystem::path& path,
                       std::chrono::milliseconds busy_timeout = std::chrono::seconds{5});
  PeopleStore(PeopleStore&&) noexcept;
  PeopleStore& operator=(PeopleStore&&) noexcept;
  ~PeopleStore();

  core::PeopleDirectory load() const;
  RosterSnapshot load_snapshot() const;
  PeopleCount count() const;
  std::optional<PersonRecord> find_person(const core::PersonId& id) const;
  // Every person by id (levels included). With `clearance_expires_by`, only
  // those whose clearance's last day is on or before that day, soonest first.
  std::vector<core::Person> list_people(
      std::optional<core::LocalDate> clearance_expires_by = std::nullopt) const;
  // Flags in force or not (by person); trips, all or one person's, by
  // person then first day.
  std::vector<FlagRecord> list_flags() const;
  std::vector<TripRecord> list_trips(
      const std::optional<core::PersonId>& person = std::nullopt) const;

  // Visits (issue 8 item 6), all or one visitor's, by first day then id;
  // one visit by id.
  std::vector<core::Visit> list_visits(
      const std::optional<core::PersonId>& visitor = std::nullopt) const;
  std::optional<core::Visit> find_visit(std::int64_t id) const;

  // The lockdown orders in force (issue 8), by zone.
  core::Lockdowns lockdowns() const;

  // Bumped by every committed roster change (never by event appends).
  std::uint64_t version() const;
  // SQLite's PRAGMA data_version for this connection: it changes when any
  // other connection commits anything. A cheap first test before version().
  std::int64_t data_version() const;

 private:
  core::PeopleDirectory load_directory() const;

  std::unique_ptr<sqlite::Database> db_;
};

}  // namespace vigil::journal
