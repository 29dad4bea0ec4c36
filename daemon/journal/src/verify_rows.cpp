#include "verify_rows.hpp"

#include <sqlite3.h>

#include <algorithm>
#include <bit>
#include <cstring>
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

}  // namespace

void RowBatch::reserve(std::size_t rows) {
  // A grant's canonical bytes and hash are ~300 bytes; a longer row grows
  // the arena as before.
  constexpr std::size_t kBytesPerRow = 512;
  values_.reserve(rows * kColumnCount);
  rows_.reserve(rows);
  if (arena_.size() < rows * kBytesPerRow) arena_.resize(rows * kBytesPerRow);
}

void RowBatch::clear() {
  values_.clear();
  used_ = 0;
  rows_.clear();
}

// The scan's SQL function: its first argument is the scan's Sink, passed as
// a pointer bound to the statement (SQLite's pointer-passing interface, so no
// SQL text can forge one), then the row's kColumnCount values. It returns
// NULL, so the WHERE clause is false for every row and the one step that
// runs the scan returns no row. DIRECTONLY: a view or trigger in a tampered
// schema cannot call it.
constexpr const char* kRowFunction = "vigil_verify_row";
constexpr const char* kSinkPointerType = "vigil.scan";

void row_function(sqlite3_context* context, int argc, sqlite3_value** argv) {
  auto* sink = static_cast<EventScan::Sink*>(sqlite3_value_pointer(argv[0], kSinkPointerType));
  if (sink == nullptr || argc != 1 + kColumnCount) {
    sqlite3_result_error(context, "vigil_verify_row: no scan", -1);
    return;
  }
  try {
    if (sink->row(sink->self, argv + 1)) return;
    sink->stopped = true;
  } catch (...) {  // never through SQLite's C frames
    sink->error = std::current_exception();
  }
  // Ends the step early; run() tells this from an SQLite error by the flags.
  sqlite3_result_error(context, "vigil_verify_row: scan stopped", -1);
}

EventScan::EventScan(sqlite::Database& db, std::uint64_t from, std::uint64_t to)
    : db_(db.handle()) {
  // The rowid range is the loop's bounds, so the function runs once per row
  // in the range, in seq order (the chain checker would see any other order
  // as damage, never miss it).
  const std::string sql = std::string{"SELECT 1 FROM events WHERE seq >= ?1 AND seq <= ?2 AND "} +
                          kRowFunction + "(?3, " + kEventColumns + ") ORDER BY seq";
  int rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), 0, &stmt_, nullptr);
  if (rc != SQLITE_OK) {
    // Registered on the connection's first walk. Not before every walk:
    // replacing a function expires every prepared statement of the connection.
    rc = sqlite3_create_function_v2(db_, kRowFunction, 1 + kColumnCount,
                                    SQLITE_UTF8 | SQLITE_DIRECTONLY, nullptr, row_function, nullptr,
                                    nullptr, nullptr);
    if (rc != SQLITE_OK) sqlite::throw_error(db_, rc, std::string{"register "} + kRowFunction);
    rc = sqlite3_prepare_v3(db_, sql.c_str(), static_cast<int>(sql.size()), 0, &stmt_, nullptr);
  }
  if (rc != SQLITE_OK) sqlite::throw_error(db_, rc, "prepare `" + sql + "`");
  sqlite3_bind_int64(stmt_, 1, static_cast<sqlite3_int64>(from));
  sqlite3_bind_int64(stmt_, 2, static_cast<sqlite3_int64>(to));
}

EventScan::~EventScan() {
  sqlite3_finalize(stmt_);
}

