// Journal::verify(): walk the chain from row 1 and name the first bad row.
//
// Order of checks per row, and why:
//  1. seq must be the next number: a gap is a deleted row, and its number is
//     the one to report (the row after it is itself intact).
//  2. the row's content must hash to its stored hash under its own seq; if
//     not, try other seqs nearby: an intact row that hashes correctly as row
//     k sits in the wrong place (reordered), or, when the row it chained
//     from is gone too, rows were deleted and the rest renumbered (missing).
//     Otherwise the content was edited (altered).
//  3. prev_hash must equal the previous row's hash (missing otherwise: the
//     row it chained from is not the row before it).
#include <algorithm>
#include <optional>
#include <string>

#include "event_row.hpp"
#include "sqlite.hpp"
#include "vigil/journal/journal.hpp"

namespace vigil::journal {
namespace {

// How far from its position a moved row is looked for. Each candidate costs
// one SHA-256 (well under a microsecond), and the search runs once, at the
// first bad row only; a row moved further than this is reported as altered,
// which still names the right row.
constexpr std::uint64_t kReorderSearchRows = 10'000;

struct Row {
  std::uint64_t seq;
  std::int64_t ts_us;
  RowText text;
  std::span<const std::uint8_t> prev_hash;
  std::span<const std::uint8_t> hash;
};

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The seq under which this row's content hashes to its stored hash.
std::optional<std::uint64_t> chained_seq(RowHasher& hasher, const Row& row) {
  auto matches = [&](std::uint64_t seq) {
    return same(hasher.hash_row(seq, row.ts_us, row.text, row.prev_hash), row.hash);
  };
  for (std::uint64_t distance = 1; distance <= kReorderSearchRows; ++distance) {
    if (matches(row.seq + distance)) return row.seq + distance;
    if (distance < row.seq && matches(row.seq - distance)) return row.seq - distance;
  }
  return std::nullopt;
}

bool some_row_has_hash(sqlite::Database& db, std::span<const std::uint8_t> hash) {
  // A full scan (hash has no index), run at most once per verify.
  sqlite::Statement select{db.handle(), "SELECT 1 FROM events WHERE hash = ? LIMIT 1"};
  select.bind_blob(1, hash);
  return select.step();
}

VerifyResult bad(VerifyResult result, Damage damage, std::uint64_t seq, const std::string& why) {
  result.ok = false;
  result.damage = damage;
  result.bad_seq = seq;
  result.message = "row " + std::to_string(seq) + ": " + to_string(damage) + " (" + why + ")";
  return result;
}

}  // namespace

VerifyResult Journal::verify() const {
  // One snapshot for the walk and the one-off hash lookup, while a writer
  // keeps appending on another connection.
  sqlite::ReadTransaction snapshot{*db_};
  RowHasher hasher;
  sqlite::Statement select{db_->handle(),
                           std::string{"SELECT "} + kEventColumns + " FROM events ORDER BY seq"};
  VerifyResult result;
  std::uint64_t expected_seq = 1;
  Hash expected_prev = kGenesisHash;

  while (select.step()) {
    const Row row{
        .seq = static_cast<std::uint64_t>(select.column_int(0)),
        .ts_us = select.column_int(1),
        .text = read_row_text(select),
        .prev_hash = select.column_blob(11),
        .hash = select.column_blob(12),
    };
    if (row.seq != expected_seq) {
      auto why = expected_seq == 1 ? "journal starts at seq " + std::to_string(row.seq)
                                   : "seq jumps from " + std::to_string(expected_seq - 1) + " to " +
                                         std::to_string(row.seq);
      return bad(result, Damage::missing, expected_seq, why);
    }
    if (row.hash.size() != kGenesisHash.size() || row.prev_hash.size() != kGenesisHash.size()) {
      return bad(result, Damage::altered, row.seq, "hash or prev_hash is not 32 bytes");
    }
    if (!same(hasher.hash_row(row.seq, row.ts_us, row.text, row.prev_hash), row.hash)) {
      auto home = chained_seq(hasher, row);
      if (!home) return bad(result, Damage::altered, row.seq, "hash mismatch");
      if (*home > row.seq && !some_row_has_hash(*db_, row.prev_hash)) {
        return bad(result, Damage::missing, row.seq,
                   "holds the entry chained as row " + std::to_string(*home) +
                       "; the rows before it were removed and the rest renumbered");
      }
      return bad(result, Damage::reordered, row.seq,
                 "holds the entry chained as row " + std::to_string(*home));
    }
    if (!same(row.prev_hash, expected_prev)) {
      auto why = row.seq == 1
                     ? std::string{"prev_hash of row 1 is not the genesis hash"}
                     : "prev_hash does not match row " + std::to_string(row.seq - 1) + "'s hash";
      return bad(result, Damage::missing, row.seq, why);
    }
    std::copy(row.hash.begin(), row.hash.end(), expected_prev.begin());
    result.rows = row.seq;
    result.head_hash = expected_prev;
    ++expected_seq;
  }
  result.message = "ok: " + std::to_string(result.rows) + " rows, head " + to_hex(result.head_hash);
  return result;
}

}  // namespace vigil::journal
