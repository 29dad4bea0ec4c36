// Journal::verify(): walk the chain from row 1 and name the first bad row.
//
// Every value is read with its stored SQLite type and hashed with it, exactly
// as the append path encoded the value it bound, so a retyped value fails
// the hash even where it compares equal as text. Order of checks per row:
//  1. seq must be the next number: a gap is a deleted row, and its number is
//     the one to report (the row after it is itself intact).
//  2. the row's content must hash to its stored hash under its own seq; if
//     not: a value of the wrong type is reported as type_changed; else other
//     seqs nearby are tried: an intact row that hashes correctly as row k
//     sits in the wrong place (reordered), or, when the row it chained from
//     is gone too, rows were deleted and the rest renumbered (missing).
//     Otherwise the content was edited (altered).
//  3. prev_hash must equal the previous row's hash (missing otherwise: the
//     row it chained from is not the row before it).
#include <algorithm>
#include <optional>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "event_row.hpp"
#include "vigil/journal/journal.hpp"
#include "vigil/journal/sqlite.hpp"

namespace vigil::journal {
namespace {

using sqlite::ValueType;

// How far from its position a moved row is looked for. Each candidate costs
// one SHA-256 (well under a microsecond), and the search runs once, at the
// first bad row only; a row moved further than this is reported as altered,
// which still names the right row.
constexpr std::uint64_t kReorderSearchRows = 10'000;

// Column names in kEventColumns order, and the types the schema allows.
struct ColumnRule {
  const char* name;
  ValueType type;
  bool nullable;
};
constexpr ColumnRule kColumns[] = {
    {"seq", ValueType::integer, false},      {"ts_us", ValueType::integer, false},
    {"kind_id", ValueType::integer, false},  {"reason_id", ValueType::integer, false},
    {"door_id", ValueType::integer, true},   {"reader_id", ValueType::integer, true},
    {"zone_id", ValueType::integer, true},   {"person_id", ValueType::integer, true},
    {"device_id", ValueType::integer, true}, {"card", ValueType::text, true},
    {"detail", ValueType::text, false},      {"attrs", ValueType::blob, true},
    {"prev_hash", ValueType::blob, false},   {"hash", ValueType::blob, false},
};
constexpr int kFirstNameColumn = 2;
constexpr int kLastNameColumn = 8;

const char* type_name(ValueType type) {
  switch (type) {
    case ValueType::integer:
      return "INTEGER";
    case ValueType::real:
      return "REAL";
    case ValueType::text:
      return "TEXT";
    case ValueType::blob:
      return "BLOB";
    case ValueType::null:
      return "NULL";
  }
  return "?";
}

// A names row's text as stored: normally TEXT, but verify hashes whatever
// type it finds, as the inspector's script does.
struct StoredName {
  ValueType type;
  std::int64_t integer = 0;
  double real = 0;
  std::string bytes{};
};
// Ids are dense small integers, so a vector indexed by id; a tampered huge or
// negative id goes to the map instead of sizing the vector after it.
class NameTable {
 public:
  const StoredName* find(std::int64_t id) const {
    if (id >= 0 && static_cast<std::uint64_t>(id) < dense_.size()) {
      const auto& name = dense_[static_cast<std::size_t>(id)];
      return name ? &*name : nullptr;
    }
    auto it = sparse_.find(id);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  StoredName& operator[](std::int64_t id) {
    if (id >= 0 && id < kDenseLimit) {
      auto index = static_cast<std::size_t>(id);
      if (dense_.size() <= index) dense_.resize(index + 1);
      if (!dense_[index]) dense_[index].emplace();
      return *dense_[index];
    }
    return sparse_[id];
  }

 private:
  static constexpr std::int64_t kDenseLimit = 1 << 24;
  std::vector<std::optional<StoredName>> dense_;
  std::unordered_map<std::int64_t, StoredName> sparse_;
};

NameTable load_names(sqlite::Database& db) {
  NameTable names;
  sqlite::Statement select{db.handle(), "SELECT id, text FROM names"};
  while (select.step()) {
    auto type = select.value_type(1);
    auto blob = select.column_blob(1);
    names[select.column_int(0)] =
        StoredName{.type = type,
                   .integer = select.column_int(1),
                   .real = select.column_real(1),
                   .bytes = std::string(reinterpret_cast<const char*>(blob.data()), blob.size())};
  }
  return names;
}

void put_stored(CanonicalBytes& bytes, const sqlite::Statement& row, int column, ValueType type) {
  switch (type) {
    case ValueType::integer:
      return bytes.put_integer(row.column_int(column));
    case ValueType::real:
      return bytes.put_real(row.column_real(column));
    case ValueType::text:
      return bytes.put_text(row.column_text_view(column));
    case ValueType::blob:
      return bytes.put_blob(row.column_blob(column));
    case ValueType::null:
      return bytes.put_null();
  }
}

// The row's canonical bytes from what is stored, types and all.
void encode_stored(CanonicalBytes& bytes, const sqlite::Statement& row, const NameTable& names) {
  bytes.start();
  for (int column = 0; column < kHashColumn; ++column) {
    const auto type = row.value_type(column);
    const bool name_column = column >= kFirstNameColumn && column <= kLastNameColumn;
    if (!name_column || type != ValueType::integer) {
      put_stored(bytes, row, column, type);
      continue;
    }
    auto id = row.column_int(column);
    bytes.put_integer(id);
    const auto* found = names.find(id);
    if (found == nullptr) {
      bytes.put_null();  // a dangling id: never what the append path wrote
      continue;
    }
    const auto& name = *found;
    const auto* data = reinterpret_cast<const std::uint8_t*>(name.bytes.data());
    switch (name.type) {
      case ValueType::integer:
        bytes.put_integer(name.integer);
        break;
      case ValueType::real:
        bytes.put_real(name.real);
        break;
      case ValueType::text:
        bytes.put_text(name.bytes);
        break;
      case ValueType::blob:
        bytes.put_blob({data, name.bytes.size()});
        break;
      case ValueType::null:
        bytes.put_null();
        break;
    }
  }
}

// "person_id holds BLOB, the schema says INTEGER", or nullopt when every
// stored type (the referenced names included) is one the schema allows.
std::optional<std::string> wrong_type(const sqlite::Statement& row, const NameTable& names) {
  for (int column = 0; column <= kHashColumn; ++column) {
    const auto& rule = kColumns[column];
    auto type = row.value_type(column);
    if (type == rule.type || (rule.nullable && type == ValueType::null)) {
      if (column < kFirstNameColumn || column > kLastNameColumn || type == ValueType::null) {
        continue;
      }
      const auto* name = names.find(row.column_int(column));
      if (name != nullptr && name->type != ValueType::text) {
        return std::string{"the name of "} + rule.name + " holds " + type_name(name->type) +
               ", the schema says TEXT";
      }
      continue;
    }
    return std::string{rule.name} + " holds " + type_name(type) + ", the schema says " +
           type_name(rule.type);
  }
  return std::nullopt;
}

// door_zones is derived data, like an index, but an ordinary table: deleting
// one of its rows would hide rows from zone queries while the chain stays
// intact. So verify checks it is complete for every row it walks.
using DoorZones = std::unordered_set<std::uint64_t>;

std::uint64_t door_zone_key(std::int64_t door_id, std::int64_t zone_id) {
  return static_cast<std::uint64_t>(door_id) << 32 ^ static_cast<std::uint64_t>(zone_id);
}

DoorZones load_door_zones(sqlite::Database& db) {
  DoorZones out;
  sqlite::Statement select{db.handle(), "SELECT door_id, zone_id FROM door_zones"};
  while (select.step()) out.insert(door_zone_key(select.column_int(0), select.column_int(1)));
  return out;
}

constexpr int kDoorColumn = 4;
constexpr int kZoneColumn = 6;

bool door_zone_listed(const sqlite::Statement& row, const DoorZones& door_zones) {
  if (row.is_null(kDoorColumn) || row.is_null(kZoneColumn)) return true;
  return door_zones.contains(
      door_zone_key(row.column_int(kDoorColumn), row.column_int(kZoneColumn)));
}

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

// The seq under which this row's content hashes to its stored hash.
std::optional<std::uint64_t> chained_seq(RowHasher& hasher, CanonicalBytes& bytes,
                                         std::uint64_t seq, std::span<const std::uint8_t> hash) {
  auto matches = [&](std::uint64_t candidate) {
    auto& buffer = bytes.buffer();
    for (int i = 0; i < 8; ++i) {
      buffer[kSeqValueOffset + static_cast<std::size_t>(i)] =
          static_cast<std::uint8_t>(candidate >> (56 - 8 * i));
    }
    return same(hasher.sha256(buffer), hash);
  };
  for (std::uint64_t distance = 1; distance <= kReorderSearchRows; ++distance) {
    if (matches(seq + distance)) return seq + distance;
    if (distance < seq && matches(seq - distance)) return seq - distance;
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
  // One snapshot for the names, the walk and the one-off hash lookup, while
  // a writer keeps appending on another connection.
  sqlite::ReadTransaction snapshot{*db_};
  const NameTable names = load_names(*db_);
  const DoorZones door_zones = load_door_zones(*db_);
  RowHasher hasher;
  CanonicalBytes bytes;
  sqlite::Statement select{db_->handle(),
                           std::string{"SELECT "} + kEventColumns + " FROM events ORDER BY seq"};
  VerifyResult result;
  result.journal_id = journal_id();
  result.head_hash = genesis_;
  std::uint64_t expected_seq = 1;
  Hash expected_prev = genesis_;

  while (select.step()) {
    const auto seq = static_cast<std::uint64_t>(select.column_int(0));
    if (seq != expected_seq) {
      auto why = expected_seq == 1 ? "journal starts at seq " + std::to_string(seq)
                                   : "seq jumps from " + std::to_string(expected_seq - 1) + " to " +
                                         std::to_string(seq);
      return bad(result, Damage::missing, expected_seq, why);
    }
    encode_stored(bytes, select, names);
    auto stored_hash = select.column_blob(kHashColumn);
    if (!same(hasher.sha256(bytes.bytes()), stored_hash) ||
        select.value_type(kHashColumn) != ValueType::blob) {
      if (auto why = wrong_type(select, names)) {
        return bad(result, Damage::type_changed, seq, *why);
      }
      auto prev_hash = select.column_blob(kPrevHashColumn);
      auto home = stored_hash.size() == Hash{}.size() ? chained_seq(hasher, bytes, seq, stored_hash)
                                                      : std::nullopt;
      if (!home) return bad(result, Damage::altered, seq, "hash mismatch");
      if (*home > seq && !some_row_has_hash(*db_, prev_hash)) {
        return bad(result, Damage::missing, seq,
                   "holds the entry chained as row " + std::to_string(*home) +
                       "; the rows before it were removed and the rest renumbered");
      }
      return bad(result, Damage::reordered, seq,
                 "holds the entry chained as row " + std::to_string(*home));
    }
    if (!same(select.column_blob(kPrevHashColumn), expected_prev)) {
      auto why = seq == 1 ? std::string{"prev_hash of row 1 is not this journal's genesis hash"}
                          : "prev_hash does not match row " + std::to_string(seq - 1) + "'s hash";
      return bad(result, Damage::missing, seq, why);
    }
    if (!door_zone_listed(select, door_zones)) {
      return bad(result, Damage::unindexed, seq,
                 "door_zones lacks its door and zone: zone queries miss this row");
    }
    std::copy(stored_hash.begin(), stored_hash.end(), expected_prev.begin());
    result.rows = seq;
    result.head_hash = expected_prev;
    ++expected_seq;
  }
  result.message = "ok: " + std::to_string(result.rows) + " rows, head " + to_hex(result.head_hash);
  return result;
}

}  // namespace vigil::journal
