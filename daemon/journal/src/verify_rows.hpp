// verify()'s rows, copied out of SQLite: each row's 14 stored values with
// their stored types, in batches, so one thread can step SQLite while another
// builds the hash inputs and hashes them. Also the per-row checks and the
// hash input built from a copied row (types and all, exactly as verify.cpp
// describes).
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <exception>
#include <limits>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "event_row.hpp"
#include "vigil/journal/hash_chain.hpp"
#include "vigil/journal/sqlite.hpp"

struct sqlite3_value;

namespace vigil::journal::verify_rows {

using sqlite::ValueType;

inline constexpr int kColumnCount = kHashColumn + 1;

// One stored value: an integer, a real's bits, or a span of the batch arena.
struct Value {
  ValueType type;
  std::uint32_t size;
  std::uint64_t word;  // integer (two's complement), real bits, or arena offset
};

// The walk's scan of rows from..to in seq order. Each row's 14 values reach
// the caller as the arguments of an SQL function evaluated in the scan's
// WHERE clause, so the whole range is one sqlite3_step: no per-row step and
// result row, and no sqlite3_column_value per column (the values are the
// function's argument registers). Those were ~1/4 of the reading thread's
// CPU time; the values and their stored types are the same either way.
class EventScan {
 public:
  // Rows with from <= seq <= to, in seq order.
  explicit EventScan(sqlite::Database& db, std::uint64_t from = 1,
                     std::uint64_t to = std::numeric_limits<std::int64_t>::max());
  EventScan(const EventScan&) = delete;
  EventScan& operator=(const EventScan&) = delete;
  ~EventScan();

  // Calls on_row(values) for every row in seq order, `values` the row's
  // kColumnCount stored values (valid during the call), until it returns
  // false. Rethrows what on_row threw; JournalError on an SQLite error.
  template <class OnRow>
  void run(OnRow&& on_row) {
    Sink sink{.row =
                  [](void* self, sqlite3_value** values) {
                    return (*static_cast<std::remove_reference_t<OnRow>*>(self))(values);
                  },
              .self = &on_row,
              .stopped = false,
              .error = nullptr};
    run_sink(sink);
  }

  // What the SQL function calls back (public for it, not for callers).
  struct Sink {
    bool (*row)(void* self, sqlite3_value** values);
    void* self;
    bool stopped = false;  // row() returned false: the scan ends early
    std::exception_ptr error;
  };

 private:
  void run_sink(Sink& sink);

  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

class NameTable;

// An allocator whose resize() leaves new bytes uninitialized: the arena's
// reserve is written before it is read, and zero-filling it (plus the page
// faults of touching it twice) showed in the walk's profile.
template <class T>
struct UninitializedAllocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = UninitializedAllocator<U>;
  };
  UninitializedAllocator() = default;
  template <class U>
  explicit UninitializedAllocator(const UninitializedAllocator<U>&) noexcept {}
  template <class U>
  void construct(U* at) noexcept {
    ::new (static_cast<void*>(at)) U;
  }
  template <class U, class... Args>
  void construct(U* at, Args&&... args) {
    std::construct_at(at, std::forward<Args>(args)...);
  }
};

// Rows copied out of the scan, each already laid out as its canonical bytes
// (docs/journal.md, "Hash input") in one arena: the reading thread writes the
// hash input as it reads the values, once, and the checking thread only
// hashes a span. A text or blob value's bytes are not copied a second time:
// its Value points at them inside the row's canonical bytes (after the tag
// and length). The stored hash follows the canonical bytes, outside them.
class RowBatch {
 public:
  // Room for `rows` rows of typical size, allocated once: growing from empty
  // (doubling, zero-filling, copying) cost each walk ~3 % of its CPU time.
  void reserve(std::size_t rows);
  void clear();
  // Encodes one row's stored values (EventScan's kColumnCount values);
  // `names` resolves the interned id columns.
  void capture(sqlite3_value* const* row, const NameTable& names);
  std::size_t size() const { return rows_.size(); }

  const Value& value(std::size_t row, int column) const {
    return values_[row * kColumnCount + static_cast<std::size_t>(column)];
  }
  std::int64_t integer(std::size_t row, int column) const {
    return static_cast<std::int64_t>(value(row, column).word);
  }
  // Text or blob bytes (empty for other types).
  std::span<const std::uint8_t> bytes(std::size_t row, int column) const;
  // The row's hash input: magic, then every column but the hash, typed.
  std::span<const std::uint8_t> canonical(std::size_t row) const {
    return {arena_.data() + rows_[row].start, rows_[row].end - rows_[row].start};
  }
  // door_id and zone_id as SQLite's column_int reads them (any stored type).
  std::int64_t door_int(std::size_t row) const { return rows_[row].door; }
  std::int64_t zone_int(std::size_t row) const { return rows_[row].zone; }

