// How a core::Event maps to and from a row of the events table. The SELECT
// column list, the INSERT parameter order and the hash input order live
// here, next to each other.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "names.hpp"
#include "vigil/core/event.hpp"
#include "vigil/journal/export_row.hpp"
#include "vigil/journal/hash_chain.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {

// Columns 0..13 of every SELECT that reads whole rows, in table order, which
// is also the order of the hash input (docs/journal.md).
inline constexpr const char* kEventColumns =
    "seq, ts_us, kind_id, reason_id, door_id, reader_id, zone_id, person_id, device_id, card, "
    "detail, attrs, prev_hash, hash";
inline constexpr int kPrevHashColumn = 12;
inline constexpr int kHashColumn = 13;

inline constexpr const char* kInsertEvent =
    "INSERT INTO events (seq, ts_us, kind_id, reason_id, door_id, reader_id, zone_id, person_id, "
    "device_id, card, detail, attrs, prev_hash, hash) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)";

// The columns kInsertEvent names, and the number of its parameters a row.
inline constexpr const char* kInsertEventColumns =
    "events (seq, ts_us, kind_id, reason_id, door_id, reader_id, zone_id, person_id, device_id, "
    "card, detail, attrs, prev_hash, hash)";
inline constexpr int kEventParameters = 14;
// kInsertEvent for `rows` rows a step (an import's bulk appends,
// s26-import), OR FAIL: a failed row fails the step and the caller's
// transaction rolls back, so SQLite need not keep a statement journal to
// undo the step's earlier rows. Row r's columns are parameters
// r * kEventParameters + 1 onwards (encode_event's first_parameter).
std::string insert_events_sql(int rows);
// `head` (an INSERT up to VALUES) with `rows` tuples of `columns`
// parameters, numbered ?1 onwards row by row.
std::string values_sql(std::string_view head, int columns, int rows);

// The buffers a bound row reads from at its step: the card's text, the
// encoded attributes, the previous and the row's hash. Kept by the caller
// across rows (s24-import: the row is bound without copies, and an
// import's 2,000,000 rows no longer allocate an attrs vector each).
struct EventRowBuffers {
  std::string card;
  std::vector<std::uint8_t> attrs;
  Hash prev_hash{};
  Hash hash{};
};

// Interns the event's names, writes its canonical bytes (seq, prev_hash
// given) into `bytes`, hashes them and binds the whole row to `insert`,
// text and blobs without a copy: `event` and `row` must stay unchanged
// until `insert` has been stepped. The row's 14 columns are bound from
// parameter `first_parameter` on (1 for kInsertEvent; a later row's place in
// insert_events_sql). `encoded_attrs`, if given, is encode_attrs_into of
// the event's attrs, made beforehand (bound and hashed as they are). Every
// parameter is bound, so the
// statement needs no clearing between rows. Returns the row's hash. Call
// inside the append's write transaction.
Hash encode_event(sqlite::Database& db, Names& names, const core::Event& event, std::uint64_t seq,
                  const Hash& prev_hash, CanonicalBytes& bytes, RowHasher& hasher,
                  sqlite::Statement& insert, EventRowBuffers& row, int first_parameter = 1,
                  const std::vector<std::uint8_t>* encoded_attrs = nullptr);

// The event of the current row of a statement selecting kEventColumns.
// Throws JournalError for a kind, reason, card, name id or attrs this Vigil
// cannot read (a file from a newer version, or tampered).
core::Event read_event(sqlite::Database& db, Names& names, const sqlite::Statement& select);

// The current row of a statement selecting kEventColumns, as stored, into
// `row` (its buffers reused). Throws JournalError for a name id with no name.
void read_export_row(sqlite::Database& db, Names& names, const sqlite::Statement& select,
                     ExportRow& row);

// "12:1001" -> CardNumber; nullopt for anything else. The inverse of
// core::to_string(CardNumber).
std::optional<core::CardNumber> parse_card(std::string_view text);

}  // namespace vigil::journal
