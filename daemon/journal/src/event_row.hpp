// How a core::Event maps to and from a row of the events table. The SELECT
// column list and the INSERT parameter order live here, next to each other.
#pragma once

#include <optional>
#include <string_view>

#include "sqlite.hpp"
#include "vigil/core/event.hpp"
#include "vigil/journal/hash_chain.hpp"

namespace vigil::journal {

// Columns 0..12 of every SELECT that reads whole rows, in table order.
inline constexpr const char* kEventColumns =
    "seq, ts_us, kind, reason, door, reader, zone, person, device, card, detail, prev_hash, hash";

inline constexpr const char* kInsertEvent =
    "INSERT INTO events (seq, ts_us, kind, reason, door, reader, zone, person, device, card, "
    "detail, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)";

void bind_row(sqlite::Statement& insert, std::uint64_t seq, std::int64_t ts_us, const RowText& row,
              const Hash& prev_hash, const Hash& hash);

// The text columns of the current row of a statement selecting kEventColumns.
RowText read_row_text(const sqlite::Statement& select);

// The event of the current row. Throws JournalError for a kind, reason or card
// this Vigil cannot parse (a file from a newer version, or tampered).
core::Event read_event(const sqlite::Statement& select);

// "12:1001" -> CardNumber; nullopt for anything else. The inverse of
// core::to_string(CardNumber).
std::optional<core::CardNumber> parse_card(std::string_view text);

}  // namespace vigil::journal
