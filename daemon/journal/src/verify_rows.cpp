#include "verify_rows.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <stdexcept>

namespace vigil::journal::verify_rows {
namespace {

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
static_assert(std::size(kColumns) == kColumnCount);
constexpr int kFirstNameColumn = 2;
constexpr int kLastNameColumn = 8;
constexpr int kDoorColumn = 4;
constexpr int kZoneColumn = 6;

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

std::uint64_t door_zone_key(std::int64_t door_id, std::int64_t zone_id) {
  return static_cast<std::uint64_t>(door_id) << 32 ^ static_cast<std::uint64_t>(zone_id);
}

bool same(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return std::equal(a.begin(), a.end(), b.begin(), b.end());
}

void put_name(CanonicalBytes& bytes, const StoredName& name) {
  switch (name.type) {
    case ValueType::integer:
      return bytes.put_integer(name.integer);
    case ValueType::real:
      return bytes.put_real(name.real);
    case ValueType::text:
      return bytes.put_text(name.bytes);
    case ValueType::blob:
      return bytes.put_blob(
          {reinterpret_cast<const std::uint8_t*>(name.bytes.data()), name.bytes.size()});
    case ValueType::null:
      return bytes.put_null();
  }
}

}  // namespace

void RowBatch::clear() {
  values_.clear();
  arena_.clear();
  door_zone_.clear();
}

EventScan::EventScan(sqlite::Database& db, std::uint64_t from, std::uint64_t to)
    : db_(db.handle()) {
  const std::string sql = std::string{"SELECT "} + kEventColumns +
                          " FROM events WHERE seq >= ?1 AND seq <= ?2 ORDER BY seq";
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), 0, &stmt_, nullptr);
  if (rc != SQLITE_OK) sqlite::throw_error(db_, rc, "prepare `" + sql + "`");
  sqlite3_bind_int64(stmt_, 1, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(stmt_, 2, static_cast<sqlite3_int64>(to));
}

EventScan::~EventScan() {
  sqlite3_finalize(stmt_);
}

bool EventScan::step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  sqlite::throw_error(db_, rc, std::string{"step `"} + sqlite3_sql(stmt_) + "`");
}

void RowBatch::capture(sqlite3_stmt* row) {
  const auto first = values_.size();
  values_.resize(first + kColumnCount);
  Value* out = values_.data() + first;
  for (int column = 0; column < kColumnCount; ++column) {
    // An unprotected value: read on this thread only, before the next step,
    // which is all the documentation asks of a connection opened NOMUTEX.
    sqlite3_value* stored = sqlite3_column_value(row, column);
    Value value{.type = static_cast<ValueType>(sqlite3_value_type(stored)), .size = 0, .word = 0};
    switch (value.type) {
      case ValueType::integer:
        value.word = static_cast<std::uint64_t>(sqlite3_value_int64(stored));
        break;
      case ValueType::real:
        value.word = std::bit_cast<std::uint64_t>(sqlite3_value_double(stored));
        break;
      case ValueType::text:
      case ValueType::blob: {
        // The blob form of a text value is its bytes, without a conversion.
        const auto* data = static_cast<const std::uint8_t*>(sqlite3_value_blob(stored));
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(stored));
        value.word = arena_.size();
        value.size = static_cast<std::uint32_t>(size);
        if (size > 0) arena_.insert(arena_.end(), data, data + size);
        break;
      }
      case ValueType::null:
        break;
    }
    out[column] = value;
  }
  // door_id and zone_id as sqlite::Statement::column_int reads them, for the
  // door_zones check; a retyped value is converted as SQLite converts it.
  auto as_int = [&](int column) {
    const auto& value = out[column];
    if (value.type == ValueType::integer) return static_cast<std::int64_t>(value.word);
    return value.type == ValueType::null
               ? std::int64_t{0}
               : static_cast<std::int64_t>(sqlite3_column_int64(row, column));
  };
  door_zone_.emplace_back(as_int(kDoorColumn), as_int(kZoneColumn));
}

std::span<const std::uint8_t> RowBatch::bytes(std::size_t row, int column) const {
  const auto& v = value(row, column);
  if (v.type != ValueType::text && v.type != ValueType::blob) return {};
  return {arena_.data() + v.word, v.size};
}

StoredName& NameTable::operator[](std::int64_t id) {
  if (id >= 0 && id < kDenseLimit) {
    auto index = static_cast<std::size_t>(id);
    if (dense_.size() <= index) dense_.resize(index + 1);
    if (!dense_[index]) dense_[index].emplace();
    return *dense_[index];
  }
  return sparse_[id];
}

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

DoorZones load_door_zones(sqlite::Database& db) {
  DoorZones out;
  sqlite::Statement select{db.handle(), "SELECT door_id, zone_id FROM door_zones"};
  while (select.step()) out.insert(door_zone_key(select.column_int(0), select.column_int(1)));
  return out;
}

void encode_stored(CanonicalBytes& bytes, const RowBatch& batch, std::size_t row,
                   const NameTable& names) {
  bytes.start();
  for (int column = 0; column < kHashColumn; ++column) {
    const auto& value = batch.value(row, column);
    switch (value.type) {
      case ValueType::integer: {
        const auto id = static_cast<std::int64_t>(value.word);
        bytes.put_integer(id);
        if (column < kFirstNameColumn || column > kLastNameColumn) break;
        const auto* name = names.find(id);
        if (name == nullptr) {
          bytes.put_null();  // a dangling id: never what the append path wrote
        } else {
          put_name(bytes, *name);
        }
        break;
      }
      case ValueType::real:
        bytes.put_real(std::bit_cast<double>(value.word));
        break;
      case ValueType::text: {
        auto text = batch.bytes(row, column);
        bytes.put_text({reinterpret_cast<const char*>(text.data()), text.size()});
        break;
      }
      case ValueType::blob:
        bytes.put_blob(batch.bytes(row, column));
        break;
      case ValueType::null:
        bytes.put_null();
        break;
    }
  }
}

std::optional<std::string> wrong_type(const RowBatch& batch, std::size_t row,
                                      const NameTable& names) {
  for (int column = 0; column <= kHashColumn; ++column) {
    const auto& rule = kColumns[column];
    auto type = batch.value(row, column).type;
    if (type == rule.type || (rule.nullable && type == ValueType::null)) {
      if (column < kFirstNameColumn || column > kLastNameColumn || type == ValueType::null) {
        continue;
      }
      const auto* name = names.find(batch.integer(row, column));
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

std::optional<std::size_t> ChainChecker::check(const RowBatch& batch) {
  for (std::size_t row = 0; row < batch.size(); ++row) {
    if (static_cast<std::uint64_t>(batch.integer(row, 0)) != expected_seq_) return row;
    encode_stored(bytes_, batch, row, names_);
    auto stored_hash = batch.bytes(row, kHashColumn);
    if (batch.value(row, kHashColumn).type != ValueType::blob ||
        !same(hasher_.sha256(bytes_.bytes()), stored_hash) ||
        !same(batch.bytes(row, kPrevHashColumn), expected_prev_)) {
      return row;
    }
    if (batch.value(row, kDoorColumn).type != ValueType::null &&
        batch.value(row, kZoneColumn).type != ValueType::null &&
        !door_zones_.contains(door_zone_key(batch.door_int(row), batch.zone_int(row)))) {
      return row;
    }
    std::copy(stored_hash.begin(), stored_hash.end(), expected_prev_.begin());
    ++expected_seq_;
  }
  return std::nullopt;
}

}  // namespace vigil::journal::verify_rows