 private:
  struct Row {
    std::size_t start;  // the canonical bytes are arena_[start, end)
    std::size_t end;
    std::int64_t door;
    std::int64_t zone;
  };
  // `size` more bytes at the arena's end, growing it (without zero-filling
  // the reserve each row, as resize would). Called ~20 times a row: inline,
  // with the rare growth out of line (as a call it was ~5 % of the walk).
  std::uint8_t* extend(std::size_t size) {
    if (arena_.size() - used_ < size) grow(size);
    std::uint8_t* at = arena_.data() + used_;
    used_ += size;
    return at;
  }
  [[gnu::noinline]] void grow(std::size_t size);
  // The encodings of hash_chain.cpp's CanonicalBytes, written in place (the
  // worked example test and the Python verifier hold both to docs/journal.md).
  void put_tag_u64(std::uint8_t tag, std::uint64_t value) {
    std::uint8_t* at = extend(9);
    at[0] = tag;
    if constexpr (std::endian::native == std::endian::little) value = __builtin_bswap64(value);
    std::memcpy(at + 1, &value, 8);
  }
  void put_tag_bytes(std::uint8_t tag, const void* data, std::size_t size) {
    if (size > 0xffffffffu) throw std::length_error("journal field over 4 GiB");
    std::uint8_t* at = extend(5 + size);
    at[0] = tag;
    auto length = static_cast<std::uint32_t>(size);
    if constexpr (std::endian::native == std::endian::little) length = __builtin_bswap32(length);
    std::memcpy(at + 1, &length, 4);
    if (size > 0) std::memcpy(at + 5, data, size);
  }

  std::vector<Value> values_;
  std::vector<std::uint8_t, UninitializedAllocator<std::uint8_t>> arena_;
  std::size_t used_ = 0;  // bytes of arena_ in use; arena_.size() is its capacity
  std::vector<Row> rows_;
};

// The names rows a walk resolves, as stored: normally TEXT, but verify
// hashes whatever type it finds, as the inspector's script does. One entry
// of 16 bytes an id and one arena for the texts (s22-start): a
// vector<optional<{type, int, real, std::string}>> was ~64 B a name plus
// its doubling, 130-190 MiB at 2,000,000 people, held beside the roster
// load during vigild's start.
class NameTable {
 public:
  struct Entry {
    std::uint64_t word = 0;  // integer, real bits, or offset in the text arena
    std::uint32_t size = 0;  // text or blob bytes
    ValueType type = ValueType::null;
    bool present = false;
  };

  // Every row of `names`.
  static NameTable load(sqlite::Database& db);
  // The names that events rows [from, to] refer to, or every name when
  // that range is not much smaller than the table (then one scan is
  // cheaper than a lookup per id). A walk of a few rows after the newest
  // checkpoint (vigild's second start) reads a few names, not 2,000,000.
  static NameTable load_for_rows(sqlite::Database& db, std::uint64_t from, std::uint64_t to);

  const Entry* find(std::int64_t id) const {
    if (id >= 0 && static_cast<std::uint64_t>(id) < dense_.size()) {
      const auto& name = dense_[static_cast<std::size_t>(id)];
      return name.present ? &name : nullptr;
    }
    auto it = sparse_.find(id);
    return it == sparse_.end() ? nullptr : &it->second;
  }
  const std::uint8_t* bytes(const Entry& name) const { return text_.data() + name.word; }
  std::size_t size() const { return count_; }

 private:
  void reserve(std::int64_t max_id);
  void add(const sqlite::Statement& row);  // a row of (id, text)

  static constexpr std::int64_t kDenseLimit = 1 << 24;
  std::vector<Entry> dense_;
  std::unordered_map<std::int64_t, Entry> sparse_;
  std::vector<std::uint8_t> text_;
  std::size_t count_ = 0;
};

// door_zones is derived data, like an index, but an ordinary table: deleting
// one of its rows would hide rows from zone queries while the chain stays
// intact. So verify checks it is complete for every row it walks.
using DoorZones = std::unordered_set<std::uint64_t>;
DoorZones load_door_zones(sqlite::Database& db);

// The row's canonical bytes from what is stored, types and all (a copy of
// the batch's, which classify() rewrites in place to search for a moved row).
void encode_stored(CanonicalBytes& bytes, const RowBatch& batch, std::size_t row);

// "person_id holds BLOB, the schema says INTEGER", or nullopt when every
// stored type (the referenced names included) is one the schema allows.
std::optional<std::string> wrong_type(const RowBatch& batch, std::size_t row,
                                      const NameTable& names);

// Walks rows in seq order and finds the first bad one: a seq gap, a hash that
// does not match the content (or is not a BLOB), a broken prev_hash link or a
// door and zone missing from door_zones. Naming the kind of damage is left to
// the caller, which has the database.
class ChainChecker {
 public:
  ChainChecker(const DoorZones& door_zones, const Hash& genesis)
      : door_zones_(door_zones), expected_prev_(genesis) {}

  // Starts the walk at row `seq`, expecting it to chain from `prev`.
  void start_at(std::uint64_t seq, const Hash& prev) {
    expected_seq_ = seq;
    expected_prev_ = prev;
  }

  // The index of the batch's first bad row, or nullopt when all are good.
  std::optional<std::size_t> check(const RowBatch& batch);

  std::uint64_t rows() const { return expected_seq_ - 1; }  // intact rows so far
  const Hash& head() const { return expected_prev_; }

 private:
  const DoorZones& door_zones_;
  RowHasher hasher_;
  std::uint64_t expected_seq_ = 1;
  Hash expected_prev_;
};

}  // namespace vigil::journal::verify_rows
