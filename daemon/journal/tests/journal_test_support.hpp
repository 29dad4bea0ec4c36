// Shared fixtures for the journal tests: a temp dir removed afterwards, raw
// SQL on the file (the way an attacker or an inspector would reach it), and
// events that exercise every column.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "vigil/core/event.hpp"

namespace vigil::journal::testing {

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "vigil-journal-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
    path_ = pattern;
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  std::filesystem::path file(const std::string& name) const { return path_ / name; }

 private:
  std::filesystem::path path_;
};

// A plain sqlite3 connection to the file, bypassing the Journal.
class RawSql {
 public:
  explicit RawSql(const std::filesystem::path& path) {
    if (sqlite3_open(path.c_str(), &db_) != SQLITE_OK) throw std::runtime_error("open failed");
    sqlite3_busy_timeout(db_, 5000);
  }
  RawSql(const RawSql&) = delete;
  RawSql& operator=(const RawSql&) = delete;
  ~RawSql() { sqlite3_close(db_); }

  void exec(const std::string& sql) {
    char* message = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message);
    std::string what = message ? message : "";
    sqlite3_free(message);
    ASSERT_EQ(rc, SQLITE_OK) << sql << ": " << what;
  }

  std::string text(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    std::string out;
    if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK &&
        sqlite3_step(stmt) == SQLITE_ROW && sqlite3_column_text(stmt, 0) != nullptr) {
      out = reinterpret_cast<const char*>(sqlite3_column_text(stmt, 0));
    }
    sqlite3_finalize(stmt);
    return out;
  }

  std::int64_t integer(const std::string& sql) { return std::stoll(text(sql)); }
  sqlite3* handle() { return db_; }

  // What an attacker does before a type-changing UPDATE: edit the table's
  // CREATE statement in sqlite_schema so it is no longer STRICT. Takes effect
  // for connections opened afterwards.
  void drop_strict(const std::string& table) {
    exec("PRAGMA writable_schema=ON");
    exec("UPDATE sqlite_schema SET sql = replace(sql, ') STRICT', ')') WHERE name = '" + table +
         "'");
    exec("PRAGMA writable_schema=OFF");
  }

 private:
  sqlite3* db_ = nullptr;
};

// Row `seq`'s hash input, built from docs/journal.md ("Hash input") alone,
// with plain sqlite3 calls: an inspector's reading of the spec, independent of
// the library's encoder.
inline std::vector<std::uint8_t> canonical_bytes_of(RawSql& raw, std::int64_t seq) {
  std::vector<std::uint8_t> out;
  auto put_raw = [&](const void* data, std::size_t size) {
    const auto* bytes = static_cast<const std::uint8_t*>(data);
    out.insert(out.end(), bytes, bytes + size);
  };
  auto put_u = [&](std::uint64_t v, int width) {
    for (int i = width - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto put_value = [&](sqlite3_stmt* stmt, int column) {
    int type = sqlite3_column_type(stmt, column);
    out.push_back(static_cast<std::uint8_t>(type));
    if (type == SQLITE_INTEGER) {
      put_u(static_cast<std::uint64_t>(sqlite3_column_int64(stmt, column)), 8);
    } else if (type == SQLITE_TEXT || type == SQLITE_BLOB) {
      const void* data = type == SQLITE_TEXT
                             ? static_cast<const void*>(sqlite3_column_text(stmt, column))
                             : sqlite3_column_blob(stmt, column);
      auto size = static_cast<std::size_t>(sqlite3_column_bytes(stmt, column));
      put_u(size, 4);
      put_raw(data, size);
    }
  };
  std::string magic = "vigil.journal.v2";
  put_raw(magic.data(), magic.size());
  const char* sql =
      "SELECT e.seq, e.ts_us, e.kind_id, k.text, e.reason_id, r.text, e.door_id, d.text, "
      "e.reader_id, rd.text, e.zone_id, z.text, e.person_id, p.text, e.device_id, dv.text, "
      "e.card, e.detail, e.attrs, e.prev_hash FROM events e "
      "LEFT JOIN names k ON k.id = e.kind_id LEFT JOIN names r ON r.id = e.reason_id "
      "LEFT JOIN names d ON d.id = e.door_id LEFT JOIN names rd ON rd.id = e.reader_id "
      "LEFT JOIN names z ON z.id = e.zone_id LEFT JOIN names p ON p.id = e.person_id "
      "LEFT JOIN names dv ON dv.id = e.device_id WHERE e.seq = ?1";
  sqlite3_stmt* stmt = nullptr;
  if (sqlite3_prepare_v2(raw.handle(), sql, -1, &stmt, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(raw.handle()));
  }
  sqlite3_bind_int64(stmt, 1, seq);
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    put_value(stmt, 0);
    put_value(stmt, 1);
    for (int column = 2; column < 16; column += 2) {
      put_value(stmt, column);  // the id, or NULL
      if (sqlite3_column_type(stmt, column) != SQLITE_NULL) put_value(stmt, column + 1);
    }
    for (int column = 16; column < 20; ++column) put_value(stmt, column);
  }
  sqlite3_finalize(stmt);
  return out;
}

// 2026-03-02T08:00:00Z plus `seconds`.
inline core::TimePoint at(std::int64_t seconds) {
  return core::from_unix_micros((1'772'438'400 + seconds) * 1'000'000);
}

inline core::Event granted(std::int64_t second, const std::string& person, const std::string& door,
                           const std::string& zone) {
  core::Event event;
  event.time = at(second);
  event.kind = core::EventKind::access_granted;
  event.person = core::PersonId{person};
  event.door = core::DoorId{door};
  event.reader = core::ReaderId{door + "-in"};
  event.zone = core::ZoneId{zone};
  event.card =
      core::CardNumber{.facility = 12, .number = 1000 + static_cast<std::uint64_t>(second)};
  return event;
}

inline core::Event door_event(std::int64_t second, core::EventKind kind, const std::string& door) {
  core::Event event;
  event.time = at(second);
  event.kind = kind;
  event.door = core::DoorId{door};
  event.device = core::DeviceId{"io-1"};
  return event;
}

// n events alternating grants and door contacts, one second apart.
inline std::vector<core::Event> sample_events(int n) {
  std::vector<core::Event> events;
  for (int i = 0; i < n; ++i) {
    events.push_back(i % 2 == 0 ? granted(i, "p-" + std::to_string(i % 5), "d1", "lab")
                                : door_event(i, core::EventKind::door_opened, "d1"));
  }
  return events;
}

}  // namespace vigil::journal::testing