void EventScan::run_sink(Sink& sink) {
  int rc = sqlite3_bind_pointer(stmt_, 3, &sink, kSinkPointerType, nullptr);
  if (rc != SQLITE_OK) sqlite::throw_error(db_, rc, "bind the scan");
  rc = sqlite3_step(stmt_);
  // Unbind before anything else: the statement must not keep the pointer.
  sqlite3_reset(stmt_);
  sqlite3_bind_null(stmt_, 3);
  if (sink.error) std::rethrow_exception(sink.error);
  if (sink.stopped || rc == SQLITE_DONE) return;
  if (rc == SQLITE_ROW) throw JournalError("the verify scan returned a row", SQLITE_INTERNAL);
  sqlite::throw_error(db_, rc, std::string{"step `"} + sqlite3_sql(stmt_) + "`");
}

void RowBatch::grow(std::size_t size) {
  arena_.resize(std::max(2 * arena_.size(), used_ + size));
}

void RowBatch::capture(sqlite3_value* const* row, const NameTable& names) {
  const std::size_t start = used_;
  std::memcpy(extend(kCanonicalMagic.size()), kCanonicalMagic.data(), kCanonicalMagic.size());
  std::size_t end = start;
  for (int column = 0; column < kColumnCount; ++column) {
    const bool hash = column == kHashColumn;
    if (hash) end = used_;
    sqlite3_value* stored = row[column];
    Value value{.type = static_cast<ValueType>(sqlite3_value_type(stored)), .size = 0, .word = 0};
    switch (value.type) {
      case ValueType::integer: {
        const auto id = sqlite3_value_int64(stored);
        value.word = static_cast<std::uint64_t>(id);
        if (hash) break;
        put_tag_u64(tag::integer, value.word);
        if (column < kFirstNameColumn || column > kLastNameColumn) break;
        // An interned id: the name it refers to follows, typed as stored.
        const NameTable::Entry* name = names.find(id);
        if (name == nullptr) {
          *extend(1) = tag::null;  // a dangling id: never what the append path wrote
          break;
        }
        switch (name->type) {
          case ValueType::integer:
            put_tag_u64(tag::integer, name->word);
            break;
          case ValueType::real:
            put_tag_u64(tag::real, name->word);
            break;
          case ValueType::text:
          case ValueType::blob:
            put_tag_bytes(name->type == ValueType::text ? tag::text : tag::blob, names.bytes(*name),
                          name->size);
            break;
          case ValueType::null:
            *extend(1) = tag::null;
            break;
        }
        break;
      }
      case ValueType::real:
        value.word = std::bit_cast<std::uint64_t>(sqlite3_value_double(stored));
        if (!hash) put_tag_u64(tag::real, value.word);
        break;
      case ValueType::text:
      case ValueType::blob: {
        // The blob form of a text value is its bytes, without a conversion.
        const void* data = sqlite3_value_blob(stored);
        const auto size = static_cast<std::size_t>(sqlite3_value_bytes(stored));
        if (hash) {
          if (size > 0) std::memcpy(extend(size), data, size);
          value.word = used_ - size;
        } else {
          put_tag_bytes(value.type == ValueType::text ? tag::text : tag::blob, data, size);
          value.word = used_ - size;
        }
        value.size = static_cast<std::uint32_t>(size);
        break;
      }
      case ValueType::null:
        if (!hash) *extend(1) = tag::null;
        break;
    }
    values_.push_back(value);
  }
  // door_id and zone_id as sqlite::Statement::column_int reads them, for the
  // door_zones check; a retyped value is converted as SQLite converts it.
  const Value* out = values_.data() + values_.size() - kColumnCount;
  auto as_int = [&](int column) {
    const auto& value = out[column];
    if (value.type == ValueType::integer) return static_cast<std::int64_t>(value.word);
    return value.type == ValueType::null
               ? std::int64_t{0}
               : static_cast<std::int64_t>(sqlite3_value_int64(row[column]));
  };
  rows_.push_back(
      Row{.start = start, .end = end, .door = as_int(kDoorColumn), .zone = as_int(kZoneColumn)});
}

std::span<const std::uint8_t> RowBatch::bytes(std::size_t row, int column) const {
  const auto& v = value(row, column);
  if (v.type != ValueType::text && v.type != ValueType::blob) return {};
  return {arena_.data() + v.word, v.size};
}

