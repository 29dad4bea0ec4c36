// The roster's rows in SQL: people, their levels, credentials, revoked cards
// and the roster version. Private to the journal library; every write here
// runs inside a transaction that also appends the change's journal events.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "vigil/core/people.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

// Tables the roster adds beside the journal's schema (created if missing):
// revoked_cards (a revoked card is never enrolled again) and roster_version
// (one row, bumped by every committed roster change, so vigild can tell a
// roster commit from the stream of journal commits with one cheap read).
void ensure_roster_tables(sqlite::Database& db);

// core::format_date and core::format_utc with their last few texts kept
// (per thread): an import's rows mostly share a few dates (the site's
// validity and clearance days), and the two snprintf calls were ~2.5 % of
// a large import's CPU (s21 perf). The reference lasts until the next call.
const std::string& date_text(core::LocalDate date);
const std::string& utc_text(core::TimePoint time);

// The clearance columns (level text, last day text) of a people row.
core::Clearance column_clearance(const sqlite::Statement& select, int level, int expires);

std::uint64_t read_roster_version(sqlite::Database& db);
void bump_roster_version(sqlite::Database& db);

// Upsert of the whole person, levels replaced.
void write_person(sqlite::Database& db, const core::Person& person);
// write_person for a person the transaction's plan found absent: no
// access-level rows of theirs to clear first.
void write_added_person(sqlite::Database& db, const core::Person& person);
// Upsert by card; `added`: the plan found no row for the card (a plain
// INSERT, see write_added_person).
void write_credential(sqlite::Database& db, const core::Credential& credential, bool added = false);
void write_revocation(sqlite::Database& db, const core::CardNumber& card,
                      const core::PersonId& person, core::TimePoint at, const std::string& reason);

// Everything stored, read in one snapshot.
struct StoredRoster {
  std::unordered_map<core::PersonId, core::Person> people;
  std::unordered_map<core::CardNumber, core::Credential> credentials;
  std::unordered_set<core::CardNumber> revoked;
  std::uint64_t version = 0;
};
StoredRoster read_stored_roster(sqlite::Database& db);
// The same inside a transaction the caller holds (a write transaction).
StoredRoster read_stored_roster_in_transaction(sqlite::Database& db);

std::optional<core::Person> read_person(sqlite::Database& db, const core::PersonId& id);
std::optional<core::Credential> read_credential(sqlite::Database& db, const core::CardNumber& card);
bool is_revoked(sqlite::Database& db, const core::CardNumber& card);

}  // namespace vigil::journal
