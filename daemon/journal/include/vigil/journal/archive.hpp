// Retention without breaking the chain (docs/journal.md, "Archives"). Old
// rows move, oldest first, to per-month archive files beside the journal
// (`<journal>.archive/2026-10.db`): each is a journal file of the same
// format and journal id holding rows first_seq..last_seq exactly as stored
// (seq, hashes, prev_hash), plus every name they refer to. The live journal
// records each move as a `journal_archived` event in its own chain (month,
// seq range, the hashes at both ends, the archive file's SHA-256), in the
// same transaction that deletes the rows, so an archive cannot be swapped,
// edited or removed without verify naming it.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vigil/core/time.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {

// <journal>.archive: where a journal's archives live unless the site config
// names another folder (journal.archive_dir, JournalOptions::archive_dir;
// Journal::archive_dir() is the one in use).
std::filesystem::path archive_dir(const std::filesystem::path& journal);

// What a journal_archived event records about one archive file.
struct ArchiveRecord {
  std::string month;  // "2026-10" (UTC calendar month of the rows' ts_us)
  std::string file;   // base name inside archive_dir()
  std::uint64_t first_seq = 0, last_seq = 0;
  Hash first_prev{};      // prev_hash of row first_seq
  Hash head{};            // hash of row last_seq
  std::string sha256{};   // of the archive file's bytes, lowercase hex
  std::uint64_t seq = 0;  // the journal_archived event's own seq
};

// "2026-10" -> the first instant of that month in UTC; nullopt unless
// exactly YYYY-MM with a month 01..12.
std::optional<core::TimePoint> month_start(std::string_view month);

// Moves every row older than the UTC month `before` ("2026-10": rows of
// September and earlier) out of the live journal, one archive file per
// month, oldest first, and journals one journal_archived event per file
// (operator `operator_name`, time `now`). Never moves the newest row, so
// the live journal keeps its head. Returns the records made (none when
// nothing is old enough). Throws JournalError on an I/O failure, leaving
// the rows in the live journal (a half-written archive file is removed).
// The files go to options.archive_dir (default `<journal>.archive`); each
// month moves under the exclusive archive lock (archive_lock.hpp), waiting
// at most options.archive_lock_wait for walks to end, else JournalError.
std::vector<ArchiveRecord> archive_before(const std::filesystem::path& journal,
                                          std::string_view before, core::TimePoint now,
                                          const std::string& operator_name,
                                          const JournalOptions& options = {});

// The walks below read archives from live.archive_dir() and hold the shared
// archive lock while they run (waiting at most live.options().
// archive_lock_wait for a month being moved, else JournalError), so a walk
// never sees a month half moved.

// Every journal_archived record reachable from the live journal (records of
// older archives moved into newer archives are followed), by first_seq.
// Records whose archive is missing or damaged are listed too.
std::vector<ArchiveRecord> archive_records(const Journal& live);

// The whole chain: every archive (each file's SHA-256 against its record,
// its rows, its ends against the record and its neighbours), then the live
// rows from the first one. A missing, altered or replaced archive is named
// ("archive 2026-10 (2026-10.db, rows 1..4000): missing"). With no
// archives, the same as live.verify().
VerifyResult verify_with_archives(const Journal& live);

// The hash of row `seq`, from the live journal or the archive holding it.
std::optional<Hash> hash_at_with_archives(const Journal& live, std::uint64_t seq);

// query() over the archives and then the live journal, in seq order, one
// `limit` for all: the rows the same filter returned before archiving.
std::vector<core::Event> query_with_archives(const Journal& live, const Filter& filter);

// for_each_row() over the archives and then the live journal, in seq order,
// one `limit` for all: what an export of the same filter wrote before
// archiving. Throws JournalError naming a missing archive.
void for_each_row_with_archives(const Journal& live, const Filter& filter,
                                const std::function<void(const ExportRow&)>& visit);
// The same rows, each read into `sink`'s slot (export_row.hpp).
void for_each_row_with_archives(const Journal& live, const Filter& filter, ExportRowSink& sink);

// SHA-256 of a file's bytes, lowercase hex; nullopt when it cannot be read.
std::optional<std::string> file_sha256(const std::filesystem::path& path);

}  // namespace vigil::journal