void NameTable::reserve(std::int64_t max_id) {
  // One allocation sized from the highest id (the ids are dense from 1),
  // not a vector doubled up to it.
  if (max_id >= 0 && max_id < kDenseLimit) dense_.resize(static_cast<std::size_t>(max_id) + 1);
}

void NameTable::add(const sqlite::Statement& row) {
  const std::int64_t id = row.column_int(0);
  Entry entry{.word = 0, .size = 0, .type = row.value_type(1), .present = true};
  switch (entry.type) {
    case ValueType::integer:
      entry.word = static_cast<std::uint64_t>(row.column_int(1));
      break;
    case ValueType::real:
      entry.word = std::bit_cast<std::uint64_t>(row.column_real(1));
      break;
    case ValueType::text:
    case ValueType::blob: {
      const auto blob = row.column_blob(1);
      entry.word = text_.size();
      entry.size = static_cast<std::uint32_t>(blob.size());
      text_.insert(text_.end(), blob.begin(), blob.end());
      break;
    }
    case ValueType::null:
      break;
  }
  ++count_;
  if (id >= 0 && id < kDenseLimit) {
    const auto index = static_cast<std::size_t>(id);
    if (dense_.size() <= index) dense_.resize(index + 1);
    dense_[index] = entry;
  } else {
    sparse_[id] = entry;
  }
}

NameTable NameTable::load(sqlite::Database& db) {
  NameTable names;
  names.reserve(db.query_int("SELECT coalesce(max(id), 0) FROM names"));
  sqlite::Statement select{db.handle(), "SELECT id, text FROM names"};
  while (select.step()) names.add(select);
  names.text_.shrink_to_fit();
  return names;
}

NameTable NameTable::load_for_rows(sqlite::Database& db, std::uint64_t from, std::uint64_t to) {
  const std::int64_t max_id = db.query_int("SELECT coalesce(max(id), 0) FROM names");
  // Seven name columns a row; a lookup costs a few times a scanned row.
  const std::uint64_t rows = to >= from ? to - from + 1 : 0;
  if (rows > static_cast<std::uint64_t>(max_id) / 32) return load(db);
  NameTable names;
  // Any id a row holds as an INTEGER, whatever column: exactly the ids the
  // walk's capture() and wrong_type() look up.
  sqlite::Statement select{db.handle(),
                           "WITH r AS (SELECT kind_id, reason_id, door_id, reader_id, zone_id, "
                           "person_id, device_id FROM events WHERE seq BETWEEN ?1 AND ?2) "
                           "SELECT id, text FROM names WHERE id IN ("
                           "SELECT kind_id FROM r UNION SELECT reason_id FROM r "
                           "UNION SELECT door_id FROM r UNION SELECT reader_id FROM r "
                           "UNION SELECT zone_id FROM r UNION SELECT person_id FROM r "
                           "UNION SELECT device_id FROM r)"};
  select.bind(1, static_cast<std::int64_t>(std::min<std::uint64_t>(from, INT64_MAX)));
  select.bind(2, static_cast<std::int64_t>(std::min<std::uint64_t>(to, INT64_MAX)));
  while (select.step()) names.add(select);
  return names;
}

DoorZones load_door_zones(sqlite::Database& db) {
  DoorZones out;
  sqlite::Statement select{db.handle(), "SELECT door_id, zone_id FROM door_zones"};
  while (select.step()) out.insert(door_zone_key(select.column_int(0), select.column_int(1)));
  return out;
}

void encode_stored(CanonicalBytes& bytes, const RowBatch& batch, std::size_t row) {
  auto canonical = batch.canonical(row);
  bytes.buffer().assign(canonical.begin(), canonical.end());
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
    auto stored_hash = batch.bytes(row, kHashColumn);
    if (batch.value(row, kHashColumn).type != ValueType::blob ||
        !same(hasher_.sha256(batch.canonical(row)), stored_hash) ||
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
