// One schema for the whole Vigil database file. The journal and the people
// store may share a file, and SQLite has one user_version per file, so both
// open through here and the version number covers every Vigil table.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

// 1: journal format v1 (plain tables, text columns, untyped hash input).
// 2: journal format v2 (STRICT tables, interned ids, typed hash input,
//    journal id, typed attributes). Opening a version 1 file migrates it.
inline constexpr int kSchemaVersion = 2;

// Opens (creating if needed) a Vigil database: WAL, synchronous=FULL,
// foreign keys on, busy timeout, schema created, migrated or checked. Throws
// JournalError for a file from a newer Vigil or one that is not a database.
std::unique_ptr<sqlite::Database> open_database(const std::filesystem::path& path,
                                                std::chrono::milliseconds busy_timeout);

// The v2 journal tables and their indices (no data). Used on a new file and
// by the v1 migration.
void create_journal_tables(sqlite::Database& db);

// The indexes behind the credential, kind and reason filters of Journal::query,
// and the (person_id, ts_us) and (door_id, ts_us) ones that replace the older
// (person_id) and (door_id): created, and the old ones dropped, once, in one
// write transaction, when a file is not current. Not part of the chain or the
// format version: an index holds nothing the rows do not.
void ensure_query_indexes(sqlite::Database& db);

// The people store's tables (people, person_levels, credentials) as WITHOUT
// ROWID tables: a file made before s22 has rowid tables and is rebuilt, rows
// kept, in one write transaction (foreign keys off around it). Not part of
// the chain or the format version. Call outside any transaction; after the
// people store's column steps (ensure_roster_tables calls it).
void ensure_people_layout(sqlite::Database& db);

}  // namespace vigil::journal
