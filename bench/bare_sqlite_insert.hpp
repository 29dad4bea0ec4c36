// The floor for the journal's append: a bare C loop (sqlite3 calls only) that
// inserts the same rows into the same schema, the same way (interned names,
// one transaction per batch, WAL, synchronous=FULL), but hashes nothing and
// stores zero hashes. If the writer runs near this loop, the hashing and the
// queue are not the limit; SQLite's B-tree work is.
#pragma once

#include <sqlite3.h>

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <stdexcept>
#include <string>
#include <unordered_map>

#include "vigil/core/event.hpp"

namespace vigil::bench {

class BareSqliteInsert {
 public:
  // The file must already hold a v2 journal (open a journal::Journal first).
  explicit BareSqliteInsert(const std::filesystem::path& path) {
    check(sqlite3_open(path.c_str(), &db_));
    exec("PRAGMA journal_mode=WAL");
    exec("PRAGMA synchronous=FULL");
    exec("PRAGMA cache_size=-16384");  // the journal's 16 MiB default
    prepare(
        "INSERT INTO events (seq, ts_us, kind_id, reason_id, door_id, reader_id, zone_id, "
        "person_id, device_id, card, detail, attrs, prev_hash, hash) VALUES "
        "(?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, NULL, ?12, ?13)",
        &insert_);
    prepare("INSERT INTO names (text) VALUES (?1)", &insert_name_);
  }
  BareSqliteInsert(const BareSqliteInsert&) = delete;
  BareSqliteInsert& operator=(const BareSqliteInsert&) = delete;
  ~BareSqliteInsert() {
    sqlite3_finalize(insert_);
    sqlite3_finalize(insert_name_);
    sqlite3_close(db_);
  }

  void insert(std::span<const core::Event> events) {
    exec("BEGIN IMMEDIATE");
    for (const auto& event : events) {
      sqlite3_bind_int64(insert_, 1, ++seq_);
      sqlite3_bind_int64(insert_, 2, core::to_unix_micros(event.time));
      sqlite3_bind_int64(insert_, 3, name(core::to_string(event.kind)));
      sqlite3_bind_int64(insert_, 4, name(core::to_string(event.reason)));
      bind_name(5, event.door);
      bind_name(6, event.reader);
      bind_name(7, event.zone);
      bind_name(8, event.person);
      bind_name(9, event.device);
      if (event.card) {
        auto card = core::to_string(*event.card);
        sqlite3_bind_text(insert_, 10, card.data(), static_cast<int>(card.size()),
                          SQLITE_TRANSIENT);
      } else {
        sqlite3_bind_null(insert_, 10);
      }
      sqlite3_bind_text(insert_, 11, event.detail.data(), static_cast<int>(event.detail.size()),
                        SQLITE_TRANSIENT);
      sqlite3_bind_blob(insert_, 12, kZero.data(), static_cast<int>(kZero.size()), SQLITE_STATIC);
      sqlite3_bind_blob(insert_, 13, kZero.data(), static_cast<int>(kZero.size()), SQLITE_STATIC);
      if (sqlite3_step(insert_) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
      sqlite3_reset(insert_);
    }
    exec("COMMIT");
  }

 private:
  static constexpr std::array<std::uint8_t, 32> kZero{};

  void check(int rc) {
    if (rc != SQLITE_OK) throw std::runtime_error(db_ ? sqlite3_errmsg(db_) : "sqlite3_open");
  }
  void exec(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
  void prepare(const char* sql, sqlite3_stmt** stmt) {
    check(sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, stmt, nullptr));
  }

  std::int64_t name(const std::string& text) {
    auto it = names_.find(text);
    if (it != names_.end()) return it->second;
    sqlite3_bind_text(insert_name_, 1, text.data(), static_cast<int>(text.size()),
                      SQLITE_TRANSIENT);
    if (sqlite3_step(insert_name_) != SQLITE_DONE) throw std::runtime_error(sqlite3_errmsg(db_));
    sqlite3_reset(insert_name_);
    return names_[text] = sqlite3_last_insert_rowid(db_);
  }
  template <class IdType>
  void bind_name(int index, const std::optional<IdType>& id) {
    if (id) {
      sqlite3_bind_int64(insert_, index, name(id->str()));
    } else {
      sqlite3_bind_null(insert_, index);
    }
  }

  sqlite3* db_ = nullptr;
  sqlite3_stmt* insert_ = nullptr;
  sqlite3_stmt* insert_name_ = nullptr;
  std::unordered_map<std::string, std::int64_t> names_;
  std::int64_t seq_ = 0;
};

}  // namespace vigil::bench
