// One schema for the whole Vigil database file. The journal and the people
// store may share a file, and SQLite has one user_version per file, so both
// open through here and the version number covers every Vigil table.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>

#include "sqlite.hpp"

namespace vigil::journal {

inline constexpr int kSchemaVersion = 1;

// Opens (creating if needed) a Vigil database: WAL, synchronous=FULL,
// foreign keys on, busy timeout, schema created or checked. Throws
// JournalError for a file from a newer Vigil or one that is not a database.
std::unique_ptr<sqlite::Database> open_database(const std::filesystem::path& path,
                                                std::chrono::milliseconds busy_timeout);

}  // namespace vigil::journal
